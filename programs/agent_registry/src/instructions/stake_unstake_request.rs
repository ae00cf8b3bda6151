//! `stake_unstake_request`: the agent's authority starts the cooldown on part of its free stake.
//!
//! Rules: signed by the agent's authority; positive amount, at most the free stake
//! (`staked - locked - unstaking`); the whole pending amount becomes withdrawable
//! `unstake_cooldown_slots` after this request.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeUnstakeRequested;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct StakeUnstakeRequestArgs {
    pub amount: u64,
}

#[derive(Accounts)]
pub struct StakeUnstakeRequest<'info> {
    pub authority: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: Account<'info, RegistryConfig>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,
}

impl StakeUnstakeRequest<'_> {
    pub fn handler(ctx: Context<Self>, args: StakeUnstakeRequestArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let cooldown = ctx.accounts.config.unstake_cooldown_slots;
        let agent = &mut ctx.accounts.agent;
        agent.with_ledger(|l| l.request_unstake(args.amount, now, cooldown))?;
        agent.invariant(None)?;
        emit!(StakeUnstakeRequested {
            agent: agent.key(),
            amount: args.amount,
            unstaking: agent.unstaking,
            ready_slot: agent.unstake_ready_slot,
        });
        Ok(())
    }
}
