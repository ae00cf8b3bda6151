#!/usr/bin/env bash
# Installs the offline SBF toolchain (Debian rustc 1.96 + patched std + sbpf-linker/LLVM 23)
# into $SBF_TOOLCHAIN_DIR (default ~/.cache/sbf-toolchain). Idempotent. See docs/toolchain.md.
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/toolchain/install-sbf-toolchain.sh" "$@"
