#!/bin/sh
# Regenerates every performance table, the chart and the generated blocks of
# README.md and docs/PERFORMANCE.md, in this order. Run from anywhere.
set -eu
cd "$(dirname "$0")"
cargo run --release -- --count --align-runs 3 --jobs 2      # peers-count.md, then encoders-count.md
cargo run --release -- --conformance                         # peers-conformance.md (~8 s)
cargo run --release -- --mib 8 --runs 3                      # peers-bench.md (the whole script: 20 min on the 2-core VM, 2026-12-02)
python3 perf_chart.py                                        # docs/perf.svg + README-ready tables on stdout
python3 perf_chart.py --report                               # generated blocks of README.md, docs/PERFORMANCE.md
