//! `agent_engage` (operator only): the exchange opened a bid account for this agent.
//!
//! Rules: signed by the config's operator (the exchange's authority PDA). The count of open bids
//! grows by one; while it is positive the agent cannot close (`AgentHasOpenBids`), so every bid,
//! award and standby on the exchange has a live agent account behind it.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentEngagementChanged;
use crate::state::{Agent, RegistryConfig};

/// Accounts of `agent_engage` and `agent_release`.
#[derive(Accounts)]
pub struct AgentEngagement<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA)
    // and any agent (only `agent_register` creates them, at their PDA): on these operator paths,
    // which the exchange calls by CPI, the seeds are not re-derived (~1,500 CU each).
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,
}

impl AgentEngagement<'_> {
    pub fn engage(ctx: Context<Self>) -> Result<()> {
        let agent = &mut ctx.accounts.agent;
        agent.engage()?;
        agent.invariant(None)?;
        emit!(AgentEngagementChanged { agent: agent.key(), open_bids: agent.open_bids });
        Ok(())
    }
}
