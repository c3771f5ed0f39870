"""``empathize.pandas``: optional, imported only when used."""

from __future__ import annotations

import subprocess
import sys

import empathize
import pytest

pd = pytest.importorskip("pandas")
from empathize.pandas import DIMENSIONS, MECHANISMS, score_frame  # noqa: E402

REPLIES = [
    "I’m so sorry about the double charge — I understand how frustrating that is.",
    "Per our policy, refunds take 10 business days.",
    "Nope.",
]
CUSTOMERS = ["I was charged twice and I'm so stressed!", None, "I'm furious, this is the third time!!!"]


def test_importing_empathize_does_not_import_pandas() -> None:
    code = "import sys, empathize; empathize.score('hi'); assert 'pandas' not in sys.modules, 'pandas imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_score_frame_columns_and_index() -> None:
    df = pd.DataFrame({"text": REPLIES, "other": [1, 2, 3]}, index=["a", "b", "c"])
    out = score_frame(df)
    assert list(out.index) == ["a", "b", "c"]
    assert list(out.columns) == ["score", *DIMENSIONS, "flags", "tips", *MECHANISMS]
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
    assert out["score"].tolist() == [empathize.score(t, c).score for t, c in zip(REPLIES, CUSTOMERS)]


def test_score_frame_missing_replies_give_missing_rows() -> None:
    df = pd.DataFrame({"text": [REPLIES[0], None, float("nan"), REPLIES[2]]}, index=[10, 20, 30, 40])
    out = score_frame(df)
    assert list(out.index) == [10, 20, 30, 40]
    assert out["score"].isna().tolist() == [False, True, True, False]
    assert out.loc[40, "score"] == empathize.score(REPLIES[2]).score
    assert out.loc[20, "flags"] is None
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
    assert len(out) == 0 and "score" in out.columns
