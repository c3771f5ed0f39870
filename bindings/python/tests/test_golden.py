"""The shared golden cases (``tests/golden/*.json``), checked through the
Python API. Every ``expect`` key is implemented; an unknown key fails the
case, so a typo cannot hide a check. Failures here are usually about the
rule pack or the scoring, not the binding: the Rust suite runs the same
cases (``crates/empathize/tests/golden.rs``)."""

from __future__ import annotations

import math
from typing import Any, Callable

import empathize
import pytest
from conftest import case_input, load_golden

MESSAGES = load_golden("messages.json")
CONVERSATIONS = load_golden("conversations.json")

#: Case-level fields documented in the ``keys`` section next to the expect keys.
CASE_FIELDS = {"kind", "repeat"}

REPLY_KEYS = {
    "score_min",
    "score_max",
    "flags_include",
    "flags_exclude",
    "dimensions_min",
    "dimensions_max",
    "tips_include",
    "tips_exclude",
    "categories_include",
    "categories_exclude",
    "negated_include",
    "epitome_min",
    "epitome_max",
    "max_matches",
}
CUSTOMER_KEYS = {
    "distress_level",
    "distress_level_min",
    "emotions_min",
    "escalation",
    "repetition",
    "complaint",
}
CONVERSATION_KEYS = {
    "late_empathy",
    "missed_opportunities",
    "missed_opportunities_include",
    "first_distress_turn",
    "first_empathy_turn",
    "empathy_latency_min",
    "scripted_repetition_include",
    "question_streak_min",
    "question_streak_max",
    "resolution_confirmed",
    "score_min",
    "score_max",
    "flags_include",
    "tips_include",
}


def documented_keys() -> set[str]:
    keys: set[str] = set()
    for entry in MESSAGES["keys"]:
        keys.update(part.strip() for part in entry.split("/"))
    return keys


def test_every_documented_message_key_is_implemented() -> None:
    missing = documented_keys() - REPLY_KEYS - CUSTOMER_KEYS - CASE_FIELDS
    assert not missing, f"keys documented in messages.json but not checked here: {missing}"


def _check_offsets(text: str, matches: list[empathize.Match], failures: list[str]) -> None:
    for m in matches:
        if text[m.start : m.end] != m.text:
            failures.append(f"offsets: text[{m.start}:{m.end}] = {text[m.start : m.end]!r} != {m.text!r}")


def check_reply(report: empathize.MessageReport, expect: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    flags = report.flags
    counted = [m.category for m in report.matches if not m.negated and not m.suppressed]
    dims = report.dimensions.to_dict()
    tips = [t.code for t in report.tips]
    for key, want in expect.items():
        fail: Callable[[str], None] = lambda msg, key=key: failures.append(f"{key}: {msg}")  # noqa: E731
        if key == "score_min":
            if report.score < want:
                fail(f"score {report.score:.1f} < {want}")
        elif key == "score_max":
            if report.score > want:
                fail(f"score {report.score:.1f} > {want}")
        elif key == "flags_include":
            for f in want:
                if f not in flags:
                    fail(f"missing flag {f} (have {flags})")
        elif key == "flags_exclude":
            for f in want:
                if f in flags:
                    fail(f"unexpected flag {f}")
        elif key in ("dimensions_min", "dimensions_max"):
            for d, bound in want.items():
                if d not in dims:
                    fail(f"unknown dimension {d}")
                elif key == "dimensions_min" and dims[d] < bound:
                    fail(f"{d} = {dims[d]} < {bound}")
                elif key == "dimensions_max" and dims[d] > bound:
                    fail(f"{d} = {dims[d]} > {bound}")
        elif key == "tips_include":
            for t in want:
                if t not in tips:
                    fail(f"missing tip {t} (have {tips})")
        elif key == "tips_exclude":
            for t in want:
                if t in tips:
                    fail(f"unexpected tip {t}")
        elif key == "categories_include":
            for c in want:
                if c not in counted:
                    fail(f"no counted match of {c} (have {counted})")
        elif key == "categories_exclude":
            for c in want:
                if c in counted:
                    fail(f"unexpected counted match of {c}")
        elif key == "negated_include":
            negated = [m.category for m in report.matches if m.negated]
            for c in want:
                if c not in negated:
                    fail(f"no negated match of {c} (negated: {negated})")
        elif key in ("epitome_min", "epitome_max"):
            levels = report.epitome.to_dict()
            for mech, level in want.items():
                if mech not in levels:
                    fail(f"unknown mechanism {mech}")
                elif (levels[mech] < level) if key == "epitome_min" else (levels[mech] > level):
                    fail(f"{mech} = {levels[mech]}, {key} {level}")
        elif key == "max_matches":
            if len(report.matches) > want:
                fail(f"{len(report.matches)} matches")
        else:
            fail(f"unknown expect key `{key}` for a reply")
    return failures


def check_customer(report: empathize.CustomerReport, expect: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    for key, want in expect.items():
        fail: Callable[[str], None] = lambda msg, key=key: failures.append(f"{key}: {msg}")  # noqa: E731
        if key == "distress_level":
            if report.distress_level != want:
                fail(f"level {report.distress_level} (distress {report.distress:.3f})")
        elif key == "distress_level_min":
            if report.distress_level < want:
                fail(f"level {report.distress_level} (distress {report.distress:.3f})")
        elif key == "emotions_min":
            emotions = report.emotions.to_dict()
            for name, bound in want.items():
                if emotions.get(name, -1.0) < bound:
                    fail(f"{name} = {emotions.get(name)} < {bound}")
        elif key == "escalation":
            if report.escalation != want:
                fail(f"escalation {report.escalation}")
        elif key == "repetition":
            if report.repetition != want:
                fail(f"repetition {report.repetition}")
        elif key == "complaint":
            if report.complaint != want:
                fail(f"complaint {report.complaint}")
        else:
            fail(f"unknown expect key `{key}` for a customer message")
    return failures


@pytest.mark.parametrize("case", MESSAGES["cases"], ids=[c["name"] for c in MESSAGES["cases"]])
def test_golden_message(case: dict[str, Any]) -> None:
    text = case_input(case, "text")
    assert text is not None, "a message case needs `text`"
    unknown = set(case) - {"name", "description", "text", "customer", "expect"} - CASE_FIELDS
    assert not unknown, f"unknown case fields {unknown}"
    failures: list[str] = []
    if case.get("kind") == "customer":
        creport = empathize.analyze_customer(text)
        _check_offsets(text, creport.matches, failures)
        failures += check_customer(creport, case["expect"])
        if empathize.analyze_customer(text) != creport:
            failures.append("not deterministic")
    else:
        assert case.get("kind", "reply") == "reply", f"unknown kind {case.get('kind')}"
        customer = case_input(case, "customer")
        report = empathize.score(text, customer=customer)
        _check_offsets(text, report.matches, failures)
        failures += check_reply(report, case["expect"])
        rederived = 100.0 / (1.0 + math.exp(-sum(t.value for t in report.breakdown)))
        if abs(rederived - report.score) > 0.01:
            failures.append(f"score {report.score} is not 100*sigmoid(sum breakdown) = {rederived}")
    assert not failures, "\n".join(failures)


def _turns(case: dict[str, Any]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = case["turns"]
    return turns


def check_conversation(report: empathize.ConversationReport, expect: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    missed = [m.customer_turn for m in report.missed_opportunities]
    for key, want in expect.items():
        fail: Callable[[str], None] = lambda msg, key=key: failures.append(f"{key}: {msg}")  # noqa: E731
        if key == "late_empathy":
            if report.late_empathy != want:
                fail(f"late_empathy {report.late_empathy}")
        elif key == "missed_opportunities":
            if missed != want:
                fail(f"missed {missed}")
        elif key == "missed_opportunities_include":
            for t in want:
                if t not in missed:
                    fail(f"turn {t} not missed (missed {missed})")
        elif key == "first_distress_turn":
            if report.first_distress_turn != want:
                fail(f"{report.first_distress_turn}")
        elif key == "first_empathy_turn":
            if report.first_empathy_turn != want:
                fail(f"{report.first_empathy_turn}")
        elif key == "empathy_latency_min":
            if report.empathy_latency is None or report.empathy_latency < want:
                fail(f"{report.empathy_latency}")
        elif key == "scripted_repetition_include":
            phrases = [r.phrase for r in report.scripted_repetition]
            for p in want:
                if p not in phrases:
                    fail(f"`{p}` not reported (have {phrases})")
        elif key == "question_streak_min":
            if report.question_streak < want:
                fail(f"{report.question_streak}")
        elif key == "question_streak_max":
            if report.question_streak > want:
                fail(f"{report.question_streak}")
        elif key == "resolution_confirmed":
            if report.resolution_confirmed != want:
                fail(f"{report.resolution_confirmed}")
        elif key == "score_min":
            if report.score < want:
                fail(f"{report.score:.1f}")
        elif key == "score_max":
            if report.score > want:
                fail(f"{report.score:.1f}")
        elif key == "flags_include":
            seen = {f for t in report.turns if t.reply is not None for f in t.reply.flags}
            for f in want:
                if f not in seen:
                    fail(f"flag {f} never raised (seen {sorted(seen)})")
        elif key == "tips_include":
            codes = [t.code for t in report.tips]
            for t in want:
                if t not in codes:
                    fail(f"missing tip {t} (have {codes})")
        else:
            fail(f"unknown expect key `{key}`")
    return failures


@pytest.mark.parametrize("case", CONVERSATIONS["cases"], ids=[c["name"] for c in CONVERSATIONS["cases"]])
def test_golden_conversation(case: dict[str, Any]) -> None:
    turns = _turns(case)
    report = empathize.analyze_conversation(turns)
    failures: list[str] = []
    assert len(report.turns) == len(turns)
    for turn, tr in zip(turns, report.turns):
        assert tr.role == turn["role"]
        sub = tr.reply if tr.reply is not None else tr.customer
        assert sub is not None
        _check_offsets(turn["text"], sub.matches, failures)
    failures += check_conversation(report, case["expect"])
    assert not failures, "\n".join(failures)


STRATEGIES = load_golden("strategies.json")


def test_golden_strategies() -> None:
    """One-sentence cases of the ESConv strategies: accuracy >= min_accuracy."""
    analyzer = empathize.Analyzer()
    misses = []
    for case in STRATEGIES["cases"]:
        report = analyzer.score(case["text"])
        assert len(report.strategies) == 1, case["text"]
        got = report.strategies[0].strategy
        if got != case["strategy"]:
            misses.append(f"{case['strategy']} -> {got}: {case['text']}")
    accuracy = 1 - len(misses) / len(STRATEGIES["cases"])
    assert accuracy >= STRATEGIES["min_accuracy"], "\n".join(misses)
