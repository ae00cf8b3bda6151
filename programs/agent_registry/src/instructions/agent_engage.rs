//! `agent_engage` (operator only): the exchange opened a bid account for this agent.
//!
//! Rules: signed by the config's operator (the exchange's authority PDA). The count of open bids
//! grows by one; while it is positive the agent cannot close (`AgentHasOpenBids`), so every bid,
//! award and standby on the exchange has a live agent account behind it.
use anchor_lang::prelude::*;

use crate::events::AgentEngagementChanged;
use crate::state::{AgentInPlace, AgentLedger, OperatorView};

/// Accounts of `agent_engage` and `agent_release`, read and written in place as `AgentJob`'s
/// are (the exchange calls both on every bid).
#[derive(Accounts)]
pub struct AgentEngagement<'info> {
    pub operator: Signer<'info>,

    /// CHECK: read by `OperatorView::load`: owned by the registry, a `RegistryConfig`, and
    /// naming `operator` as its operator.
    pub config: UncheckedAccount<'info>,

    /// CHECK: opened by `AgentInPlace::load`: owned by the registry, an `Agent`.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,
}

impl AgentEngagement<'_> {
    /// Applies `change` to the agent's count of open bids and emits the new count.
    pub fn apply(&self, change: impl FnOnce(&mut AgentLedger) -> Result<()>) -> Result<()> {
        OperatorView::load(&self.config, self.operator.key)?;
        let mut agent = AgentInPlace::load(&self.agent)?;
        change(&mut agent.ledger)?;
        agent.store(None)?;
        emit!(AgentEngagementChanged { agent: agent.key(), open_bids: agent.ledger.open_bids });
        Ok(())
    }

    pub fn engage(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.apply(AgentLedger::engage)
    }
}
