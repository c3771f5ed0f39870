"""Bad input gets a clear, typed error, never a crash."""

from __future__ import annotations

import pickle
from typing import Any

import empathize
import pytest
from empathize import _native

LONE = "Hello\ud800 sorry"  # a lone high surrogate at code point 5


def test_lone_surrogate_is_a_value_error_naming_the_position() -> None:
    with pytest.raises(ValueError, match=r"lone surrogate at position 5") as info:
        empathize.score(LONE)
    assert "U+D800" in str(info.value)
    assert not isinstance(info.value, UnicodeError), "a plain ValueError, with the cause chained"
    assert isinstance(info.value.__cause__, UnicodeEncodeError)


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: empathize.score("ok", customer="bad \udfff here"), "customer"),
        (lambda: empathize.score_reply("fine", "x\udc80"), "reply"),
        (lambda: empathize.analyze_customer("\udc00"), "text"),
        (lambda: empathize.tokenize("abc\ud83d"), "text"),
        (lambda: empathize.score_many(["fine", "also fine", "bad\ud800"]), r"texts\[2\]"),
        (lambda: empathize.score_many(["a", "b"], customers=[None, "\ud800"]), r"customers\[1\]"),
        (lambda: empathize.analyze_conversation([("customer", "ok"), ("agent", "\ud800")]), r"turns\[1\]"),
    ],
)
def test_lone_surrogates_everywhere(call: Any, where: str) -> None:
    with pytest.raises(ValueError, match=where + r".*lone surrogate at position \d+"):
        call()


def test_surrogate_position_counts_code_points() -> None:
    with pytest.raises(ValueError, match=r"position 3\b"):
        empathize.score("😭é中\udbff")


BAD_PATTERN = '[[rules]]\nid = "x"\ncategory = "apology"\nweight = 1.0\npatterns = ["i am (so sorry"]\n'


def test_rule_pack_error_names_rule_field_line() -> None:
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(rules=BAD_PATTERN)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.rule == "x"
    assert err.field == "patterns"
    assert err.line == 5
    assert err.pack == "custom"
    assert "x" in str(err) and "patterns" in str(err) and "line 5" in str(err)
    assert err.message == str(err)
    assert err.detail and err.detail in str(err)


def test_rule_pack_error_in_extra_pack_and_unknown_fields() -> None:
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(extra_rules=["", BAD_PATTERN])
    assert info.value.rule == "x"
    assert info.value.pack is not None and "2" in info.value.pack
    with pytest.raises(empathize.RulePackError):
        empathize.Analyzer(
            extra_rules='[[rules]]\nid = "y"\ncategory = "no_such_category"\nweight = 1\npatterns = ["a"]\n'
        )
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(rules="this is [ not toml")
    assert info.value.line is None or info.value.line >= 1
    with pytest.raises(empathize.RulePackError):
        empathize.Analyzer(disable=["no.such.rule"])
    with pytest.raises(empathize.RulePackError):
        empathize.Analyzer(weights={"no.such.rule": 1.0})


def test_rule_pack_error_pickles_with_its_attributes() -> None:
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(rules=BAD_PATTERN)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.rule, copy.field, copy.line, str(copy)) == ("x", "patterns", 5, str(info.value))


def test_rule_pack_error_attributes_default_to_none() -> None:
    err = empathize.RulePackError("bad")
    assert (err.rule, err.field, err.line, err.pack) == (None, None, None, None)
    assert str(err) == "bad" and err.message == "bad"


@pytest.mark.parametrize(
    "call",
    [
        lambda: empathize.score(123),
        lambda: empathize.score(b"bytes"),
        lambda: empathize.score(None),
        lambda: empathize.score("ok", customer=5),
        lambda: empathize.score_reply(["a"], "b"),
        lambda: empathize.analyze_customer(1.5),
        lambda: empathize.tokenize(object()),
        lambda: empathize.score_many("a single string"),
        lambda: empathize.score_many(b"bytes"),
        lambda: empathize.score_many(42),
        lambda: empathize.score_many(["ok", 3]),
        lambda: empathize.score_many(["ok"], customers=[3]),
        lambda: empathize.score_many(["ok"], threads="4"),
        lambda: empathize.analyze_conversation("customer: hi"),
        lambda: empathize.analyze_conversation([42]),
        lambda: empathize.analyze_conversation([{"role": 1, "text": "hi"}]),
        lambda: empathize.analyze_conversation([{"role": "agent", "text": None}]),
        lambda: empathize.Analyzer(rules=5),
        lambda: empathize.Analyzer(extra_rules=[1]),
        lambda: empathize.Analyzer(disable=[None]),
        lambda: empathize.Analyzer(weights=[("a", 1.0)]),
        lambda: empathize.Analyzer(weights={"a": "heavy"}),
    ],
)
def test_wrong_types_are_type_errors(call: Any) -> None:
    with pytest.raises(TypeError):
        call()


def test_type_error_names_the_argument() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, not int"):
        empathize.score_many(["ok", 3])
    with pytest.raises(TypeError, match="text must be str, not int"):
        empathize.score(3)


@pytest.mark.parametrize(
    "turns, message",
    [
        ([("customer", "hi"), ("wizard", "hello")], r"turns\[1\].*unknown role `wizard`"),
        ([{"role": "", "text": "hi"}], r"turns\[0\].*unknown role"),
        ([{"text": "hi"}], r"turns\[0\] has no 'role'"),
        ([{"role": "agent"}], r"turns\[0\] has no 'text'"),
        ([("customer", "a", "b")], r"turns\[0\] must be a \(role, text\) pair"),
    ],
)
def test_bad_turns_are_value_errors(turns: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        empathize.analyze_conversation(turns)


def test_role_aliases() -> None:
    r = empathize.analyze_conversation(
        [("User", "hi"), ("assistant", "hello"), ("CLIENT", "thanks"), (" bot ", "bye"), ("human", "x"), ("rep", "y")]
    )
    assert [t.role for t in r.turns] == ["customer", "agent", "customer", "agent", "customer", "agent"]


def test_bad_threads_and_lengths_are_value_errors() -> None:
    with pytest.raises(ValueError, match="threads must be at least 1"):
        empathize.score_many(["a"], threads=0)
    with pytest.raises(ValueError, match="threads must be at least 1"):
        empathize.Analyzer().score_many(["a"], threads=-3)
    with pytest.raises(ValueError, match="customers has 1 items but texts has 2"):
        empathize.score_many(["a", "b"], customers=["c"])


def test_rust_panic_is_an_internal_error_not_a_crash() -> None:
    with pytest.raises(empathize.InternalError, match="test panic"):
        _native._test_panic()
    with pytest.raises(RuntimeError, match="test panic on a worker thread"):
        _native._test_panic(in_pool=True)
    # The pool survives a panicking task.
    assert len(empathize.score_many(["a", "b", "c", "d"], threads=2)) == 4


def test_hostile_inputs_do_not_crash() -> None:
    junk = bytes(range(256)).decode("latin-1") * 100
    for text in [junk, "\x00" * 10_000, "!!!" * 10_000, "(" * 5000, "😭" * 20_000, "a" * (2 << 20)]:
        r = empathize.score(text, customer=text[:1000])
        assert 0.0 <= r.score <= 100.0
    hostile = '[[rules]]\nid = "z"\ncategory = "warmth"\nweight = 1.0\npatterns = ["' + "(a|" * 200 + '"]\n'
    with pytest.raises(empathize.RulePackError):
        empathize.Analyzer(rules=hostile)
