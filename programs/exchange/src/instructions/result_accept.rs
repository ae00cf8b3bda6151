//! `result_accept`: the requester accepts the submitted result with a rating. The winner is paid
//! `payment * fulfilled / 10,000` (rounded down), the rest of the escrow goes back to the
//! requester, the escrow closes (rent to the requester), and one registry CPI releases the stake
//! held for the job (winner and standby) and records the outcome with the rating.
//!
//! Rules: signed by the intent's requester (`RequesterMismatch`); a result is waiting
//! (`ResultNotSubmitted`; so a second accept fails), submitted or disputed (accepting withdraws
//! the requester's own dispute); rating at most 10,000 bps; the payout account belongs to the
//! winning bid's bidder (`PayoutAccountMismatch`), the refund account to the intent's refund
//! owner (`RefundAccountMismatch`), both of the intent's mint; the standby is the intent's
//! (`PayoutStandbyMismatch`). No crank tip is paid (the requester is not cranking): the tip pool
//! goes back to the requester when the intent closes.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::payout::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct ResultAcceptArgs {
    /// The requester's rating of the delivered work, bps.
    pub rating_bps: u16,
}

#[derive(Accounts)]
pub struct ResultAccept<'info> {
    #[account(mut, address = payout.intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: Signer<'info>,

    pub payout: Payout<'info>,
}

impl<'info> ResultAccept<'info> {
    pub fn handler(ctx: Context<'info, Self>, args: ResultAcceptArgs) -> Result<()> {
        let requester = ctx.accounts.requester.to_account_info();
        ctx.accounts.payout.complete(&requester, args.rating_bps, false, ctx.remaining_accounts)?;
        Ok(())
    }
}
