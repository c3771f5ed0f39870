"""Hostile text through the Python binding: every Unicode code point (so every
general category), NUL and control characters, right-to-left text with
bidi controls and combining marks, lone surrogates at every position, and a
10 MB message. Each gets a report whose offsets slice the caller's ``str``,
or a ``ValueError`` naming the position of a lone surrogate."""

from __future__ import annotations

import functools
import unicodedata

import empathize
import pytest

SURROGATES = range(0xD800, 0xE000)


@functools.cache
def all_scalar_values() -> list[str]:
    return [chr(c) for c in range(0x110000) if c not in SURROGATES]


def assert_slices(text: str, report: empathize.MessageReport | empathize.CustomerReport) -> None:
    for m in report.matches:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.text, (m.start, m.end, m.text)


def assert_tokens(text: str, tokens: list[empathize.Token]) -> None:
    end = 0
    for t in tokens:
        assert end <= t.start <= t.end <= len(text), (t.start, t.end)
        assert text[t.start : t.end] == t.text
        end = t.end


def test_every_code_point_and_so_every_general_category() -> None:
    chars = all_scalar_values()
    # Every general category but Cs (surrogates: not valid in text, see
    # below) is among them, including Cn (unassigned) and Co (private use).
    assert sorted(samples_by_category()) == sorted(CATEGORIES)
    analyzer = empathize.Analyzer()
    chunk = 4096
    for i in range(0, len(chars), chunk):
        text = "".join(chars[i : i + chunk])
        spaced = " ".join(chars[i : i + chunk]) + " I'm so sorry, I understand."
        r = analyzer.score(spaced, customer=text)
        assert 0.0 <= r.score <= 100.0
        assert_slices(spaced, r)
        assert r.matches, "the apology after the chunk is found"
        assert_slices(text, analyzer.analyze_customer(text))
        assert_tokens(spaced, analyzer.tokenize(spaced))


@functools.cache
def samples_by_category() -> dict[str, list[str]]:
    """Up to 64 code points of each general category, in code point order."""
    samples: dict[str, list[str]] = {}
    for c in all_scalar_values():
        bucket = samples.setdefault(unicodedata.category(c), [])
        if len(bucket) < 64:
            bucket.append(c)
    return samples


CATEGORIES = "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp Cc Cf Co Cn".split()


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_general_category_around_a_match(category: str) -> None:
    # Samples of the category glued to the words of a match, on both sides.
    samples = samples_by_category()[category]
    assert samples
    for s in samples[:: max(1, len(samples) // 16)]:
        text = f"{s}I’m so sorry{s} {s}, I understand how frustrating{s}that is.{s * 3}"
        r = empathize.score(text, customer=f"{s}I'm furious{s}!!!")
        assert 0.0 <= r.score <= 100.0
        assert_slices(text, r)
        assert_tokens(text, empathize.tokenize(text))


def test_nul_and_control_characters_keep_offsets() -> None:
    controls = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
    text = f"\x00\x00 {controls} I’m so sorry\x00 about that.\x1b[0m I understand\x07 how frustrating that is \x00"
    r = empathize.score(text)
    assert any(m.text == "I’m so sorry" for m in r.matches), [m.text for m in r.matches]
    assert_slices(text, r)
    assert_tokens(text, empathize.tokenize(text))
    assert all(s.end <= len(text) for s in r.strategies)
    # NUL inside a word splits nothing it should not, and crashes nothing.
    for text in ["\x00" * 100_000, "so\x00rry " * 1000, "\r\n\x0b\x0c\x85\u2028\u2029" * 1000]:
        r = empathize.score(text, customer=text)
        assert 0.0 <= r.score <= 100.0
        assert_slices(text, r)


BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"


@pytest.mark.parametrize(
    "text",
    [
        # Arabic with harakat (combining marks) and a tatweel, then English.
        "مَرْحَبًا بِكُمْ ـــ \u202bI’m so sorry\u202c, I understand how frustrating that is.",
        # Hebrew with niqqud, an isolate and a right-to-left override.
        "שָׁלוֹם \u2067עוֹלָם\u2069 \u202eI’m so sorry\u202c about the delay, I understand.",
        # Every bidi control between the words of a match.
        "I’m" + BIDI_CONTROLS + " so sorry" + BIDI_CONTROLS + ", I understand how frustrating that is.",
        # Stacked combining marks on every letter.
        "".join(c + "\u0301\u0308\u0323" if c.isalpha() else c for c in "I'm so sorry, I understand how bad that is."),
        # Decomposed accents and a combining mark with no base.
        "\u0301Jose\u0301, I’m so sorry — I understand. Zoe\u0308, thank you for your patience.",
    ],
)
def test_rtl_bidi_controls_and_combining_marks(text: str) -> None:
    for r in (empathize.score(text), empathize.score_reply(text, text)):
        assert_slices(text, r)
        for s in r.strategies:
            assert 0 <= s.start <= s.end <= len(text)
    assert_slices(text, empathize.analyze_customer(text))
    assert_tokens(text, empathize.tokenize(text))
    conversation = empathize.analyze_conversation([("customer", text), ("agent", text)])
    assert_slices(text, conversation.turns[1].reply)


def test_every_lone_surrogate_is_a_value_error_at_its_position() -> None:
    prefix = "😭é I’m so sorry "  # astral, accented, curly: positions count code points
    for i, code in enumerate(SURROGATES):
        pad = "x" * (i % 7)
        text = prefix + pad + chr(code) + " I understand"
        with pytest.raises(ValueError, match=rf"lone surrogate at position {len(prefix) + len(pad)}\b.*U\+{code:04X}"):
            empathize.score(text)
    # A surrogate pair written as two code points is still two lone surrogates.
    with pytest.raises(ValueError, match=r"position 0\b"):
        empathize.tokenize("\ud83d\ude2d sorry")


def test_ten_megabyte_message_keeps_offsets_to_the_end() -> None:
    unit = "The parcel left the depot 📦 on Monday and the tracking number is 1Z999. "
    text = unit * (10_000_000 // len(unit.encode()) + 1) + "I’m so sorry 😭"
    assert len(text.encode()) > 10_000_000
    r = empathize.score(text)
    last = r.matches[-1]
    assert last.text == "I’m so sorry"
    assert text[last.start : last.end] == last.text
    assert r.strategies[-1].end == len(text)
    many = empathize.score_many([text, "Nope."], threads=2)
    assert many[0].to_dict() == r.to_dict()
