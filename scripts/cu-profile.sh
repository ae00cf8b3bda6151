#!/usr/bin/env bash
# Profiles compute units inside the exchange: builds it with `--features cu-trace` (each
# `cu_trace!` point logs the units left) into target/cu-profile/, next to the registry's usual
# build, and runs the lifecycle scenario against it, printing every step's log (docs/compute.md).
#
# usage: scripts/cu-profile.sh [test filter]      (default: scenario_lifecycle)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
out="$ROOT/target/cu-profile"
mkdir -p "$out"
[ -f target/deploy/agent_registry.so ] || bash scripts/build.sh --sbf-only agent_registry
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/sbf-exchange-cu-trace" SBF_OUT_DIR="$stage" \
  bash scripts/toolchain/build-sbf.sh "$ROOT" -p exchange --locked --features cu-trace >&2
cp "$stage/exchange.so" "$out/exchange.so"
cp target/deploy/agent_registry.so "$out/agent_registry.so"
AGX_PROGRAM_DIR="$out" AGX_CU_LOGS=1 cargo test -q -p exchange --test all "${1:-scenario_lifecycle}" -- --nocapture 2>&1 |
  grep -E '^== |Program log: |Program consumption|invoke \[|consumed [0-9]+ of'
