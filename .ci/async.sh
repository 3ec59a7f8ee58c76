#!/usr/bin/env bash
# CI for the companion crate ssewire-async: format, clippy and docs for each
# feature set, the tests with every feature (hyper, axum and reqwest on
# loopback, the keep-alive clock, the sse_follow example, the hub, and
# headless Chromium through the sse_hub example), and packaging of both
# crates together.
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

# The hub's Redis tests (tests/hub_redis*.rs) start redis-server from PATH
# when it is there, and print one SKIP: line when not; .ci/redis.sh runs
# them again against a server of its own, requiring them to run.
# tests/hub_browser.rs runs examples/sse_hub in headless Chromium; with
# SSEWIRE_REQUIRE_BROWSER=1 a missing browser fails instead of skipping.
if [ ! -x /usr/bin/chromium ] && [ -z "${SSEWIRE_CHROMIUM:-}" ]; then
  step "apt-get install chromium (for tests/hub_browser.rs)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends chromium
fi

# The dev profile, not the workspace's optimised test profile: the
# companion's tests are network- and clock-bound, and compiling tokio, hyper,
# axum and reqwest at opt-level 3 would double the build for nothing.
# tests/follow.rs runs examples/sse_follow from target/debug/examples, where
# only `cargo build --example` puts it under its own name, and compares its
# lines with cli/'s sse_to_json. tests/hub_browser.rs runs examples/sse_hub
# the same way.
step "tests (all features)"
cargo build -p ssewire-async --profile dev --all-features --example sse_follow --example sse_hub
cargo build -p ssewire-cli --profile dev
SSEWIRE_REQUIRE_BROWSER=1 cargo test -p ssewire-async --profile dev --all-features --all-targets
cargo test -p ssewire-async --profile dev --all-features --doc

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
