"""Short variant of ``bench/soak.py`` (the million-call leak check): 50,000
calls of every kind — reports read and converted, batches on 1, 2 and N
threads, conversations, errors raised and caught — and the resident set
size may not grow by more than 20 MB after the first tenth (warm-up). A leak
of even a few hundred bytes per call would show as far more than that over
a million calls; here the bound only catches gross leaks, so it cannot flake
on allocator noise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[1] / "bench" / "soak.py"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads RSS from /proc")
def test_fifty_thousand_calls_do_not_grow_rss() -> None:
    run = subprocess.run(
        [sys.executable, str(SOAK), "--calls", "50000", "--json", "--max-growth-mb", "20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["calls"] == 50_000
    assert len(result["rss_mb"]) == 11  # start + ten checkpoints
    assert result["growth_after_warm_up_mb"] <= 20
