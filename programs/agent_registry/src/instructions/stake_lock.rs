//! `stake_lock` (operator only): holds part of an agent's free stake for a job, and optionally
//! the same amount of a standby agent's (the exchange's runner-up that would take the job over),
//! in one call so an award costs one CPI.
//!
//! Rules: signed by the config's operator; positive amount, at most each agent's free stake; the
//! standby is another agent.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeLocked;
use crate::state::{Agent, RegistryConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct StakeAmountArgs {
    pub amount: u64,
}

/// Accounts of `stake_lock` (and the core of `outcome_settle`'s): the operator, and the agent that holds a job
/// with, optionally, the job's standby.
#[derive(Accounts)]
pub struct AgentJob<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA)
    // and any agent (only `agent_register` creates them, at their PDA): on these operator paths,
    // which the exchange calls by CPI, the seeds are not re-derived (~1,500 CU each).
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,

    /// A second agent whose stake is locked as well (Anchor refuses it being `agent` itself:
    /// a duplicate mutable account).
    #[account(mut)]
    pub standby: Option<Account<'info, Agent>>,
}

impl AgentJob<'_> {
    pub fn lock(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        let accounts = ctx.accounts;
        for agent in core::iter::once(&mut accounts.agent).chain(accounts.standby.as_mut()) {
            agent.lock(args.amount)?;
            agent.invariant(None)?;
            emit!(StakeLocked { agent: agent.key(), amount: args.amount, locked: agent.locked });
        }
        Ok(())
    }
}
