#!/usr/bin/env bash
# Waits for a background validator build started by `scripts/setup.sh --validator-in-background`.
set -euo pipefail
pidfile="$HOME/.cache/agx/validator-install.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
  echo "[setup] waiting for the background validator build (pid $pid)..." >&2
  while kill -0 "$pid" 2>/dev/null; do sleep 5; done
fi
rm -f "$pidfile"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The installer is idempotent: this returns at once when the build succeeded, and reports why not otherwise.
bash "$ROOT/scripts/install-validator.sh" >/dev/null || {
  echo "[setup] validator build failed; log: $HOME/.cache/agx/validator-install.log" >&2
  tail -20 "$HOME/.cache/agx/validator-install.log" >&2
  exit 1
}
