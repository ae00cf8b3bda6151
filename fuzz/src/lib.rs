//! Fuzz targets live in `tests/`; the programs' in `programs/exchange/tests/all/fuzz_instruction_data.rs` (`docs/fuzzing.md`).
