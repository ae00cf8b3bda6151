#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer through bolero) of the core's targets (fuzz/tests/core.rs):
# each target, or the ones named, for SECONDS each (default 60). The corpus and any crash stay
# in ~/.cache/agx/fuzz/<target>/ and are reused by the next run. The programs' targets take
# random inputs under cargo test instead (docs/fuzzing.md).
#
#   scripts/fuzz.sh [--seconds N] [target ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback
seconds=60
if [[ "${1:-}" == "--seconds" ]]; then seconds="$2"; shift 2; fi
cache="$HOME/.cache/agx/fuzz"
triple="$(rustc -vV | sed -n 's/^host: //p')"
# What cargo-bolero passes for libFuzzer (sancov instrumentation), built for an explicit target
# so that build scripts and proc macros are left uninstrumented; RUSTC_BOOTSTRAP as cargo-bolero
# sets it on a stable toolchain.
flags="--cfg fuzzing -Cpasses=sancov-module --cfg fuzzing_libfuzzer \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares \
-Cllvm-args=-sanitizer-coverage-stack-depth"
exe="$(BOLERO_FUZZER=libfuzzer RUSTC_BOOTSTRAP=1 RUSTFLAGS="$flags" cargo test -q --profile fuzz \
    --target "$triple" --target-dir "$cache/target" -p agx-fuzz --test core --no-run \
    --message-format=json | jq -r 'select(.executable != null) | .executable')"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <("$exe" --list 2>/dev/null | sed -n 's/: test$//p')
fi
for target in "${targets[@]}"; do
    dir="$cache/$target"
    mkdir -p "$dir/corpus" "$dir/crashes"
    printf '%s: ' "$target"
    BOLERO_TEST_NAME="$target" BOLERO_LIBTEST_HARNESS=1 \
        BOLERO_LIBFUZZER_ARGS="$dir/corpus $dir/crashes -artifact_prefix=$dir/crashes/ -timeout=10 -max_total_time=$seconds" \
        "$exe" "$target" --exact --nocapture --quiet --test-threads 1 >"$dir/last.log" 2>&1 || {
        echo "FAILED (log: $dir/last.log; the input is in $dir/crashes/)"
        exit 1
    }
    # libFuzzer's last status line: runs, coverage, corpus.
    grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/last.log" | tail -1 | sed 's/[[:space:]]\+/ /g'
done
