//! `award_decline`: the winner gives the job up before its deadline, so the next agent starts at
//! once instead of after the deadline. It costs a slash that grows with the share of the
//! execution window already used (`agx_core::slash::decline_bps`): the config's
//! `decline_slash_bps` at the award, rising to its `failover_slash_bps` at the deadline, so
//! declining late is never cheaper than failing; all of it goes to the requester. Otherwise it is
//! a failover (`failover.rs`): the agent is cut off, its bid bond forfeited to the requester, a
//! failure recorded, and the job moves to the next candidate, a re-auction, or a full refund.
//!
//! Rules: signed by the winning agent's authority (`AwardDeclineNotWinner`); the intent is
//! awarded (`FailoverNotAwarded`) and the deadline has not passed (`AwardDeclineTooLate`); the
//! candidates and optional accounts as for `failover_trigger`, except that the requester's
//! compensation account must be able to receive it (`CompensationAccountInvalid`: the caller is
//! the failing agent, which may not take it).
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
        let (authority, _) = failover.answerable(ctx.remaining_accounts)?;
        require_keys_eq!(authority, ctx.accounts.authority.key(), ExchangeError::AwardDeclineNotWinner);
        let slash_bps = {
            let intent = failover.intent.load()?;
            require!(
                intent.status()? == crate::state::IntentStatus::Awarded,
                ExchangeError::FailoverNotAwarded
            );
            require!(now < intent.execution_deadline_slot, ExchangeError::AwardDeclineTooLate);
            let config = failover.config.load()?;
            agx_core::slash::decline_bps(
                intent.award_slot,
                intent.execution_deadline_slot,
                now,
                config.decline_slash_bps,
                config.failover_slash_bps,
            )
            .map_err(|_| error!(ExchangeError::ConfigFailoverParamsInvalid))?
        };
        failover.run(ctx.remaining_accounts, FailureCause::Declined, slash_bps, None, now)
    }
}
