#!/usr/bin/env bash
# Runs every test suite: Rust (core + CLI), Python (pytest, in a local venv),
# Node (node --test, after `npm ci` and a native build). Installs what it
# needs itself. Usage: ./scripts/test-all.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG=$(mktemp -d)
declare -A PASSED FAILED SKIPPED
status=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

count_cargo() { # sums "test result: ... N passed; M failed" lines
  awk '/^test result:/ {for (i=1;i<=NF;i++) {if ($(i+1) ~ /^passed/) p+=$i; if ($(i+1) ~ /^failed/) f+=$i}} END {print p+0, f+0}' "$1"
}

# --- Lint -------------------------------------------------------------------
# Formatting and clippy warnings fail the run like a failing test.
say "Lint: cargo fmt --check, cargo clippy -D warnings"
lint=ok
cargo fmt --all -- --check >"$LOG/fmt.log" 2>&1 || { lint=failed; head -40 "$LOG/fmt.log"; }
cargo clippy --workspace --all-targets -- -D warnings >"$LOG/clippy.log" 2>&1 \
  || { lint=failed; grep -E -A8 '^(error|warning)' "$LOG/clippy.log" | head -60; }
[ "$lint" = ok ] || status=1
echo "lint: $lint"

# --- Rust -------------------------------------------------------------------
say "Rust: cargo test"
cargo test --workspace 2>&1 | tee "$LOG/rust.log"
rust_rc=${PIPESTATUS[0]}
read -r p f < <(count_cargo "$LOG/rust.log")
PASSED[rust]=$p; FAILED[rust]=$f
SKIPPED[rust]=$(awk '/^test result:/ {for (i=1;i<=NF;i++) if ($(i+1) ~ /^ignored/) s+=$i} END {print s+0}' "$LOG/rust.log")
[ "$rust_rc" -ne 0 ] && { status=1; [ "$f" -eq 0 ] && FAILED[rust]=1; }

# --- Python -----------------------------------------------------------------
say "Python: venv, maturin build, pytest"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -r bindings/python/requirements-dev.txt 2>&1 | tail -3
( cd bindings/python && "$ROOT/.venv/bin/maturin" develop --release --quiet --features testing ) 2>&1 | tail -5
.venv/bin/python -m pytest bindings/python/tests -q -p no:cacheprovider 2>&1 | tee "$LOG/python.log"
py_rc=${PIPESTATUS[0]}
PASSED[python]=$(grep -Eo '[0-9]+ passed' "$LOG/python.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
FAILED[python]=$(grep -Eo '[0-9]+ (failed|errors?)' "$LOG/python.log" | awk '{s+=$1} END {print s+0}')
SKIPPED[python]=$(grep -Eo '[0-9]+ skipped' "$LOG/python.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
[ "$py_rc" -ne 0 ] && { status=1; [ "${FAILED[python]}" -eq 0 ] && FAILED[python]=1; }

# --- Node -------------------------------------------------------------------
say "Node: npm ci, napi build, node --test"
(
  cd bindings/node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build:test
) 2>&1 | tail -5
( cd bindings/node && npm test --silent ) 2>&1 | tee "$LOG/node.log"
node_rc=${PIPESTATUS[0]}
PASSED[node]=$(grep -E '^# pass ' "$LOG/node.log" | tail -1 | awk '{print $3}')
FAILED[node]=$(grep -E '^# fail ' "$LOG/node.log" | tail -1 | awk '{print $3}')
PASSED[node]=${PASSED[node]:-0}; FAILED[node]=${FAILED[node]:-0}
SKIPPED[node]=$(grep -Ec '# SKIP' "$LOG/node.log" || true)
[ "$node_rc" -ne 0 ] && { status=1; [ "${FAILED[node]}" -eq 0 ] && FAILED[node]=1; }

# --- Summary ----------------------------------------------------------------
say "Summary"
total_p=0; total_f=0
for suite in rust python node; do
  printf '%-7s %5s passed, %s failed, %s skipped\n' "$suite:" "${PASSED[$suite]}" "${FAILED[$suite]}" "${SKIPPED[$suite]:-0}"
  total_p=$((total_p + PASSED[$suite])); total_f=$((total_f + FAILED[$suite]))
done
echo "lint:   $lint (cargo fmt --check, cargo clippy --workspace --all-targets -D warnings)"
echo "$total_p passed, $total_f failed"
exit $status
