use agx_core::reputation::{History, Outcome, ReputationParams};
use anchor_lang::prelude::*;

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
    pub reserved: [u8; 58],
}

/// What an agent declares about itself.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct AgentProfile {
    pub capabilities: u64,
    pub capability_hash: [u8; 32],
    pub metadata_uri: String,
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
        self.staked.saturating_sub(self.locked).saturating_sub(self.unstaking)
    }

    /// True when the last heartbeat is more than `timeout` slots before `now`.
    pub fn is_silent(&self, now: u64, timeout: u64) -> bool {
        agx_core::lifecycle::is_silent(now, self.last_heartbeat_slot, timeout)
    }

    pub fn history(&self) -> History {
        History {
            completed: self.completed,
            failed: self.failed,
            slashed: self.slashed,
            value_completed: self.value_completed,
            value_failed: self.value_failed,
            value_slashed: self.value_slashed,
            value_rated: self.value_rated,
            rating_value_sum: self.rating_value_sum,
        }
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

    pub fn heartbeat(&mut self, now: u64, progress_bps: u16) -> Result<()> {
        require!(self.is_active(), RegistryError::AgentNotActive);
        require!(progress_bps <= agx_core::BPS_DENOMINATOR, RegistryError::AgentProgressOutOfRange);
        self.last_heartbeat_slot = now;
        self.progress_bps = progress_bps;
        Ok(())
    }

    /// `received` atoms arrived in the vault.
    pub fn deposit(&mut self, received: u64) -> Result<()> {
        require_gt!(received, 0, RegistryError::StakeAmountZero);
        self.staked = self.staked.checked_add(received).ok_or_else(overflow)?;
        Ok(())
    }

    /// Moves `amount` of free stake into cooldown; a new request adds to any pending one and
    /// restarts the cooldown for the whole pending amount.
    pub fn request_unstake(&mut self, amount: u64, now: u64, cooldown: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.free_stake(), RegistryError::StakeInsufficientFree);
        self.unstaking = self.unstaking.checked_add(amount).ok_or_else(overflow)?;
        self.unstake_ready_slot = now.checked_add(cooldown).ok_or_else(overflow)?;
        Ok(())
    }

    /// Releases the pending unstake after its cooldown; returns the atoms to pay out.
    pub fn withdraw(&mut self, now: u64) -> Result<u64> {
        require_gt!(self.unstaking, 0, RegistryError::StakeNoPendingUnstake);
        require!(now >= self.unstake_ready_slot, RegistryError::StakeCooldownNotElapsed);
        let amount = self.unstaking;
        self.staked = self.staked.checked_sub(amount).ok_or_else(overflow)?;
        self.unstaking = 0;
        Ok(amount)
    }

    /// The exchange opened a bid account for this agent.
    pub fn engage(&mut self) -> Result<()> {
        self.open_bids = self.open_bids.checked_add(1).ok_or_else(overflow)?;
        Ok(())
    }

    /// The exchange closed one of this agent's bid accounts.
    pub fn release(&mut self) -> Result<()> {
        require_gt!(self.open_bids, 0, RegistryError::AgentReleaseWithoutOpenBid);
        self.open_bids = self.open_bids.saturating_sub(1);
        Ok(())
    }

    /// May the agent close now? No stake left and no bid of it open at the exchange.
    pub fn require_closable(&self) -> Result<()> {
        require!(self.staked == 0, RegistryError::AgentHasStake);
        require!(self.open_bids == 0, RegistryError::AgentHasOpenBids);
        Ok(())
    }

    pub fn lock(&mut self, amount: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.free_stake(), RegistryError::StakeInsufficientFree);
        self.locked = self.locked.checked_add(amount).ok_or_else(overflow)?;
        Ok(())
    }

    pub fn unlock(&mut self, amount: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.locked, RegistryError::StakeUnlockExceedsLocked);
        self.locked = self.locked.checked_sub(amount).ok_or_else(overflow)?;
        Ok(())
    }

    /// Takes `total` atoms out of locked stake (they leave the vault).
    pub fn slash(&mut self, total: u64) -> Result<()> {
        require_gt!(total, 0, RegistryError::StakeAmountZero);
        require!(total <= self.locked, RegistryError::StakeSlashExceedsLocked);
        self.locked = self.locked.checked_sub(total).ok_or_else(overflow)?;
        self.staked = self.staked.checked_sub(total).ok_or_else(overflow)?;
        Ok(())
    }

    /// Adds one outcome to the history and refreshes the cached reputation.
    pub fn record(
        &mut self,
        kind: OutcomeKind,
        value: u64,
        rating_bps: Option<u16>,
        params: &ReputationParams,
    ) -> Result<()> {
        if let Some(rating) = rating_bps {
            require!(rating <= agx_core::BPS_DENOMINATOR, RegistryError::ReputationRatingOutOfRange);
            require!(kind == OutcomeKind::Completed, RegistryError::ReputationRatingWithoutCompletion);
        }
        let outcome = match kind {
            OutcomeKind::Completed => Outcome::Completed { value, rating_bps },
            OutcomeKind::Failed => Outcome::Failed { value },
            OutcomeKind::Slashed => Outcome::Slashed { value },
        };
        let mut history = self.history();
        history.record(outcome).map_err(|_| overflow())?;
        let reputation = history.score(params).map_err(|_| overflow())?;
        self.completed = history.completed;
        self.failed = history.failed;
        self.slashed = history.slashed;
        self.value_completed = history.value_completed;
        self.value_failed = history.value_failed;
        self.value_slashed = history.value_slashed;
        self.value_rated = history.value_rated;
        self.rating_value_sum = history.rating_value_sum;
        self.reputation = reputation;
        Ok(())
    }

    /// Must hold after every mutation. `vault_amount` is the stake vault's balance; anything
    /// above `staked` is surplus (unsolicited transfers), which is allowed.
    pub fn invariant(&self, vault_amount: Option<u64>) -> Result<()> {
        let held = self.locked.checked_add(self.unstaking).ok_or_else(overflow)?;
        require!(held <= self.staked, RegistryError::AgentStakeInvariantBroken);
        require!(self.reputation <= agx_core::BPS_DENOMINATOR, RegistryError::AgentStakeInvariantBroken);
        require!(self.metadata_uri.len() <= MAX_METADATA_URI_LEN, RegistryError::AgentMetadataUriTooLong);
        if let Some(amount) = vault_amount {
            require!(amount >= self.staked, RegistryError::StakeVaultBalanceMismatch);
        }
        Ok(())
    }
}
