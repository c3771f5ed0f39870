#!/usr/bin/env bash
# Installs each artifact of dist/ (scripts/package.sh) into a fresh
# environment whose PATH has no cargo or rustc (only the Python interpreter,
# /usr/bin and /bin; a fresh HOME; `env -i`), and runs a smoke test in it:
# score a reply, check a flag, slice the text with a match's offsets.
#   - wheel: auditwheel says manylinux_2_17 x86_64; fresh venv, pip install (no index)
#   - npm: fresh project, npm install --offline of the two tarballs; and the
#     main tarball alone must fail with the honest no-binding error
#   - CLI: untar, `empathize score examples/data/conversations.jsonl`; no
#     glibc symbol newer than 2.17
#   - sdist: pip install without cargo must stop with the backend's message;
#     with SOURCE_BUILD=1 also a real build from it with cargo (minutes)
# Slow (it packages first when dist/ is incomplete); not part of test-all.sh.
# Usage: ./scripts/test-package.sh      SOURCE_BUILD=1 ./scripts/test-package.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
check() { # check NAME CMD...: one test
  local name=$1 start=$SECONDS; shift
  if "$@" >"$WORK/out" 2>&1; then
    PASSED=$((PASSED + 1)); printf 'ok   %-58s %4ss\n' "$name" $((SECONDS - start))
    grep -E '^(python|node|cli|wheel|sdist):' "$WORK/out" | sed 's/^/     > /'
  else
    FAILED=$((FAILED + 1)); printf 'FAIL %-58s %4ss\n' "$name" $((SECONDS - start)); sed 's/^/     | /' "$WORK/out" | tail -40
  fi
}

wheel=$(ls "$DIST"/empathize-"$VERSION"-cp39-abi3-*.whl 2>/dev/null | head -1)
sdist=$DIST/empathize-$VERSION.tar.gz
npm_main=$DIST/empathize-$VERSION.tgz
npm_platform=$DIST/empathize-linux-x64-gnu-$VERSION.tgz
cli=$DIST/empathize-$VERSION-x86_64-unknown-linux-gnu.tar.gz
if [ -z "$wheel" ] || [ ! -f "$sdist" ] || [ ! -f "$npm_main" ] || [ ! -f "$npm_platform" ] || [ ! -f "$cli" ]; then
  say "dist/ is incomplete: ./scripts/package.sh"
  ./scripts/package.sh || exit 1
  wheel=$(ls "$DIST"/empathize-"$VERSION"-cp39-abi3-*.whl | head -1)
fi

# --- an environment with no Rust toolchain ---------------------------------------
# PATH: a directory with the real Python interpreter only, then /usr/bin and
# /bin (node, npm, tar, a C toolchain, but no cargo/rustc/rustup).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
mkdir -p "$WORK/bin" "$WORK/home"
ln -s "$PYTHON" "$WORK/bin/python3"
CLEAN_PATH=$WORK/bin:/usr/bin:/bin
clean() { # clean CMD...: runs CMD with nothing of this shell's environment
  env -i PATH="$CLEAN_PATH" HOME="$WORK/home" LANG=C.UTF-8 "$@"
}
say "The environment"
no_rust() {
  for tool in cargo rustc rustup; do
    if clean sh -c "command -v $tool"; then echo "$tool is on the clean PATH" >&2; return 1; fi
  done
  clean sh -c 'command -v python3 node npm tar'
}
check "no cargo, rustc or rustup on the clean PATH" no_rust

# --- Python wheel --------------------------------------------------------------------
say "Python wheel: $(basename "$wheel")"
# (Listings go to a file first: `cmd | grep -q` under pipefail fails when
# grep stops reading early.)
listing() { "$@" >"$WORK/listing" && cat "$WORK/listing"; }
has() { grep -q -- "$1" "$WORK/listing"; }
wheel_tag() {
  listing "$ROOT/.venv-package/bin/auditwheel" show "$wheel" &&
    tr -s ' \n' ' ' <"$WORK/listing" | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' &&
    echo "wheel: $(tr -s ' \n' ' ' <"$WORK/listing" | grep -o 'consistent with the following platform tag: "[^"]*"')"
}
check "auditwheel show: manylinux_2_17_x86_64 (manylinux2014)" wheel_tag
wheel_contents() {
  listing unzip -l "$wheel" && has "dist-info/licenses/LICENSE-MIT$" && has "dist-info/licenses/LICENSE-APACHE$" &&
    has "dist-info/licenses/NOTICE$" && has "dist-info/licenses/THIRD-PARTY-LICENSES.txt$" &&
    has "empathize/_native.abi3.so$"
}
check "the wheel carries LICENSE-MIT, LICENSE-APACHE, NOTICE, THIRD-PARTY-LICENSES.txt" wheel_contents
cat >"$WORK/smoke.py" <<'PY'
import sys
import empathize

assert "site-packages" in empathize.__file__, empathize.__file__
customer = "I've been waiting two weeks for my refund and I'm really frustrated!!"
reply = "Per our policy, refunds take 10 business days."
report = empathize.score(reply, customer=customer)
assert 0 <= report.score <= 100
assert "policy_wall" in report.flags, report.flags
text = "I’m so sorry 😭 — that sounds really frustrating. Héllo 你好, I’ll take care of it."
matches = empathize.score(text).matches
assert matches, "some rule matches"
for m in matches:  # code-point offsets: slice the str directly
    assert text[m.start : m.end] == m.text, (m.start, m.end, m.text)
print(f"python: score {report.score:.1f}, flags {report.flags}, {len(matches)} matches sliced")
PY
python_wheel() {
  clean python3 -m venv "$WORK/venv" &&
    clean "$WORK/venv/bin/pip" install --quiet --no-index "$wheel" &&
    (cd "$WORK" && clean "$WORK/venv/bin/python" smoke.py)
}
check "fresh venv: pip install the wheel, smoke test" python_wheel

# --- npm packages --------------------------------------------------------------------
say "npm: $(basename "$npm_main") + $(basename "$npm_platform")"
tarball_contents() {
  listing tar -tzf "$npm_main" && has '^package/NOTICE$' && has '^package/THIRD-PARTY-LICENSES.txt$' && has '^package/LICENSE-MIT$' && has '^package/LICENSE-APACHE$' &&
    has '^package/index.js$' && has '^package/native.js$' && has '^package/index.d.ts$' && ! has '\.node$' || return 1
  listing tar -tzf "$npm_platform" && has '^package/empathize.linux-x64-gnu.node$' && has '^package/NOTICE$' &&
    has '^package/THIRD-PARTY-LICENSES.txt$' &&
    has '^package/LICENSE-APACHE$' || return 1
  listing tar -xzOf "$npm_main" package/package.json && has '"empathize-linux-x64-gnu": "'"$VERSION"'"'
}
check "main: loader + licences, no binary; platform: .node" tarball_contents
cat >"$WORK/smoke.mjs" <<'JS'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { score, Analyzer } from 'empathize'

const require = createRequire(import.meta.url)
assert.equal(require('empathize').score, score, 'require and import give the same binding')
const customer = "I've been waiting two weeks for my refund and I'm really frustrated!!"
const reply = 'Per our policy, refunds take 10 business days.'
const report = score(reply, { customer })
assert.ok(report.flags.includes('policy_wall'), JSON.stringify(report.flags))
const text = 'I’m so sorry 😭 — that sounds really frustrating. Héllo 你好, I’ll take care of it.'
const { matches } = new Analyzer().score(text)
assert.ok(matches.length > 0)
for (const m of matches) assert.equal(text.slice(m.start, m.end), m.text) // UTF-16 offsets
console.log(`node: score ${report.score.toFixed(1)}, flags ${report.flags}, ${matches.length} matches sliced, binding ${require.resolve('empathize-linux-x64-gnu')}`)
JS
npm_project() { # npm_project DIR TARBALL...: a fresh project with these tarballs installed offline
  local dir=$1; shift
  mkdir -p "$dir" && echo '{ "name": "smoke", "version": "1.0.0", "private": true }' >"$dir/package.json" &&
    (cd "$dir" && clean npm install --offline --no-audit --no-fund --loglevel=error "$@")
}
node_install() {
  npm_project "$WORK/node" "$npm_main" "$npm_platform" && cp "$WORK/smoke.mjs" "$WORK/node/" &&
    (cd "$WORK/node" && clean node smoke.mjs)
}
check "fresh project: npm install --offline both tarballs, smoke test" node_install
node_without_platform() {
  npm_project "$WORK/node-main-only" "$npm_main" || return 1
  (cd "$WORK/node-main-only" && ! clean node -e "require('empathize')" 2>"$WORK/node-error") || return 1
  cat "$WORK/node-error"
  grep -q 'no native binding could be loaded on linux-x64-gnu' "$WORK/node-error" &&
    grep -q 'it is the package empathize-linux-x64-gnu' "$WORK/node-error" &&
    grep -q 'npm run build' "$WORK/node-error"
}
check "main tarball alone: the honest no-binding error" node_without_platform

# --- CLI -------------------------------------------------------------------------------
say "CLI: $(basename "$cli")"
cli_run() {
  tar -xzf "$cli" -C "$WORK" || return 1
  local dir=$WORK/empathize-$VERSION-x86_64-unknown-linux-gnu
  ls "$dir" && [ -f "$dir/LICENSE-MIT" ] && [ -f "$dir/LICENSE-APACHE" ] && [ -f "$dir/NOTICE" ] && [ -f "$dir/THIRD-PARTY-LICENSES.txt" ] && [ -f "$dir/README.md" ] || return 1
  listing file "$dir/empathize" && has ', stripped$' || return 1
  local newest
  newest=$(objdump -T "$dir/empathize" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
  echo "cli: $(stat -c %s "$dir/empathize") bytes, stripped, newest glibc symbol $newest"
  [ "$(printf '%s\n' "$newest" GLIBC_2.17 | sort -V | tail -1)" = GLIBC_2.17 ] || return 1
  (cd "$WORK" && clean "$dir/empathize" score "$ROOT/examples/data/conversations.jsonl" >"$WORK/cli-out") || return 1
  head -c 600 "$WORK/cli-out"; echo
  [ "$(wc -l <"$WORK/cli-out")" -ge 42 ] && grep -q '^c001 ' "$WORK/cli-out" && grep -q 'policy_wall' "$WORK/cli-out" &&
    echo "cli: score wrote $(wc -l <"$WORK/cli-out") lines for 42 conversations"
}
check "untar, stripped, glibc <= 2.17, empathize score conversations.jsonl" cli_run

# --- sdist without Rust -----------------------------------------------------------------
say "sdist without cargo: $(basename "$sdist")"
sdist_contents() {
  listing tar -tzf "$sdist" && has 'build-backend/empathize_build.py$' && has "^empathize-$VERSION/LICENSE-MIT$" &&
    has "^empathize-$VERSION/LICENSE-APACHE$" && has "^empathize-$VERSION/NOTICE$" &&
    has "^empathize-$VERSION/THIRD-PARTY-LICENSES.txt$"
}
check "the sdist carries the build backend and the licences" sdist_contents
sdist_no_cargo() {
  clean python3 -m venv "$WORK/venv-sdist" || return 1
  # pip fetches maturin (the build requirement) from PyPI; nothing else.
  if clean "$WORK/venv-sdist/bin/pip" install --no-cache-dir "$sdist" >"$WORK/sdist-log" 2>&1; then
    echo "pip install of the sdist succeeded without cargo" >&2; return 1
  fi
  cat "$WORK/sdist-log"
  grep -q 'no Rust toolchain found (`cargo` is not on PATH)' "$WORK/sdist-log" &&
    grep -q 'install Rust >= 1\.' "$WORK/sdist-log" &&
    grep -q 'manylinux2014' "$WORK/sdist-log" &&
    ! grep -qi 'puccinialin\|rustup-init' "$WORK/sdist-log" &&
    echo "sdist: $(grep -o 'empathize: no Rust toolchain found.*' "$WORK/sdist-log" | head -1)"
}
check "pip install sdist without cargo: fails fast, says what to do" sdist_no_cargo

# --- sdist with Rust (opt-in: a full release build of the binding) -----------------
if [ "${SOURCE_BUILD:-0}" = 1 ]; then
  say "sdist with cargo (SOURCE_BUILD=1)"
  sdist_with_cargo() {
    # The user's environment as it is (cargo on PATH); a fresh venv.
    python3 -m venv "$WORK/venv-source" &&
      CARGO_TARGET_DIR="$ROOT/target/package-sdist" nice -n 10 "$WORK/venv-source/bin/pip" install --quiet "$sdist" &&
      (cd "$WORK" && "$WORK/venv-source/bin/python" smoke.py | sed 's/^python:/sdist:/')
  }
  check "pip install sdist with cargo builds, smoke test" sdist_with_cargo
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
