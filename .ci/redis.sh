#!/usr/bin/env bash
# CI for the hub on Redis (ssewire-async, feature `redis`): installs Debian's
# redis-server when it is missing, starts one on a free loopback port
# without persistence, runs the Redis tests against it with
# SSEWIRE_REQUIRE_REDIS=1 (a missing server fails instead of skipping), and
# stops it by its PID on exit. The restart tests start and kill
# redis-server processes of their own, from the same binary.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n== redis: %s (%ds)\n' "$*" $((SECONDS - start)); }

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  step "apt-get install redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends redis-server
fi
redis-server --version

# The package may start a system service on 6379: ours is on a free port.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then
    break
  fi
  sleep 0.1
done
if [ "$(redis-cli -p "$port" ping 2>/dev/null)" != PONG ]; then
  echo "redis-server on port $port did not answer PING in 10 s:" >&2
  cat "$log" >&2
  exit 1
fi

# As the README's test command builds them (`cargo test --workspace
# --all-features`, which .ci/run runs before this script): the same profile
# and features, so nothing is compiled again. tests/hub_redis_serve.rs runs
# two examples/sse_hub processes on Redis; the test command built it, and so
# does this step when the script runs alone.
step "build examples/sse_hub as the test command does"
cargo build --workspace --all-features --profile test --example sse_hub

step "tests on Redis at 127.0.0.1:$port (SSEWIRE_REQUIRE_REDIS=1)"
SSEWIRE_REDIS_URL="redis://127.0.0.1:$port/" SSEWIRE_REQUIRE_REDIS=1 \
  cargo test --workspace --all-features \
  --test hub_redis --test hub_redis_faults --test hub_redis_serve

step "done"
