//! Shared test harness: an in-process LiteSVM with the real `.so` programs ([`svm`]), the
//! compute-unit recorder behind `bench/cu.json` ([`cu`]) and assertions on program errors.
//! The validator harness is `agx_sdk::localnet`, shared with `agx localnet`.
// LiteSVM's own failure type is large; the harness returns it as is.
#![allow(clippy::result_large_err)]

pub mod config_init;
pub mod cu;
pub mod svm;

pub use svm::{Svm, TxResult};
