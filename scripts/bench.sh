#!/usr/bin/env bash
# Regenerates bench/cu.json, bench/scaling.json and bench/results.md from the in-process
# (LiteSVM) runs of the SBF build, and bench/keeper.json from the keeper on a local
# solana-test-validator (installed by scripts/setup.sh), and bench/index.json from the index
# (SQLite, and PostgreSQL on a throwaway server), and docs/scale.md from bench/cu.json and the
# IDLs. Builds the programs first. Takes ~10 minutes warm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/build.sh --sbf-only
raw="$(mktemp)"; trap 'rm -f "$raw"' EXIT
AGX_CU_OUT="$raw" cargo test -q -p agent_registry -p exchange
cargo run -q -p agx-bench --bin bench-scaling -- bench/scaling.json
cargo run -q -p agx-bench --bin bench-keeper -- bench/keeper.json
cargo run -q -p agx-bench --bin bench-index -- bench/index.json
cargo run -q -p agx-bench --bin bench-report -- "$raw" bench
cargo run -q -p agx-bench --bin bench-scale -- docs/scale.md
