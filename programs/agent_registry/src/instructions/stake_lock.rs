//! `stake_lock` (operator only): holds part of an agent's free stake for a job.
//!
//! Rules: signed by the config's operator; positive amount, at most the free stake.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeLocked;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct StakeAmountArgs {
    pub amount: u64,
}

#[derive(Accounts)]
pub struct StakeLock<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Account<'info, RegistryConfig>,

    #[account(mut, seeds = [seeds::AGENT, agent.authority.as_ref()], bump = agent.bump)]
    pub agent: Account<'info, Agent>,
}

impl StakeLock<'_> {
    pub fn handler(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.lock(args.amount)?;
        agent.invariant(None)?;
        emit!(StakeLocked { agent: agent.key(), amount: args.amount, locked: agent.locked });
        Ok(())
    }
}
