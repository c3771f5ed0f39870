"""Offsets are code points: ``text[start:end]`` slices what was matched, on
text with emoji, accents, CJK, right-to-left scripts and combining marks."""

from __future__ import annotations

import empathize
import pytest

TEXTS = [
    "I’m so sorry 😭 — I understand how frustrating that is. I’ll fix it today.",
    "😡😡😡 I'm really sorry, I understand. Thank you for your patience 🙏",
    "Café déjà vu: I’m très sorry, je comprends. I understand how upsetting that is, Zoë.",
    "我很抱歉 I'm so sorry about the delay 非常抱歉, I understand how frustrating this is 😞",
    "مرحبا! I'm so sorry, I understand how frustrating that is. שלום",
    "e\u0301 n\u0303 I'm sorry 👩‍👩‍👧‍👦 I understand 🇫🇷 how stressful that is 👍🏽",
    "Dear Σοφία, I apologize — I understand how upsetting this must be. Привет!",
    "\U0001f600" * 50 + " I'm so sorry, I understand how frustrating that is.",
]

CUSTOMER = [
    "I'm SO upset 😭😭 my order is late AGAIN!!! 我很生气",
    "Je suis très déçu 😞 I'm really disappointed and frustrated with this.",
    "👩‍👩‍👧‍👦 I'm furious, I already told you three times!!! I want a manager.",
]


def _spans_slice(text: str, matches: list[empathize.Match]) -> None:
    for m in matches:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.text, (m, text[m.start : m.end])


@pytest.mark.parametrize("text", TEXTS)
def test_reply_matches_slice_the_text(text: str) -> None:
    report = empathize.score(text)
    assert report.matches, "the fixture texts are meant to match something"
    _spans_slice(text, report.matches)
    for s in report.strategies:
        assert 0 <= s.start <= s.end <= len(text)
    for e in report.evidence:
        assert 0 <= e.start <= e.end <= len(text)


@pytest.mark.parametrize("text", TEXTS)
def test_reply_with_customer_slices_the_reply(text: str) -> None:
    report = empathize.score_reply(CUSTOMER[0], text)
    _spans_slice(text, report.matches)


@pytest.mark.parametrize("text", CUSTOMER)
def test_customer_matches_slice_the_text(text: str) -> None:
    report = empathize.analyze_customer(text)
    assert report.matches
    _spans_slice(text, report.matches)


@pytest.mark.parametrize("text", TEXTS + CUSTOMER)
def test_tokens_slice_the_text(text: str) -> None:
    tokens = empathize.tokenize(text)
    assert tokens
    for t in tokens:
        assert text[t.start : t.end] == t.text
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)


def test_emoji_offsets_are_code_points_not_bytes_or_utf16() -> None:
    text = "😭 sorry"
    tokens = empathize.tokenize(text)
    assert [(t.text, t.start, t.end) for t in tokens] == [("😭", 0, 1), ("sorry", 2, 7)]
    assert tokens[0].kind == "emoji"


def test_score_many_offsets() -> None:
    reports = empathize.score_many(TEXTS, customers=[CUSTOMER[0]] * len(TEXTS), threads=2)
    for text, report in zip(TEXTS, reports):
        _spans_slice(text, report.matches)


def test_conversation_offsets_are_per_turn() -> None:
    turns = [
        ("customer", CUSTOMER[0]),
        ("agent", TEXTS[0]),
        ("customer", CUSTOMER[2]),
        ("agent", TEXTS[3]),
        ("customer", CUSTOMER[1]),
        ("agent", TEXTS[5]),
    ]
    report = empathize.analyze_conversation(turns)
    total = 0
    for (role, text), tr in zip(turns, report.turns):
        sub = tr.reply if role == "agent" else tr.customer
        assert sub is not None
        _spans_slice(text, sub.matches)
        total += len(sub.matches)
    assert total > 0


def test_to_dict_carries_code_point_offsets() -> None:
    text = TEXTS[1]
    d = empathize.score(text).to_dict()
    for m in d["matches"]:
        assert text[m["start"] : m["end"]] == m["text"]
