//! `agent_heartbeat`: the agent proves it is alive; records the current slot.
//!
//! Rules: signed by the agent's authority; the agent is active.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentHeartbeat as AgentHeartbeatEvent;
use crate::seeds;
use crate::state::Agent;

#[derive(Accounts)]
pub struct AgentHeartbeat<'info> {
    pub authority: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,
}

impl AgentHeartbeat<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let slot = Clock::get()?.slot;
        let agent = &mut ctx.accounts.agent;
        agent.heartbeat(slot)?;
        emit!(AgentHeartbeatEvent { agent: agent.key(), slot });
        Ok(())
    }
}
