//! `bid_rerank` (permissionless): brings a valid revealed bid that is not on the leaderboard back
//! onto it. The bid account is the source of truth and the board its top-8 cache: when
//! settlement drops disqualified bids, the places they free belong to the best bids below them,
//! not to nobody. Anyone may send it (the bidder, a keeper); settlement waits for the re-rank
//! window that a disqualification opens, so the best remaining bid wins.
//!
//! Rules: the intent is open and past its bidding and reveal windows (`BidRerankOutsideSettlement`
//! otherwise); the bid is this intent's and revealed, not disqualified (`BidRerankNotRevealed`);
//! it is not on the board already (`BidAlreadyOnBoard`). It is inserted at its rank; on a full
//! board it takes the place of the lowest entry only if it ranks above it.
use agx_core::lifecycle::Stage;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::BidReranked;
use crate::state::{Bid, BidStatus, Intent};

#[derive(Accounts)]
pub struct BidRerank<'info> {
    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(has_one = intent)]
    pub bid: AccountLoader<'info, Bid>,
}

impl BidRerank<'_> {
    pub fn validate(&self) -> Result<()> {
        let intent = self.intent.load()?;
        let settling = matches!(intent.stage(Clock::get()?.slot)?, Stage::Reranking | Stage::Settling);
        require!(settling, ExchangeError::BidRerankOutsideSettlement);
        let bid = self.bid.load()?;
        require!(bid.is(BidStatus::Revealed), ExchangeError::BidRerankNotRevealed);
        require_eq!(bid.round, intent.round, ExchangeError::BidRoundMismatch);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let bid_key = ctx.accounts.bid.key();
        let bid = ctx.accounts.bid.load()?;
        let mut intent = ctx.accounts.intent.load_mut()?;
        let entry = crate::bidding::entry(&intent, bid_key, &bid);
        let rank = intent.rerank(entry)?;
        intent.invariant()?;
        emit!(BidReranked {
            intent: ctx.accounts.intent.key(),
            bid: bid_key,
            agent: bid.agent,
            rank: rank.and_then(|r| u8::try_from(r).ok()),
        });
        Ok(())
    }
}
