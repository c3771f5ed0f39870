#!/usr/bin/env bash
# Speed of the core and of both bindings on the same real corpus
# (../shared/data: EPITOME responses + TWCS tweets), in one run: MB/s
# (core tokenize and score on one core, batches on all cores, Python
# score_many and Node scoreMany with their ratio to the native batch), the
# latency of one call on the same 200-byte reply in Rust, Python and Node,
# analyzer construction time and peak RSS of each, then a summary table
# against the targets of SPEC.md (Speed).
# Assumes ./scripts/test-all.sh has built the bindings (.venv, bindings/node).
# Usage: ./scripts/bench-all.sh [--seconds N]   (time per measurement, default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=2
[ "${1:-}" = "--seconds" ] && SECONDS_PER=${2:?--seconds needs a value}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== Rust core (one core unless stated)"
cargo run --release -q -p empathize --example throughput -- --json-out "$OUT/rust.json"
echo
echo "== Python binding"
.venv/bin/python bindings/python/bench/bench.py --seconds "$SECONDS_PER" --json-out "$OUT/python.json"
echo
echo "== Node binding"
node bindings/node/bench/bench.mjs --seconds "$SECONDS_PER" --json-out "$OUT/node.json"
echo
echo "== Summary ($(nproc) cores; targets from SPEC.md)"
.venv/bin/python - "$OUT" <<'PY'
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
rust, py, node = (json.loads((out / f"{n}.json").read_text()) for n in ("rust", "python", "node"))


def py_row(prefix: str) -> dict:
    return next(v for k, v in py["rows"].items() if k.startswith(prefix))


py_one = py_row("score_many threads=1")
py_all = py_row("score_many threads=None")
node_many = node["rows"]["scoreMany"]
node_async = node["rows"]["scoreManyAsync"]
threads = rust["threads"]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


lines = [
    ("core tokenize, 1 core", f"{rust['tokenize_mb_s']:.1f} MB/s", "", ""),
    ("core score, 1 core", f"{rust['score_mb_s']:.1f} MB/s", ">= 200 MB/s", verdict(rust["score_mb_s"] >= 200)),
    ("core score_reply, 1 core", f"{rust['score_reply_mb_s']:.1f} MB/s", "", ""),
    (f"core score_batch, {threads} threads", f"{rust['batch_mb_s']:.1f} MB/s", "", ""),
]
for name, r in [("Python score_many, 1 thread", py_one), (f"Python score_many, {threads} threads", py_all)]:
    ratio = r["native_mb_s"] / r["mb_s"]
    lines.append((name, f"{r['mb_s']:.1f} MB/s = {ratio:.2f}x native", "<= 1.3x", verdict(ratio <= 1.3)))
arrow = [(k, v) for k, v in py["rows"].items() if k.startswith("score_arrow threads=None")]
for name, r in arrow:
    ratio = r["native_mb_s"] / r["mb_s"]
    lines.append((f"Python score_arrow, {threads} threads", f"{r['mb_s']:.1f} MB/s = {ratio:.2f}x native", "<= 1.15x", verdict(ratio <= 1.15)))
for name, r in [(f"Node scoreMany, {threads} threads", node_many), (f"Node scoreManyAsync, {threads} threads", node_async)]:
    lines.append((name, f"{r['mb_s']:.1f} MB/s = {r['ratio']:.2f}x native", "<= 1.3x", verdict(r["ratio"] <= 1.3)))
for lang, f in [("Rust", rust), ("Python", py), ("Node", node)]:
    median = f.get("latency_200b_median_us", f.get("latency_median_us"))
    p99 = f.get("latency_200b_p99_us", f.get("latency_p99_us"))
    lines.append(
        (
            f"{lang} score, {f['reply_bytes']}-byte reply",
            f"median {median:.1f} us, p99 {p99:.1f} us",
            "a few us: <= 5 us" if lang == "Rust" else "",
            verdict(median <= 5) if lang == "Rust" else "",
        )
    )
for lang, f in [("Rust", rust), ("Python", py), ("Node", node)]:
    lines.append(
        (f"{lang} analyzer build", f"first {f['first_build_ms']:.0f} ms, extra pack {f['rebuild_ms']:.0f} ms", "", "")
    )
lines.append(
    (
        "peak RSS",
        f"Rust {rust['peak_rss_mb']:.0f} MB, Python {py['peak_rss_mb']:.0f} MB, Node {node['peak_rss_mb']:.0f} MB",
        "",
        "",
    )
)
width = [max(len(line[i]) for line in lines) for i in range(4)]
header = ("figure", "measured", "target", "")
print("  ".join(h.ljust(w) for h, w in zip(header, width)).rstrip())
for line in lines:
    print("  ".join(c.ljust(w) for c, w in zip(line, width)).rstrip())
PY
