"""The summary of ``scripts/bench-all.sh``: reads the JSON figures its timers
wrote into one directory, checks that every timer read the same corpus and
that no figure is missing, prints one table (MB/s of each scorer on one
core, the ratios and targets of issue 15 with met/MISSED) and writes it all
as JSON (``--json-out``) so that two runs can be diffed.

Standard library only. Exits non-zero, naming what is missing, rather than
print a partial table.

    python bench/bench_summary.py RUN_DIR [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# name -> file written by bench-all into RUN_DIR
FILES = {
    "corpus": "corpus.meta.json",
    "run": "run.json",
    "footprint": "footprint.json",
    "rust": "rust.json",
    "vader": "vader.json",
    "python": "python.json",
    "sentiment": "sentiment.json",
    "node": "node.json",
}


class Missing(Exception):
    pass


def load(run_dir: Path) -> dict[str, Any]:
    out = {}
    absent = [f for f in FILES.values() if not (run_dir / f).is_file()]
    if absent:
        raise Missing(f"no figures from: {', '.join(absent)}")
    for name, file in FILES.items():
        out[name] = json.loads((run_dir / file).read_text())
    return out


def get(d: dict[str, Any], *path: str) -> Any:
    cur: Any = d
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            raise Missing(f"figure {'.'.join(path)} is missing")
        cur = cur[key]
    return cur


def cpu_busy(start: list[str], end: list[str]) -> dict[str, float]:
    """Busy share of each CPU between two /proc/stat snapshots."""

    def parse(lines: list[str]) -> dict[str, tuple[int, int]]:
        cpus = {}
        for line in lines:
            fields = line.split()
            if fields and fields[0].startswith("cpu") and fields[0] != "cpu":
                values = [int(v) for v in fields[1:]]
                idle = values[3] + (values[4] if len(values) > 4 else 0)
                cpus[fields[0]] = (sum(values[:8]), idle)
        return cpus

    a, b = parse(start), parse(end)
    busy = {}
    for cpu in a:
        if cpu in b:
            total = b[cpu][0] - a[cpu][0]
            idle = b[cpu][1] - a[cpu][1]
            busy[cpu] = round(100 * (total - idle) / total, 1) if total > 0 else 0.0
    return busy


def summarize(f: dict[str, Any]) -> tuple[list[tuple[str, str, str, str]], dict[str, Any]]:
    corpus, run = f["corpus"], f["run"]
    texts, nbytes = corpus["texts"], corpus["bytes"]
    for name in ("rust", "vader", "python", "sentiment", "node"):
        seen = (get(f[name], "texts"), get(f[name], "bytes"))
        if seen != (texts, nbytes):
            raise Missing(f"{name} timed {seen[0]} texts / {seen[1]} bytes, not the corpus's {texts} / {nbytes}")

    rust, py, node = f["rust"], f["python"], f["node"]
    mb = {
        "native tokenize loop": get(rust, "tokenize_mb_s"),
        "native score loop": get(rust, "score_mb_s"),
        "native score_reply loop": get(rust, "score_reply_mb_s"),
        "native score_batch": get(rust, "batch_mb_s"),
        "Python score loop": get(py, "rows", "score (loop)", "mb_s"),
        "Python score_many(threads=1)": get(py, "rows", "score_many threads=1", "mb_s"),
        "Python score_arrow(threads=1)": get(py, "rows", "score_arrow threads=1", "mb_s"),
        "Python score_many(threads=1, summary=True)": get(py, "rows", "score_many threads=1 summary", "mb_s"),
        "Node score loop": get(node, "rows", "score (loop)", "mb_s"),
        "Node scoreMany": get(node, "rows", "scoreMany", "mb_s"),
        "Node scoreManyAsync": get(node, "rows", "scoreManyAsync", "mb_s"),
        "Node scoreMany(summary: true)": get(node, "rows", "scoreMany (summary)", "mb_s"),
        "vaderSentiment polarity_scores loop": get(f["vader"], "mb_s"),
        "npm sentiment analyze loop": get(f["sentiment"], "mb_s"),
    }
    py_native = get(py, "rows", "score_many threads=1", "native_mb_s")
    node_native = get(node, "rows", "native score_batch (Rust)", "mb_s")
    py_native_summary = get(py, "rows", "score_many threads=1 summary", "native_mb_s")
    node_native_summary = get(node, "rows", "native summary batch (Rust)", "mb_s")
    ratios = {
        "Python score loop / vaderSentiment (MB/s)": mb["Python score loop"]
        / mb["vaderSentiment polarity_scores loop"],
        "Python score_many(threads=1) / native (time)": get(py, "rows", "score_many threads=1", "ratio"),
        "Python score_arrow(threads=1) / native (time)": get(py, "rows", "score_arrow threads=1", "ratio"),
        "Node scoreMany / npm sentiment (MB/s)": mb["Node scoreMany"] / mb["npm sentiment analyze loop"],
        "Node scoreMany / native (time)": get(node, "rows", "scoreMany", "ratio"),
        "Node scoreManyAsync / native (time)": get(node, "rows", "scoreManyAsync", "ratio"),
        "Python score_many(threads=1, summary=True) / native summary (time)": get(
            py, "rows", "score_many threads=1 summary", "ratio"
        ),
        "Node scoreMany(summary: true) / npm sentiment (MB/s)": mb["Node scoreMany(summary: true)"]
        / mb["npm sentiment analyze loop"],
        "Node scoreMany(summary: true) / native summary (time)": get(node, "rows", "scoreMany (summary)", "ratio"),
    }
    fp = f["footprint"]
    figures: dict[str, Any] = {
        "mb_s": {k: round(v, 3) for k, v in mb.items()},
        "native_in_process_mb_s": {
            "Python": py_native,
            "Node": node_native,
            "Python summary": py_native_summary,
            "Node summary": node_native_summary,
        },
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "latency_200b_us": {
            "Rust": {"median": get(rust, "latency_200b_median_us"), "p99": get(rust, "latency_200b_p99_us")},
            "Python": {"median": get(py, "latency_median_us"), "p99": get(py, "latency_p99_us")},
            "Node": {"median": get(node, "latency_median_us"), "p99": get(node, "latency_p99_us")},
        },
        "analyzer_build_ms": {
            "Rust (fresh process)": get(fp, "first_build_ms"),
            "Rust (bench process)": get(rust, "first_build_ms"),
            "Python": get(py, "first_build_ms"),
            "Node": get(node, "first_build_ms"),
            "vaderSentiment (import + build)": get(f["vader"], "build_ms"),
            "npm sentiment (require + build)": get(f["sentiment"], "build_ms"),
        },
        "peak_rss_mb": {
            "Rust default analyzer (build + one score)": get(fp, "peak_rss_mb"),
            "Rust bench process": get(rust, "peak_rss_mb"),
            "Python bench process": get(py, "peak_rss_mb"),
            "Node bench process": get(node, "peak_rss_mb"),
            "vaderSentiment process": get(f["vader"], "peak_rss_mb"),
            "npm sentiment process": get(f["sentiment"], "peak_rss_mb"),
        },
    }

    rows: list[tuple[str, str, str, str]] = []
    checks: list[dict[str, Any]] = []

    def row(figure: str, measured: str, target: str = "", ok: bool | None = None, value: float | None = None) -> None:
        verdict = "" if ok is None else ("met" if ok else "MISSED")
        rows.append((figure, measured, target, verdict))
        if ok is not None:
            checks.append({"figure": figure, "value": value, "target": target, "met": ok})

    def section(title: str) -> None:
        rows.append((f"-- {title}", "", "", ""))

    section(f"MB/s on one core (CPU {run['cpu']}), median pass")
    row(
        "empathize native tokenize loop",
        f"{mb['native tokenize loop']:.1f}",
        ">= 300",
        mb["native tokenize loop"] >= 300,
        mb["native tokenize loop"],
    )
    row(
        "empathize native score loop (full scoring)",
        f"{mb['native score loop']:.1f}",
        ">= 100 (stretch 200)",
        mb["native score loop"] >= 100,
        mb["native score loop"],
    )
    row("empathize native score_reply loop", f"{mb['native score_reply loop']:.1f}")
    threads = rust.get("threads", "?")
    row(
        f"empathize native score_batch, {threads} thread{'' if threads == 1 else 's'}",
        f"{mb['native score_batch']:.1f}",
    )
    row("empathize Python score loop", f"{mb['Python score loop']:.1f}")
    row("empathize Python score_many(threads=1)", f"{mb['Python score_many(threads=1)']:.1f}")
    row("empathize Python score_arrow(threads=1)", f"{mb['Python score_arrow(threads=1)']:.1f}")
    row(
        "empathize Python score_many(threads=1, summary=True)",
        f"{mb['Python score_many(threads=1, summary=True)']:.1f}",
    )
    row("empathize Node score loop", f"{mb['Node score loop']:.1f}")
    row("empathize Node scoreMany", f"{mb['Node scoreMany']:.1f}")
    row("empathize Node scoreManyAsync", f"{mb['Node scoreManyAsync']:.1f}")
    row("empathize Node scoreMany(summary: true)", f"{mb['Node scoreMany(summary: true)']:.1f}")
    vader, sentiment = f["vader"], f["sentiment"]
    row(f"vaderSentiment {vader['version']} polarity_scores loop", f"{mb['vaderSentiment polarity_scores loop']:.2f}")
    row(f"npm sentiment {sentiment['version']} analyze loop", f"{mb['npm sentiment analyze loop']:.1f}")

    section("ratios (same run)")
    r = ratios
    k = "Python score loop / vaderSentiment (MB/s)"
    row("Python score loop vs vaderSentiment", f"{r[k]:.1f}x vader's MB/s", ">= 100x", r[k] >= 100, r[k])
    k = "Python score_many(threads=1) / native (time)"
    row(
        "Python score_many(threads=1) vs native",
        f"{r[k]:.2f}x native time (native {py_native:.1f} MB/s)",
        "<= 1.15x",
        r[k] <= 1.15,
        r[k],
    )
    k = "Python score_arrow(threads=1) / native (time)"
    row("Python score_arrow(threads=1) vs native", f"{r[k]:.2f}x native time", "<= 1.15x", r[k] <= 1.15, r[k])
    k = "Node scoreMany / npm sentiment (MB/s)"
    row("Node scoreMany vs npm sentiment", f"{r[k]:.2f}x sentiment's MB/s", ">= 1.5x", r[k] >= 1.5, r[k])
    k = "Node scoreMany / native (time)"
    row(
        "Node scoreMany vs native",
        f"{r[k]:.2f}x native time (native {node_native:.1f} MB/s)",
        "<= 1.3x",
        r[k] <= 1.3,
        r[k],
    )
    k = "Node scoreManyAsync / native (time)"
    row("Node scoreManyAsync vs native", f"{r[k]:.2f}x native time", "<= 1.3x", r[k] <= 1.3, r[k])

    section("summary mode (ReplySummary: no matches, evidence, breakdown) vs the native summary loop")
    k = "Python score_many(threads=1, summary=True) / native summary (time)"
    row(
        "Python score_many(threads=1, summary=True) vs native summary",
        f"{r[k]:.2f}x native time (native summary {py_native_summary:.1f} MB/s)",
        "<= 1.15x",
        r[k] <= 1.15,
        r[k],
    )
    k = "Node scoreMany(summary: true) / npm sentiment (MB/s)"
    row("Node scoreMany(summary: true) vs npm sentiment", f"{r[k]:.2f}x sentiment's MB/s", ">= 1.5x", r[k] >= 1.5, r[k])
    k = "Node scoreMany(summary: true) / native summary (time)"
    row(
        "Node scoreMany(summary: true) vs native summary",
        f"{r[k]:.2f}x native time (native summary {node_native_summary:.1f} MB/s)",
        "<= 1.3x",
        r[k] <= 1.3,
        r[k],
    )

    section("latency, build, memory")
    lat = figures["latency_200b_us"]
    row(
        "200-byte reply, native score, median (p99)",
        f"{lat['Rust']['median']:.1f} us ({lat['Rust']['p99']:.1f})",
        "<= 5 us",
        lat["Rust"]["median"] <= 5,
        lat["Rust"]["median"],
    )
    row(
        "200-byte reply, Python / Node score, median",
        f"{lat['Python']['median']:.1f} us / {lat['Node']['median']:.1f} us",
    )
    build = figures["analyzer_build_ms"]
    row(
        "analyzer build (default pack, fresh Rust process)",
        f"{build['Rust (fresh process)']:.0f} ms",
        "<= 100 ms",
        build["Rust (fresh process)"] <= 100,
        build["Rust (fresh process)"],
    )
    row("analyzer build, Python / Node", f"{build['Python']:.0f} ms / {build['Node']:.0f} ms")
    row(
        "peer build: vaderSentiment / npm sentiment",
        f"{build['vaderSentiment (import + build)']:.0f} ms / {build['npm sentiment (require + build)']:.0f} ms",
    )
    rss = figures["peak_rss_mb"]
    key = "Rust default analyzer (build + one score)"
    row("peak RSS, default analyzer (Rust process)", f"{rss[key]:.1f} MB", "<= 30 MB", rss[key] <= 30, rss[key])
    row(
        "peak RSS of the bench processes: Rust / Python / Node",
        f"{rss['Rust bench process']:.0f} / {rss['Python bench process']:.0f} / {rss['Node bench process']:.0f} MB",
    )
    row(
        "peak RSS of the peers: vaderSentiment / npm sentiment",
        f"{rss['vaderSentiment process']:.0f} / {rss['npm sentiment process']:.0f} MB",
    )

    figures["checks"] = checks
    return rows, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--json-out", type=Path, action="append", default=[])
    args = parser.parse_args()
    try:
        f = load(args.run_dir)
        rows, figures = summarize(f)
    except Missing as e:
        print(f"bench-all: incomplete run, no summary: {e}", file=sys.stderr)
        sys.exit(1)
    run, corpus = f["run"], f["corpus"]
    busy = cpu_busy(run.get("proc_stat_start", []), run.get("proc_stat_end", []))
    pinned = f"cpu{run['cpu']}"
    others = {cpu: b for cpu, b in busy.items() if cpu != pinned}

    print(f"empathize {run['commit']} | {run['mode']} run | {run['started']} | {run['cpus']} CPUs")
    print(
        f"corpus: {corpus['texts']} texts ({corpus['epitome_texts']} EPITOME responses, {corpus['twcs_texts']} TWCS"
        f" tweets), {corpus['bytes']:,} bytes = {corpus['bytes'] / 1e6:.2f} MB, the same file for every timer"
    )
    print(
        f"one core: every timed process under `taskset -c {run['cpu']}` with RAYON_NUM_THREADS=1; "
        f"timings: warm-up pass, then >= {run['reps']} passes and >= {run['seconds']} s, median"
    )
    print(
        f"peers: vaderSentiment {f['vader']['version']} ({f['vader']['runtime']}), "
        f"npm sentiment {f['sentiment']['version']} ({f['sentiment']['runtime']})"
    )
    # The timers ran one after the other on the pinned CPU: their CPU time over
    # the wall time is the share of that CPU they got (the rest: other work).
    share = run["timed_cpu_s"] / run["timed_wall_s"] if run.get("timed_wall_s") else None
    load_note = f"load average {run['loadavg_start']} before, {run['loadavg_end']} after"
    if share is not None:
        load_note += (
            f"; the timers got {100 * share:.0f}% of {pinned}"
            f" ({run['timed_cpu_s']:.0f} CPU s in {run['timed_wall_s']:.0f} s)"
        )
    if busy:
        load_note += "; busy: " + ", ".join(f"{cpu} {b:.0f}%" for cpu, b in busy.items())
    shared = (share is not None and share < 0.9) or any(b > 15 for b in others.values())
    print(load_note)
    if shared:
        print(
            "-> other work was running on this machine during the run:"
            " absolute MB/s are depressed; read the ratios, and rerun on a quiet machine for absolutes"
        )
    print()
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    width[0] = max(width[0], len("figure"))
    header = ("figure", "measured", "target", "")
    print("  ".join(h.ljust(w) for h, w in zip(header, width)).rstrip())
    for r in rows:
        if r[0].startswith("-- "):
            print(r[0])
        else:
            print("  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip())
    missed = [c["figure"] for c in figures["checks"] if not c["met"]]
    met = len(figures["checks"]) - len(missed)
    print(f"\n{met} targets met, {len(missed)} missed")

    summary = {
        "run": {k: v for k, v in run.items() if not k.startswith("proc_stat")}
        | {"cpu_busy_pct": busy, "pinned_cpu_share": round(share, 3) if share is not None else None, "shared": shared},
        "corpus": corpus,
        "peers": {
            "vaderSentiment": {"version": f["vader"]["version"], "runtime": f["vader"]["runtime"]},
            "sentiment": {"version": f["sentiment"]["version"], "runtime": f["sentiment"]["runtime"]},
        },
        "figures": figures,
        "table": [list(r) for r in rows],
        "raw": {name: f[name] for name in ("footprint", "rust", "python", "node", "vader", "sentiment")},
    }
    for path in args.json_out:
        path.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
