"""The Python peer of ``scripts/bench-all.sh``: vaderSentiment's
``SentimentIntensityAnalyzer().polarity_scores(text)`` in a loop over the
benchmark corpus (the JSONL written by ``bench/corpus.py``), timed like
empathize's ``score`` loop in ``bench/bench.py``: one warm-up pass, then
passes until ``--seconds`` have passed and at least ``--reps`` were run; the
figure is the median pass. Runs in the bench environment's venv (not the
repo's ``.venv``), on whatever CPUs it is given (bench-all pins it to one).

    python bench/peer_vader.py --corpus corpus.jsonl [--seconds 2] [--reps 5] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import resource
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time of the timed passes")
    parser.add_argument("--reps", type=int, default=5, help="minimum number of timed passes")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)

    start = time.perf_counter()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    build = time.perf_counter() - start

    def one_pass() -> float:
        started = time.perf_counter()
        for t in texts:
            analyzer.polarity_scores(t)
        return time.perf_counter() - started

    one_pass()  # warm-up
    passes: list[float] = []
    while sum(passes) < args.seconds or len(passes) < args.reps:
        passes.append(one_pass())
    seconds = statistics.median(passes)
    version = importlib.metadata.version("vaderSentiment")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mb_s = nbytes / 1e6 / seconds
    print(
        f"vaderSentiment {version} (Python {platform.python_version()}): {len(texts)} texts, "
        f"{nbytes / 1e6:.2f} MB; polarity_scores loop {mb_s:.2f} MB/s "
        f"(median of {len(passes)} passes, {min(passes) * 1e3:.0f}-{max(passes) * 1e3:.0f} ms); "
        f"import + build {build * 1e3:.0f} ms; peak RSS {peak:.1f} MB"
    )
    if args.json_out:
        figures = {
            "peer": "vaderSentiment",
            "version": version,
            "runtime": f"Python {platform.python_version()}",
            "texts": len(texts),
            "bytes": nbytes,
            "mb_s": round(mb_s, 3),
            "passes": len(passes),
            "pass_ms": [round(p * 1e3, 1) for p in passes],
            "build_ms": round(build * 1e3, 1),
            "peak_rss_mb": round(peak, 1),
        }
        args.json_out.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
