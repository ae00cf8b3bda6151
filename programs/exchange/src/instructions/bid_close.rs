//! `bid_close` (permissionless): closes a bid once its auction is over. A revealed bid's bond
//! and rent go back to the bidder; an unrevealed or disqualified bid's bond is forfeited to the
//! requester (its rent still goes back to the bidder, who paid it). A coalition counts one bid
//! fewer open; an agent was never told of its bids (no registry CPI).
//!
//! Rules: the auction is over (the intent is no longer open, or its reveal window has passed);
//! while the intent is open, revealed bids stay (settlement and re-ranking read them); the
//! winning bid and the standby's stay open until the job ends (completed), and every other bid
//! on the board while the winner holds the job (a failover promotes the next of them:
//! `BidIsFailoverCandidate`); a bid of an earlier
//! auction round (before a re-auction) closes at any time; `bidder`, `agent` and `requester` are
//! the bid's and the intent's.
use agx_core::lifecycle::Stage;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::events::BidClosed;
use crate::state::{Bid, BidStatus, Intent, IntentStatus};

#[derive(Accounts)]
pub struct BidClose<'info> {
    pub caller: Signer<'info>,

    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(
        mut,
        has_one = intent,
        has_one = agent,
        has_one = bidder @ ExchangeError::BidNotBidder,
        close = bidder,
    )]
    pub bid: AccountLoader<'info, Bid>,

    /// CHECK: the bid's bidder (`has_one`): a registry agent (untouched), or a coalition, whose
    /// open bids count one fewer.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    /// CHECK: receives rent (and a returned bond); must be the bid's bidder (`has_one`).
    #[account(mut)]
    pub bidder: UncheckedAccount<'info>,

    /// CHECK: receives a forfeited bond; must be the intent's requester (`has_one`).
    #[account(mut)]
    pub requester: UncheckedAccount<'info>,
}

impl BidClose<'_> {
    pub fn validate(&self) -> Result<()> {
        crate::cu_trace!("bid_close: accounts");
        let intent = self.intent.load()?;
        let bid = self.bid.load()?;
        if bid.round < intent.round {
            // A bid of an earlier round: that auction is over and its bids are off the board.
            return Ok(());
        }
        let bidding = matches!(intent.stage(Clock::get()?.slot)?, Stage::Bidding | Stage::Revealing);
        require!(!bidding, ExchangeError::BidCloseTooEarly);
        let status = intent.status()?;
        if !status.is_terminal() {
            require_keys_neq!(self.bid.key(), intent.winner_bid, ExchangeError::BidIsWinner);
            require_keys_neq!(self.bid.key(), intent.standby_bid, ExchangeError::BidIsStandby);
        }
        // A failover promotes the next agent of the board, and its bid becomes the winning one:
        // closed, the job could neither be delivered nor failed over again (a coalition's failed
        // job is re-auctioned instead, so its board promotes no one).
        if status == IntentStatus::Awarded && !intent.held_by_coalition() {
            let candidate = intent.ranked().iter().any(|entry| entry.bid == self.bid.key());
            require!(!candidate, ExchangeError::BidIsFailoverCandidate);
        }
        // An open intent past its windows may still be settled: keep its valid bids until then,
        // so settlement (and re-ranking) can read them.
        if status == IntentStatus::Open {
            require!(!bid.is(BidStatus::Revealed), ExchangeError::BidCloseTooEarly);
        }
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        crate::cu_trace!("bid_close: validated");
        let accounts = &ctx.accounts;
        let (bid_intent, (returned, forfeited)) = {
            let bid = accounts.bid.load()?;
            (bid.intent, bid.bond_split())
        };
        {
            let mut intent = accounts.intent.load_mut()?;
            intent.close_bid()?;
            intent.invariant()?;
        }
        crate::cu_trace!("bid_close: intent");
        crate::bidder::count_bid_closed(&accounts.agent)?;
        crate::cu_trace!("bid_close: counted");
        move_lamports(&accounts.bid.to_account_info(), &accounts.requester.to_account_info(), forfeited)?;
        emit!(BidClosed {
            intent: bid_intent,
            bid: accounts.bid.key(),
            bond_returned: returned,
            bond_forfeited: forfeited,
        });
        crate::cu_trace!("bid_close: emitted");
        Ok(())
    }
}
