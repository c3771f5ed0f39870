"""``empathize.polars``: Polars columns through the Arrow path."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import empathize
import pytest
from conftest import report_row

try:
    import polars as pl
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("polars is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)
try:
    import pyarrow  # noqa: F401
except ImportError:  # pragma: no cover - a dev dependency, not optional
    pytest.fail("pyarrow is needed: pip install -r bindings/python/requirements-dev.txt", pytrace=False)

from empathize.polars import STRUCT, score, score_struct

COLUMNS = ["score", *empathize.DIMENSIONS, "flags", "tips", *empathize.MECHANISMS]


def test_score_equals_score_reply_row_by_row(analyzer: Any, real_pairs: list[tuple[str, str]]) -> None:
    customers = [c for c, _ in real_pairs]
    replies = [r for _, r in real_pairs]
    df = pl.DataFrame({"customer": customers, "reply": replies})
    out = score(df, "reply", customer_column="customer", analyzer=analyzer)
    assert out.columns == COLUMNS
    assert out.height == len(replies)
    assert out.to_dicts() == [report_row(analyzer.score_reply(c, r)) for c, r in real_pairs]
    assert out.schema["flags"] == pl.List(pl.String)
    assert out.schema["emotional_reactions"] == pl.Int8


def test_nulls_chunks_and_categoricals(analyzer: Any, real_pairs: list[tuple[str, str]]) -> None:
    replies = [r for _, r in real_pairs[:300]]
    texts = [None if i % 5 == 0 else t for i, t in enumerate(replies)]
    # A frame of several chunks (Polars exports them as a stream).
    df = pl.concat([pl.DataFrame({"text": texts[:100]}), pl.DataFrame({"text": texts[100:]})], rechunk=False)
    assert df.n_chunks() == 2
    expected = [dict.fromkeys(COLUMNS) if t is None else report_row(analyzer.score(t)) for t in texts]
    assert score(df).to_dicts() == expected
    as_categories = df.with_columns(pl.col("text").cast(pl.Categorical))
    assert score(as_categories).to_dicts() == expected
    assert score(pl.DataFrame({"text": [None, None]})).to_dicts() == [dict.fromkeys(COLUMNS)] * 2
    assert score(pl.DataFrame({"text": []}, schema={"text": pl.String})).height == 0


def test_score_struct_in_a_lazy_query(analyzer: Any, real_pairs: list[tuple[str, str]]) -> None:
    replies = [r for _, r in real_pairs[:200]]
    lf = pl.LazyFrame({"id": range(len(replies)), "text": replies})
    out = (
        lf.with_columns(pl.col("text").map_batches(score_struct, return_dtype=STRUCT).alias("empathy"))
        .unnest("empathy")
        .collect()
    )
    assert out.columns == ["id", "text", *COLUMNS]
    assert out.select(COLUMNS).to_dicts() == [report_row(analyzer.score(t)) for t in replies]


def test_errors() -> None:
    with pytest.raises(KeyError):
        score(pl.DataFrame({"text": ["a"]}), "nope")
    with pytest.raises(KeyError):
        score(pl.DataFrame({"text": ["a"]}), customer_column="nope")
    with pytest.raises(TypeError, match="must hold strings"):
        score(pl.DataFrame({"text": [1, 2]}))
    with pytest.raises(TypeError, match="polars DataFrame"):
        score({"text": ["a"]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threads"):
        score_struct(pl.Series("text", ["a"]), threads=0)


def test_importing_empathize_does_not_import_polars() -> None:
    code = "import sys, empathize; empathize.score('hi'); assert 'polars' not in sys.modules, 'polars imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
