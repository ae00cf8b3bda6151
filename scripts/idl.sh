#!/usr/bin/env bash
# Generates idl/<program>.json and its TypeScript type idl/<program>.ts for both programs on the
# host (Anchor `idl-build`, see scripts/idl-gen).
#   scripts/idl.sh          write idl/*.json and idl/*.ts
#   scripts/idl.sh --check  fail if the committed files differ from the sources
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
  "$TARGET_DIR/debug/idl-gen" "programs/$p" "$out"
  for f in "$p.json" "$p.ts"; do
    if [ "$check" = 1 ]; then
      if ! diff -u "idl/$f" "$out/$f" > "$out/$f.diff"; then
        echo "idl/$f is stale: run scripts/idl.sh and commit the result" >&2
        head -40 "$out/$f.diff" >&2
        status=1
      else
        echo "idl/$f is up to date"
      fi
    else
      mkdir -p idl && cp "$out/$f" "idl/$f"
      echo "wrote idl/$f"
    fi
  done
done
exit $status
