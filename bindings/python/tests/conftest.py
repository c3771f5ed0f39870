"""Shared fixtures: the golden cases of ``tests/golden/`` at the repo root,
and real customer-service texts read at test time from ``../shared/data``
(never copied into the repo: the EPITOME corpus is under an academic
licence)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden"
BINDING = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def report_row(report: Any) -> dict[str, Any]:
    """The row of Arrow / DataFrame columns a ``MessageReport`` maps to."""
    return {
        "score": report.score,
        **report.dimensions.to_dict(),
        "flags": report.flags,
        "tips": [t.code for t in report.tips],
        **report.epitome.to_dict(),
    }


def load_golden(name: str) -> dict[str, Any]:
    with open(GOLDEN / name, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def case_input(case: dict[str, Any], key: str) -> str | None:
    """A golden case's text under `key`, repeated `repeat` times if it says so."""
    text = case.get(key)
    if text is None:
        return None
    repeat = int(case.get("repeat", 1))
    return " ".join([text] * repeat) if repeat > 1 else str(text)


@pytest.fixture(scope="session")
def analyzer() -> Any:
    import empathize

    return empathize.Analyzer()


def load_pairs() -> list[tuple[str, str]]:
    """Distinct (seeker post, response) pairs of the EPITOME dev splits and
    (customer tweet, reply) pairs of the TWCS sample: a few thousand real
    (customer, reply) texts, in file order."""
    if not (SHARED_DATA / "epitome").is_dir():
        pytest.skip(f"the shared data set is not at {SHARED_DATA}")
    csv.field_size_limit(sys.maxsize)
    pairs: dict[tuple[str, str], None] = {}
    for split in sorted((SHARED_DATA / "epitome").glob("*.dev.csv")):
        with open(split, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                pairs.setdefault((row["seeker_post"], row["response_post"]), None)
    tweets: dict[str, dict[str, str]] = {}
    with open(SHARED_DATA / "twcs" / "sample.csv", newline="", encoding="utf-8") as f:
        tweets = {row["tweet_id"]: row for row in csv.DictReader(f)}
    for row in tweets.values():
        question = tweets.get(row["in_response_to_tweet_id"])
        if question is not None:
            pairs.setdefault((question["text"], row["text"]), None)
    return list(pairs)


@pytest.fixture(scope="session")
def real_pairs() -> list[tuple[str, str]]:
    return load_pairs()
