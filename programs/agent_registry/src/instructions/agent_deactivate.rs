//! `agent_deactivate`: the agent's authority retires it. It can no longer bid or heartbeat;
//! it can still unstake, withdraw and close.
//!
//! Rules: signed by the agent's authority; the agent is active.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentDeactivated;
use crate::seeds;
use crate::state::Agent;

#[derive(Accounts)]
pub struct AgentDeactivate<'info> {
    pub authority: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,
}

impl AgentDeactivate<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.deactivate()?;
        agent.invariant(None)?;
        emit!(AgentDeactivated { agent: agent.key(), slot: Clock::get()?.slot });
        Ok(())
    }
}
