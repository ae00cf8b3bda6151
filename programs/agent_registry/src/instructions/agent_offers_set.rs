//! `agent_offers_set`: the agent's authority publishes its standing offers (up to
//! `MAX_OFFERS`), replacing any before; an empty list withdraws them. A requester may hire the
//! agent on one of them without its signature (the exchange's `hire_from_offer`), so each is
//! a commitment.
//!
//! Rules: signed by the agent's authority (`AgentNotAuthority`); the agent is active
//! (`AgentNotActive`); at most four offers (`OffersTooMany`); each with a positive price and
//! latency and a quality of at most 10,000 bps (`OfferInvalid`), covering only capabilities the
//! agent has (`OfferCapabilityNotHeld`). The account `[seeds::OFFERS, agent]` is created by the
//! first call (the authority pays its rent) and closed by `agent_offers_close`. One
//! `AgentOffersChanged` event.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentOffersChanged;
use crate::seeds;
use crate::state::{Agent, AgentOffers, Offer};

#[derive(Accounts)]
pub struct AgentOffersSet<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,

    #[account(
        init_if_needed,
        payer = authority,
        space = AgentOffers::SPACE,
        seeds = [seeds::OFFERS, agent.key().as_ref()],
        bump,
    )]
    pub offers: Account<'info, AgentOffers>,

    pub system_program: Program<'info, System>,
}

impl AgentOffersSet<'_> {
    pub fn handler(ctx: Context<Self>, offers: Vec<Offer>) -> Result<()> {
        let agent = &ctx.accounts.agent;
        require!(agent.is_active(), RegistryError::AgentNotActive);
        let account = &mut ctx.accounts.offers;
        account.set(&offers, agent.capabilities)?;
        (account.version, account.bump, account.agent) =
            (AgentOffers::VERSION, ctx.bumps.offers, agent.key());
        emit!(AgentOffersChanged { agent: agent.key(), offers });
        Ok(())
    }
}

/// `agent_offers_close`: the agent's authority withdraws its offers and takes the rent back.
#[derive(Accounts)]
pub struct AgentOffersClose<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,

    #[account(mut, seeds = [seeds::OFFERS, agent.key().as_ref()], bump = offers.bump, close = authority)]
    pub offers: Account<'info, AgentOffers>,
}

impl AgentOffersClose<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(AgentOffersChanged { agent: ctx.accounts.agent.key(), offers: Vec::new() });
        Ok(())
    }
}
