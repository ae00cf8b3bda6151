//! Agent Exchange SDK for agents, requesters and keepers.
//!
//! - [`chain`]: one interface to a chain, over JSON-RPC (feature `rpc`) or embedded in-process
//!   (feature `embedded`, LiteSVM with the built programs);
//! - [`agent`]: [`agent::AgentRunner`], an agent driven by a strategy and a worker;
//! - [`requester`]: [`requester::Requester`], posting and following intents;
//! - [`claim`]: claiming a share an ended intent's escrow kept for you;
//! - [`sandbox`]: a market with short windows on a chain you control, from a seed;
//! - [`discover`]: open intents, agents by capability and reputation, an intent's bids;
//! - [`pda`]: every program address, derived only from the programs' own seed constants;
//! - [`settings`]: the configs' current settings, to change and send back;
//! - [`capabilities`]: capability bits by name;
//! - [`ix`]: instruction builders;
//! - [`accounts`]: typed account decoding;
//! - [`events`]: decoding of the programs' events from transaction logs;
//! - [`program_error`]: program error numbers by name and message (from the committed IDLs);
//! - [`verify`]: recomputing an auction from its intent account with `agx_core`;
//! - [`cluster`] (feature `rpc`): blocking send-and-confirm, airdrop, mint and token-account helpers;
//! - [`localnet`] (feature `localnet`): a local `solana-test-validator` with the programs loaded.
pub mod accounts;
pub mod agent;
pub mod budget;
pub mod capabilities;
pub mod chain;
pub mod claim;
#[cfg(feature = "rpc")]
pub mod cluster;
pub mod coalition;
pub mod discover;
mod error;
pub mod events;
pub mod ix;
#[cfg(feature = "localnet")]
pub mod localnet;
pub mod lookup;
pub mod pda;
pub mod program_error;
pub mod reply;
pub mod requester;
pub mod sandbox;
pub mod settings;
pub mod token;
pub mod verify;

pub use agent_registry;
pub use anchor_lang::prelude::Pubkey;
pub use anchor_lang::solana_program::instruction::Instruction;
pub use error::{Error, Result};
pub use exchange;

/// Where the built programs are: `$AGX_PROGRAM_DIR`, else `<workspace>/target/deploy`.
pub fn program_dir() -> std::path::PathBuf {
    std::env::var_os("AGX_PROGRAM_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy"))
}

/// The on-chain programs this SDK speaks to, by crate name (also the `.so` file stem).
pub const PROGRAMS: [(&str, Pubkey); 2] =
    [("agent_registry", agent_registry::ID), ("exchange", exchange::ID)];
