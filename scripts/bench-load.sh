#!/usr/bin/env bash
# Writes bench/load.json (and bench/results.md): the demo market at load, 50 agents and 500
# intents with the keeper cranking, on the embedded chain and on a local solana-test-validator
# (loopback; the one scripts/setup.sh installs, or an Agave one already on PATH). Intents per
# second of wall time and per slot, slots from posting to award and to payout (p50/p95), the
# keeper's cranks and net lamports per intent, the demo's failed checks, and the validator's
# CPU. Bounded: the demo gives up after 20,000 slots. Takes ~20
# minutes (the validator run is ~1,600 slots of 400 ms).
# A run whose checks fail is still recorded: `checks_failed` counts them and `problems` lists
# the first few (the demo checks every atom, every auction's recomputation and every close).
#   scripts/bench-load.sh [AGENTS INTENTS]          both chains
#   AGX_LOAD_CHAINS=embedded scripts/bench-load.sh  the embedded chain only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
agents="${1:-50}"; intents="${2:-500}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
if ! command -v solana-test-validator >/dev/null; then
    export PATH="$HOME/.cache/solana-validator/4.2.2/bin:$PATH"
fi
cargo build -q -p agx-cli
agx="$TARGET_DIR/debug/agx"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
chains="${AGX_LOAD_CHAINS:-embedded validator}"
# The demo prints its summary (JSON) before it fails on a check: keep it either way.
run() { "$agx" --output json demo --agents "$agents" --intents "$intents" --max-slots 20000 "$@" | grep '^{' | tail -1; }
echo null > "$work/validator.json"; echo 0 > "$work/cpu"

echo "embedded chain: $agents agents, $intents intents" >&2
run > "$work/embedded.json" || true

if [[ "$chains" == *validator* ]]; then
    echo "local validator ($(command -v solana-test-validator)): $agents agents, $intents intents" >&2
    run --validator > "$work/validator.json" &
    demo=$!
    # The validator's cumulative CPU time in seconds, sampled until the demo stops it.
    while kill -0 "$demo" 2>/dev/null; do
        ps -C solana-test-validator -o times= 2>/dev/null | sort -n | tail -1 > "$work/cpu.next" || true
        [ -s "$work/cpu.next" ] && mv "$work/cpu.next" "$work/cpu"
        sleep 2
    done
    wait "$demo" || true
fi
cpu_s="$(tr -d ' ' < "$work/cpu")"

jq -n --slurpfile e "$work/embedded.json" --slurpfile v "$work/validator.json" \
    --argjson agents "$agents" --argjson intents "$intents" --argjson cpu "${cpu_s:-0}" '
  def summary($run): $run.load + {
    checks_failed: ($run.problems | length), problems: ($run.problems[:3]), keeper: $run.keeper
  };
  {
    agents: $agents,
    intents: $intents,
    embedded: summary($e[0]),
    validator: (if $v[0] == null then null else summary($v[0]) + {
      validator_cpu_s: $cpu,
      validator_cores: ((($cpu / $v[0].load.wall_s) * 100 | round) / 100)
    } end)
  }' > bench/load.json
# results.md from the committed compute units and every figure file beside them.
cargo run -q -p agx-bench --bin bench-report -- <(jq -r 'to_entries[] | "\(.key) \(.value)"' bench/cu.json) bench
echo "wrote bench/load.json" >&2
