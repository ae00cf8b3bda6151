//! Whether a registry agent may bid on an intent. Checked when a bid is committed or placed,
//! again when it is revealed, and the stake part again at settlement.
use agent_registry::state::Agent;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::Intent;

pub fn check(agent: &Agent, intent: &Intent) -> Result<()> {
    require!(agent.is_active(), ExchangeError::BidAgentInactive);
    require!(
        agent.capabilities & intent.required_capabilities == intent.required_capabilities,
        ExchangeError::BidCapabilitiesMissing
    );
    require!(agent.free_stake() >= intent.min_stake, ExchangeError::BidStakeTooLow);
    require!(agent.reputation >= intent.min_reputation, ExchangeError::BidReputationTooLow);
    Ok(())
}

/// Scores an opened bid against the intent with `agx_core`, mapping each broken rule to its
/// own error.
pub fn score(intent: &Intent, price: u64, quality_bps: u16, latency: u64, reputation: u16) -> Result<u16> {
    use agx_core::Error as E;
    let terms = agx_core::score::BidTerms { price, quality_bps, latency };
    agx_core::score::score_bid(&intent.weights(), &intent.limits(), &terms, reputation).map_err(|e| match e {
        E::PriceAboveMax { .. } => error!(ExchangeError::BidPriceAboveMax),
        E::LatencyAboveMax { .. } => error!(ExchangeError::BidLatencyAboveMax),
        E::BpsAbove10000 { .. } => error!(ExchangeError::BidQualityOutOfRange),
        _ => error!(ExchangeError::IntentCorrupt),
    })
}
