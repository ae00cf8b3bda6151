#!/usr/bin/env bash
# Sets up (toolchain, validator) and runs every check and test of the project:
# formatting, SBF build of both programs, IDL drift, clippy, unit + LiteSVM tests, and the
# scenario tests on a real solana-test-validator.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS=0
step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS" >&2; }

step "setup"
bash scripts/setup.sh --validator-in-background
step "format"
cargo fmt --all --check
step "build programs (SBF)"
bash scripts/build.sh --sbf-only
step "IDL drift check"
bash scripts/idl.sh --check
step "clippy"
cargo clippy -q --workspace --all-targets -- -D warnings
step "compile tests"
cargo test -q --workspace --no-run
step "validator"
bash scripts/wait-validator.sh
step "tests"
cargo test --workspace
step "done"
