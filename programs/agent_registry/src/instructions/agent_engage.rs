//! `agent_engage` (operator only): the exchange engaged this agent (a coalition membership; a
//! direct hire engages through `agent_hire`). Bids are not counted here since issue 28.
//!
//! Rules: signed by the config's operator (the exchange's authority PDA). The count of open
//! engagements (`open_bids`) grows by one; while it is positive the agent cannot close
//! (`AgentHasOpenBids`).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentEngagementChanged;
use crate::seeds;
use crate::state::{AgentInPlace, AgentLedger, OperatorView};

/// Accounts of the single-agent operator instructions (`agent_engage`, `agent_release`,
/// `stake_unlock`, `reputation_record`), read and written in place as `AgentJob`'s are (the
/// exchange calls them on memberships and outcomes).
#[derive(Accounts)]
pub struct AgentEngagement<'info> {
    pub operator: Signer<'info>,

    /// CHECK: read by `OperatorView::load`: owned by the registry, a `RegistryConfig`, and
    /// naming `operator` as its operator.
    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: UncheckedAccount<'info>,

    /// CHECK: opened by `AgentInPlace::load`: owned by the registry, an `Agent`.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,
}

impl AgentEngagement<'_> {
    /// The one path of every single-agent operator instruction (`agent_engage`,
    /// `agent_release`, `stake_unlock`, `reputation_record`): checks the operator against the
    /// config, opens the agent in place, applies `change` (which emits the instruction's event)
    /// and writes the ledger back under its invariant.
    pub fn in_place(
        &self,
        change: impl FnOnce(&OperatorView, &mut AgentInPlace) -> Result<()>,
    ) -> Result<()> {
        let view = OperatorView::load(&self.config, self.operator.key)?;
        let mut agent = AgentInPlace::load(&self.agent)?;
        change(&view, &mut agent)?;
        agent.store(None)
    }

    /// Applies `change` to the agent's count of open bids and emits the new count.
    pub fn engagement(&self, change: impl FnOnce(&mut AgentLedger) -> Result<()>) -> Result<()> {
        self.in_place(|_, agent| {
            change(&mut agent.ledger)?;
            emit!(AgentEngagementChanged { agent: agent.key(), open_bids: agent.ledger.open_bids });
            Ok(())
        })
    }

    pub fn engage(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.engagement(AgentLedger::engage)
    }
}
