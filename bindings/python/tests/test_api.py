"""The Python API: names, report classes, to_dict, repr, configuration."""

from __future__ import annotations

import json
import pickle

import empathize
import pytest
from empathize import _native

CUSTOMER = "You charged me twice this month and now my rent payment bounced. I'm so stressed."
REPLY = (
    "I’m so sorry about the double charge — I understand how frustrating that is. "
    "I’ve refunded it and I’ll check tomorrow that it cleared. Does that work for you?"
)

REPORT_CLASSES = [
    "MessageReport",
    "CustomerReport",
    "ConversationReport",
    "Match",
    "Tip",
    "Token",
    "Dimensions",
    "Emotions",
    "Epitome",
    "SentenceStrategy",
    "Evidence",
    "ScoreTerm",
    "TurnReport",
    "AgentSummary",
    "Repetition",
    "MissedOpportunity",
    "ReplyContext",
    "RuleInfo",
]


def test_all_is_complete_and_importable() -> None:
    for name in empathize.__all__:
        assert hasattr(empathize, name), name
    for name in ["score", "score_reply", "analyze_customer", "analyze_conversation", "tokenize", "pack", "Analyzer"]:
        assert name in empathize.__all__
    for name in [*REPORT_CLASSES, "RulePackError", "InternalError"]:
        assert name in empathize.__all__
        assert isinstance(getattr(empathize, name), type)


def test_version_comes_from_cargo() -> None:
    assert empathize.__version__ == _native.__version__
    parts = empathize.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
    from importlib.metadata import version

    assert version("empathize") == empathize.__version__


def test_every_public_name_has_a_docstring() -> None:
    for name in empathize.__all__:
        if name == "__version__":
            continue
        obj = getattr(empathize, name)
        assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
        if isinstance(obj, type) and obj.__module__ != "empathize._errors":
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                assert member.__doc__ and member.__doc__.strip(), f"{name}.{attr} has no docstring"
    from empathize import pandas as epd

    assert epd.score_frame.__doc__


def test_message_report_fields() -> None:
    r = empathize.score_reply(CUSTOMER, REPLY)
    assert isinstance(r, empathize.MessageReport)
    assert isinstance(r.score, float) and 0.0 <= r.score <= 100.0
    assert isinstance(r.dimensions, empathize.Dimensions)
    assert isinstance(r.epitome, empathize.Epitome)
    assert all(isinstance(f, str) for f in r.flags)
    assert all(isinstance(m, empathize.Match) for m in r.matches)
    assert all(isinstance(t, empathize.Tip) for t in r.tips)
    assert all(isinstance(s, empathize.SentenceStrategy) for s in r.strategies)
    assert all(isinstance(s.strategy, str) for s in r.strategies)
    assert all(isinstance(t, empathize.ScoreTerm) for t in r.breakdown)
    assert isinstance(r.context, empathize.ReplyContext)
    assert empathize.score(REPLY).context is None
    assert r.logit == pytest.approx(sum(t.value for t in r.breakdown))
    for m in r.matches:
        assert isinstance(m.rule, str) and isinstance(m.category, str)
        assert m.polarity in ("positive", "negative", "neutral")
        assert isinstance(m.negated, bool) and isinstance(m.suppressed, bool)
    for t in r.breakdown:
        assert t.source in ("bias", "match", "derived", "context")
        if t.source == "match":
            assert t.match_index is not None and t.match_index < len(r.matches)
    for f in r.flags:
        assert r.has_flag(f)
    assert not r.has_flag("no_such_flag")
    for t in r.tips:
        assert r.has_tip(t.code) and t.message


def test_score_with_customer_equals_score_reply() -> None:
    assert empathize.score(REPLY, customer=CUSTOMER) == empathize.score_reply(CUSTOMER, REPLY)
    assert empathize.score(REPLY, customer=CUSTOMER) == empathize.Analyzer().score_reply(CUSTOMER, REPLY)


def test_to_dict_is_plain_json_with_rust_field_names() -> None:
    r = empathize.score_reply(CUSTOMER, REPLY)
    d = r.to_dict()
    # Every serde field of the Rust report is an attribute of the Python one.
    for key in d:
        assert hasattr(r, key), f"MessageReport has no attribute for the Rust field {key!r}"
    assert {"score", "dimensions", "flags", "epitome", "strategies", "matches", "breakdown", "tips", "context"} <= set(
        d
    )
    assert json.loads(json.dumps(d)) == d
    assert d["score"] == r.score
    assert d["dimensions"] == r.dimensions.to_dict()
    assert list(d["dimensions"]) == [
        "acknowledgment",
        "apology",
        "understanding",
        "restatement",
        "care",
        "ownership",
        "options",
        "exploration",
        "follow_up",
        "reassurance",
        "appreciation",
        "warmth",
        "personalization",
    ]
    assert d["epitome"] == r.epitome.to_dict()
    assert set(d["epitome"]) == {"emotional_reactions", "interpretations", "explorations"}
    assert [m.to_dict() for m in r.matches] == d["matches"]
    assert [t.to_dict() for t in r.tips] == d["tips"]
    assert [t.to_dict() for t in r.breakdown] == d["breakdown"]
    assert [s.to_dict() for s in r.strategies] == d["strategies"]
    assert [e.to_dict() for e in r.evidence] == d["evidence"]
    assert r.context is not None and r.context.to_dict() == d["context"]
    if d["matches"]:
        assert set(d["matches"][0]) == {
            "rule",
            "source",
            "category",
            "polarity",
            "start",
            "end",
            "text",
            "contribution",
            "negated",
            "suppressed",
        }


def test_customer_report() -> None:
    c = empathize.analyze_customer("I'm furious 😡 I ALREADY told you twice!!! I want a manager.")
    assert isinstance(c, empathize.CustomerReport)
    assert 0.0 <= c.distress <= 1.0 and c.distress_level in (0, 1, 2, 3)
    assert isinstance(c.emotions, empathize.Emotions)
    assert set(c.emotions.to_dict()) == {
        "anger",
        "frustration",
        "sadness",
        "anxiety",
        "disappointment",
        "confusion",
        "urgency",
        "gratitude",
    }
    assert isinstance(c.escalation, bool) and isinstance(c.repetition, bool)
    assert isinstance(c.emphasis, bool) and isinstance(c.complaint, bool)
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    for key in d:
        assert hasattr(c, key), f"CustomerReport has no attribute for the Rust field {key!r}"
    assert set(d) == {
        "distress",
        "distress_level",
        "emotions",
        "escalation",
        "repetition",
        "emphasis",
        "complaint",
        "matches",
        "breakdown",
    }
    assert [m.to_dict() for m in c.matches] == d["matches"]
    assert [t.to_dict() for t in c.breakdown] == d["breakdown"]


def test_tokens() -> None:
    tokens = empathize.tokenize("I’m SOOO sorry!!!")
    assert all(isinstance(t, empathize.Token) for t in tokens)
    assert [t.norm for t in tokens] == ["i am", "so", "sorry", "!"]
    assert tokens[1].caps and tokens[1].elongated and tokens[3].emphatic
    assert tokens[0].kind == "word" and tokens[3].kind == "punct"
    assert tokens[0].to_dict() == {
        "text": "I’m",
        "start": 0,
        "end": 3,
        "kind": "word",
        "norm": "i am",
        "sentence": 0,
        "caps": False,
        "elongated": False,
        "emphatic": False,
        "negated": False,
    }
    assert empathize.Analyzer().tokenize("I’m SOOO sorry!!!") == tokens


def test_conversation_report() -> None:
    turns = [
        {"role": "customer", "text": "My order is late again and I'm really upset."},
        {"role": "agent", "text": "Please send your order number.", "agent_id": "a1", "timestamp": "10:01"},
        ("user", "I'm in tears, this was a gift!"),
        ["assistant", "I'm so sorry, I understand how upsetting this is."],
        {"role": "bot", "text": "Is there anything else?", "agent_id": 7, "extra": "ignored"},
    ]
    r = empathize.analyze_conversation(turns)
    assert isinstance(r, empathize.ConversationReport)
    assert [t.role for t in r.turns] == ["customer", "agent", "customer", "agent", "agent"]
    assert [t.index for t in r.turns] == [0, 1, 2, 3, 4]
    assert r.turns[0].customer is not None and r.turns[0].reply is None
    assert r.turns[1].reply is not None and r.turns[1].customer is None
    assert isinstance(r.turns[1].reply, empathize.MessageReport)
    assert r.turns[1].agent_id == "a1" and r.turns[4].agent_id == "7"
    assert all(isinstance(m, empathize.MissedOpportunity) for m in r.missed_opportunities)
    for m in r.missed_opportunities:
        assert r.turns[m.customer_turn].role == "customer"
        assert r.turns[m.agent_turn].role == "agent"
        assert m.distress_level in (1, 2, 3)
    assert all(isinstance(a, empathize.AgentSummary) for a in r.agents)
    assert {a.agent_id for a in r.agents} == {"a1", "7"}
    for a in r.agents:
        assert all(isinstance(k, str) and isinstance(v, int) for k, v in a.flags.items())
    assert all(isinstance(t, empathize.ScoreTerm) for t in r.breakdown)
    assert all(isinstance(t, empathize.Tip) for t in r.tips)
    assert isinstance(r.late_empathy, bool) and isinstance(r.resolution_confirmed, bool)
    assert isinstance(r.question_streak, int)
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["turns"][1] == r.turns[1].to_dict()
    assert d["turns"][1]["reply"] == r.turns[1].reply.to_dict()
    for key in d:
        assert hasattr(r, key), f"ConversationReport has no attribute for the Rust field {key!r}"
    for key in d["turns"][1]:
        assert hasattr(r.turns[1], key), f"TurnReport has no attribute for {key!r}"
    for key in d["agents"][0]:
        assert hasattr(r.agents[0], key), f"AgentSummary has no attribute for {key!r}"
    assert set(d) >= {
        "score",
        "breakdown",
        "turns",
        "first_distress_turn",
        "peak_distress_turn",
        "first_empathy_turn",
        "empathy_latency",
        "late_empathy",
        "missed_opportunities",
        "scripted_repetition",
        "question_streak",
        "resolution_confirmed",
        "tips",
        "agents",
    }
    assert [m["customer_turn"] for m in d["missed_opportunities"]] == [m.customer_turn for m in r.missed_opportunities]


def test_scripted_repetition_objects() -> None:
    line = "We apologize for any inconvenience this may have caused."
    turns = [
        ("customer", "My internet is down again, this is so frustrating."),
        ("agent", line),
        ("customer", "It's still down, I work from home!"),
        ("agent", line),
        ("customer", "Are you even reading my messages?"),
        ("agent", line),
    ]
    r = empathize.analyze_conversation(turns)
    for rep in r.scripted_repetition:
        assert isinstance(rep, empathize.Repetition)
        assert isinstance(rep.phrase, str) and rep.count >= 2
        assert all(r.turns[t].role == "agent" for t in rep.turns)
        assert rep.to_dict() == {"phrase": rep.phrase, "count": rep.count, "turns": rep.turns}


def test_reprs_are_readable() -> None:
    r = empathize.score_reply(CUSTOMER, REPLY)
    assert repr(r).startswith("MessageReport(score=")
    assert "flags=" in repr(r) and "tips=" in repr(r)
    for m in r.matches:
        assert repr(m).startswith("Match(rule=") and repr(m.text) in repr(m)
    assert repr(r.dimensions).startswith("Dimensions(acknowledgment=")
    assert repr(r.epitome).startswith("Epitome(emotional_reactions=")
    assert repr(empathize.analyze_customer("I'm upset")).startswith("CustomerReport(distress=")
    assert repr(empathize.tokenize("hi")[0]) == (
        "Token(text='hi', start=0, end=2, kind='word', norm='hi', sentence=0, "
        "caps=False, elongated=False, emphatic=False, negated=False)"
    )
    conv = empathize.analyze_conversation([("customer", "Help!"), ("agent", "Sure.")])
    assert repr(conv).startswith("ConversationReport(score=")
    assert repr(conv.turns[0]).startswith("TurnReport(index=0, role='customer'")
    assert repr(empathize.Analyzer()).startswith("Analyzer(pack='en'")


def test_reports_are_immutable() -> None:
    r = empathize.score(REPLY)
    with pytest.raises(AttributeError):
        r.score = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        empathize.MessageReport()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        empathize.Match()  # type: ignore[call-arg]


def test_reports_compare_by_value() -> None:
    assert empathize.score(REPLY) == empathize.score(REPLY)
    assert empathize.score(REPLY) != empathize.score("Per our policy, no.")
    conv = [("customer", CUSTOMER), ("agent", REPLY)]
    a = empathize.analyze_conversation(conv)
    assert a == empathize.analyze_conversation(conv)
    # A reply inside a conversation equals the same reply scored alone
    # against the same customer message.
    assert a.turns[1].reply == empathize.score_reply(CUSTOMER, REPLY)


def test_empty_and_odd_inputs_give_reports() -> None:
    for text in ["", "   \n\t", "\x00\x01\x02", "😭", "🙏" * 1000, "a" * 100_000, "\u202e\u0301x"]:
        r = empathize.score(text)
        assert 0.0 <= r.score <= 100.0
        empathize.analyze_customer(text)
        empathize.tokenize(text)
    assert empathize.score_many([]) == []
    empty = empathize.analyze_conversation([])
    assert empty.turns == []


def test_rules_and_configuration() -> None:
    a = empathize.Analyzer()
    rules = a.rules()
    assert rules and all(isinstance(r, empathize.RuleInfo) for r in rules)
    assert a.pack == "en"
    ids = {r.id for r in rules}
    rule = rules[0]
    assert isinstance(rule.weight, float) and isinstance(rule.patterns, list)
    assert rule.pack == "en" and (rule.line is None or rule.line > 0)
    json.dumps(rule.to_dict())

    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.9\npatterns = ["aloha"]\n'
    text = "Aloha! I'm so sorry."
    with_extra = empathize.Analyzer(extra_rules=extra)
    assert with_extra.score(text).dimensions.warmth > a.score(text).dimensions.warmth
    assert "warmth.aloha" in {r.id for r in with_extra.rules()}
    assert empathize.Analyzer(extra_rules=[extra]).score(text) == with_extra.score(text)

    apology = next(m.rule for m in a.score(text).matches if m.category == "apology")
    disabled = empathize.Analyzer(disable=[apology])
    assert apology not in {m.rule for m in disabled.score(text).matches}
    assert apology in ids and apology not in {r.id for r in disabled.rules()}

    heavier = empathize.Analyzer(weights={apology: 3.0})
    assert heavier.score(text).score > a.score(text).score

    custom = empathize.Analyzer(rules=extra)
    assert custom.pack == "custom"
    assert [r.id for r in custom.rules()] == ["warmth.aloha"]
    assert [m.rule for m in custom.score(text).matches] == ["warmth.aloha"]


def test_analyzer_pickles_by_configuration() -> None:
    extra = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.9\npatterns = ["aloha"]\n'
    a = empathize.Analyzer(extra_rules=extra, weights={"warmth.aloha": 1.5})
    b = pickle.loads(pickle.dumps(a))
    assert isinstance(b, empathize.Analyzer)
    assert b.score("Aloha friend") == a.score("Aloha friend")
    assert [r.weight for r in b.rules() if r.id == "warmth.aloha"] == [1.5]


def test_score_many_matches_single_calls() -> None:
    texts = [REPLY, "Per our policy, refunds take 10 business days.", "", "😭", "Nope."]
    customers = [CUSTOMER, None, CUSTOMER, None, CUSTOMER]
    many = empathize.score_many(texts, customers=customers)
    assert many == [empathize.score(t, customer=c) for t, c in zip(texts, customers)]
    assert empathize.score_many(texts) == [empathize.score(t) for t in texts]


def test_every_class_mirrors_its_rust_fields() -> None:
    """Each ``to_dict()`` key is an attribute with the same plain value, so a
    field added to a Rust report cannot go missing from its Python class."""
    r = empathize.score_reply(CUSTOMER, REPLY)
    c = empathize.analyze_customer("I'm furious 😡 I want a manager!!!")
    conv = empathize.analyze_conversation([("customer", CUSTOMER), {"role": "agent", "text": REPLY, "agent_id": "a1"}])
    objects: list[object] = [r, c, conv, r.dimensions, r.epitome, c.emotions, conv.turns[0], conv.turns[1]]
    objects += [r.matches[0], r.tips[0] if r.tips else None, r.breakdown[0], r.context, conv.agents[0]]
    objects += [r.strategies[0] if r.strategies else None, r.evidence[0] if r.evidence else None]
    objects += [empathize.tokenize("hi")[0], empathize.Analyzer().rules()[0]]
    for obj in objects:
        if obj is None:
            continue
        d = obj.to_dict()  # type: ignore[attr-defined]
        for key, value in d.items():
            assert hasattr(obj, key), f"{type(obj).__name__} has no attribute {key!r}"
            attr = getattr(obj, key)
            if isinstance(value, (str, int, float, bool)) or value is None:
                if isinstance(attr, tuple):
                    attr = list(attr)
                assert attr == value, (type(obj).__name__, key, attr, value)
            elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
                assert list(attr) == value, (type(obj).__name__, key)
