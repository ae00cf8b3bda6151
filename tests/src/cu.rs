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
    append(ENV, &format!("{program}::{instruction} {units}\n"));
}

/// Appends `records` to the file the environment variable `env` names, if it is set. One write
/// with O_APPEND: concurrent test threads cannot interleave their records.
pub fn append(env: &str, records: &str) {
    let Some(path) = std::env::var_os(env) else { return };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("{env}={}: {e}", path.to_string_lossy()));
    file.write_all(records.as_bytes()).unwrap_or_else(|e| panic!("{env}: write: {e}"));
}
