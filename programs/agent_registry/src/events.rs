//! One event per state change. Emitted with `emit!` (a `Program data:` log line) so that
//! websocket log subscribers and the SDK decode them without fetching transactions.
use anchor_lang::prelude::*;

#[event]
pub struct ConfigInitialized {
    /// The config PDA.
    pub config: Pubkey,
    /// Who may change the config from now on.
    pub admin: Pubkey,
    /// Layout version of the config account.
    pub version: u8,
    /// Slot in which the config was created.
    pub slot: u64,
}
