#!/usr/bin/env bash
# Sets up and runs the main job: a local validator with both programs, both configs
# initialised; it keeps running until Ctrl-C. Arguments go to `agx localnet` (see --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh --sbf-only
cargo build -q -p agx-cli
exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/agx" localnet "$@"
