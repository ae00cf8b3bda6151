//! Compute-unit records for `bench/cu.json`.
//!
//! When `AGX_CU_OUT` names a file, every recorded instruction appends one line
//! `<program>::<instruction> <units>` to it; `scripts/bench.sh` runs the in-process tests with
//! it set and `bench-report` folds the lines into `bench/cu.json` and `bench/results.md`.
//! Without the variable nothing is written, so ordinary test runs leave the tree clean.
use std::io::Write as _;

pub const ENV: &str = "AGX_CU_OUT";

/// Records that `program::instruction` consumed `units` compute units on its success path.
pub fn record(program: &str, instruction: &str, units: u64) {
    let Some(path) = std::env::var_os(ENV) else { return };
    // One short line per write with O_APPEND: concurrent test threads cannot interleave it.
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("{ENV}={}: {e}", path.to_string_lossy()));
    file.write_all(format!("{program}::{instruction} {units}\n").as_bytes()).expect("write CU record");
}
