#!/usr/bin/env bash
# Interop suite: ssewire against hyper, reqwest, curl and a real browser
# (headless Chromium's EventSource), from the interop/ crate.
#
# Run from anywhere on a fresh Debian machine as root (.ci/run calls it from
# the repository root). Installs chromium and curl when missing, then builds
# and runs interop/'s tests with SSEWIRE_REQUIRE_BROWSER=1, so that a missing
# browser or curl fails instead of skipping. About 3 minutes cold on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n== interop: %s (%ds)\n' "$*" $((SECONDS - start)); }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
/usr/bin/chromium --version 2>/dev/null
curl --version | head -n 1

manifest=interop/Cargo.toml
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/interop/target}"

step "format and clippy"
cargo fmt --manifest-path "$manifest" -- --check
cargo clippy --manifest-path "$manifest" --locked --all-targets -- -D warnings

step "tests (loopback, adapters, std server with curl, Chromium)"
SSEWIRE_REQUIRE_BROWSER=1 cargo test --manifest-path "$manifest" --locked --all-targets

step "examples: tokio_hyper followed by reqwest_client"
cargo build --manifest-path "$manifest" --locked --examples
bin="$CARGO_TARGET_DIR/debug/examples"
out="$(mktemp -d)"
"$bin/tokio_hyper" 0 >"$out/server" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 50); do grep -q '^listening on' "$out/server" && break; sleep 0.1; done
url="$(sed -n 's#.*(events at \(http://[^)]*\)).*#\1#p' "$out/server")"
[ -n "$url" ] || { echo "tokio_hyper did not start:"; cat "$out/server"; exit 1; }
timeout 60 "$bin/reqwest_client" "$url" >"$out/client"
# The client must have reconnected after each of the server's three cuts,
# resuming with Last-Event-ID, and seen the last event.
grep -qxF 'event "done" id "15" data "bye"' "$out/client"
grep -qF 'connection 4: Last-Event-ID Some("12")' "$out/client"
echo "reqwest_client followed tokio_hyper through $(grep -c '^connection ' "$out/client") connections"

step "done"
