"""``empathize.pandas``: optional, imported only when used."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import empathize
import pytest

pd = pytest.importorskip("pandas")
import empathize.pandas  # noqa: E402
from empathize.pandas import COLUMNS, DIMENSIONS, MECHANISMS, score_frame  # noqa: E402

REPLIES = [
    "I’m so sorry about the double charge — I understand how frustrating that is.",
    "Per our policy, refunds take 10 business days.",
    "Nope.",
]
CUSTOMERS = ["I was charged twice and I'm so stressed!", None, "I'm furious, this is the third time!!!"]


@pytest.fixture(autouse=True, params=["arrow", "lists"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs on both paths of ``score_frame``: through
    ``score_arrow`` (pyarrow installed) and through Python lists."""
    if request.param == "arrow":
        pytest.importorskip("pyarrow")
    else:
        monkeypatch.setattr(empathize.pandas, "_pyarrow", lambda: None)
    return str(request.param)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA


def test_importing_empathize_does_not_import_pandas() -> None:
    code = "import sys, empathize; empathize.score('hi'); assert 'pandas' not in sys.modules, 'pandas imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_score_frame_columns_and_index() -> None:
    df = pd.DataFrame({"text": REPLIES, "other": [1, 2, 3]}, index=["a", "b", "c"])
    out = score_frame(df)
    assert list(out.index) == ["a", "b", "c"]
    assert list(out.columns) == ["score", *DIMENSIONS, "flags", "tips", *MECHANISMS]
    assert list(out.columns) == list(COLUMNS)
    reports = [empathize.score(t) for t in REPLIES]
    assert out["score"].tolist() == [r.score for r in reports]
    assert out["flags"].tolist() == [r.flags for r in reports]
    assert out["tips"].tolist() == [[t.code for t in r.tips] for r in reports]
    for d in DIMENSIONS:
        assert out[d].tolist() == [getattr(r.dimensions, d) for r in reports]
    for m in MECHANISMS:
        assert out[m].tolist() == [getattr(r.epitome, m) for r in reports]
        assert str(out[m].dtype) == "Int8"
    assert out["score"].dtype == "float64"
    joined = df.join(out)
    assert len(joined) == 3


def test_score_frame_with_customer_column() -> None:
    df = pd.DataFrame({"reply": REPLIES, "customer": CUSTOMERS})
    out = score_frame(df, column="reply", customer_column="customer", threads=2)
    assert out["score"].tolist() == [empathize.score(t, customer=c).score for t, c in zip(REPLIES, CUSTOMERS)]


def test_score_frame_missing_replies_give_missing_rows() -> None:
    df = pd.DataFrame({"text": [REPLIES[0], None, float("nan"), REPLIES[2]]}, index=[10, 20, 30, 40])
    out = score_frame(df)
    assert list(out.index) == [10, 20, 30, 40]
    assert out["score"].isna().tolist() == [False, True, True, False]
    assert out.loc[40, "score"] == empathize.score(REPLIES[2]).score
    assert _missing(out.loc[20, "flags"]) and _missing(out.loc[30, "tips"])
    assert out["flags"].isna().tolist() == [False, True, True, False]
    assert out["emotional_reactions"].isna().tolist() == [False, True, True, False]


def test_score_frame_custom_analyzer_and_errors() -> None:
    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.9\npatterns = ["aloha"]\n'
    df = pd.DataFrame({"text": ["Aloha!"]})
    out = score_frame(df, analyzer=empathize.Analyzer(extra_rules=extra))
    assert out.loc[0, "warmth"] > 0
    with pytest.raises(KeyError):
        score_frame(df, column="nope")
    with pytest.raises(KeyError):
        score_frame(df, customer_column="nope")
    with pytest.raises(TypeError):
        score_frame(pd.DataFrame({"text": [1, 2]}))
    with pytest.raises(TypeError):
        score_frame(REPLIES)  # type: ignore[arg-type]


def test_score_frame_empty() -> None:
    out = score_frame(pd.DataFrame({"text": pd.Series([], dtype=object)}))
    assert len(out) == 0 and list(out.columns) == list(COLUMNS)


def test_score_frame_string_dtypes_and_categoricals(path: str) -> None:
    for dtype in ["object", "string", "category"]:
        df = pd.DataFrame({"text": pd.Series([REPLIES[0], None, REPLIES[1]], dtype=dtype)})
        out = score_frame(df)
        assert out["score"].isna().tolist() == [False, True, False], dtype
        assert out.loc[2, "score"] == empathize.score(REPLIES[1]).score, dtype


def test_score_frame_mixed_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        score_frame(pd.DataFrame({"text": ["fine", 3]}))
    with pytest.raises(TypeError):
        score_frame(pd.DataFrame({"text": ["fine"], "customer": [b"bytes"]}), customer_column="customer")


def test_score_frame_arrow_path_keeps_lists_in_arrow(path: str) -> None:
    out = score_frame(pd.DataFrame({"text": REPLIES}))
    if path == "arrow":
        assert isinstance(out["flags"].dtype, pd.ArrowDtype)
        assert isinstance(out["tips"].dtype, pd.ArrowDtype)
    else:
        assert out["flags"].dtype == object


def test_score_frame_equals_score_row_by_row_on_real_texts(analyzer: Any, real_pairs: list[tuple[str, str]]) -> None:
    customers = [None if i % 9 == 0 else c for i, (c, _) in enumerate(real_pairs)]
    replies = [None if i % 17 == 0 else r for i, (_, r) in enumerate(real_pairs)]
    df = pd.DataFrame({"customer": customers, "reply": replies}, index=range(5, 5 + len(replies)))
    out = score_frame(df, "reply", customer_column="customer", analyzer=analyzer)
    assert list(out.index) == list(df.index)
    for i, (customer, reply) in enumerate(zip(customers, replies)):
        got = out.iloc[i]
        if reply is None:
            assert pd.isna(got["score"]) and _missing(got["flags"])
            continue
        r = analyzer.score(reply, customer=customer)
        assert got["score"] == r.score
        assert list(got["flags"]) == r.flags
        assert list(got["tips"]) == [t.code for t in r.tips]
        assert [got[d] for d in DIMENSIONS] == [getattr(r.dimensions, d) for d in DIMENSIONS]
        assert [got[m] for m in MECHANISMS] == [getattr(r.epitome, m) for m in MECHANISMS]
