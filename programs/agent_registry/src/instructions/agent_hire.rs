//! `agent_hire` (operator only): the exchange hired the agent directly (a direct hire taken,
//! which opens no bid account): the agent is engaged, as for an open bid, until the job's outcome
//! (`outcome_settle` with `release_engagement`), and `amount` of its free stake is locked for the
//! job, in one call so a hire costs one CPI.
//!
//! Rules: signed by the config's operator; `amount` (0: the job holds no stake) at most the
//! agent's free stake (`StakeInsufficientFree`). Accounts are those of `agent_engage`.
use anchor_lang::prelude::*;

use crate::events::AgentHired;
use crate::instructions::{AgentEngagement, StakeAmountArgs};

impl AgentEngagement<'_> {
    pub fn hire(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        ctx.accounts.in_place(|_, agent| {
            agent.ledger.engage()?;
            if args.amount > 0 {
                agent.ledger.lock(args.amount)?;
            }
            emit!(AgentHired {
                agent: agent.key(),
                amount: args.amount,
                locked: agent.ledger.locked,
                open_bids: agent.ledger.open_bids,
            });
            Ok(())
        })
    }
}
