#!/usr/bin/env bash
# Sets up and runs the main job: `agx demo`, a small market run to its end (agents bidding,
# delivering and failing over, the keeper cranking), on the embedded in-process chain.
#   ./scripts/demo.sh                      embedded chain (no validator needed)
#   ./scripts/demo.sh --validator          a local solana-test-validator (built first if missing: 25-40 min cold)
#   ./scripts/demo.sh --url http://...     an existing cluster
#   ./scripts/demo.sh --seed 7 --agents 16 --intents 30 --output json    (see: agx demo --help)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS=0
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$TARGET"
# The host build (agx) needs no SBF toolchain: on a cold machine it runs while the toolchain
# installs (mostly downloads and unpacking), which saves minutes.
host_log="$TARGET/agx-demo-build.log"
cargo build -q -p agx-cli > "$host_log" 2>&1 &
host=$!
# Set-up output goes to stderr: stdout carries only the demo's own output (one JSON document
# with --output json).
if printf '%s\n' "$@" | grep -qx -- '--validator'; then
  bash scripts/setup.sh >&2
else
  bash scripts/setup.sh --no-validator >&2
fi
bash scripts/build.sh --sbf-only >&2
if ! wait "$host"; then
  cat "$host_log" >&2
  echo "[demo] building agx failed" >&2
  exit 1
fi
echo "[demo] set up in $SECONDS s" >&2
exec "$TARGET/debug/agx" demo "$@"
