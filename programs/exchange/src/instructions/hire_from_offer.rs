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
//! errors). The offer's terms become the agent's bid, awarded at once as `hire_accept` does.
//! The requester pays the bid account's rent, which goes to the agent when the bid closes.
use agent_registry::state::{AgentOffers, AgentView};
use anchor_lang::prelude::*;

use crate::bidding::ClearBid;
use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, Bid, BidOpening, ExchangeConfig, Intent, Phase};

#[derive(Accounts)]
pub struct HireFromOffer<'info> {
    #[account(mut)]
    pub requester: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: Account<'info, ExchangeConfig>,

    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the agent the intent names (`validate`), a registry `Agent` read in place; the
    /// registry writes it in the CPIs.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    #[account(
        seeds = [agent_registry::seeds::OFFERS, agent.key().as_ref()],
        bump = offers.bump,
        seeds::program = agent_registry::ID,
    )]
    pub offers: Account<'info, AgentOffers>,

    #[account(
        init,
        payer = requester,
        space = 8 + Bid::INIT_SPACE,
        seeds = [seeds::BID, intent.key().as_ref(), agent.key().as_ref(), &[0u8]],
        bump,
    )]
    pub bid: Account<'info, Bid>,

    pub registry: RegistryAccounts<'info>,

    pub system_program: Program<'info, System>,
}

impl HireFromOffer<'_> {
    /// The opening the offer at `index` makes, checked against the intent.
    fn opening(&self, index: u8) -> Result<(BidOpening, AgentView)> {
        self.config.require_not_paused()?;
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
        let opening = BidOpening {
            price: offer.price,
            quality_bps: offer.quality_bps,
            latency: offer.latency,
            plan_hash: [0; 32],
            salt: self.intent.key().to_bytes(),
        };
        Ok((opening, agent))
    }

    pub fn handler(ctx: Context<Self>, offer_index: u8) -> Result<()> {
        let (opening, agent) = ctx.accounts.opening(offer_index)?;
        let now = Clock::get()?.slot;
        let intent_key = ctx.accounts.intent.key();
        let accounts = &mut *ctx.accounts;
        let mut intent = accounts.intent.load_mut()?;
        let mut clear = ClearBid {
            payer: &accounts.requester,
            bidder: agent.authority,
            agent: accounts.agent.to_account_info(),
            reputation: agent.reputation,
            bond: 0,
            bid: &mut accounts.bid,
            bid_bump: ctx.bumps.bid,
            config: &accounts.config,
            registry: &accounts.registry,
            system_program: &accounts.system_program,
        };
        clear.hire(intent_key, &mut intent, &opening, now)
    }
}
