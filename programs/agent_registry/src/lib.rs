//! Agent registry: who the agents are and what they have at risk.
//!
//! This file is the table of contents: one line of doc and one delegation per instruction.
//! Rules live next to each instruction in `instructions/`.
#![deny(clippy::arithmetic_side_effects)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod args;
pub mod error;
pub mod events;
pub mod instructions;
pub mod lean_cpi;
pub mod mint_policy;
pub mod pda;
pub mod seeds;
pub mod state;
pub mod token_view;
pub mod vault;

pub use instructions::*;
pub use state::{AgentProfile, ConfigSettings, Offer, OutcomeKind, RegistrySettings};

declare_id!("6h2SYfpayVTsHycjoLsE86Agz6EPWfAjU612PDeL3quE");

// The `.security.txt` section explorers and researchers read (neodyme-labs' format); only in the
// deployed program, not when linked into another program or a client.
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Agent Exchange agent registry",
    project_url: "https://agent-exchange.invalid",
    contacts: "email:security@agent-exchange.invalid",
    policy: "SECURITY.md at the root of the source tree: report privately, never in public issues; fix and disclosure within 90 days",
    preferred_languages: "en",
    source_code: "programs/agent_registry in the agent-exchange workspace",
    auditors: "None"
}

#[program]
pub mod agent_registry {
    use super::*;

    // Anchor dispatches by comparing the instruction's discriminator with each instruction's in
    // the order below: the exchange's two calls in an intent's lifecycle come first, then the
    // heartbeat (what a live market sends most), the exchange's other calls, the agents' own
    // instructions, and the admin's last (`docs/compute.md`).

    /// Operator: holds part of an agent's free stake for a job (and as much of a standby's).
    pub fn stake_lock(ctx: Context<AgentJob>, args: StakeAmountArgs) -> Result<()> {
        AgentJob::lock(ctx, args)
    }

    /// Operator: a job ended: slashes part of the winner's hold (optional), releases the rest of
    /// the stake held for it (winner and standby) and records the outcome; returns the value it
    /// counted for reputation.
    pub fn outcome_settle<'info>(
        ctx: Context<'info, AgentOutcome<'info>>,
        args: OutcomeSettleArgs,
    ) -> Result<u64> {
        AgentOutcome::handler(ctx, args)
    }

    /// Records that the agent is alive at the current slot, with its current job's progress.
    pub fn agent_heartbeat(ctx: Context<AgentHeartbeat>, args: AgentHeartbeatArgs) -> Result<()> {
        AgentHeartbeat::handler(ctx, args)
    }

    /// Operator: the exchange hired the agent directly: engaged until the job's outcome, and part
    /// of its free stake locked for it.
    pub fn agent_hire(ctx: Context<AgentEngagement>, args: StakeAmountArgs) -> Result<()> {
        AgentEngagement::hire(ctx, args)
    }

    /// Operator: releases locked stake.
    pub fn stake_unlock(ctx: Context<AgentEngagement>, args: StakeAmountArgs) -> Result<()> {
        AgentEngagement::unlock(ctx, args)
    }

    /// Operator: pays locked stake to destination token accounts (remaining accounts).
    pub fn stake_slash<'info>(ctx: Context<'info, StakeSlash<'info>>, args: StakeSlashArgs) -> Result<()> {
        StakeSlash::handler(ctx, args)
    }

    /// Operator: records a job's outcome and refreshes the agent's reputation.
    pub fn reputation_record(ctx: Context<AgentEngagement>, args: ReputationRecordArgs) -> Result<()> {
        AgentEngagement::record(ctx, args)
    }

    /// Operator: replaces a recorded rating (an agent's reply upheld in its favour).
    pub fn reputation_correct(ctx: Context<AgentEngagement>, args: ReputationCorrectArgs) -> Result<()> {
        AgentEngagement::correct(ctx, args)
    }

    /// Operator: the exchange engaged the agent (a coalition membership); it cannot close until
    /// released.
    pub fn agent_engage(ctx: Context<AgentEngagement>) -> Result<()> {
        AgentEngagement::engage(ctx)
    }

    /// Operator: one of the agent's engagements with the exchange ended.
    pub fn agent_release(ctx: Context<AgentEngagement>) -> Result<()> {
        AgentEngagement::release(ctx)
    }

    /// Operator: locks each member's stake contribution for a coalition's job, in one call.
    pub fn stake_lock_members<'info>(
        ctx: Context<'info, AgentMembers<'info>>,
        args: StakeLockMembersArgs,
    ) -> Result<()> {
        AgentMembers::lock(ctx, args)
    }

    /// Operator: a coalition's job ended: per member, slash (optional), release and record.
    pub fn outcome_settle_members<'info>(
        ctx: Context<'info, AgentMembers<'info>>,
        args: OutcomeSettleMembersArgs,
    ) -> Result<()> {
        AgentMembers::settle(ctx, args)
    }

    /// Registers the signer as an agent and creates its stake vault.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn agent_register(ctx: Context<AgentRegister>, args: AgentRegisterArgs) -> Result<()> {
        AgentRegister::handler(ctx, args)
    }

    /// Changes an agent's capabilities and metadata.
    pub fn agent_update(ctx: Context<AgentUpdate>, args: AgentUpdateArgs) -> Result<()> {
        AgentUpdate::handler(ctx, args)
    }

    /// Publishes the agent's standing offers (replacing any before).
    pub fn agent_offers_set(ctx: Context<AgentOffersSet>, offers: Vec<Offer>) -> Result<()> {
        AgentOffersSet::handler(ctx, offers)
    }

    /// Withdraws the agent's standing offers; the rent comes back.
    pub fn agent_offers_close(ctx: Context<AgentOffersClose>) -> Result<()> {
        AgentOffersClose::handler(ctx)
    }

    /// Adds tokens to an agent's stake.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn stake_deposit(ctx: Context<StakeDeposit>, args: StakeDepositArgs) -> Result<()> {
        StakeDeposit::handler(ctx, args)
    }

    /// Starts the cooldown on part of an agent's free stake.
    pub fn stake_unstake_request(
        ctx: Context<StakeUnstakeRequest>,
        args: StakeUnstakeRequestArgs,
    ) -> Result<()> {
        StakeUnstakeRequest::handler(ctx, args)
    }

    /// Pays out the pending unstake once its cooldown has elapsed.
    #[access_control(ctx.accounts.validate())]
    pub fn stake_withdraw(ctx: Context<StakeWithdraw>) -> Result<()> {
        StakeWithdraw::handler(ctx)
    }

    /// Retires an agent: no more bids or heartbeats.
    pub fn agent_deactivate(ctx: Context<AgentDeactivate>) -> Result<()> {
        AgentDeactivate::handler(ctx)
    }

    /// Deletes an agent with no stake left; rent goes back to its payer.
    #[access_control(ctx.accounts.validate())]
    pub fn agent_close(ctx: Context<AgentClose>) -> Result<()> {
        AgentClose::handler(ctx)
    }

    /// Creates the registry's config PDA. Only the program's upgrade authority may call it, once.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn config_init(ctx: Context<ConfigInit>, args: ConfigInitArgs) -> Result<()> {
        ConfigInit::handler(ctx, args)
    }

    /// Admin: replaces the changeable settings (cooldown, heartbeat timeout, reputation).
    pub fn config_update(ctx: Context<ConfigAdmin>, args: ConfigUpdateArgs) -> Result<()> {
        ConfigAdmin::update(ctx, args)
    }

    /// Admin: names the next admin, who takes over by signing `admin_accept`.
    pub fn admin_propose(ctx: Context<ConfigAdmin>, args: AdminProposeArgs) -> Result<()> {
        ConfigAdmin::propose(ctx, args)
    }

    /// The pending admin takes over.
    pub fn admin_accept(ctx: Context<AdminAccept>) -> Result<()> {
        AdminAccept::handler(ctx)
    }
}
