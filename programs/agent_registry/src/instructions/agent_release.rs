//! `agent_release` (operator only): the exchange closed one of this agent's bid accounts.
//!
//! Rules: signed by the config's operator; the agent has at least one open bid
//! (`AgentReleaseWithoutOpenBid`). Accounts are those of `agent_engage`.
use anchor_lang::prelude::*;

use crate::instructions::AgentEngagement;
use crate::state::AgentLedger;

impl AgentEngagement<'_> {
    pub fn release(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.engagement(AgentLedger::release)
    }
}
