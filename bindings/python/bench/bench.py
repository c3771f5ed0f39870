"""Throughput of the Python binding against the native Rust batch.

Texts: every distinct ``response_post`` of the three EPITOME dev splits and
the ``text`` column of the TWCS sample (``../shared/data`` next to the repo,
or ``--data``). Prints texts/s and MB/s (UTF-8) for

- ``Analyzer.score`` in a Python loop (one thread),
- ``Analyzer.score_many`` on one thread and on all cores,
- the native ``Analyzer::score_batch`` timed in Rust (``_native._bench_native``:
  no Python objects, no offset conversion) on one thread and on all cores,

and the ratio of each Python figure to the native one (time Python / time
native; the spec asks ``score_many`` to stay within 1.3x).

    python bench/bench.py [--data DIR] [--seconds 2.0]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path
from typing import Callable

import empathize
from empathize import _native

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[2].parent / "shared" / "data"


def load_texts(data: Path) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    seen: dict[str, None] = {}
    for split in sorted((data / "epitome").glob("*.dev.csv")):
        with open(split, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                seen.setdefault(row["response_post"], None)
    with open(data / "twcs" / "sample.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            seen.setdefault(row["text"], None)
    return [t for t in seen if t]


def paired_best(python: Callable[[], object], native: Callable[[], float], min_seconds: float) -> tuple[float, float]:
    """Best wall times of one Python run and one native run, alternating the
    two so that both see the same machine load (this machine is shared)."""
    python()  # warm up: pack compiled, pools started, caches filled
    native()
    best_python = best_native = float("inf")
    spent = 0.0
    rounds = 0
    while spent < min_seconds or rounds < 5:
        start = time.perf_counter()
        python()
        elapsed = time.perf_counter() - start
        best_python = min(best_python, elapsed)
        best_native = min(best_native, native())
        spent += 2 * elapsed
        rounds += 1
    return best_python, best_native


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time per measurement")
    args = parser.parse_args()

    texts = load_texts(args.data)
    n = len(texts)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    cores = os.cpu_count() or 1
    analyzer = empathize.Analyzer()
    print(f"empathize {empathize.__version__}: {n} texts, {megabytes:.2f} MB, {cores} cores")

    def loop() -> None:
        for t in texts:
            analyzer.score(t)

    def native(threads: int | None) -> Callable[[], float]:
        return lambda: _native._bench_native(texts, 1, threads)

    rows = [
        ("score (loop)", *paired_best(loop, native(1), args.seconds)),
        (
            "score_many threads=1",
            *paired_best(lambda: analyzer.score_many(texts, threads=1), native(1), args.seconds),
        ),
        (
            f"score_many threads=None ({cores})",
            *paired_best(lambda: analyzer.score_many(texts), native(None), args.seconds),
        ),
    ]
    print(f"{'':32} {'texts/s':>10} {'MB/s':>8} {'native texts/s':>15} {'native MB/s':>12} {'ratio':>7}")
    for name, seconds, native in rows:
        print(
            f"{name:32} {n / seconds:10.0f} {megabytes / seconds:8.2f} "
            f"{n / native:15.0f} {megabytes / native:12.2f} {seconds / native:6.2f}x"
        )


if __name__ == "__main__":
    main()
