//! `bid_reveal`: the bidder opens its sealed bid; a valid bid is scored with `agx_core` and
//! ranked on the intent's bounded leaderboard (O(1) in the number of bids).
//!
//! Rules: signed by the bidder; the intent is open and in its reveal window; the opened values
//! hash (sol_sha256) to the commitment; price <= max price, latency <= max latency, quality <=
//! 10,000 bps; the agent is still eligible. The agent's current reputation is scored.
use agent_registry::state::Agent;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::{Bid, BidOpening, Intent, Phase, SyscallSha256};

#[derive(Accounts)]
pub struct BidReveal<'info> {
    pub bidder: Signer<'info>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(
        mut,
        has_one = intent,
        has_one = bidder @ ExchangeError::BidNotBidder,
        has_one = agent,
    )]
    pub bid: Account<'info, Bid>,

    pub agent: Account<'info, Agent>,
}

impl BidReveal<'_> {
    pub fn handler(ctx: Context<Self>, opening: BidOpening) -> Result<()> {
        let intent_key = ctx.accounts.intent.key();
        let mut intent = ctx.accounts.intent.load_mut()?;
        intent.require_phase(Clock::get()?.slot, Phase::Revealing, ExchangeError::BidRevealWindowNotOpen)?;
        let bid = &mut ctx.accounts.bid;
        let commitment = opening.core(&intent_key, &bid.agent).commitment::<SyscallSha256>();
        require!(commitment == bid.commitment, ExchangeError::BidCommitmentMismatch);
        let agent = &ctx.accounts.agent;
        crate::bidding::check(agent, &intent)?;
        let reputation = agent.reputation;
        let score =
            crate::bidding::score(&intent, opening.price, opening.quality_bps, opening.latency, reputation)?;
        bid.reveal(&opening, score, reputation)?;
        crate::bidding::rank(intent_key, &mut intent, bid, &opening)?;
        Ok(())
    }
}
