//! `bid_close` (permissionless): closes a bid once its auction is over. A revealed bid's bond
//! and rent go back to the bidder; an unrevealed bid's bond is forfeited to the requester
//! (its rent still goes back to the bidder, who paid it).
//!
//! Rules: the auction is over (the intent is no longer open, or its reveal window has passed);
//! the winning bid stays open while its job runs; `bidder` and `requester` are the bid's and
//! the intent's.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::events::BidClosed;
use crate::state::{Bid, BidStatus, Intent, IntentStatus, Phase};

#[derive(Accounts)]
pub struct BidClose<'info> {
    pub caller: Signer<'info>,

    pub intent: AccountLoader<'info, Intent>,

    #[account(
        mut,
        has_one = intent,
        has_one = bidder @ ExchangeError::BidNotBidder,
        close = bidder,
    )]
    pub bid: Account<'info, Bid>,

    /// CHECK: receives rent (and a returned bond); must be the bid's bidder (`has_one`).
    #[account(mut)]
    pub bidder: UncheckedAccount<'info>,

    /// CHECK: receives a forfeited bond; must be the intent's requester.
    #[account(mut, address = intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: UncheckedAccount<'info>,
}

impl BidClose<'_> {
    pub fn validate(&self) -> Result<()> {
        let intent = self.intent.load()?;
        let over =
            intent.status()? != IntentStatus::Open || intent.phase(Clock::get()?.slot) == Phase::Closed;
        require!(over, ExchangeError::BidCloseTooEarly);
        require_keys_neq!(self.bid.key(), intent.winner_bid, ExchangeError::BidIsWinner);
        // An open intent past its windows may still be settled: keep the bids on its board
        // until then, so settlement (and failover) can read them.
        if intent.status()? == IntentStatus::Open {
            require!(self.bid.status == BidStatus::Committed, ExchangeError::BidCloseTooEarly);
        }
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let bid = &ctx.accounts.bid;
        let (returned, forfeited) = match bid.status {
            BidStatus::Revealed => (bid.bond, 0),
            BidStatus::Committed => (0, bid.bond),
        };
        move_lamports(&bid.to_account_info(), &ctx.accounts.requester.to_account_info(), forfeited)?;
        emit!(BidClosed {
            intent: bid.intent,
            bid: bid.key(),
            bond_returned: returned,
            bond_forfeited: forfeited,
        });
        Ok(())
    }
}
