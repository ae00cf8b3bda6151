//! `stake_unlock` (operator only): releases stake held for a job.
//!
//! Rules: signed by the config's operator; positive amount, at most the locked stake.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeUnlocked;
use crate::instructions::StakeAmountArgs;
use crate::state::{Agent, RegistryConfig};

#[derive(Accounts)]
pub struct StakeUnlock<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA)
    // and any agent (only `agent_register` creates them, at their PDA): on these operator paths,
    // which the exchange calls by CPI, the seeds are not re-derived (~1,500 CU each).
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,
}

impl StakeUnlock<'_> {
    pub fn handler(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.unlock(args.amount)?;
        agent.invariant(None)?;
        emit!(StakeUnlocked { agent: agent.key(), amount: args.amount, locked: agent.locked });
        Ok(())
    }
}
