//! One event per state change. Emitted with `emit!` (a `Program data:` log line) so that
//! websocket log subscribers and the SDK decode them without fetching transactions.
//! Amounts are token atoms of the stake mint; slots are slots; reputation is in bps.
use anchor_lang::prelude::*;

use crate::state::OutcomeKind;

#[event]
pub struct RegistryConfigInitialized {
    /// The config PDA.
    pub config: Pubkey,
    /// Who may change the config from now on.
    pub admin: Pubkey,
    /// Layout version of the config account.
    pub version: u8,
    /// Slot in which the config was created.
    pub slot: u64,
    pub operator: Pubkey,
    pub stake_mint: Pubkey,
    pub unstake_cooldown_slots: u64,
    pub heartbeat_timeout_slots: u64,
}

#[event]
pub struct AgentRegistered {
    pub agent: Pubkey,
    pub authority: Pubkey,
    pub vault: Pubkey,
    pub capabilities: u64,
    pub capability_hash: [u8; 32],
    pub metadata_uri: String,
    /// Starting reputation (the prior), bps.
    pub reputation: u16,
    pub slot: u64,
}

#[event]
pub struct AgentUpdated {
    pub agent: Pubkey,
    pub capabilities: u64,
    pub capability_hash: [u8; 32],
    pub metadata_uri: String,
}

#[event]
pub struct AgentDeactivated {
    pub agent: Pubkey,
    pub slot: u64,
}

#[event]
pub struct AgentClosed {
    pub agent: Pubkey,
    /// Receives the rent of the agent account and its vault.
    pub rent_payer: Pubkey,
}

#[event]
pub struct AgentHeartbeat {
    pub agent: Pubkey,
    pub slot: u64,
    /// Progress of its current job, bps.
    pub progress_bps: u16,
    /// Heartbeats in a row, while working, with no progress since the one before.
    pub stalled_beats: u16,
    /// Heartbeats missed while working, ever.
    pub missed_heartbeats: u32,
}

#[event]
pub struct StakeDeposited {
    pub agent: Pubkey,
    /// Atoms sent by the depositor.
    pub amount: u64,
    /// Atoms that arrived in the vault (less than `amount` under a Token-2022 transfer fee).
    pub received: u64,
    /// Total stake after the deposit.
    pub staked: u64,
}

#[event]
pub struct StakeUnstakeRequested {
    pub agent: Pubkey,
    pub amount: u64,
    /// Total now in cooldown.
    pub unstaking: u64,
    /// First slot at which it may be withdrawn.
    pub ready_slot: u64,
}

#[event]
pub struct StakeWithdrawn {
    pub agent: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
    pub staked: u64,
}

#[event]
pub struct StakeLocked {
    pub agent: Pubkey,
    pub amount: u64,
    pub locked: u64,
}

#[event]
pub struct StakeUnlocked {
    pub agent: Pubkey,
    pub amount: u64,
    pub locked: u64,
}

#[event]
pub struct StakeSlashed {
    pub agent: Pubkey,
    pub destinations: Vec<Pubkey>,
    pub amounts: Vec<u64>,
    pub total: u64,
    pub locked: u64,
    pub staked: u64,
}

/// A job ended (`outcome_settle`): what was released and slashed, and the outcome recorded. One
/// event for the whole outcome (a slash also emits `StakeSlashed` with its destinations).
#[event]
pub struct OutcomeSettled {
    pub agent: Pubkey,
    /// The standby released with it (default key: none).
    pub standby: Pubkey,
    /// The agent that took the job over, its stake locked (default key: none).
    pub successor: Pubkey,
    /// Atoms released on the agent, and on the standby.
    pub released: u64,
    pub standby_released: u64,
    /// Atoms of the agent's hold slashed.
    pub slashed: u64,
    pub kind: OutcomeKind,
    /// Value of the job as the exchange reported it, atoms.
    pub value: u64,
    /// What of it counted for reputation: less than `value` for repeat work from the same
    /// requester (`agx_core::reputation::repeat_weighted`).
    pub counted_value: u64,
    pub requester: Pubkey,
    pub rating_bps: Option<u16>,
    /// The agent's locked stake and reputation after the outcome.
    pub locked: u64,
    pub reputation: u16,
    /// Bid accounts and direct hires of the agent open at the exchange after the outcome (a
    /// direct hire's engagement ends with its outcome).
    pub open_bids: u32,
    /// Whether the outcome was recorded in the agent's history (`kind`): a coalition member whose
    /// stake is only released records nothing, and its `kind` then reads `Completed`.
    pub recorded: bool,
}

#[event]
pub struct ReputationRecorded {
    pub agent: Pubkey,
    pub kind: OutcomeKind,
    /// Value of the job in atoms.
    pub value: u64,
    pub rating_bps: Option<u16>,
    /// Reputation after this outcome, bps.
    pub reputation: u16,
}

/// A recorded rating was replaced (an agent's reply upheld in its favour).
#[event]
pub struct ReputationCorrected {
    pub agent: Pubkey,
    /// The value the job counted, atoms.
    pub value: u64,
    pub from_bps: u16,
    pub to_bps: u16,
    /// Reputation after the correction, bps.
    pub reputation: u16,
}

#[event]
pub struct AgentEngagementChanged {
    pub agent: Pubkey,
    /// Bid accounts and direct hires of the agent still open at the exchange.
    pub open_bids: u32,
}

#[event]
pub struct StakeSurplusSwept {
    pub agent: Pubkey,
    pub destination: Pubkey,
    /// Atoms in the vault above the recorded stake (unsolicited transfers), paid out at close.
    pub amount: u64,
}

#[event]
pub struct RegistryConfigUpdated {
    pub config: Pubkey,
    pub settings: crate::state::RegistrySettings,
}

#[event]
pub struct RegistryAdminProposed {
    pub config: Pubkey,
    pub admin: Pubkey,
    pub candidate: Pubkey,
}

#[event]
pub struct RegistryAdminChanged {
    pub config: Pubkey,
    pub previous: Pubkey,
    pub admin: Pubkey,
}

/// The agent's standing offers now (empty: withdrawn).
#[event]
pub struct AgentOffersChanged {
    pub agent: Pubkey,
    pub offers: Vec<crate::state::Offer>,
}

#[event]
pub struct AgentHired {
    pub agent: Pubkey,
    /// Atoms of stake locked for the job (0: none).
    pub amount: u64,
    /// The agent's locked stake after the hire.
    pub locked: u64,
    /// Bid accounts and direct hires of the agent open at the exchange, this one included.
    pub open_bids: u32,
}
