//! `stake_unlock` (operator only): releases stake held for a job.
//!
//! Rules: signed by the config's operator; positive amount, at most the locked stake.
use anchor_lang::prelude::*;

use crate::events::StakeUnlocked;
use crate::instructions::{AgentEngagement, StakeAmountArgs};

impl AgentEngagement<'_> {
    pub fn unlock(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        ctx.accounts.in_place(|_, agent| {
            agent.ledger.unlock(args.amount)?;
            emit!(StakeUnlocked { agent: agent.key(), amount: args.amount, locked: agent.ledger.locked });
            Ok(())
        })
    }
}
