"""CPU time of the Python binding against the native batch, for a shared
machine where the wall clock of ``bench.py`` is noise. Each figure is the
CPU time of the calling thread (``time.thread_time``: the one-thread paths
all run on it, GIL released or not), so other processes on the core only
blur it through the caches. Run it on one core, and compare builds by
alternating them:

    taskset -c 0 python bench/cpu.py [--corpus FILE] [--rounds 5] [--reps 7] [DIR ...]

``DIR``: a directory holding an ``empathize`` package (e.g. a copy of
``python/empathize`` with an earlier ``_native.abi3.so`` in it); each round
runs every ``DIR`` once, in turn, in a fresh interpreter with ``DIR`` first on
``sys.path``. Without ``DIR``, the installed package. Texts as ``bench.py``
reads them (``--corpus``: the JSONL of ``scripts/bench-all.sh``).

Per item, the median of ``--reps`` passes after a warm-up pass: the native
loops (``_bench_native``: full reports and summaries, no Python objects), the
``score`` loop (full, ``summary=True``), ``score_many(threads=1)`` (full,
``summary=True``), ``score_arrow(threads=1)``, and the ratios of each to its
native loop; then, per ``DIR``, the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent

#: Each Python figure and the native figure it is a ratio to.
RATIOS = {
    "loop": "native",
    "many": "native",
    "loop_summary": "native_summary",
    "many_summary": "native_summary",
    "arrow": "native_summary",
}


def measure(corpus: Path | None, reps: int) -> dict[str, float]:
    """Microseconds of CPU per item of each figure, in this process."""
    import empathize
    from corpus import load_texts, read_jsonl
    from empathize import _native

    texts = read_jsonl(corpus) if corpus else load_texts(HERE.parents[2].parent / "shared" / "data")
    analyzer = empathize.Analyzer()
    score = analyzer.score

    def loop() -> None:
        for t in texts:
            score(t)

    def loop_summary() -> None:
        for t in texts:
            score(t, summary=True)

    figures: dict[str, Callable[[], object]] = {
        "native": lambda: _native._bench_native(texts, 1, 1),
        "native_summary": lambda: _native._bench_native(texts, 1, 1, summary=True),
        "loop": loop,
        "loop_summary": loop_summary,
        "many": lambda: analyzer.score_many(texts, threads=1),
        "many_summary": lambda: analyzer.score_many(texts, threads=1, summary=True),
    }
    try:
        import pyarrow as pa

        array = pa.array(texts, pa.string())
        figures["arrow"] = lambda: analyzer.score_arrow(array, threads=1)
    except ImportError:
        pass
    passes: dict[str, list[float]] = {name: [] for name in figures}
    for f in figures.values():
        f()  # warm up
    for _ in range(reps):
        for name, f in figures.items():  # interleaved: drift hits every figure alike
            start = time.thread_time()
            f()
            passes[name].append(time.thread_time() - start)
    return {name: statistics.median(p) * 1e6 / len(texts) for name, p in passes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="directories holding an empathize package to compare")
    parser.add_argument("--corpus", type=Path, default=None, help="JSONL corpus written by bench/corpus.py")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=7, help="passes per figure in one process")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child: one process, JSON out
    args = parser.parse_args()
    if args.one or not args.dirs:
        figures = measure(args.corpus, args.reps)
        if args.one:
            print(json.dumps(figures))
            return
        runs = {"installed": [figures]}
    else:
        runs = {str(d): [] for d in args.dirs}
        for _ in range(args.rounds):
            for d in args.dirs:
                env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(d.resolve()), str(HERE)]))
                command = [sys.executable, __file__, "--one", "--reps", str(args.reps)]
                if args.corpus:
                    command += ["--corpus", str(args.corpus)]
                out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
                runs[str(d)].append(json.loads(out.strip().splitlines()[-1]))
    for name, rounds in runs.items():
        print(f"{name} ({len(rounds)} rounds; us of CPU per item, median; ratio to native, median [range])")
        for figure in rounds[0]:
            us = statistics.median(r[figure] for r in rounds)
            line = f"  {figure:16} {us:7.3f} us"
            if figure in RATIOS:
                ratios = [r[figure] / r[RATIOS[figure]] for r in rounds]
                line += f"   {statistics.median(ratios):.3f}x {RATIOS[figure]} [{min(ratios):.3f}-{max(ratios):.3f}]"
            print(line)


if __name__ == "__main__":
    main()
