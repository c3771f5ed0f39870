"""The fast paths of the binding give exactly what the plain calls give.

- ``score_many`` moves each text into its report's Rust side (for the HTML
  rendering) and builds the report objects in Rust: every report, summary
  and HTML rendering (which carries the report's own text) must equal the
  single call's, in order, for batch sizes from 0 to a few hundred, with
  and without customers, on one thread and in a pool.
- The module-level ``score``/``score_reply`` call the default analyzer
  without keywords when none are given: every form of the call returns what
  ``Analyzer`` returns.
- Reports are built lazily in Rust: a fresh report has converted nothing,
  and a field read is kept.
Texts are the shared golden cases (no corpus needed).
"""

from __future__ import annotations

import pickle
from typing import Any

import empathize
import pytest
from conftest import case_input, load_golden

CASES = [c for c in load_golden("messages.json")["cases"] if c.get("kind", "reply") == "reply"]
REPLIES = [t for t in (case_input(c, "text") for c in CASES) if t is not None]
CUSTOMERS = [case_input(c, "customer") for c in CASES]
#: A batch size to vary around (sizes just below, at and above it and its
#: multiples catch an off-by-one in how results meet their texts).
CHUNK = 64


def batch(n: int) -> tuple[list[str], list[str | None]]:
    """``n`` distinct replies (golden texts numbered), every other one with a
    customer message (or None)."""
    texts = [f"{REPLIES[i % len(REPLIES)]} ({i})" for i in range(n)]
    customers = [CUSTOMERS[i % len(CUSTOMERS)] if i % 2 else None for i in range(n)]
    return texts, customers


def test_enough_golden_replies() -> None:
    assert len(REPLIES) >= 20


@pytest.mark.parametrize("n", [0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5])
@pytest.mark.parametrize("threads", [1, 2])
def test_score_many_equals_single_calls_across_chunks(analyzer: Any, n: int, threads: int) -> None:
    texts, customers = batch(n)
    single = [analyzer.score(t, customer=c) for t, c in zip(texts, customers)]
    reports = analyzer.score_many(texts, customers=customers, threads=threads)
    assert len(reports) == n
    for i, (report, expected) in enumerate(zip(reports, single)):
        assert type(report) is empathize.MessageReport
        assert report.to_dict() == expected.to_dict(), f"report {i}"
        # The HTML shows the text the report was built with: a text moved to
        # the wrong report at a chunk boundary would show here.
        assert report._repr_html_() == expected._repr_html_(), f"html {i}"
    summaries = analyzer.score_many(texts, customers=customers, threads=threads, summary=True)
    assert [s.to_dict() for s in summaries] == [
        analyzer.score(t, customer=c, summary=True).to_dict() for t, c in zip(texts, customers)
    ]
    # Without customers, too (the path that scores with no context).
    plain = analyzer.score_many(texts, threads=threads)
    assert [r.to_dict() for r in plain] == [analyzer.score(t).to_dict() for t in texts]


def test_score_many_bad_text_deep_in_a_batch_raises(analyzer: Any) -> None:
    texts: list[Any] = batch(2 * CHUNK)[0]
    texts[CHUNK + 3] = 7
    with pytest.raises(TypeError, match=rf"texts\[{CHUNK + 3}\] must be str, not int"):
        analyzer.score_many(texts, threads=1)


@pytest.mark.parametrize("case", CASES[:12], ids=lambda c: str(c.get("name")))
def test_module_score_forms_equal_the_analyzer(analyzer: Any, case: dict[str, Any]) -> None:
    text = case_input(case, "text")
    customer = case_input(case, "customer") or "I have been waiting for a week and nobody answers."
    assert text is not None
    plain = analyzer.score(text).to_dict()
    none: Any = None
    for report in (
        empathize.score(text),
        empathize.score(text, customer=None),
        empathize.score(text, summary=False),
        empathize.score(text, summary=none),
    ):
        assert type(report) is empathize.MessageReport
        assert report.to_dict() == plain
    with_customer = analyzer.score(text, customer=customer).to_dict()
    assert empathize.score(text, customer=customer).to_dict() == with_customer
    assert empathize.score_reply(customer, text).to_dict() == with_customer
    assert empathize.score_reply(customer, text, summary=False).to_dict() == with_customer
    summary = empathize.score_reply(customer, text, summary=True)
    assert type(summary) is empathize.ReplySummary
    assert summary.to_dict() == analyzer.score_reply(customer, text, summary=True).to_dict()
    assert type(empathize.score(text, summary=True)) is empathize.ReplySummary


def test_lazy_report_converts_a_field_on_first_read(analyzer: Any) -> None:
    for report in (
        analyzer.score(REPLIES[0]),
        analyzer.score_many(REPLIES[:3], threads=1)[2],
        analyzer.score(REPLIES[0], summary=True),
        analyzer.analyze_customer("This is the third time I ask!"),
    ):
        assert report.__dict__ == {}
        assert isinstance(report, empathize._native._Native) and report._lazy()
        flags = report["flags"] if "flags" in report else report["emotions"]
        assert len(report.__dict__) == 1
        assert (report.flags if "flags" in report else report.emotions) is flags
        with pytest.raises(AttributeError, match="read-only"):
            report._x = None
        # Unpickled, a report is converted whole and holds no Rust report.
        copy = pickle.loads(pickle.dumps(report))
        assert type(copy) is type(report)
        assert not copy._lazy()
        assert copy.to_dict() == report.to_dict()
        assert copy == report
        with pytest.raises(AttributeError):
            copy._field("score")
    # Reports are not built by hand, with or without arguments.
    for args in ((), (1,), ("x", 2)):
        with pytest.raises(TypeError, match="objects come from Analyzer calls"):
            empathize.MessageReport(*args, score=1.0)
