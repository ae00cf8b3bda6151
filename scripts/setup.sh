#!/usr/bin/env bash
# Installs what this project needs on a fresh Debian 12 machine, into caches outside the clone:
#   - the offline SBF toolchain      -> $SBF_TOOLCHAIN_DIR   (default ~/.cache/sbf-toolchain)
#   - solana-test-validator 4.2.2    -> $SOLANA_VALIDATOR_DIR (default ~/.cache/solana-validator)
# A solana-test-validator already on PATH (or named by $SOLANA_TEST_VALIDATOR) is used instead
# of building one. Idempotent: with the caches present it returns in about a second.
#
# usage: scripts/setup.sh [--validator-in-background | --no-validator]
#   With --validator-in-background a missing validator is built at low priority in the
#   background (log: ~/.cache/agx/validator-install.log) while the caller builds the rest;
#   scripts/wait-validator.sh waits for it. With --no-validator only the SBF toolchain is
#   installed (the demo on the embedded chain needs nothing more).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
background=0; [ "${1:-}" = "--validator-in-background" ] && background=1
skip_validator=0; [ "${1:-}" = "--no-validator" ] && skip_validator=1
log() { echo "[setup] $*" >&2; }

command -v cargo >/dev/null || { log "cargo not found: install Rust stable (1.95) with rustup first"; exit 1; }

validator_present() {
  [ -n "${SOLANA_TEST_VALIDATOR:-}" ] && [ -x "$SOLANA_TEST_VALIDATOR" ] && return 0
  command -v solana-test-validator >/dev/null 2>&1 && return 0
  compgen -G "${SOLANA_VALIDATOR_DIR:-$HOME/.cache/solana-validator}/*/bin/solana-test-validator" >/dev/null
}

mkdir -p "$HOME/.cache/agx"
if [ "$skip_validator" = 1 ]; then
  validator_pid=""
elif validator_present; then
  log "solana-test-validator: $(command -v solana-test-validator 2>/dev/null || echo "${SOLANA_TEST_VALIDATOR:-$(compgen -G "${SOLANA_VALIDATOR_DIR:-$HOME/.cache/solana-validator}/*/bin/solana-test-validator" | tail -1)}")"
  validator_pid=""
else
  # Both installers may call apt-get; the validator's apt step runs first, in the foreground.
  log "building solana-test-validator (agave-validator 4.2.2 from crates.io; 25-40 min cold)"
  if [ "$background" = 1 ]; then
    nohup nice -n 15 bash "$ROOT/scripts/install-validator.sh" > "$HOME/.cache/agx/validator-install.log" 2>&1 &
    echo $! > "$HOME/.cache/agx/validator-install.pid"
    log "validator build running in the background (pid $(cat "$HOME/.cache/agx/validator-install.pid"))"
    sleep 1
    # Let its apt step finish before the toolchain installer uses apt.
    while pgrep -x apt-get >/dev/null || pgrep -x dpkg >/dev/null; do sleep 2; done
  else
    bash "$ROOT/scripts/install-validator.sh"
  fi
fi

bash "$ROOT/scripts/install-sbf-toolchain.sh"

# jq: docs/cli.md's walkthrough keeps addresses in shell variables with it, and its test runs it.
if [ "$skip_validator" = 0 ] && ! command -v jq >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install jq (for the CLI walkthrough)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends jq >/dev/null
fi

# PostgreSQL (Debian's package): the index's second backend; its tests start a throwaway server
# from these binaries in a temporary directory (agx_index::testing), never the system's service.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install postgresql (for the index's PostgreSQL tests)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# Chromium and its WebDriver (Debian's): the dashboard's test drives the page in a real headless
# browser. The demo itself needs neither.
if [ "$skip_validator" = 0 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install chromium chromium-driver (for the dashboard's browser test)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# The TypeScript example's packages (clients/ts, pinned by its package-lock.json; its test runs
# on the validator). npm caches them in ~/.npm, so a later clone installs them in seconds.
if [ "$skip_validator" = 0 ]; then
  if ! command -v npm >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    log "apt-get install nodejs npm (for the TypeScript example)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if [ ! -d "$ROOT/clients/ts/node_modules" ] || [ "$ROOT/clients/ts/package-lock.json" -nt "$ROOT/clients/ts/node_modules" ]; then
    log "npm ci in clients/ts (node $(node --version))"
    (cd "$ROOT/clients/ts" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  fi
fi
