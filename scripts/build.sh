#!/usr/bin/env bash
# Builds both programs to SBF (SBPF v3) with the offline toolchain -> target/deploy/<program>.so,
# then regenerates their IDL into idl/ (host build, see scripts/idl.sh).
#
# usage: scripts/build.sh [--sbf-only] [program ...]      (default: agent_registry exchange)
# env:   SBF_TOOLCHAIN_DIR  toolchain cache (default ~/.cache/sbf-toolchain; see scripts/install-sbf-toolchain.sh)
#        CARGO_TARGET_DIR   where cargo builds (default ./target); the .so files always land in ./target/deploy
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
idl=1
if [ "${1:-}" = "--sbf-only" ]; then idl=0; shift; fi
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(agent_registry exchange)
DEPLOY="$ROOT/target/deploy"
mkdir -p "$DEPLOY"
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
# One cargo invocation per program: the exchange depends on the registry with `cpi`
# (no-entrypoint), and building both in one invocation would unify that feature into the
# registry's own .so.
# Each program also gets a target directory of its own: a cdylib package's fingerprint does
# not tell its feature sets apart, so in one directory the registry built as itself and as the
# exchange's dependency would rebuild each other every time (~40 s on every warm build).
# build-sbf.sh copies every cdylib it finds, so stage and keep only the program just built.
target="${CARGO_TARGET_DIR:-$ROOT/target}"
for p in "${programs[@]}"; do
  CARGO_TARGET_DIR="$target/sbf-$p" SBF_OUT_DIR="$stage" bash "$ROOT/scripts/toolchain/build-sbf.sh" "$ROOT" -p "$p" --locked
  cp "$stage/$p.so" "$DEPLOY/$p.so"
  echo "deployable: target/deploy/$p.so ($(stat -c %s "$DEPLOY/$p.so") bytes)"
done
if [ "$idl" = 1 ]; then
  bash "$ROOT/scripts/idl.sh"
fi
