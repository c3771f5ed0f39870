"""``summary=True``: a :class:`empathize.ReplySummary` equals the fields of
the full report it summarizes, on the shared golden cases (with and without
the customer message), for single calls and batches; bad arguments fail as
they do on the full path."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any, Callable

import empathize
import pytest
from conftest import case_input, load_golden

SCHEMA: dict[str, list[str]] = json.loads(
    (Path(__file__).resolve().parents[3] / "tests" / "schema" / "reports.json").read_text()
)
#: The fields a summary holds: those of the core's ``ReplySummary`` struct.
FIELDS = SCHEMA["ReplySummary"]
#: The fields of the full report a summary leaves out.
LEFT_OUT = sorted(set(SCHEMA["MessageReport"]) - set(FIELDS))

MESSAGES = load_golden("messages.json")
REPLIES = [c for c in MESSAGES["cases"] if c.get("kind", "reply") == "reply"]


def summarized(report: empathize.MessageReport) -> dict[str, Any]:
    """The fields of a full report that its summary carries."""
    whole = report.to_dict()
    return {name: whole[name] for name in FIELDS}


def assert_summarizes(summary: Any, report: empathize.MessageReport) -> None:
    assert type(summary) is empathize.ReplySummary
    assert type(report) is empathize.MessageReport
    assert summary.to_dict() == summarized(report)
    # Field by field through the lazy attributes, too (each converted on first read).
    for name in FIELDS:
        mine, theirs = getattr(summary, name), getattr(report, name)
        if isinstance(mine, (empathize.Dimensions, empathize.Epitome, empathize.ReplyContext)):
            assert mine == theirs, name
        elif isinstance(mine, list) and mine and hasattr(mine[0], "to_dict"):
            assert [m.to_dict() for m in mine] == [t.to_dict() for t in theirs], name
        else:
            assert mine == theirs, name


def test_the_schema_says_what_a_summary_leaves_out() -> None:
    assert LEFT_OUT == ["breakdown", "evidence", "matches"]
    assert set(empathize.ReplySummary._fields) == set(FIELDS)


@pytest.mark.parametrize("case", REPLIES, ids=[c["name"] for c in REPLIES])
def test_golden_reply_summary_equals_the_report(case: dict[str, Any]) -> None:
    text = case_input(case, "text")
    customer = case_input(case, "customer")
    assert text is not None
    assert_summarizes(empathize.score(text, customer=customer, summary=True), empathize.score(text, customer=customer))
    # And without the customer message, whatever the case gives.
    assert_summarizes(empathize.score(text, summary=True), empathize.score(text))
    if customer is not None:
        assert_summarizes(empathize.score_reply(customer, text, summary=True), empathize.score_reply(customer, text))


def test_golden_cases_carry_context_and_matches() -> None:
    """The comparison above is not vacuous: the cases hold matches the
    summary leaves out, and customer context it keeps."""
    with_customer = [c for c in REPLIES if c.get("customer")]
    assert len(with_customer) >= 5
    summaries = [
        empathize.score(case_input(c, "text") or "", customer=case_input(c, "customer"), summary=True)
        for c in with_customer
    ]
    assert all(s.context is not None for s in summaries)
    assert sum(len(empathize.score(case_input(c, "text") or "").matches) for c in REPLIES) > 0
    assert any(s.flags for s in summaries) or any(s.tips for s in summaries)


@pytest.mark.parametrize("threads", [1, 2, None])
def test_batch_summaries_equal_the_reports_in_order(threads: int | None) -> None:
    texts = [case_input(c, "text") or "" for c in REPLIES]
    customers = [case_input(c, "customer") for c in REPLIES]
    analyzer = empathize.Analyzer()
    summaries = analyzer.score_many(texts, threads=threads, summary=True)
    reports = analyzer.score_many(texts, threads=threads)
    assert len(summaries) == len(reports) == len(texts)
    for summary, report in zip(summaries, reports):
        assert_summarizes(summary, report)
    with_context = analyzer.score_many(texts, customers=customers, threads=threads, summary=True)
    for summary, text, customer in zip(with_context, texts, customers):
        assert_summarizes(summary, analyzer.score(text, customer=customer))
    assert empathize.score_many(texts[:3], summary=True) == [empathize.score(t, summary=True) for t in texts[:3]]


def test_summary_false_or_none_is_the_full_report() -> None:
    reply = "I'm so sorry, I'll refund it today."
    for off in (False, None):
        assert type(empathize.score(reply, summary=off)) is empathize.MessageReport
        assert type(empathize.score_reply("Upset!", reply, summary=off)) is empathize.MessageReport
        assert all(type(r) is empathize.MessageReport for r in empathize.score_many([reply], summary=off))
    assert empathize.score_many([], summary=True) == []


def test_a_summary_has_no_left_out_fields_and_no_html() -> None:
    summary = empathize.score("Per our policy, we can't refund you.", summary=True)
    for name in LEFT_OUT:
        with pytest.raises(AttributeError):
            getattr(summary, name)
        with pytest.raises(KeyError):
            summary[name]
    assert not hasattr(summary, "_repr_html_")
    assert summary.has_tip("offer_alternative")
    assert summary.has_flag("policy_wall") == ("policy_wall" in summary.flags)
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert repr(summary).startswith("ReplySummary(score=")


def test_custom_analyzers_summarize_their_own_reports() -> None:
    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.8\npatterns = ["aloha"]\n'
    analyzer = empathize.Analyzer(extra_rules=extra)
    text = "Aloha! Sorry about that."
    assert_summarizes(analyzer.score(text, summary=True), analyzer.score(text))
    assert analyzer.score(text, summary=True) != empathize.score(text, summary=True)


def _error(call: Callable[[], object]) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        call()
    return type(info.value), str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda **kw: empathize.score(42, **kw),
        lambda **kw: empathize.score(None, **kw),
        lambda **kw: empathize.score(b"sorry", **kw),
        lambda **kw: empathize.score("ok", customer=5, **kw),
        lambda **kw: empathize.score("ok", "positional customer", **kw),
        lambda **kw: empathize.score("bad\ud800", **kw),
        lambda **kw: empathize.score_reply(1, "x", **kw),
        lambda **kw: empathize.score_reply("x", "y\udc80", **kw),
        lambda **kw: empathize.score_many("not a list of str", **kw),
        lambda **kw: empathize.score_many(["a", 2], **kw),
        lambda **kw: empathize.score_many(["a", "b\ud800"], **kw),
        lambda **kw: empathize.score_many(["a", "b"], customers=["c"], **kw),
        lambda **kw: empathize.score_many(["a"], customers=[3], **kw),
        lambda **kw: empathize.score_many(["a"], threads=0, **kw),
        lambda **kw: empathize.score_many(["a"], threads="2", **kw),
        lambda **kw: empathize.score_many(["a"], ["c"], **kw),
    ],
)
def test_bad_arguments_fail_as_on_the_full_path(call: Callable[..., object]) -> None:
    assert _error(lambda: call(summary=True)) == _error(lambda: call())


@pytest.mark.parametrize("bad", ["yes", 1, 0, [], 1.0])
def test_summary_must_be_a_bool(bad: object) -> None:
    for call in (
        lambda: empathize.score("ok", summary=bad),
        lambda: empathize.score_reply("upset", "ok", summary=bad),
        lambda: empathize.score_many(["ok"], summary=bad),
    ):
        with pytest.raises(TypeError, match=r"summary must be bool, not"):
            call()


def test_summary_is_keyword_only_in_score_reply() -> None:
    with pytest.raises(TypeError):
        empathize.Analyzer().score_reply("upset", "ok", True)
