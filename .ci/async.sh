#!/usr/bin/env bash
# CI for the companion crate ssewire-async: format, clippy and docs for each
# feature set, the tests without features (those with every feature run in
# the README's test command), and packaging of both crates together.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n== async: %s (%ds)\n' "$*" $((SECONDS - start)); }

step "format"
cargo fmt -p ssewire-async -- --check

for features in "--no-default-features" "--features tokio" "--features codec" "--features hub" "--features axum" "--features redis" "--all-features"; do
  step "clippy $features"
  cargo clippy -p ssewire-async $features --all-targets -- -D warnings
done

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc -p ssewire-async --no-deps --no-default-features
RUSTDOCFLAGS="-D warnings" cargo doc -p ssewire-async --no-deps --all-features

# The tests with every feature (hyper, axum and reqwest on loopback, the
# keep-alive clock, the sse_follow example against sse_to_json, the hub and
# headless Chromium through sse_hub) run in the README's test command, which
# .ci/run runs: `cargo test --workspace --all-features`, doc tests included. Its test profile optimises
# only ssewire and proptest (Cargo.toml), so tokio, hyper, axum and reqwest
# build as in the dev profile. Left here: the build without any feature.
# The hub's Redis tests (tests/hub_redis*.rs) among them start
# redis-server from PATH when it is there, and print one SKIP: line when
# not; .ci/redis.sh runs them again against a server of its own, requiring
# them to run.
step "tests (no features: decoding, the body, without tokio)"
cargo test -p ssewire-async --profile dev --no-default-features

# Packaged together, ssewire-async's manifest resolves ssewire from the
# other tarball. Not verified by building the tarballs: cargo extracts the
# local overlay registry into ~/.cargo/registry/src once per path and reuses
# it, so on a machine that packaged ssewire 0.1.0 before the verify step
# builds against that old copy. The tests above built the same sources.
step "package ssewire and ssewire-async together (manifests and file lists)"
cargo package -p ssewire -p ssewire-async --no-verify

step "done"
