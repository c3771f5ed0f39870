#!/usr/bin/env bash
# Builds the release artifacts into dist/ (gitignored), for Linux x86_64 with
# glibc >= 2.17 (the binaries are linked by zig against glibc 2.17 symbols, so
# they run on any manylinux2014-era distribution):
#
#   empathize-<v>-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#   empathize-<v>.tar.gz                     Python sdist (builds from source; needs Rust)
#   empathize-<v>.tgz                        npm main package (JS loader, types, no binary)
#   empathize-linux-x64-gnu-<v>.tgz          npm platform package (the stripped .node)
#   empathize-<v>-x86_64-unknown-linux-gnu.tar.gz   the stripped CLI + LICENSE-*, NOTICE, README.md
#
# Each tool builds in its own target dir (target/package-*): zig's compiler
# settings differ per tool, and one shared dir would rebuild everything each
# time. Needs cargo, python3, node and npm; everything else (maturin, ziglang,
# auditwheel, cargo-zigbuild) goes into .venv-package/, made on the first run.
# Usage: ./scripts/package.sh        Then: ./scripts/test-package.sh
set -euo pipefail
trap 'echo "package.sh: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$ROOT/dist
STAGE=$ROOT/target/package-stage
TOOLS=$ROOT/.venv-package
TARGET=x86_64-unknown-linux-gnu
GLIBC=2.17
NPM_PLATFORM=linux-x64-gnu
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
NICE=(nice -n 10)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
timed() { # timed LABEL CMD...: runs CMD, records its wall time
  local label=$1 start=$SECONDS; shift
  "$@"
  TIMES+=("$(printf '%-22s %4ss' "$label" $((SECONDS - start)))")
}
TIMES=()

# --- build tools ------------------------------------------------------------
tools() {
  if [ ! -x "$TOOLS/bin/maturin" ] || [ ! -x "$TOOLS/bin/auditwheel" ] || ! "$TOOLS/bin/python" -c 'import ziglang' 2>/dev/null; then
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet --upgrade pip
    "$TOOLS/bin/python" -m pip install --quiet "maturin>=1.9.4,<2" ziglang auditwheel
  fi
  # cargo-zigbuild and napi's --cross-compile look for a `zig` command.
  ln -sf "$("$TOOLS/bin/python" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')" "$TOOLS/bin/zig"
  if [ ! -x "$TOOLS/bin/cargo-zigbuild" ]; then
    "${NICE[@]}" cargo install --quiet --locked --root "$TOOLS" cargo-zigbuild
  fi
  if [ ! -d bindings/node/node_modules/@napi-rs/cli ]; then
    (cd bindings/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
step "Build tools in .venv-package"
timed "tools" tools
export PATH="$TOOLS/bin:$PATH"

rm -rf "$DIST" "$STAGE"
mkdir -p "$DIST" "$STAGE"

# --- Python: abi3 wheel (manylinux2014) and sdist ------------------------------
step "Python wheel (maturin --zig, manylinux2014) and sdist"
timed "python wheel" bash -c "cd bindings/python && ${NICE[*]} maturin build --release --strip --zig \
  --compatibility manylinux2014 --target $TARGET --target-dir '$ROOT/target/package-python' --out '$DIST'"
timed "python sdist" bash -c "cd bindings/python && ${NICE[*]} maturin sdist --out '$DIST'"

# --- Node: napi's layout, a main package + one platform package ----------------
step "Node addon (napi build --cross-compile, glibc $GLIBC) and npm packages"
timed "node addon" bash -c "cd bindings/node && ${NICE[*]} npx napi build --platform --release \
  --cross-compile --target $TARGET.$GLIBC --target-dir '$ROOT/target/package-node' \
  --output-dir '$STAGE/node-build' --js native.js"
node_binary=$STAGE/node-build/empathize.$NPM_PLATFORM.node
[ -f "$node_binary" ] || { echo "napi build made no $node_binary" >&2; exit 1; }
# The committed loader and types must be what this napi version generates.
for generated in native.js index.d.ts; do
  if ! cmp -s "$STAGE/node-build/$generated" "bindings/node/$generated"; then
    echo "bindings/node/$generated is stale: run \`npm run build\` in bindings/node and commit it" >&2
    exit 1
  fi
done

npm_pack() { # npm_pack DIR: packs DIR into dist/
  (cd "$1" && npm pack --silent --pack-destination "$DIST" >/dev/null)
}
build_npm_packages() {
  local main=$STAGE/npm/empathize platform_dir=$STAGE/npm/$NPM_PLATFORM
  mkdir -p "$main"
  cp bindings/node/{package.json,index.js,native.js,index.d.ts,README.md} LICENSE-MIT LICENSE-APACHE NOTICE THIRD-PARTY-LICENSES.txt "$main/"
  # The platform package, as `napi create-npm-dirs` lays it out (napi only
  # writes inside the package directory: bindings/node/npm, gitignored).
  rm -rf bindings/node/npm
  (cd bindings/node && npx napi create-npm-dirs --npm-dir npm)
  mv "bindings/node/npm/$NPM_PLATFORM" "$platform_dir"
  rm -rf bindings/node/npm
  cp "$node_binary" LICENSE-MIT LICENSE-APACHE NOTICE THIRD-PARTY-LICENSES.txt "$platform_dir/"
  node - "$main/package.json" "$platform_dir/package.json" <<'JS'
const fs = require('fs')
const [mainPath, platformPath] = process.argv.slice(2)
const main = JSON.parse(fs.readFileSync(mainPath, 'utf8'))
const platform = JSON.parse(fs.readFileSync(platformPath, 'utf8'))
platform.files = [...platform.files, 'LICENSE-MIT', 'LICENSE-APACHE', 'NOTICE', 'THIRD-PARTY-LICENSES.txt']
platform.engines = main.engines
// What a user installs: only the packed files matter, not the build setup.
main.optionalDependencies = { [platform.name]: platform.version }
for (const key of ['devDependencies', 'overrides', 'scripts']) delete main[key]
fs.writeFileSync(mainPath, JSON.stringify(main, null, 2) + '\n')
fs.writeFileSync(platformPath, JSON.stringify(platform, null, 2) + '\n')
JS
  npm_pack "$main"
  npm_pack "$platform_dir"
}
timed "npm packages" build_npm_packages

# --- CLI tarball ------------------------------------------------------------------
step "CLI (cargo zigbuild, glibc $GLIBC)"
timed "cli" "${NICE[@]}" cargo zigbuild --quiet --release --locked -p empathize-cli --target "$TARGET.$GLIBC" \
  --target-dir target/package-cli
cli_name=empathize-$VERSION-$TARGET
mkdir -p "$STAGE/$cli_name"
cp "target/package-cli/$TARGET/release/empathize" LICENSE-MIT LICENSE-APACHE NOTICE THIRD-PARTY-LICENSES.txt README.md "$STAGE/$cli_name/"
tar -C "$STAGE" -czf "$DIST/$cli_name.tar.gz" "$cli_name"

# --- Summary ------------------------------------------------------------------------
step "dist/"
(cd "$DIST" && ls -l --block-size=K -- *)
echo
echo "unpacked binaries:"
for binary in "$node_binary" "$STAGE/$cli_name/empathize"; do
  printf '  %-60s %8s KiB  %s\n' "${binary#"$ROOT"/}" $(( $(stat -c %s "$binary") / 1024 )) \
    "$(file -b "$binary" | grep -o 'not stripped\|stripped' | head -1)"
done
echo
echo "wall times:"
printf '  %s\n' "${TIMES[@]}"
