//! `agent_update`: the agent's authority changes its capabilities and metadata.
//!
//! Rules: signed by the agent's authority; the agent is active; at least one capability bit;
//! metadata URI at most 200 bytes (the account was sized for it at registration).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentUpdated;
use crate::seeds;
use crate::state::{Agent, AgentProfile};

pub type AgentUpdateArgs = AgentProfile;

#[derive(Accounts)]
pub struct AgentUpdate<'info> {
    pub authority: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,
}

impl AgentUpdate<'_> {
    pub fn handler(ctx: Context<Self>, args: AgentUpdateArgs) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.update(args)?;
        agent.invariant(None)?;
        emit!(AgentUpdated {
            agent: agent.key(),
            capabilities: agent.capabilities,
            capability_hash: agent.capability_hash,
            metadata_uri: agent.metadata_uri.clone(),
        });
        Ok(())
    }
}
