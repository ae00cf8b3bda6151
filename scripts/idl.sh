#!/usr/bin/env bash
# Generates idl/<program>.json for both programs on the host (Anchor `idl-build`).
#   scripts/idl.sh          write idl/*.json
#   scripts/idl.sh --check  fail if the committed idl/*.json differ from the sources
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
check=0; [ "${1:-}" = "--check" ] && check=1
# anchor-lang-idl runs `cargo +$RUSTUP_TOOLCHAIN` when that is set (rustup sets it inside cargo run).
unset RUSTUP_TOOLCHAIN
cargo build -q -p idl-gen
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
status=0
for p in agent_registry exchange; do
  "$TARGET_DIR/debug/idl-gen" "programs/$p" > "$out/$p.json"
  if [ "$check" = 1 ]; then
    if ! diff -u "idl/$p.json" "$out/$p.json" > "$out/$p.diff"; then
      echo "idl/$p.json is stale: run scripts/idl.sh and commit the result" >&2
      head -40 "$out/$p.diff" >&2
      status=1
    else
      echo "idl/$p.json is up to date"
    fi
  else
    mkdir -p idl && cp "$out/$p.json" "idl/$p.json"
    echo "wrote idl/$p.json"
  fi
done
exit $status
