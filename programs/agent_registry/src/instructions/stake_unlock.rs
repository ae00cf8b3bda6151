//! `stake_unlock` (operator only): releases stake held for a job.
//!
//! Rules: signed by the config's operator; positive amount, at most the locked stake.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeUnlocked;
use crate::instructions::StakeAmountArgs;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(Accounts)]
pub struct StakeUnlock<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Account<'info, RegistryConfig>,

    #[account(mut, seeds = [seeds::AGENT, agent.authority.as_ref()], bump = agent.bump)]
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
