//! `bid_place`: an eligible agent bids in the clear on a continuous-auction intent. The bid is
//! scored and ranked at once; if it reaches the intent's score threshold it wins immediately at its
//! ask and the winner's required stake is locked.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); signed by the agent's authority; the
//! intent is open, continuous and in its bidding window; the agent is eligible; price <= max price,
//! latency <= max latency, quality <= 10,000 bps; one bid per agent per intent per round (`round`
//! is the intent's current round, part of the bid's address: `BidRoundMismatch`). The bid's
//! commitment (its tie-break) is the sha256 of the opening, salt included, exactly as for sealed
//! bids. The registry counts the open bid (`agent_engage`), so the agent cannot close while it
//! bids. A coalition bids the same way (`bidder`): signed by its authority, its member agents
//! after the named accounts, its open bids counted on it; on a threshold win each member's
//! contribution is locked.
use anchor_lang::prelude::*;

use crate::award::award_head;
use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::bidding::ClearBid;
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, BidOpening, ExchangeConfig, Intent, Phase};

#[derive(Accounts)]
#[instruction(opening: BidOpening, round: u8)]
pub struct BidPlace<'info> {
    #[account(mut)]
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the bidder: a registry agent of `bidder`, or a coalition whose authority is
    /// `bidder` (its member agents after the named accounts), read by `bidder::eligible`.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    /// CHECK: the new bid, at the address of `bidder` and `agx_core::address::bid_seed`:
    /// created by the bidder earlier in the transaction or here, and checked either way
    /// (`bidding::open_bid`), as in `bid_commit`.
    #[account(mut)]
    pub bid: UncheckedAccount<'info>,

    pub registry: RegistryAccounts<'info>,

    pub system_program: Program<'info, System>,
}

impl<'info> BidPlace<'info> {
    pub fn validate(&self, round: u8, members: &[AccountInfo<'info>]) -> Result<crate::bidder::BidderView> {
        let config = self.config.load()?;
        config.require_not_paused()?;
        let intent = self.intent.load()?;
        require!(round == intent.round, ExchangeError::BidRoundMismatch);
        require!(intent.kind()? == AuctionKind::Continuous, ExchangeError::BidWrongAuctionKind);
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        let bidder = crate::bidder::eligible(&self.agent, members, &intent, &config.probation())?;
        require_keys_eq!(bidder.authority, self.bidder.key(), ExchangeError::BidNotBidder);
        Ok(bidder)
    }

    pub fn handler(ctx: Context<'info, Self>, opening: BidOpening, round: u8) -> Result<()> {
        let members = ctx.remaining_accounts;
        let view = ctx.accounts.validate(round, members)?;
        let now = Clock::get()?.slot;
        let intent_key = ctx.accounts.intent.key();
        let accounts = &mut *ctx.accounts;
        let mut intent = accounts.intent.load_mut()?;
        let config = accounts.config.load()?;
        let config = &*config;
        let mut clear = ClearBid {
            payer: accounts.bidder.as_ref(),
            bidder: accounts.bidder.key(),
            agent: accounts.agent.to_account_info(),
            reputation: view.reputation,
            kind: view.kind,
            bond: view.bond,
            bid: accounts.bid.as_ref(),
            system_program: accounts.system_program.as_ref(),
        };
        let (score, rank) = clear.place(intent_key, &mut intent, &opening, now)?;
        // The first bid to reach the threshold heads the board (all earlier bids scored below it).
        if intent.score_threshold > 0 && score >= intent.score_threshold && rank == Some(0) {
            // A continuous winner is paid its ask; terms that cannot be awarded wait for
            // settlement, which drops them.
            if let Some(payment) = intent.head_award_payment(now, config.execution_grace_slots) {
                let agent = accounts.agent.to_account_info();
                // Eligible to bid a moment ago, so it holds the job.
                let holding = crate::bidder::holding(&agent, members, &intent)?
                    .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
                award_head(
                    intent_key,
                    &mut intent,
                    config,
                    &accounts.registry,
                    (agent, &holding, members),
                    None,
                    payment,
                    now,
                )?;
            }
        }
        Ok(())
    }
}
