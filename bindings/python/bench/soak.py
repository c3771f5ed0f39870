"""Leak check of the Python binding: a million calls, RSS at checkpoints.

The calls cycle through ``score`` (reading the report's fields, and
``to_dict()`` every other time), ``score_reply``, ``score_many`` (16 texts,
one call, on 1, 2 or the default number of threads), each of them also with
``summary=True`` (``ReplySummary`` reports), ``analyze_customer``,
``analyze_conversation``, ``tokenize``, the module functions, and three errors
raised and caught: a lone surrogate (``ValueError``), a wrong type
(``TypeError``) and a malformed rule pack (``RulePackError``). Texts are the
EPITOME pairs of ``../shared/data`` when present, else a built-in mix.

RSS is read from ``/proc/self/statm`` (Linux; elsewhere the peak RSS) after a
``gc.collect()``, every tenth of the run; the growth is measured from the
checkpoint that ends the first tenth (the warm-up: pools started, caches and
allocator arenas filled). With ``--max-growth-mb`` the script exits 1 when
the growth exceeds it (the short CI variant in ``tests/test_soak.py``).

    python bench/soak.py [--calls 1000000] [--json] [--max-growth-mb 20]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import empathize

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[2].parent / "shared" / "data"

FALLBACK = [
    ("My order is late AGAIN and I'm furious 😡", "I'm so sorry, I understand how frustrating that is. I'll fix it."),
    ("Where is my refund???", "Per our policy, refunds take 10 business days."),
    ("I'm in tears, this was a gift 😭", "Nope."),
    ("", "Hi Maria, thanks for reaching out! Does that work for you? 🙏"),
]
BAD_PACK = '[[rules]]\nid = "broken"\ncategory = "apology"\nweight = 1.0\npatterns = ["(so sorry"]\n'


def load_pairs(data: Path) -> list[tuple[str, str]]:
    """(customer message, reply) pairs of one EPITOME split, or the fallback."""
    split = data / "epitome" / "emotional-reactions.dev.csv"
    if not split.exists():
        return FALLBACK
    csv.field_size_limit(sys.maxsize)
    with open(split, newline="", encoding="utf-8") as f:
        return [(row["seeker_post"], row["response_post"]) for row in csv.DictReader(f)] or FALLBACK


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak is the best we have
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def soak(calls: int, pairs: list[tuple[str, str]], report: Any) -> dict[str, Any]:
    analyzer = empathize.Analyzer()
    batch = [reply for _, reply in pairs[:16]]
    checkpoint = max(calls // 10, 1)
    gc.collect()
    points = [(0, rss_mb())]
    baseline: float | None = None
    sink = 0.0
    done = 0
    i = 0
    started = time.perf_counter()
    next_checkpoint = checkpoint
    while done < calls:
        customer, reply = pairs[i % len(pairs)]
        kind = i % 16
        if kind <= 2:
            r = analyzer.score(reply)
            sink += r.score + len(r.matches) + len(r.tips) + r.dimensions.apology
            if kind % 2:
                sink += len(r.to_dict())
        elif kind == 3:
            s = analyzer.score(reply, customer=customer, summary=True)
            sink += s.score + len(s.flags) + len(s.tips) + s.dimensions.apology + len(s.to_dict())
        elif kind <= 5:
            sink += analyzer.score_reply(customer, reply, summary=kind == 5).score
        elif kind == 6:
            reports = analyzer.score_many(batch, threads=(None, 1, 2)[(i // 16) % 3], summary=(i // 16) % 2 == 1)
            sink += sum(r.score for r in reports)
        elif kind <= 8:
            sink += analyzer.analyze_customer(customer).distress
        elif kind == 9:
            next_reply = pairs[(i + 1) % len(pairs)][1]
            turns = [
                ("customer", customer),
                ("agent", reply),
                ("customer", "I already told you, third time!!!"),
                ("agent", next_reply),
            ]
            c = analyzer.analyze_conversation(turns)
            sink += c.score + len(c.turns)
        elif kind == 10:
            sink += len(analyzer.tokenize(reply))
        elif kind == 11:
            sink += empathize.score(reply, customer=customer).score
        elif kind == 12:
            try:
                analyzer.score(reply[:20] + "\ud800")
            except ValueError:
                sink += 1
        elif kind == 13:
            try:
                analyzer.score_many([reply, 42])  # type: ignore[list-item]
            except TypeError:
                sink += 1
        elif kind == 14:
            try:
                empathize.Analyzer(rules=BAD_PACK)
            except empathize.RulePackError:
                sink += 1
        else:
            sink += empathize.analyze_customer(reply).distress
        done += 1
        i += 1
        if done >= next_checkpoint:
            gc.collect()
            rss = rss_mb()
            points.append((done, rss))
            if baseline is None:
                baseline = rss
            report(done, rss, time.perf_counter() - started)
            next_checkpoint += checkpoint
    growth = points[-1][1] - (baseline if baseline is not None else points[-1][1])
    return {
        "language": "python",
        "calls": done,
        "seconds": round(time.perf_counter() - started, 2),
        "rss_mb": [[n, round(mb, 1)] for n, mb in points],
        "growth_after_warm_up_mb": round(growth, 2),
        "checksum": round(sink),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--max-growth-mb", type=float, default=None, help="exit 1 if RSS grows more after warm-up")
    args = parser.parse_args()

    def progress(done: int, rss: float, seconds: float) -> None:
        if not args.json:
            print(f"{done:>9} calls  RSS {rss:7.1f} MB  ({seconds:.1f} s)", flush=True)

    result = soak(args.calls, load_pairs(args.data), progress)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['calls']} calls in {result['seconds']:.1f} s; "
            f"RSS growth after warm-up ({args.calls // 10} calls): {result['growth_after_warm_up_mb']:+.2f} MB"
        )
    if args.max_growth_mb is not None and result["growth_after_warm_up_mb"] > args.max_growth_mb:
        print(f"RSS grew {result['growth_after_warm_up_mb']:.1f} MB > {args.max_growth_mb} MB", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
