"""Shared fixtures: the golden cases of ``tests/golden/`` at the repo root."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden"
BINDING = Path(__file__).resolve().parents[1]


def load_golden(name: str) -> dict[str, Any]:
    with open(GOLDEN / name, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@pytest.fixture(scope="session")
def analyzer() -> Any:
    import empathize

    return empathize.Analyzer()
