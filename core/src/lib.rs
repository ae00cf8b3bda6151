//! Agent Exchange core: the rules that the programs, the SDK and the keeper must compute
//! identically (scoring, tie-breaks, Vickrey payment, reputation, commitments).
//!
//! `no_std` + `alloc`, no Solana account types, integer math only, so an observer recomputes
//! exactly what the chain computed.
#![no_std]
#![deny(clippy::arithmetic_side_effects)]

/// Basis points in one whole (100%).
pub const BPS_DENOMINATOR: u16 = 10_000;
