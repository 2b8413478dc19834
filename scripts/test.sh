#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine. Installs what the tests need
# first; today that is only the Rust toolchain the machine already has (crates come from
# crates.io through cargo).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "test.sh: cargo is not installed; install Rust 1.95 (rustup) first" >&2
    exit 2
fi

# The release build is the contract (DESIGN §6) and the tests reuse its artifacts.
cargo build --release --workspace
cargo test --release --workspace
# The corpus runner again with its report visible in the log.
cargo test --release --test conformance -- --nocapture
