#!/usr/bin/env bash
# Runs the lint checks and every test suite: Rust (core + CLI), Python
# (pytest, in a local venv), Node (node --test, after `npm ci` and a native
# build). Installs what it needs itself. Usage: ./scripts/test-all.sh
#
# A failing lint check fails the run like a failing test and is counted with
# the failures. Static typing runs inside the suites: `mypy --strict` and
# stubtest in bindings/python/tests/test_typing.py, `tsc --strict` in
# bindings/node/__test__/package.test.mjs.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG=$(mktemp -d)
declare -A PASSED FAILED SKIPPED
LINT_OK=(); LINT_FAILED=()
status=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

count_cargo() { # sums "test result: ... N passed; M failed" lines
  awk '/^test result:/ {for (i=1;i<=NF;i++) {if ($(i+1) ~ /^passed/) p+=$i; if ($(i+1) ~ /^failed/) f+=$i}} END {print p+0, f+0}' "$1"
}

lint_check() { # lint_check NAME COMMAND...: runs one check, shows its findings if it fails
  local name=$1 log="$LOG/lint-$((${#LINT_OK[@]} + ${#LINT_FAILED[@]})).log"
  shift
  if "$@" >"$log" 2>&1; then
    LINT_OK+=("$name"); echo "ok      $name"
  else
    LINT_FAILED+=("$name"); status=1; echo "FAILED  $name"
    # cargo's progress lines bury the findings.
    grep -v -E '^ *(Compiling|Checking|Documenting|Finished|Blocking|Updating|Downloading|Downloaded|Locking|Generated) ' "$log" | head -60
  fi
}

cargo_doc() {
  # The CLI's binary is named `empathize` like the core's library: documented
  # in one run their pages collide (cargo#6313). The CLI goes first so that
  # the core's pages are the ones left in target/doc.
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p empathize-cli \
    && RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --lib
}

# --- Lint: Rust ---------------------------------------------------------------
# Before the suites, so that findings show first. The Python checks need the
# venv and run in the Python step.
say "Lint: cargo fmt --check, cargo clippy -D warnings, cargo doc -D warnings, third-party licences"
lint_check "cargo fmt --check" cargo fmt --all -- --check
# With the bindings' `testing` feature, so that their test hooks are linted too.
lint_check "cargo clippy -D warnings" cargo clippy --workspace --all-targets \
  --features empathize-python/testing,empathize-node/testing -- -D warnings
lint_check "cargo doc -D warnings" cargo_doc
# The licences of the crates linked into what ships (package.sh puts the
# file into every artifact): stale when a dependency changed without it.
lint_check "third-party licences current" python3 scripts/third_party_licenses.py --check

# --- Rust -------------------------------------------------------------------
say "Rust: cargo test"
cargo test --workspace 2>&1 | tee "$LOG/rust.log"
rust_rc=${PIPESTATUS[0]}
read -r p f < <(count_cargo "$LOG/rust.log")
PASSED[rust]=$p; FAILED[rust]=$f
SKIPPED[rust]=$(awk '/^test result:/ {for (i=1;i<=NF;i++) if ($(i+1) ~ /^ignored/) s+=$i} END {print s+0}' "$LOG/rust.log")
[ "$rust_rc" -ne 0 ] && { status=1; [ "$f" -eq 0 ] && FAILED[rust]=1; }

# --- Python -----------------------------------------------------------------
say "Python: venv, dev tools"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -r bindings/python/requirements-dev.txt 2>&1 | tail -3
say "Lint: ruff check, ruff format --check"
# Configured in bindings/python/pyproject.toml (the generated _reports.py is
# kept as generated).
PY_SOURCES=(bindings/python/python bindings/python/tests bindings/python/bench bindings/python/build-backend scripts/third_party_licenses.py)
lint_check "ruff check" .venv/bin/ruff check "${PY_SOURCES[@]}"
lint_check "ruff format --check" .venv/bin/ruff format --check "${PY_SOURCES[@]}"
say "Python: maturin build, pytest"
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
PASSED[lint]=${#LINT_OK[@]}; FAILED[lint]=${#LINT_FAILED[@]}
total_p=0; total_f=0
for suite in rust python node; do
  printf '%-7s %5s passed, %s failed, %s skipped\n' "$suite:" "${PASSED[$suite]}" "${FAILED[$suite]}" "${SKIPPED[$suite]:-0}"
done
if [ "${FAILED[lint]}" -eq 0 ]; then
  lint_what=$(IFS=,; echo "${LINT_OK[*]}" | sed 's/,/, /g')
else
  lint_what="failed: $(IFS=,; echo "${LINT_FAILED[*]}" | sed 's/,/, /g')"
fi
printf '%-7s %5s passed, %s failed (%s)\n' "lint:" "${PASSED[lint]}" "${FAILED[lint]}" "$lint_what"
for suite in rust python node lint; do
  total_p=$((total_p + PASSED[$suite])); total_f=$((total_f + FAILED[$suite]))
done
echo "$total_p passed, $total_f failed"
exit $status
