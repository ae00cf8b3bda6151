use agx_core::reputation::{History, ReputationParams};
use anchor_lang::prelude::*;

use super::AgentLedger;
use crate::error::RegistryError;

/// Longest metadata URI an agent may register, in bytes.
pub const MAX_METADATA_URI_LEN: usize = 200;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum AgentStatus {
    /// May bid and heartbeat.
    Active,
    /// Retired by its authority: may only unstake, withdraw and close.
    Inactive,
}

/// A registered agent and what it has at risk, at PDA `[seeds::AGENT, authority]`.
///
/// Stake is split three ways: `locked` (held for jobs by the operator), `unstaking` (requested
/// for withdrawal, in cooldown) and the free rest. `locked + unstaking <= staked`, and the stake
/// vault holds at least `staked`: tokens sent to the vault by a plain transfer are surplus, never
/// stake, and they never block a stake instruction (they are swept out when the agent closes).
#[account]
#[derive(InitSpace, Debug)]
pub struct Agent {
    /// Layout version; 0 until registered.
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    pub status: AgentStatus,
    /// Signs for the agent (updates, heartbeats, stake).
    pub authority: Pubkey,
    /// Paid the rent of the agent and its vault; gets it back on close.
    pub rent_payer: Pubkey,
    /// What the agent can do: bit i set = capability i.
    pub capabilities: u64,
    /// Hash of the agent's off-chain capability description.
    pub capability_hash: [u8; 32],
    #[max_len(MAX_METADATA_URI_LEN)]
    pub metadata_uri: String,
    /// Token atoms in the stake vault.
    pub staked: u64,
    /// Token atoms held for jobs (operator only).
    pub locked: u64,
    /// Token atoms requested for withdrawal.
    pub unstaking: u64,
    /// First slot at which `unstaking` may be withdrawn.
    pub unstake_ready_slot: u64,
    pub registered_slot: u64,
    pub last_heartbeat_slot: u64,
    /// Cached reputation score in bps (`agx_core::reputation`), refreshed on every outcome.
    pub reputation: u16,
    pub completed: u32,
    pub failed: u32,
    pub slashed: u32,
    /// Token atoms paid for completed jobs.
    pub value_completed: u64,
    /// Token atoms at stake in failed jobs.
    pub value_failed: u64,
    /// Token atoms at stake in slashed jobs.
    pub value_slashed: u64,
    /// Token atoms paid for rated jobs.
    pub value_rated: u64,
    /// Sum of rating (bps) times value paid over rated jobs.
    pub rating_value_sum: u128,
    /// Bid accounts of this agent that the exchange has not closed yet. The agent cannot close
    /// while any is open, so a bid, an award or a standby always has a live agent behind it.
    pub open_bids: u32,
    /// Progress of the job it is working on, bps, as its last heartbeat reported it (shown by
    /// the keeper and the SDK; 0 when idle).
    pub progress_bps: u16,
    /// Reliability from delivery (issue 25): value of completed jobs delivered late (after the
    /// promised latency) or with heartbeats missed while working, which weighs against
    /// reliability (`agx_core::reputation::LATE_WEIGHT_BPS`), and how many such jobs.
    pub value_late: u64,
    pub late_results: u32,
    /// Heartbeats missed while working (gaps beyond the heartbeat timeout, in timeouts), ever...
    pub missed_heartbeats: u32,
    /// ...and since the last outcome (a completion after any is late).
    pub missed_since_outcome: u16,
    /// Heartbeats in a row, while working, that reported no progress since the one before.
    pub stalled_beats: u16,
    /// The last requesters that paid it and how much (`agx_core::reputation::Patrons`, stored
    /// as its bytes: 4 x (requester, value u64 LE)): repeat work from one requester counts less
    /// for reputation. Raw bytes, so that decoding an `Agent` copies them instead of parsing
    /// eight fields (~600 CU on every agent instruction).
    pub patrons: [u8; 160],
    /// Reputation per capability (`agx_core::skills::Skills`, stored as its bytes: 4 x (bit,
    /// value completed, failed, slashed, rated as u64 LE, rating sum as u128 LE)): each
    /// capability's own history, recorded with every outcome (issue 25).
    pub skills: [u8; 196],
    /// Each skill slot's score (bps) with the overall reputation as its prior, refreshed with
    /// every outcome, so a bid reads a capability's figure without the reputation parameters
    /// (`agx_core::skills::cached_for`).
    pub skill_scores: [u16; 4],
    pub reserved: [u8; 38],
}

const _: () = assert!(agx_core::reputation::Patrons::LEN == 160);
const _: () = assert!(agx_core::skills::Skills::LEN == 196 && agx_core::skills::SKILL_SLOTS == 4);

/// What an agent declares about itself.
#[derive(AnchorSerialize, Clone, Debug, PartialEq, Eq)]
pub struct AgentProfile {
    pub capabilities: u64,
    pub capability_hash: [u8; 32],
    pub metadata_uri: String,
}

/// Borsh's layout, field by field, with the string bounded (`crate::args`).
impl AnchorDeserialize for AgentProfile {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        Ok(Self {
            capabilities: AnchorDeserialize::deserialize_reader(reader)?,
            capability_hash: AnchorDeserialize::deserialize_reader(reader)?,
            metadata_uri: crate::args::bounded_string(reader)?,
        })
    }
}

impl AgentProfile {
    pub fn validate(&self) -> Result<()> {
        require!(self.capabilities != 0, RegistryError::AgentCapabilitiesEmpty);
        require!(self.metadata_uri.len() <= MAX_METADATA_URI_LEN, RegistryError::AgentMetadataUriTooLong);
        Ok(())
    }
}

/// The kind of outcome the operator records (values in token atoms).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    Completed,
    Failed,
    Slashed,
}

fn overflow() -> Error {
    error!(RegistryError::ArithmeticOverflow)
}

impl Agent {
    pub const VERSION: u8 = 1;

    pub fn is_registered(&self) -> bool {
        self.version != 0
    }

    pub fn is_active(&self) -> bool {
        self.status == AgentStatus::Active
    }

    /// Stake that is neither locked nor unstaking.
    pub fn free_stake(&self) -> u64 {
        super::agent_ledger::free_stake(self.staked, self.locked, self.unstaking)
    }

    /// True when the last heartbeat is more than `timeout` slots before `now`.
    pub fn is_silent(&self, now: u64, timeout: u64) -> bool {
        agx_core::lifecycle::is_silent(now, self.last_heartbeat_slot, timeout)
    }

    /// The fields after the metadata URI (stake and record), as one value.
    pub fn ledger(&self) -> AgentLedger {
        AgentLedger {
            staked: self.staked,
            locked: self.locked,
            unstaking: self.unstaking,
            unstake_ready_slot: self.unstake_ready_slot,
            registered_slot: self.registered_slot,
            last_heartbeat_slot: self.last_heartbeat_slot,
            reputation: self.reputation,
            completed: self.completed,
            failed: self.failed,
            slashed: self.slashed,
            value_completed: self.value_completed,
            value_failed: self.value_failed,
            value_slashed: self.value_slashed,
            value_rated: self.value_rated,
            rating_value_sum: self.rating_value_sum,
            open_bids: self.open_bids,
            progress_bps: self.progress_bps,
            value_late: self.value_late,
            late_results: self.late_results,
            missed_heartbeats: self.missed_heartbeats,
            missed_since_outcome: self.missed_since_outcome,
            stalled_beats: self.stalled_beats,
        }
    }

    pub fn set_ledger(&mut self, l: AgentLedger) {
        self.staked = l.staked;
        self.locked = l.locked;
        self.unstaking = l.unstaking;
        self.unstake_ready_slot = l.unstake_ready_slot;
        self.registered_slot = l.registered_slot;
        self.last_heartbeat_slot = l.last_heartbeat_slot;
        self.reputation = l.reputation;
        self.completed = l.completed;
        self.failed = l.failed;
        self.slashed = l.slashed;
        self.value_completed = l.value_completed;
        self.value_failed = l.value_failed;
        self.value_slashed = l.value_slashed;
        self.value_rated = l.value_rated;
        self.rating_value_sum = l.rating_value_sum;
        self.open_bids = l.open_bids;
        self.progress_bps = l.progress_bps;
        self.value_late = l.value_late;
        self.late_results = l.late_results;
        self.missed_heartbeats = l.missed_heartbeats;
        self.missed_since_outcome = l.missed_since_outcome;
        self.stalled_beats = l.stalled_beats;
    }

    /// Applies one of the ledger's rules (`AgentLedger`) to this agent.
    pub fn with_ledger<R>(&mut self, rule: impl FnOnce(&mut AgentLedger) -> Result<R>) -> Result<R> {
        let mut ledger = self.ledger();
        let out = rule(&mut ledger)?;
        self.set_ledger(ledger);
        Ok(out)
    }

    pub fn history(&self) -> History {
        self.ledger().history()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn register(
        &mut self,
        authority: Pubkey,
        rent_payer: Pubkey,
        profile: AgentProfile,
        now: u64,
        bump: u8,
        vault_bump: u8,
        params: &ReputationParams,
    ) -> Result<()> {
        profile.validate()?;
        self.version = Self::VERSION;
        self.bump = bump;
        self.vault_bump = vault_bump;
        self.status = AgentStatus::Active;
        self.authority = authority;
        self.rent_payer = rent_payer;
        self.capabilities = profile.capabilities;
        self.capability_hash = profile.capability_hash;
        self.metadata_uri = profile.metadata_uri;
        self.registered_slot = now;
        self.last_heartbeat_slot = now;
        self.reputation = History::default().score(params).map_err(|_| overflow())?;
        self.skills = agx_core::skills::Skills::EMPTY_BYTES;
        self.skill_scores = [0; 4];
        Ok(())
    }

    pub fn update(&mut self, profile: AgentProfile) -> Result<()> {
        profile.validate()?;
        require!(self.is_active(), RegistryError::AgentNotActive);
        self.capabilities = profile.capabilities;
        self.capability_hash = profile.capability_hash;
        self.metadata_uri = profile.metadata_uri;
        Ok(())
    }

    pub fn deactivate(&mut self) -> Result<()> {
        require!(self.is_active(), RegistryError::AgentNotActive);
        self.status = AgentStatus::Inactive;
        Ok(())
    }

    pub fn heartbeat(&mut self, now: u64, progress_bps: u16, timeout: u64) -> Result<()> {
        require!(self.is_active(), RegistryError::AgentNotActive);
        self.with_ledger(|l| l.heartbeat(now, progress_bps, timeout))
    }

    /// May the agent close now? No stake left and no bid of it open at the exchange.
    pub fn require_closable(&self) -> Result<()> {
        require!(self.staked == 0, RegistryError::AgentHasStake);
        require!(self.open_bids == 0, RegistryError::AgentHasOpenBids);
        Ok(())
    }

    /// Must hold after every mutation: the ledger's invariant (`AgentLedger::invariant`) and a
    /// URI within bounds.
    pub fn invariant(&self, vault_amount: Option<u64>) -> Result<()> {
        self.ledger().invariant(vault_amount)?;
        require!(self.metadata_uri.len() <= MAX_METADATA_URI_LEN, RegistryError::AgentMetadataUriTooLong);
        Ok(())
    }
}

/// An agent with every field set apart, for layout tests.
#[cfg(test)]
pub(crate) fn sample(uri: &str) -> Agent {
    Agent {
        version: 1,
        bump: 254,
        vault_bump: 253,
        status: AgentStatus::Active,
        authority: Pubkey::new_from_array([7; 32]),
        rent_payer: Pubkey::new_from_array([8; 32]),
        capabilities: 0b1011,
        capability_hash: [9; 32],
        metadata_uri: uri.into(),
        staked: 1_000,
        locked: 300,
        unstaking: 50,
        unstake_ready_slot: 11,
        registered_slot: 12,
        last_heartbeat_slot: 13,
        reputation: 4_321,
        completed: 1,
        failed: 2,
        slashed: 3,
        value_completed: 4,
        value_failed: 5,
        value_slashed: 6,
        value_rated: 7,
        rating_value_sum: 8,
        open_bids: 9,
        progress_bps: 10,
        value_late: 17,
        late_results: 18,
        missed_heartbeats: 19,
        missed_since_outcome: 20,
        stalled_beats: 21,
        patrons: [11; 160],
        skills: [12; 196],
        skill_scores: [13, 14, 15, 16],
        reserved: [0; 38],
    }
}
