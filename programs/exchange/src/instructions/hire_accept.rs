//! `hire_accept`: the agent a direct hire names takes the job at its max price. Its terms are
//! recorded as a bid in the clear (so delivery, failover and closing treat it as any winner's
//! bid) and awarded at once, its stake locked as for any award.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); signed by the agent's authority
//! (`BidNotBidder`); the intent is a direct hire offered to this agent (`HireNotOffered`), in
//! its round (`BidRoundMismatch`), open and within its window (`BidWindowClosed`); the agent
//! qualifies as a bidder would (active, capabilities, free stake, reputation: the `Bid*`
//! errors); the price is the max price (`HirePriceNotOffered`); latency at most the max latency,
//! quality at most 10,000 bps. An acceptance deposits no bond: there is nothing to reveal.
use agent_registry::state::AgentView;
use anchor_lang::prelude::*;

use crate::bidding::ClearBid;
use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, Bid, BidOpening, ExchangeConfig, Intent, Phase};

#[derive(Accounts)]
#[instruction(opening: BidOpening, round: u8)]
pub struct HireAccept<'info> {
    #[account(mut)]
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: Account<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the named agent, a registry `Agent` of `bidder`, read in place (`AgentView::of`,
    /// `validate`); the registry writes it in the CPIs.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    #[account(
        init,
        payer = bidder,
        space = 8 + Bid::INIT_SPACE,
        seeds = [seeds::BID, intent.key().as_ref(), agent.key().as_ref(), round.to_le_bytes().as_ref()],
        bump,
    )]
    pub bid: Account<'info, Bid>,

    pub registry: RegistryAccounts<'info>,

    pub system_program: Program<'info, System>,
}

impl HireAccept<'_> {
    /// Checks the rules; the named agent, read in place once for the checks and the bid.
    fn validate(&self, opening: &BidOpening, round: u8) -> Result<AgentView> {
        self.config.require_not_paused()?;
        let agent = AgentView::of(&self.agent).ok_or_else(|| error!(ExchangeError::HireNotOffered))?;
        require_keys_eq!(agent.authority, self.bidder.key(), ExchangeError::BidNotBidder);
        let intent = self.intent.load()?;
        require!(
            intent.kind()? == AuctionKind::Direct && intent.hire_agent == self.agent.key(),
            ExchangeError::HireNotOffered
        );
        require!(round == intent.round, ExchangeError::BidRoundMismatch);
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        require_eq!(opening.price, intent.max_price, ExchangeError::HirePriceNotOffered);
        crate::bidding::check_view(&self.agent.key(), &agent, &intent)?;
        Ok(agent)
    }

    pub fn handler(ctx: Context<Self>, opening: BidOpening, round: u8) -> Result<()> {
        let agent = ctx.accounts.validate(&opening, round)?;
        let now = Clock::get()?.slot;
        let intent_key = ctx.accounts.intent.key();
        let accounts = &mut *ctx.accounts;
        let mut intent = accounts.intent.load_mut()?;
        let mut clear = ClearBid {
            payer: &accounts.bidder,
            bidder: accounts.bidder.key(),
            agent: accounts.agent.to_account_info(),
            reputation: agent.reputation,
            // Nothing to reveal: no bond.
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
