#!/usr/bin/env bash
# The one test command: formatting, lints, docs, the protocol purity boundary,
# then every test in the workspace. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "protocol purity: no I/O runtime, storage or network crates"
scripts/check-protocol-purity.sh

step "cargo test"
cargo test --workspace --locked
