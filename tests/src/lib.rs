//! Shared test harness: an in-process LiteSVM with the real `.so` programs ([`svm`]), the
//! compute-unit recorder behind `bench/cu.json` ([`cu`]) and assertions on program errors.
//! The validator harness is `agx_sdk::localnet`, shared with `agx localnet`.
pub mod config_init;
pub mod cu;
pub mod svm;

pub use svm::{Svm, TxResult};
