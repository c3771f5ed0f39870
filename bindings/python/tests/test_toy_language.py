"""A pack for a toy language (``tests/packs/toy.toml`` at the repo root) as
the only rules: the engine scores, negates, expands contractions and splits
sentences with nothing but what the pack says. The same checks as
``crates/empathize/tests/toy_language.rs``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import empathize
import pytest

TOY = (Path(__file__).resolve().parents[3] / "tests" / "packs" / "toy.toml").read_text(encoding="utf-8")


def plain(value: Any) -> Any:
    """A report or token as plain data, whatever the binding hands back."""
    return value if isinstance(value, dict) else value.to_dict()


@pytest.fixture(scope="module")
def zib() -> Any:
    return empathize.Analyzer(rules=TOY)


def matches(zib: Any, text: str) -> list[tuple[str, bool]]:
    return [(m["rule"], m["negated"]) for m in plain(zib.score(text))["matches"]]


def test_the_pack_is_the_only_knowledge(zib: Any) -> None:
    assert [plain(r)["id"] for r in zib.rules()] == ["care.vi", "apology.soka", "personalization.for_you"]


def test_scores_its_words(zib: Any) -> None:
    report = plain(zib.score("soka, vi~"))
    assert report["dimensions"]["care"] > 0 and report["dimensions"]["apology"] > 0
    assert report["score"] > plain(zib.score("mi~"))["score"]
    assert matches(zib, "^o^") == [("care.vi", False)]


def test_its_negator_cancels_within_reach_and_clause(zib: Any) -> None:
    not_kind = plain(zib.score("nu vi~"))
    assert matches(zib, "nu vi~") == [("care.vi", True)]
    assert not_kind["dimensions"]["care"] == 0
    assert not_kind["score"] < plain(zib.score("vi~"))["score"]
    assert matches(zib, "nu mi mi vi") == [("care.vi", True)]
    assert matches(zib, "nu mi mi mi vi") == [("care.vi", False)]
    assert matches(zib, "nu mi ba vi") == [("care.vi", False)]
    assert matches(zib, "not vi") == [("care.vi", False)]


def test_its_contractions_expand(zib: Any) -> None:
    tokens = [plain(t) for t in zib.tokenize("Nuvi, ka'z")]
    assert [t["norm"] for t in tokens] == ["nu vi", ",", "ka zo"]
    assert tokens[0]["negated"] and not tokens[2]["negated"]
    assert matches(zib, "nuvi, ka'z") == [("care.vi", True), ("personalization.for_you", False)]
    assert plain(zib.tokenize("don't")[0])["norm"] == "don't"


def test_its_marks_and_abbreviations_split_sentences(zib: Any) -> None:
    def sentences(text: str) -> list[int]:
        return [t["sentence"] for t in map(plain, zib.tokenize(text)) if t["kind"] == "word"]

    assert sentences("soka~ vi~ mi") == [0, 1, 2]
    assert sentences("soka kp. vi. mi") == [0, 0, 0, 1]
    assert len(plain(zib.score("soka~ vi~ mi"))["strategies"]) == 3


def test_a_bad_language_lexicon_names_field_and_line() -> None:
    with pytest.raises(empathize.RulePackError) as info:
        empathize.Analyzer(rules='[lexicons]\nCONTRACTIONS = ["nuvi nu vi"]\n')
    assert info.value.field == "lexicons.CONTRACTIONS"
    assert info.value.line == 2
