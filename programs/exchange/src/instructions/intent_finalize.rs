//! `intent_finalize` (permissionless): once the dispute window after a submission has passed
//! with no answer from the requester (or, once disputed, the arbitrator's window with no
//! decision), anyone completes the job as if accepted with the config's neutral rating, and earns
//! one crank tip. The payout is the same as `result_accept`'s.
//!
//! Rules: a result is waiting (`ResultNotSubmitted`) and the dispute (or arbitration) window has
//! passed (`FinalizeTooEarly`); `requester` is the intent's (it receives the escrow's rent); the payout
//! accounts as in `result_accept`.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::payout::*;

#[derive(Accounts)]
pub struct IntentFinalize<'info> {
    /// Whoever cranks; earns the remaining keeper tip.
    #[account(mut)]
    pub caller: Signer<'info>,

    /// CHECK: receives the escrow's rent; must be the intent's requester.
    #[account(mut, address = payout.intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: UncheckedAccount<'info>,

    pub payout: Payout<'info>,
}

impl<'info> IntentFinalize<'info> {
    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let rating = accounts.payout.config.load()?.neutral_rating_bps;
        let members = ctx.remaining_accounts;
        let tip = accounts.payout.complete(&accounts.requester.to_account_info(), rating, true, members)?;
        move_lamports(&accounts.payout.intent.to_account_info(), &accounts.caller.to_account_info(), tip)
    }
}
