#!/usr/bin/env bash
# Speed of the core and of both bindings on the same real corpus
# (../shared/data: EPITOME responses + TWCS tweets), in one run.
# Assumes ./scripts/test-all.sh has built the bindings (.venv, bindings/node).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Rust core (one core unless stated)"
cargo run --release -q -p empathize --example throughput
echo
echo "== Python binding"
.venv/bin/python bindings/python/bench/bench.py
echo
echo "== Node binding"
node bindings/node/bench/bench.mjs
