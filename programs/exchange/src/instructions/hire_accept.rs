//! `hire_accept`: the agent (or coalition) a direct hire names takes the job at its max price,
//! awarded at once with its stake locked as for any award (a coalition's members' contributions,
//! its member agents passed after the named accounts in member order). A hire opens no bid account: its terms become the
//! intent's whole board and the intent's own address stands for the bid (`Intent::take_hire`),
//! and the agent is engaged until the job's outcome (`agent_hire` in the registry), one CPI.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); signed by the agent's (the
//! coalition's) authority (`BidNotBidder`); the intent is a direct hire offered to this agent (`HireNotOffered`), in
//! its round (`BidRoundMismatch`), open and within its window (`BidWindowClosed`); the agent
//! qualifies as a bidder would (active, capabilities, free stake, reputation: the `Bid*`
//! errors; a coalition as it would to bid: `bidder::eligible`); the price is the max price (`HirePriceNotOffered`); latency at most the max latency,
//! quality at most 10,000 bps. An acceptance deposits no bond: there is nothing to reveal.
use agent_registry::state::AgentView;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::bidder::BidderView;
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{AuctionKind, BidderKind, ExchangeConfig, HireTerms, Intent, Phase};

#[derive(Accounts)]
pub struct HireAccept<'info> {
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the named agent, a registry `Agent` of `bidder` read in place (`AgentView::of`),
    /// or a coalition of `bidder` (`bidder::eligible`), in `validate`; the registry writes an
    /// agent in the CPI, a coalition counts the hire.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    pub registry: RegistryAccounts<'info>,
}

impl<'info> HireAccept<'info> {
    /// Checks the rules; the named bidder as the hire scores and holds it.
    fn validate(&self, round: u8, members: &[AccountInfo<'info>]) -> Result<BidderView> {
        self.config.load()?.require_not_paused()?;
        let agent = AgentView::of(&self.agent);
        let authority = match &agent {
            Some(agent) => agent.authority,
            None => crate::bidder::authority_of(&self.agent)
                .ok_or_else(|| error!(ExchangeError::HireNotOffered))?,
        };
        require_keys_eq!(authority, self.bidder.key(), ExchangeError::BidNotBidder);
        let intent = self.intent.load()?;
        require!(
            intent.kind()? == AuctionKind::Direct && intent.hire_agent == self.agent.key(),
            ExchangeError::HireNotOffered
        );
        require!(round == intent.round, ExchangeError::BidRoundMismatch);
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        match agent {
            // Read in place once for the checks and the hire.
            Some(agent) => {
                crate::bidding::check_view(&self.agent.key(), &agent, &intent)?;
                let reputation = agent.reputation_for(intent.required_capabilities);
                Ok(BidderView { authority, reputation, kind: BidderKind::Agent, bond: 0 })
            }
            // No probation for a hire: the requester named whom it hires, and nothing is bonded.
            None => crate::bidder::eligible(&self.agent, members, &intent, &Default::default()),
        }
    }

    pub fn handler(ctx: Context<'info, Self>, terms: HireTerms, round: u8) -> Result<()> {
        // A coalition's member agents follow the named accounts, in member order.
        let members = ctx.remaining_accounts;
        let view = ctx.accounts.validate(round, members)?;
        let accounts = &ctx.accounts;
        let hired = accounts.agent.to_account_info();
        crate::bidding::take_hire(
            &accounts.intent,
            &*accounts.config.load()?,
            &accounts.registry,
            hired,
            &view,
            &terms,
            members,
        )
    }
}
