#!/usr/bin/env bash
# Builds what the crate promises beyond the host toolchain and target:
# - each package below on its own declared `rust-version` (ssewire with and
#   without `std`);
# - ssewire for wasm32-unknown-unknown (with `std`) and for
#   thumbv7em-none-eabihf (without: no_std + alloc, no OS), and for
#   thumbv6m-none-eabi, which has no `Arc`.
# It installs the toolchains and targets itself. A build failure fails CI; a
# toolchain or target that cannot be installed prints one `SKIP:` line and the
# other builds go on.
#
# Only builds, not tests, on the MSRV: the tests need the dev-dependencies,
# and criterion 0.8 needs Rust 1.86. What users get from the MSRV is the
# library; the tests run on stable (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$SECONDS
step() { printf -- '-- %s (%ds)\n' "$*" $((SECONDS - start)); }

# Workspace packages built on their own rust-version, besides ssewire itself.
# Each one's rust-version is read from its own Cargo.toml; set MSRV_PACKAGES
# in the environment to override the list.
MSRV_PACKAGES="${MSRV_PACKAGES:-ssewire-cli ssewire-async}"

# The toolchain for a package's declared rust-version ("1.85" -> "1.85.0").
msrv_toolchain() {
  cargo metadata --no-deps --format-version 1 --locked |
    python3 -c '
import json, sys
name = sys.argv[1]
for package in json.load(sys.stdin)["packages"]:
    if package["name"] == name:
        version = package.get("rust_version") or ""
        if not version:
            sys.exit(f"{name} declares no rust-version")
        print(version + ".0" * (3 - len(version.split("."))))
        break
else:
    sys.exit(f"no workspace package named {name}")
' "$1"
}

# Installs a toolchain unless present; returns non-zero (after printing SKIP)
# when it cannot.
have_toolchain() {
  local toolchain=$1
  if rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    return 0
  fi
  if rustup toolchain install "$toolchain" --profile minimal >/dev/null 2>&1 &&
    rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    return 0
  fi
  echo "SKIP: could not install Rust $toolchain (rustup toolchain install $toolchain --profile minimal failed); MSRV builds on it not run"
  return 1
}

# Adds a target to the default toolchain unless present; SKIP when it cannot.
have_target() {
  local target=$1
  if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    return 0
  fi
  if rustup target add "$target" >/dev/null 2>&1; then
    return 0
  fi
  echo "SKIP: could not install the $target target (rustup target add $target failed); its build not run"
  return 1
}

# The same lockfile as every other build: `--locked` fails if an old cargo
# would resolve it differently.
msrv_build() {
  local package=$1
  shift
  local toolchain
  toolchain=$(msrv_toolchain "$package")
  if have_toolchain "$toolchain"; then
    step "$package on its MSRV, Rust $toolchain: cargo build $*"
    cargo "+$toolchain" build --locked -p "$package" "$@"
  fi
}

msrv_build ssewire
msrv_build ssewire --no-default-features
msrv_build ssewire --all-features
for package in $MSRV_PACKAGES; do
  msrv_build "$package"
done
# The hub and its axum glue bring socket2 and axum: on the MSRV too.
msrv_build ssewire-async --features axum
# The hub on Redis: the redis crate (1.2 in the lockfile; 1.3 needs 1.88).
msrv_build ssewire-async --features redis

if have_target wasm32-unknown-unknown; then
  step "ssewire for wasm32-unknown-unknown, with std"
  cargo build --locked -p ssewire --target wasm32-unknown-unknown
fi
if have_target thumbv7em-none-eabihf; then
  step "ssewire for thumbv7em-none-eabihf, without std"
  cargo build --locked -p ssewire --target thumbv7em-none-eabihf --no-default-features
  cargo build --locked -p ssewire --target thumbv7em-none-eabihf --no-default-features --features testing
fi
# No atomic compare-and-swap, so no `Arc`: owned events never share text.
if have_target thumbv6m-none-eabi; then
  step "ssewire for thumbv6m-none-eabi, without std or Arc"
  cargo build --locked -p ssewire --target thumbv6m-none-eabi --no-default-features
fi
step "targets done"
