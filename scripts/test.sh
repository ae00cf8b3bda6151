#!/usr/bin/env bash
# Sets up (toolchain, validator) and runs every check and test of the project:
# formatting, SBF build of both programs, IDL drift, clippy, unit + LiteSVM tests, the
# scenario tests on a real solana-test-validator, and the committed compute units against the
# ones the tests measured.
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
# --all-targets: every test target, and no doc-tests (the crates have none). A doc-test is
# compiled while the tests run, against the rlibs on disk, and the programs' rlibs carry no hash
# in their names (`crate-type = ["cdylib", "lib"]`): a test that builds `agx` with its own
# feature set (scripts/demo.sh) rewrites them, and a doc-test compiled after it cannot load the
# SDK ("can't find crate for `agx_sdk`").
step "compile tests"
cargo test -q --workspace --all-targets --no-run
step "validator"
bash scripts/wait-validator.sh
step "tests"
# The LiteSVM tests record each instruction's compute units as they run (`AGX_CU_OUT`): the
# committed bench/cu.json must be what this run measured (the figures are deterministic).
# They also try the classic attacks on every instruction they send on its success path
# (`AGX_ATTACK_OUT`, tests/src/attack.rs): docs/security-matrix.md must be what this run found.
raw="$(mktemp)"; attacks="$(mktemp)"; fresh="$(mktemp -d)"; trap 'rm -rf "$raw" "$attacks" "$fresh"' EXIT
AGX_CU_OUT="$raw" AGX_ATTACK_OUT="$attacks" cargo test --workspace --all-targets
step "compute units against bench/cu.json"
cargo run -q -p agx-bench --bin bench-report -- "$raw" "$fresh" >/dev/null
diff -u bench/cu.json "$fresh/cu.json" || {
    echo "bench/cu.json is not what the tests measured: run scripts/bench.sh and commit what it writes" >&2
    exit 1
}
step "docs/scale.md against bench/cu.json and the IDLs"
cargo run -q -p agx-bench --bin bench-scale -- "$fresh/scale.md" >/dev/null
diff -u docs/scale.md "$fresh/scale.md" || {
    echo "docs/scale.md is not what bench/cu.json and idl/ give: run scripts/bench.sh and commit what it writes" >&2
    exit 1
}
step "security matrix against docs/security-matrix.md"
cargo run -q -p agx-bench --bin security-report -- "$attacks" "$fresh/security-matrix.md" >/dev/null
diff -u docs/security-matrix.md "$fresh/security-matrix.md" || {
    echo "docs/security-matrix.md is not what the tests found: run scripts/security.sh and commit what it writes" >&2
    exit 1
}
step "done"
