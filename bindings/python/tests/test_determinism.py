"""The same input gives the same report on 1 or N threads.

Texts: the real EPITOME pairs (seeker post, response) of ``../shared/data``,
read at test time (the corpus is licensed and never copied into the repo);
the tests skip when it is absent. Reports are compared as ``to_dict()``,
i.e. every field, and against one ``score()`` call per text.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import empathize
import pytest

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SPLITS = ["emotional-reactions", "interpretations", "explorations"]


@pytest.fixture(scope="module")
def pairs() -> list[tuple[str, str]]:
    """Distinct (customer, reply) pairs of the three EPITOME dev splits."""
    files = [DATA / "epitome" / f"{s}.dev.csv" for s in SPLITS]
    if not all(f.exists() for f in files):
        pytest.skip(f"the shared corpus is not at {DATA}")
    csv.field_size_limit(sys.maxsize)
    seen: dict[tuple[str, str], None] = {}
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                seen.setdefault((row["seeker_post"], row["response_post"]), None)
    assert len(seen) >= 2000, f"only {len(seen)} pairs in {DATA}"
    return list(seen)


def dicts(reports: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in reports]


def first_difference(a: list[Any], b: list[Any]) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at text {i}"
    return f"lengths {len(a)} and {len(b)}"


def test_score_many_same_on_1_2_4_threads_and_equal_to_single_calls(pairs: list[tuple[str, str]]) -> None:
    analyzer = empathize.Analyzer()
    replies = [reply for _, reply in pairs]
    single = dicts([analyzer.score(t) for t in replies])
    for threads in (1, 2, 4, None):
        batch = dicts(analyzer.score_many(replies, threads=threads))
        assert batch == single, f"threads={threads}: {first_difference(batch, single)}"
    # The module function (default analyzer) agrees with an Analyzer().
    assert dicts(empathize.score_many(replies, threads=4)) == single


def test_score_many_with_customers_same_on_1_2_4_threads(pairs: list[tuple[str, str]]) -> None:
    analyzer = empathize.Analyzer()
    customers = [customer for customer, _ in pairs]
    replies = [reply for _, reply in pairs]
    single = dicts([analyzer.score_reply(c, r) for c, r in pairs])
    assert any(d["context"] is not None and d["context"]["distress_level"] > 0 for d in single)
    for threads in (1, 2, 4):
        batch = dicts(analyzer.score_many(replies, customers=customers, threads=threads))
        assert batch == single, f"threads={threads}: {first_difference(batch, single)}"


def test_repeated_runs_are_identical(pairs: list[tuple[str, str]]) -> None:
    # Nothing carries over between calls (no cache, no hash-order effect):
    # a second run over the same texts, in reverse order, gives the same reports.
    analyzer = empathize.Analyzer()
    replies = [reply for _, reply in pairs[:1000]]
    first = dicts(analyzer.score_many(replies, threads=2))
    second = dicts(analyzer.score_many(replies[::-1], threads=4))[::-1]
    assert first == second
