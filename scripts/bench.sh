#!/usr/bin/env bash
# Regenerates bench/cu.json and bench/results.md from the in-process (LiteSVM) tests of the
# SBF build. Builds the programs first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/build.sh
raw="$(mktemp)"; trap 'rm -f "$raw"' EXIT
AGX_CU_OUT="$raw" cargo test -q -p agent_registry -p exchange
cargo run -q -p agx-bench --bin bench-report -- "$raw" bench
