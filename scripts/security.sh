#!/usr/bin/env bash
# Regenerates docs/security-matrix.md: runs the programs' in-process tests with the attack
# harness on (`AGX_ATTACK_OUT`, tests/src/attack.rs), then folds what it found (`security-report`).
# scripts/test.sh does the same within its one test run and fails when the committed matrix
# differs from what it found.
#
# usage: scripts/security.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
raw="$(mktemp)"; trap 'rm -f "$raw"' EXIT
[ -f target/deploy/exchange.so ] || bash scripts/build.sh --sbf-only
AGX_ATTACK_OUT="$raw" cargo test -q -p agent_registry -p exchange
cargo run -q -p agx-bench --bin security-report -- "$raw" docs/security-matrix.md
