//! `agent_release` (operator only): the exchange closed one of this agent's bid accounts.
//!
//! Rules: signed by the config's operator; the agent has at least one open bid
//! (`AgentReleaseWithoutOpenBid`). Accounts are those of `agent_engage`.
use anchor_lang::prelude::*;

use crate::events::AgentEngagementChanged;
use crate::instructions::AgentEngagement;

impl AgentEngagement<'_> {
    pub fn release(ctx: Context<Self>) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.release()?;
        agent.invariant(None)?;
        emit!(AgentEngagementChanged { agent: agent.key(), open_bids: agent.open_bids });
        Ok(())
    }
}
