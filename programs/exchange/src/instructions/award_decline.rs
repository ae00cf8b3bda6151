//! `award_decline`: the winner gives the job up before its deadline, so the next agent starts at
//! once instead of after the deadline. It costs the config's decline slash (smaller than a
//! failover's), all of it to the requester; otherwise it is a failover (`failover.rs`): the agent
//! is cut off, a failure is recorded, and the job moves to the next candidate, a re-auction, or a
//! full refund.
//!
//! Rules: signed by the winning agent's authority (`AwardDeclineNotWinner`); the intent is
//! awarded (`FailoverNotAwarded`) and the deadline has not passed (`AwardDeclineTooLate`); the
//! candidates and optional accounts as for `failover_trigger`.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::failover::*;

#[derive(Accounts)]
pub struct AwardDecline<'info> {
    /// The winning agent's authority.
    pub authority: Signer<'info>,

    pub failover: Failover<'info>,
}

impl<'info> AwardDecline<'info> {
    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let failover = &ctx.accounts.failover;
        let winner = failover.winner()?;
        require_keys_eq!(
            winner.authority,
            ctx.accounts.authority.key(),
            ExchangeError::AwardDeclineNotWinner
        );
        {
            let intent = failover.intent.load()?;
            require!(
                intent.status()? == crate::state::IntentStatus::Awarded,
                ExchangeError::FailoverNotAwarded
            );
            require!(now < intent.execution_deadline_slot, ExchangeError::AwardDeclineTooLate);
        }
        let slash_bps = failover.config.decline_slash_bps;
        failover.run(ctx.remaining_accounts, FailureCause::Declined, slash_bps, None, now)
    }
}
