//! Agent Exchange SDK for agents, requesters and keepers.
//!
//! - [`pda`]: every program address, derived only from the programs' own seed constants;
//! - [`ix`]: instruction builders;
//! - [`accounts`]: typed account decoding;
//! - [`events`]: decoding of the programs' events from transaction logs;
//! - [`errors`]: program error numbers by name and message (from the committed IDLs);
//! - [`verify`]: recomputing an auction from its intent account with `agx_core`;
//! - [`rpc`] (feature `rpc`): send-and-confirm, airdrop, mint and token-account helpers;
//! - [`localnet`] (feature `localnet`): a local `solana-test-validator` with the programs loaded.
pub mod accounts;
pub mod errors;
pub mod events;
pub mod ix;
#[cfg(feature = "localnet")]
pub mod localnet;
pub mod pda;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod token;
pub mod verify;

pub use agent_registry;
pub use anchor_lang::prelude::Pubkey;
pub use exchange;

/// The on-chain programs this SDK speaks to, by crate name (also the `.so` file stem).
pub const PROGRAMS: [(&str, Pubkey); 2] =
    [("agent_registry", agent_registry::ID), ("exchange", exchange::ID)];
