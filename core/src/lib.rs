//! Agent Exchange core: the rules that the programs, the SDK and the keeper must compute
//! identically: typed quantities, bid scoring and its total order, eligibility, the bounded
//! leaderboard, Vickrey (second-score) payment and the payout split, the intent lifecycle,
//! slashes, crank tips, reputation, bid commitments and their tie-break, and the intent ids a requester
//! has used.
//!
//! `no_std`, no Solana account types, integer math only, so an observer recomputes exactly what
//! the chain computed. Every function is total: bad input is an [`Error`], never a panic.
#![no_std]
#![deny(clippy::arithmetic_side_effects)]

pub mod address;
pub mod budget;
pub mod coalition;
pub mod commitment;
pub mod eligibility;
pub mod error;
pub mod ids;
pub mod leaderboard;
pub mod lifecycle;
pub mod payment;
pub mod quantities;
pub mod reputation;
pub mod score;
pub mod skills;
pub mod slash;
pub mod tiebreak;
pub mod tip;
pub mod turn;
pub mod vickrey;

pub use error::Error;
pub use quantities::{Bps, Lamports, Slots, TokenAtoms};

/// Basis points in one whole (100%).
pub const BPS_DENOMINATOR: u16 = 10_000;
