//! `hire_accept`: the agent a direct hire names takes the job at its max price, awarded at once
//! with its stake locked as for any award. A hire opens no bid account: its terms become the
//! intent's whole board and the intent's own address stands for the bid (`Intent::take_hire`),
//! and the agent is engaged until the job's outcome (`agent_hire` in the registry), one CPI.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); signed by the agent's authority
//! (`BidNotBidder`); the intent is a direct hire offered to this agent (`HireNotOffered`), in
//! its round (`BidRoundMismatch`), open and within its window (`BidWindowClosed`); the agent
//! qualifies as a bidder would (active, capabilities, free stake, reputation: the `Bid*`
//! errors); the price is the max price (`HirePriceNotOffered`); latency at most the max latency,
//! quality at most 10,000 bps. An acceptance deposits no bond: there is nothing to reveal.
use agent_registry::state::AgentView;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, ExchangeConfig, HireTerms, Intent, Phase};

#[derive(Accounts)]
pub struct HireAccept<'info> {
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: Account<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the named agent, a registry `Agent` of `bidder`, read in place (`AgentView::of`,
    /// `validate`); the registry writes it in the CPI.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    pub registry: RegistryAccounts<'info>,
}

impl HireAccept<'_> {
    /// Checks the rules; the named agent, read in place once for the checks and the hire.
    fn validate(&self, round: u8) -> Result<AgentView> {
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
        crate::bidding::check_view(&self.agent.key(), &agent, &intent)?;
        Ok(agent)
    }

    pub fn handler(ctx: Context<Self>, terms: HireTerms, round: u8) -> Result<()> {
        let agent = ctx.accounts.validate(round)?;
        let accounts = &ctx.accounts;
        let hired = accounts.agent.to_account_info();
        crate::bidding::take_hire(
            &accounts.intent,
            &accounts.config,
            &accounts.registry,
            hired,
            &agent,
            &terms,
        )
    }
}
