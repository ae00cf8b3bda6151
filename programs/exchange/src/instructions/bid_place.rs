//! `bid_place`: an eligible agent bids in the clear on a continuous-auction intent. The bid is
//! scored and ranked at once; if it reaches the intent's score threshold it wins immediately at
//! its ask and the winner's required stake is locked.
//!
//! Rules: signed by the agent's authority; the intent is open, continuous and in its bidding
//! window; the agent is eligible; price <= max price, latency <= max latency, quality <= 10,000
//! bps; one bid per agent per intent. The bid's commitment (its tie-break) is the sha256 of
//! the opening, salt included, exactly as for sealed bids.
use agent_registry::program::AgentRegistry;
use agent_registry::state::Agent;
use anchor_lang::prelude::*;

use crate::award::{award_head, StakeLockAccounts};
use crate::error::ExchangeError;
use crate::seeds;
use crate::state::{AuctionKind, Bid, BidOpening, ExchangeConfig, Intent, Phase, SyscallSha256};

#[derive(Accounts)]
pub struct BidPlace<'info> {
    #[account(mut)]
    pub bidder: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its
    // PDA), so the seeds are not re-derived here: that would cost ~1,500 CU per call.
    pub config: Account<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(mut, constraint = agent.authority == bidder.key() @ ExchangeError::BidNotBidder)]
    pub agent: Account<'info, Agent>,

    #[account(
        init,
        payer = bidder,
        space = 8 + Bid::INIT_SPACE,
        seeds = [seeds::BID, intent.key().as_ref(), agent.key().as_ref()],
        bump,
    )]
    pub bid: Account<'info, Bid>,

    /// CHECK: the exchange's signing PDA (the registry's operator), used only as the CPI
    /// signer: `invoke_signed` signs only for the PDA of our seeds, and the registry refuses any
    /// other operator, so a substitute fails the CPI. Not re-derived here (~1,500 CU).
    pub exchange_authority: UncheckedAccount<'info>,

    /// CHECK: the registry's config; the registry validates it in the CPI.
    pub registry_config: UncheckedAccount<'info>,

    pub registry_program: Program<'info, AgentRegistry>,

    pub system_program: Program<'info, System>,
}

impl BidPlace<'_> {
    pub fn validate(&self) -> Result<()> {
        let intent = self.intent.load()?;
        require!(intent.kind()? == AuctionKind::Continuous, ExchangeError::BidWrongAuctionKind);
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        crate::bidding::check(&self.agent, &intent)
    }

    pub fn handler(ctx: Context<Self>, opening: BidOpening) -> Result<()> {
        let now = Clock::get()?.slot;
        let intent_key = ctx.accounts.intent.key();
        let agent_key = ctx.accounts.agent.key();
        let commitment = opening.core(&intent_key, &agent_key).commitment::<SyscallSha256>();
        let mut intent = ctx.accounts.intent.load_mut()?;
        let reputation = ctx.accounts.agent.reputation;
        let score =
            crate::bidding::score(&intent, opening.price, opening.quality_bps, opening.latency, reputation)?;
        let bond = intent.bid_bond;
        crate::bidding::take_bond(
            &ctx.accounts.system_program,
            &ctx.accounts.bidder,
            &ctx.accounts.bid,
            bond,
        )?;
        let bid = &mut ctx.accounts.bid;
        bid.commit(intent_key, agent_key, ctx.accounts.bidder.key(), commitment, bond, now, ctx.bumps.bid);
        bid.reveal(&opening, score, reputation)?;
        intent.bid_count =
            intent.bid_count.checked_add(1).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
        let rank = crate::bidding::rank(intent_key, &mut intent, bid, &opening)?;
        // The first bid to reach the threshold heads the board (all earlier bids scored below it).
        if intent.score_threshold > 0 && score >= intent.score_threshold && rank == Some(0) {
            let accounts = StakeLockAccounts {
                config: &ctx.accounts.config,
                exchange_authority: &ctx.accounts.exchange_authority.to_account_info(),
                registry_config: &ctx.accounts.registry_config.to_account_info(),
                registry_program: &ctx.accounts.registry_program,
                agent: &ctx.accounts.agent,
            };
            award_head(intent_key, &mut intent, accounts, now)?;
        }
        Ok(())
    }
}
