//! `hire_from_offer`: the requester of a direct hire takes the named agent on one of its
//! standing offers (`agent_offers_set` in the registry), without waiting for it: the offer is
//! the agent's acceptance. Posted with the intent, a hire is one transaction.
//!
//! Rules: the exchange is not paused; signed by the intent's requester (`RequesterMismatch`);
//! the intent is a direct hire of this agent (`HireNotOffered`), open, in its window, without a
//! bid; the offers are the agent's (`[OFFERS, agent]` of the registry) and `offer_index` is one
//! of them (`OfferMissing`); the offer's mint and price are the intent's mint and max price, and
//! it covers the capabilities the intent requires (`OfferTermsMismatch`); its latency is within
//! the intent's (`BidLatencyAboveMax`); the agent qualifies as a bidder would (the `Bid*`
//! errors). The offer's terms are taken as `hire_accept` takes the agent's (no bid account; one
//! registry CPI engages the agent and locks its stake).
use agent_registry::state::{AgentOffers, AgentView};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, ExchangeConfig, HireTerms, Intent, Phase};

#[derive(Accounts)]
pub struct HireFromOffer<'info> {
    pub requester: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the agent the intent names (`validate`), a registry `Agent` read in place; the
    /// registry writes it in the CPI.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    #[account(
        seeds = [agent_registry::seeds::OFFERS, agent.key().as_ref()],
        bump = offers.bump,
        seeds::program = agent_registry::ID,
    )]
    pub offers: Account<'info, AgentOffers>,

    pub registry: RegistryAccounts<'info>,
}

impl HireFromOffer<'_> {
    /// The terms the offer at `index` makes, checked against the intent.
    fn terms(&self, index: u8) -> Result<(HireTerms, AgentView)> {
        self.config.load()?.require_not_paused()?;
        let intent = self.intent.load()?;
        require!(
            intent.kind()? == AuctionKind::Direct
                && intent.hire_agent == self.agent.key()
                && intent.round == 0,
            ExchangeError::HireNotOffered
        );
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        let offer = *self.offers.get(index).ok_or_else(|| error!(ExchangeError::OfferMissing))?;
        require!(
            offer.mint == intent.mint
                && offer.price == intent.max_price
                && agx_core::eligibility::has_capabilities(offer.capabilities, intent.required_capabilities),
            ExchangeError::OfferTermsMismatch
        );
        let agent = AgentView::of(&self.agent).ok_or_else(|| error!(ExchangeError::HireNotOffered))?;
        crate::bidding::check_view(&self.agent.key(), &agent, &intent)?;
        let terms = HireTerms { price: offer.price, quality_bps: offer.quality_bps, latency: offer.latency };
        Ok((terms, agent))
    }

    pub fn handler(ctx: Context<Self>, offer_index: u8) -> Result<()> {
        let (terms, agent) = ctx.accounts.terms(offer_index)?;
        let accounts = &ctx.accounts;
        let hired = accounts.agent.to_account_info();
        let reputation = agent.reputation_for(accounts.intent.load()?.required_capabilities);
        crate::bidding::take_hire(
            &accounts.intent,
            &*accounts.config.load()?,
            &accounts.registry,
            hired,
            &crate::bidder::BidderView {
                authority: agent.authority,
                reputation,
                kind: crate::state::BidderKind::Agent,
                bond: 0,
            },
            &terms,
            &[],
        )
    }
}
