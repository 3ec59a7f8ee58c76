#!/usr/bin/env bash
# Miri over the one module allowed `unsafe`: ssewire-async's src/utf8.rs,
# where bytes already proven UTF-8 are viewed as `str` without a second
# check. Its tests check each proof against from_utf8 on arbitrary bytes.
# ssewire itself has no `unsafe` (`#![forbid(unsafe_code)]`).
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

step "ssewire-async: src/utf8.rs (each proof against from_utf8)"
cargo +nightly miri test -p ssewire-async --lib utf8::

step "done"
