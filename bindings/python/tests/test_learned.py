"""Learned weight tables through the Python API: learned matches and their
code-point spans, the distress breakdown of a customer report, ``to_dict``,
and the bundled opt-in packs of ``empathize.pack``.

The texts are written for these tests (no dataset rows): plain complaints
whose words the GoEmotions tables of the default pack weigh."""

from __future__ import annotations

import math
import sys

import empathize
import pytest

# Upset, in words the default rules do not cover but the learned tables do:
# every match of this message is learned, so its distress is the learned
# logit alone (no strong rule hit to take the max with).
UPSET = "This is awful and it sucks."
# The same words after emoji (astral: 1 code point, 2 UTF-16 units), a ZWJ
# family, a flag, Cyrillic and CJK.
PREFIXED = [
    "😡😡 我很生气 — " + UPSET,
    "Привет 👩‍👩‍👧‍👦 🇫🇷 the update is horrible, it sucks 😭",
]
# A strong rule hit (anger, repetition, escalation): distress is the rules'.
RULES_STRONG = "I'm furious, I already told you three times!!! I want a manager."
# The rule categories that feed the rules' distress.
DISTRESS_RULES = {
    "anger",
    "frustration",
    "sadness",
    "anxiety",
    "disappointment",
    "confusion",
    "urgency",
    "escalation",
    "repetition",
}
# A sentence the bundled strategies table re-tags (the rules say
# affirmation_reassurance).
RETAGGED = "I hope you have a great day."


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _learned(report: empathize.CustomerReport | empathize.MessageReport) -> list[empathize.Match]:
    return [m for m in report.matches if m.source == "learned"]


def test_an_upset_message_has_learned_matches() -> None:
    report = empathize.analyze_customer(UPSET)
    learned = _learned(report)
    assert learned, report.matches
    assert {m.source for m in report.matches} <= {"rule", "learned"}
    for m in learned:
        table, _, target = m.rule.partition(":")
        assert table in {"goemotions-emotions", "goemotions-distress"}, m
        assert target == m.category, m
        assert m.polarity == "neutral"
        assert not m.negated and not m.suppressed
    # The distress table weighs the complaint words up.
    distress = [m for m in learned if m.rule == "goemotions-distress:distress"]
    assert {m.text.lower() for m in distress} >= {"awful", "sucks"}
    assert all(m.contribution > 0 for m in distress)
    assert report.distress_level >= 2


def test_a_calm_message_weighs_down() -> None:
    report = empathize.analyze_customer("Thank you so much, that fixed it!")
    assert report.distress < 0.15
    assert any(m.source == "learned" and m.contribution < 0 for m in report.matches)


@pytest.mark.parametrize("text", [UPSET, *PREFIXED])
def test_learned_matches_slice_the_text_by_code_point(text: str) -> None:
    report = empathize.analyze_customer(text)
    learned = _learned(report)
    assert learned
    for m in report.matches:
        assert 0 <= m.start < m.end <= len(text), m
        assert text[m.start : m.end] == m.text, (m, text[m.start : m.end])


def test_offsets_after_emoji_are_code_points_not_bytes_or_utf16() -> None:
    text = PREFIXED[0]
    awful = next(m for m in empathize.analyze_customer(text).matches if m.text == "awful")
    assert awful.start == text.index("awful")
    assert awful.start != len(text[: awful.start].encode("utf-8"))
    assert awful.start != len(text[: awful.start].encode("utf-16-le")) // 2


def test_conversation_turns_keep_learned_spans_and_breakdown() -> None:
    text = PREFIXED[1]
    convo = empathize.analyze_conversation([{"role": "customer", "text": text}])
    customer = convo.turns[0].customer
    assert customer is not None
    assert customer == empathize.analyze_customer(text)
    assert _learned(customer) and customer.breakdown
    for m in customer.matches:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "text", [UPSET, "Привет 👩‍👩‍👧‍👦 🇫🇷 the update is horrible, it sucks", "Thank you so much, that fixed it!"]
)
def test_breakdown_sums_to_the_distress_logit(text: str) -> None:
    report = empathize.analyze_customer(text)
    terms = report.breakdown
    assert terms, "the default pack has a learned distress table"
    assert terms[0].source == "bias"
    assert {t.source for t in terms} <= {"bias", "rules", "learned"}
    assert sum(t.source == "bias" for t in terms) == 1
    # No rule speaks of distress, so distress is the learned logit alone.
    assert not [m for m in report.matches if m.source == "rule" and m.category in DISTRESS_RULES]
    assert not any(t.source == "rules" for t in terms)
    assert _sigmoid(sum(t.value for t in terms)) == pytest.approx(report.distress, abs=1e-3)


def test_a_strong_rule_hit_keeps_the_rules_distress() -> None:
    report = empathize.analyze_customer(RULES_STRONG)
    learned_distress = _sigmoid(sum(t.value for t in report.breakdown))
    assert any(t.source == "rules" for t in report.breakdown)
    assert report.distress >= 0.5
    assert report.distress >= learned_distress - 1e-3


@pytest.mark.parametrize("text", [UPSET, RULES_STRONG, *PREFIXED])
def test_learned_terms_point_at_their_matches(text: str) -> None:
    report = empathize.analyze_customer(text)
    matches = report.matches
    learned_terms = [t for t in report.breakdown if t.source == "learned"]
    for t in report.breakdown:
        if t.source != "learned":
            assert t.match_index is None, t
    for t in learned_terms:
        assert t.match_index is not None and 0 <= t.match_index < len(matches), t
        m = matches[t.match_index]
        assert m.source == "learned", (t, m)
        assert m.category == "distress" and m.rule == "goemotions-distress:distress", (t, m)
        assert m.contribution == t.value, (t, m)
    # Every distress n-gram shown is a term, and no two terms share a match.
    indexes = [t.match_index for t in learned_terms]
    assert len(set(indexes)) == len(indexes)
    shown = {i for i, m in enumerate(matches) if m.rule == "goemotions-distress:distress"}
    assert shown == set(indexes)


def test_to_dict_carries_source_and_breakdown() -> None:
    report = empathize.analyze_customer(PREFIXED[0])
    data = report.to_dict()
    assert [m["source"] for m in data["matches"]] == [m.source for m in report.matches]
    assert "learned" in {m["source"] for m in data["matches"]}
    assert data["matches"] == [m.to_dict() for m in report.matches]
    assert data["breakdown"] == [t.to_dict() for t in report.breakdown]
    assert [(t["source"], t["value"], t["match_index"]) for t in data["breakdown"]] == [
        (t.source, t.value, t.match_index) for t in report.breakdown
    ]
    for t in data["breakdown"]:
        assert set(t) == {"source", "label", "value", "match_index"}
    # Spans in to_dict are code points too.
    for m in data["matches"]:
        assert PREFIXED[0][m["start"] : m["end"]] == m["text"]


def test_repr_names_learned_matches() -> None:
    m = _learned(empathize.analyze_customer(UPSET))[0]
    assert "source='learned'" in repr(m)


def test_pack_is_toml_for_extra_rules() -> None:
    toml = empathize.pack("esconv-strategies")
    assert isinstance(toml, str)
    assert toml.count("[[tables]]") == 1 and 'name = "esconv-strategies"' in toml
    if sys.version_info >= (3, 11):
        import tomllib

        parsed = tomllib.loads(toml)
        assert [t["name"] for t in parsed["tables"]] == ["esconv-strategies"]
        assert parsed["tables"][0]["output"] == "strategies"
    assert "non-commercial" in toml.lower()
    assert "NC" in toml
    assert empathize.pack("esconv-strategies") == toml

    analyzer = empathize.Analyzer(extra_rules=[toml])
    default = empathize.Analyzer()
    assert not any(m.rule.startswith("esconv-strategies:") for m in default.score(RETAGGED).matches)
    report = analyzer.score(RETAGGED)
    learned = [m for m in report.matches if m.source == "learned"]
    assert learned and all(m.rule.startswith("esconv-strategies:") for m in learned)
    assert {m.category for m in learned} == {s.strategy for s in report.strategies}
    assert [s.strategy for s in report.strategies] != [s.strategy for s in default.score(RETAGGED).strategies]
    for m in report.matches:
        assert RETAGGED[m.start : m.end] == m.text
    # A single string works as well as a list.
    assert empathize.Analyzer(extra_rules=toml).score(RETAGGED) == report


def test_unknown_pack_raises_value_error_naming_the_bundled_ones() -> None:
    with pytest.raises(ValueError, match="nope") as err:
        empathize.pack("nope")
    assert "esconv-strategies" in str(err.value)
    with pytest.raises(TypeError):
        empathize.pack(42)  # type: ignore[arg-type]


def _invoice_table(scale: str) -> str:
    """A distress table with one n-gram, ``invoice`` at weight 2, and ``scale``."""
    return (
        '[[tables]]\nname = "goemotions-distress"\noutput = "distress"\n'
        f"{scale}\n"
        'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n'
        "[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n"
        '"invoice" = 2.0\n'
    )


@pytest.mark.parametrize(
    ("scale", "text", "expected"),
    [
        ("", "where is my invoice", 2.0),
        ('scale = "sqrt-length"', "where is my invoice", 1.0),  # 2 / √4
        (
            'scale = "sqrt-length"',
            "hello again , where is my invoice from last month for the order i placed today",
            0.5,  # 2 / √16
        ),
    ],
)
def test_a_length_scaled_table_counts_each_ngram_over_the_root_of_the_length(
    scale: str, text: str, expected: float
) -> None:
    analyzer = empathize.Analyzer(extra_rules=[_invoice_table(scale)])
    report = analyzer.analyze_customer(text)
    (term,) = [t for t in report.breakdown if t.source == "learned"]
    assert term.value == expected
    assert report.matches[term.match_index].contribution == expected
    assert report.matches[term.match_index].text == "invoice"


def test_an_unknown_table_scale_is_a_rule_pack_error() -> None:
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(extra_rules=[_invoice_table('scale = "log"')])
    assert info.value.line == 4
    assert "scale" in str(info.value)


def _sorry_table(skip_masked: str) -> str:
    """A distress table ``t-distress`` with ``sorry`` at 2 and ``invoice`` at 1."""
    return (
        '[[tables]]\nname = "t-distress"\noutput = "distress"\n'
        f"{skip_masked}\n"
        'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n'
        "[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n"
        '"sorry" = 2.0\n"invoice" = 1.0\n'
    )


def _learned_texts(pack: str, text: str) -> list[str]:
    analyzer = empathize.Analyzer(extra_rules=[pack], disable=["goemotions-distress", "goemotions-emotions"])
    report = analyzer.analyze_customer(text)
    return [m.text.lower() for m in report.matches if m.source == "learned"]


POLITE = "Sorry to bother you, but where is my invoice?"
REMORSE = "I'm so sorry, I ordered the wrong size"


@pytest.mark.parametrize(
    ("skip_masked", "text", "expected"),
    [
        ("skip_masked = true", POLITE, ["invoice"]),  # a courtesy formula
        ("", POLITE, ["sorry", "invoice"]),
        ("skip_masked = false", POLITE, ["sorry", "invoice"]),
        ("skip_masked = true", REMORSE, ["sorry"]),  # remorse is no courtesy
    ],
)
def test_courtesy_spans_hide_ngrams_from_tables_that_skip_masked(
    skip_masked: str, text: str, expected: list[str]
) -> None:
    assert _learned_texts(_sorry_table(skip_masked), text) == expected


def test_a_pack_rule_with_mask_learned_masks_its_span() -> None:
    def rule(mask: str) -> str:
        return (
            '[[rules]]\nid = "courtesy.test"\ncategory = "courtesy"\nweight = 0.0\n'
            f'{mask}\npatterns = ["my invoice"]\n\n' + _sorry_table("skip_masked = true")
        )

    assert _learned_texts(rule("mask_learned = true"), "Where is my invoice?") == []
    assert _learned_texts(rule(""), "Where is my invoice?") == ["invoice"]


def test_mask_learned_on_a_reply_category_is_a_rule_pack_error() -> None:
    pack = (
        '[[rules]]\nid = "warmth.test"\ncategory = "warmth"\nweight = 1.0\n'
        'mask_learned = true\npatterns = ["hello there"]\n'
    )
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(extra_rules=[pack])
    assert (info.value.field, info.value.line) == ("mask_learned", 5)


def test_skip_masked_on_a_reply_table_is_a_rule_pack_error() -> None:
    pack = (
        '[[tables]]\nname = "t-epitome"\noutput = "epitome"\nskip_masked = true\n'
        'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n'
    )
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(extra_rules=[pack])
    assert info.value.line == 4
    assert "skip_masked" in str(info.value)


STRATEGIES = [
    "question",
    "restatement",
    "reflection_of_feelings",
    "self_disclosure",
    "affirmation_reassurance",
    "suggestion",
    "information",
    "other",
]


def _walk_table(extra: str) -> empathize.Analyzer:
    """Strategies: "walk" is a suggestion (5.0), "hard" affirmation (4.9)."""
    bias = "".join(f"{t} = -3.0\n" for t in STRATEGIES)
    toml = (
        '[[tables]]\nname = "walk"\noutput = "strategies"\ntrained_on = "t"\n'
        'licence = "t"\ncommand = "t"\nheld_in = "t"\n\n'
        f"[tables.bias]\n{bias}\n[tables.rules]\nother = 1.0\n\n"
        '[tables.weights.suggestion]\n"walk" = 5.0\n\n'
        '[tables.weights.affirmation_reassurance]\n"hard" = 4.9\n\n'
        f"[scoring]\n{extra}\n"
    )
    return empathize.Analyzer(extra_rules=[toml])


def test_a_learned_runner_up_close_to_the_tag_is_a_second_tag() -> None:
    text = "It is hard, a walk helps. Thanks."

    def tags(extra: str) -> list[tuple[int, str]]:
        report = _walk_table(extra).score(text)
        return [(s.start, s.strategy) for s in report.strategies]

    one = tags("")
    assert len(one) == 2
    assert one[0] == (0, "suggestion")
    two = tags("strategy_learned_second = 0.2")
    assert two[:2] == [(0, "suggestion"), (0, "affirmation_reassurance")]
    assert len(two) == 3
    assert tags("strategy_learned_second = 0.05") == one
    report = _walk_table("strategy_learned_second = 0.2").score(text)
    assert [m.text for m in report.matches if m.source == "learned"] == ["hard", "walk"]
