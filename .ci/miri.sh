#!/usr/bin/env bash
# Miri over the one module of each crate allowed `unsafe`, where bytes
# already proven UTF-8 become `str` without a second check: ssewire's
# src/proven.rs (its proofs against from_utf8 on arbitrary bytes, and the
# decoder over arbitrary bytes through `decode` and `feed` at several
# chunkings, every proof it takes checked by a debug_assert) and
# ssewire-async's src/utf8.rs.
#
#   bash .ci/miri.sh                      # from the repository root
#   MIRI_CASES=64 bash .ci/miri.sh        # more generated cases (default 24)
#
# Needs a nightly toolchain with the miri and rust-src components; installs
# them, or prints one SKIP: line and exits 0 if they cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf '\n== miri: %s (%ds)\n' "$*" $((SECONDS - start)); }

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || true
fi
if ! rustup component add miri rust-src --toolchain nightly >/dev/null 2>&1 ||
  ! cargo +nightly miri --version >/dev/null 2>&1; then
  echo "SKIP: Miri (nightly with the miri and rust-src components) cannot be installed here"
  exit 0
fi
cargo +nightly miri --version
step "setup"
cargo +nightly miri setup >/dev/null

# A separate target dir: Miri's builds would otherwise evict the stable ones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/miri"
export PROPTEST_CASES="${MIRI_CASES:-24}"
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-disable-isolation}"

# tests/props.rs runs thousands of cases per property, which Miri would
# take hours over; proven.rs carries the decoder's property at Miri's size.
step "ssewire: src/proven.rs (each proof against from_utf8, the decoder over arbitrary bytes)"
cargo +nightly miri test -p ssewire --lib proven::

step "ssewire-async: src/utf8.rs (each proof against from_utf8)"
cargo +nightly miri test -p ssewire-async --lib utf8::

step "done"
