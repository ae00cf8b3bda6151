//! `hire_decline`: the agent (or coalition) a direct hire names turns the job down before accepting it. The
//! window ends at once: a keeper expires the intent (its escrow back to the refund owner), or
//! the requester cancels it, and either may post it again as an auction.
//!
//! Rules: signed by the named agent's (coalition's) authority (`BidNotBidder`); the intent is a direct hire
//! offered to this agent (`HireNotOffered`), open and within its window (`BidWindowClosed`).
//! One `HireDeclined` event.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::HireDeclined;
use crate::state::{AuctionKind, Intent, Phase};

#[derive(Accounts)]
pub struct HireDecline<'info> {
    pub authority: Signer<'info>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the named agent, a registry `Agent` or a coalition of `authority`
    /// (`bidder::authority_of`, `validate`).
    pub agent: UncheckedAccount<'info>,
}

impl HireDecline<'_> {
    pub fn validate(&self) -> Result<()> {
        let authority =
            crate::bidder::authority_of(&self.agent).ok_or_else(|| error!(ExchangeError::HireNotOffered))?;
        require_keys_eq!(authority, self.authority.key(), ExchangeError::BidNotBidder);
        let intent = self.intent.load()?;
        require!(
            intent.kind()? == AuctionKind::Direct && intent.hire_agent == self.agent.key(),
            ExchangeError::HireNotOffered
        );
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let mut intent = ctx.accounts.intent.load_mut()?;
        intent.end_offer(now)?;
        intent.invariant()?;
        emit!(HireDeclined { intent: ctx.accounts.intent.key(), agent: ctx.accounts.agent.key(), slot: now });
        Ok(())
    }
}
