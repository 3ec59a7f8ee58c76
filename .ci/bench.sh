#!/usr/bin/env bash
# Benchmark CI: compiles the criterion benches (no measuring) and runs the
# peer comparison's ground-truth tests (every parser row, ssewire's included,
# reproduces the generator's events and data bytes on 100-300 KiB workloads
# at odd chunkings; every encoder's output decodes back to its event set).
# Cold on a 2-core machine: about 4 minutes, most of it compiling the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }

step "criterion benches compile: cargo bench --no-run"
cargo bench --no-run

step "peer comparison ground truth: (cd benches/compare && cargo test --release)"
(cd benches/compare && cargo test --release)

step "done"
