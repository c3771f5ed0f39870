#!/usr/bin/env bash
# Speed of the core and of both bindings beside their peers, in one run, on
# one core each and on the same corpus (../shared/data: every distinct
# EPITOME response + the TWCS tweets, written once to a JSONL that every
# timer reads):
#   empathize native (Rust `tokenize`, `score`, `score_reply` loops,
#   `score_batch`), Python (`score` loop, `score_many(threads=1)`,
#   `score_arrow(threads=1)`), Node (`score` loop, `scoreMany`,
#   `scoreManyAsync`), and the peers vaderSentiment (Python,
#   `SentimentIntensityAnalyzer().polarity_scores`) and npm `sentiment`
#   (`new Sentiment().analyze`); then the latency of one call on the same
#   200-byte reply, the analyzer build time and the peak RSS, and a summary
#   table with the ratios and targets of issue 15 (met / MISSED).
#
# Every timed process runs under `taskset -c CPU` (default 0) with
# RAYON_NUM_THREADS=1. Each figure: one warm-up pass, then passes until
# --seconds have passed and at least --reps were run; the median pass.
#
# Builds what it times (incrementally): the Rust example, the Python binding
# into .venv (`maturin develop --release --features testing`, as scripts/test-all.sh does; the
# venv is created with maturin and pyarrow if missing) and the Node addon
# (`npm ci` if needed, `npm run build:test`: the native baselines are test hooks). The peers go into a bench
# environment of their own, created when missing and reused otherwise:
# target/bench-env/ (or $EMPATHIZE_BENCH_ENV): venv/ with vaderSentiment,
# npm/ with sentiment, exact versions below.
#
# Usage: ./scripts/bench-all.sh [--quick] [--seconds S] [--reps N] [--cpu N]
#                               [--json-out FILE] [--no-build]
#   --quick      short timings (0.3 s, 3 passes per figure): a smoke run
#   --json-out   also write the summary (all figures, targets, raw timer
#                output) as JSON to FILE; the last run is always kept in
#                target/bench-env/last-run.json
#   --no-build   time what is built; fail if something is missing
set -euo pipefail
CALLER_PWD=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD

VADER_VERSION=3.3.2    # PyPI vaderSentiment
SENTIMENT_VERSION=5.0.2 # npm sentiment

SECONDS_PER=2
REPS=5
CPU=0
JSON_OUT=
BUILD=1
MODE=full
usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() {
  echo "bench-all: $*" >&2
  echo "bench-all: stopped before the summary (no figures printed)" >&2
  exit 1
}
while [ $# -gt 0 ]; do
  case $1 in
    --quick) MODE=quick; SECONDS_PER=0.3; REPS=3 ;;
    --seconds) SECONDS_PER=${2:?--seconds needs a value}; shift ;;
    --reps) REPS=${2:?--reps needs a value}; shift ;;
    --cpu) CPU=${2:?--cpu needs a value}; shift ;;
    --json-out)
      JSON_OUT=${2:?--json-out needs a file}; shift
      case $JSON_OUT in /*) ;; *) JSON_OUT=$CALLER_PWD/$JSON_OUT ;; esac ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
trap 'echo "bench-all: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2; echo "bench-all: stopped before the summary (no figures printed)" >&2' ERR

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# --- What must be there -----------------------------------------------------
PY=${PYTHON:-python3}
for tool in "$PY" node npm cargo taskset; do
  command -v "$tool" >/dev/null || die "'$tool' is not on the PATH (taskset is in util-linux)"
done
DATA=$ROOT/../shared/data
if [ ! -d "$DATA/epitome" ] || [ ! -f "$DATA/twcs/sample.csv" ]; then
  die "no corpus: $DATA/epitome/*.dev.csv and $DATA/twcs/sample.csv are needed"
fi
taskset -c "$CPU" true 2>/dev/null || die "cannot pin to CPU $CPU (taskset -c $CPU); CPUs here: $(nproc --all)"
BENCH_ENV=${EMPATHIZE_BENCH_ENV:-$ROOT/target/bench-env}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
THROUGHPUT=$TARGET_DIR/release/examples/throughput
mkdir -p "$BENCH_ENV"

# --- Build what is timed ------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  say "Build: Rust example, Python binding (.venv), Node addon"
  nice -n 10 cargo build --release -q -p empathize --example throughput \
    || die "cargo build of the throughput example failed"
  if [ ! -x .venv/bin/python ]; then
    echo "creating .venv (as scripts/test-all.sh does)"
    "$PY" -m venv .venv || die "could not create .venv with $PY"
  fi
  # Only what the benchmark needs from requirements-dev.txt (test-all installs all of it).
  for pkg in maturin pyarrow; do
    if ! .venv/bin/python -c "import $pkg" 2>/dev/null; then
      spec=$(grep -E "^$pkg" bindings/python/requirements-dev.txt | sed 's/ *#.*//' | head -1)
      .venv/bin/python -m pip install --quiet "${spec:-$pkg}" || die "pip install ${spec:-$pkg} into .venv failed"
    fi
  done
  log=$BENCH_ENV/build.log
  if ! ( cd bindings/python && nice -n 10 "$ROOT/.venv/bin/maturin" develop --release --quiet --features testing ) >"$log" 2>&1; then
    tail -20 "$log" >&2
    die "maturin develop of the Python binding failed (log: $log)"
  fi
  if [ ! -d bindings/node/node_modules/@napi-rs/cli ]; then
    ( cd bindings/node && npm ci --no-audit --no-fund --loglevel=error ) || die "npm ci in bindings/node failed"
  fi
  if ! ( cd bindings/node && nice -n 10 npm run --silent build:test ) >"$log" 2>&1; then
    tail -20 "$log" >&2
    die "the Node addon build (npm run build in bindings/node) failed (log: $log)"
  fi
  echo "built: $THROUGHPUT, empathize in .venv, bindings/node/*.node"
fi
[ -x "$THROUGHPUT" ] || die "no $THROUGHPUT: run without --no-build (or cargo build --release -p empathize --example throughput)"
.venv/bin/python -c 'import empathize, empathize._native, pyarrow' 2>/dev/null \
  || die "the Python binding or pyarrow is missing from .venv: run without --no-build, or ./scripts/test-all.sh"
compgen -G "bindings/node/*.node" >/dev/null \
  || die "the Node addon is not built: run without --no-build, or (cd bindings/node && npm ci && npm run build)"

# --- The peers' bench environment ---------------------------------------------
say "Bench environment: $BENCH_ENV"
VENV=$BENCH_ENV/venv
have_vader() {
  "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('vaderSentiment') != '$VADER_VERSION')" 2>/dev/null
}
if ! have_vader; then
  echo "installing vaderSentiment==$VADER_VERSION into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" || die "could not create $VENV with $PY"
  "$VENV/bin/python" -m pip install --quiet "vaderSentiment==$VADER_VERSION" \
    || die "pip install vaderSentiment==$VADER_VERSION failed (PyPI reachable?)"
  "$VENV/bin/python" -m pip freeze >"$BENCH_ENV/venv-freeze.txt"
  have_vader || die "vaderSentiment $VADER_VERSION is not importable from $VENV"
fi
NPM_PREFIX=$BENCH_ENV/npm
have_sentiment() {
  node -e "process.exit(require('$NPM_PREFIX/node_modules/sentiment/package.json').version === '$SENTIMENT_VERSION' ? 0 : 1)" 2>/dev/null
}
if ! have_sentiment; then
  echo "installing sentiment@$SENTIMENT_VERSION into $NPM_PREFIX"
  rm -rf "$NPM_PREFIX"
  mkdir -p "$NPM_PREFIX"
  printf '{ "name": "empathize-bench-peers", "private": true }\n' >"$NPM_PREFIX/package.json"
  npm install --prefix "$NPM_PREFIX" --save-exact --no-audit --no-fund --loglevel=error "sentiment@$SENTIMENT_VERSION" \
    || die "npm install sentiment@$SENTIMENT_VERSION failed (npm registry reachable?)"
  have_sentiment || die "sentiment $SENTIMENT_VERSION is not loadable from $NPM_PREFIX"
fi
echo "vaderSentiment $VADER_VERSION ($("$VENV/bin/python" --version)), sentiment $SENTIMENT_VERSION (Node $(node --version))"

# --- One corpus for every timer ---------------------------------------------
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
CORPUS=$BENCH_ENV/corpus.jsonl
"$PY" bindings/python/bench/corpus.py --data "$DATA" --out "$CORPUS" || die "could not write the corpus"
cp "$CORPUS.meta.json" "$OUT/corpus.meta.json"

# --- Timed runs, one core each, peers right beside the binding they face ---
ONE_CORE=(taskset -c "$CPU" env RAYON_NUM_THREADS=1)
T=(--seconds "$SECONDS_PER" --reps "$REPS")
# CPU seconds (user + sys) of this shell's finished children so far, into $1.
children_cpu() {
  times >"$OUT/times"
  printf -v "$1" '%s' "$(tail -1 "$OUT/times" | awk '{ s = 0; for (i = 1; i <= NF; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } print s }')"
}
children_cpu CPU_START
WALL_START=$(date +%s.%N)
read -r LOAD_START _ </proc/loadavg
STAT_START=$(grep '^cpu[0-9]' /proc/stat)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

say "Rust core: default analyzer alone (build time, peak RSS), then the corpus"
"${ONE_CORE[@]}" "$THROUGHPUT" --footprint --json-out "$OUT/footprint.json"
"${ONE_CORE[@]}" "$THROUGHPUT" --corpus "$CORPUS" "${T[@]}" --json-out "$OUT/rust.json"

say "Python peer: vaderSentiment $VADER_VERSION"
"${ONE_CORE[@]}" "$VENV/bin/python" bindings/python/bench/peer_vader.py --corpus "$CORPUS" "${T[@]}" \
  --json-out "$OUT/vader.json"

say "Python binding (one thread)"
"${ONE_CORE[@]}" .venv/bin/python bindings/python/bench/bench.py --corpus "$CORPUS" "${T[@]}" --single-core \
  --json-out "$OUT/python.json"

say "Node peer: sentiment $SENTIMENT_VERSION"
"${ONE_CORE[@]}" node bindings/node/bench/peer_sentiment.mjs --prefix "$NPM_PREFIX" --corpus "$CORPUS" "${T[@]}" \
  --json-out "$OUT/sentiment.json"

say "Node binding (one thread)"
"${ONE_CORE[@]}" node bindings/node/bench/bench.mjs --corpus "$CORPUS" "${T[@]}" --json-out "$OUT/node.json"

read -r LOAD_END _ </proc/loadavg
STAT_END=$(grep '^cpu[0-9]' /proc/stat)
WALL_END=$(date +%s.%N)
children_cpu CPU_END
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && COMMIT="$COMMIT+dirty"
"$PY" - "$OUT/run.json" <<PY
import json, sys
json.dump({
    "commit": "$COMMIT", "mode": "$MODE", "started": "$STARTED", "cpu": $CPU, "cpus": $(nproc --all),
    "seconds": $SECONDS_PER, "reps": $REPS, "loadavg_start": $LOAD_START, "loadavg_end": $LOAD_END,
    "timed_wall_s": round($WALL_END - $WALL_START, 2), "timed_cpu_s": round($CPU_END - $CPU_START, 2),
    "proc_stat_start": """$STAT_START""".splitlines(), "proc_stat_end": """$STAT_END""".splitlines(),
}, open(sys.argv[1], "w"), indent=1)
PY

say "Summary ($MODE run; targets from issue 15)"
SUMMARY_ARGS=(--json-out "$BENCH_ENV/last-run.json")
[ -n "$JSON_OUT" ] && SUMMARY_ARGS+=(--json-out "$JSON_OUT")
"$PY" bindings/python/bench/bench_summary.py "$OUT" "${SUMMARY_ARGS[@]}" || die "the summary could not be made"
[ "$MODE" = quick ] && echo "(--quick: short timings, for a smoke check only)"
[ -n "$JSON_OUT" ] && echo "summary JSON: $JSON_OUT"
exit 0
