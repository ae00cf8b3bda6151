//! Standing offers: the terms an agent will take any job on, published so that a requester (or
//! a coordinator) can hire it in one transaction without waiting for it (`hire_from_offer` in
//! the exchange).
use anchor_lang::prelude::*;

use crate::error::RegistryError;

/// Most offers one agent publishes.
pub const MAX_OFFERS: usize = 4;

/// One standing offer: the agent takes a job needing at most `capabilities`, paid `price` atoms
/// of `mint`, delivering within `latency` slots at `quality_bps`.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offer {
    /// Capabilities the offer covers (a subset of the agent's).
    pub capabilities: u64,
    pub mint: Pubkey,
    /// Atoms of `mint`.
    pub price: u64,
    /// Slots from the hire to the result.
    pub latency: u64,
    /// bps.
    pub quality_bps: u16,
}

/// An agent's standing offers, at PDA `[seeds::OFFERS, agent]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct AgentOffers {
    pub version: u8,
    pub bump: u8,
    pub agent: Pubkey,
    pub len: u8,
    /// The first `len` are offers; the rest are zero.
    pub offers: [Offer; MAX_OFFERS],
    pub reserved: [u8; 32],
}

impl AgentOffers {
    pub const VERSION: u8 = 1;
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Replaces the offers with `offers`, each checked against the agent's `capabilities`.
    pub fn set(&mut self, offers: &[Offer], capabilities: u64) -> Result<()> {
        require!(offers.len() <= MAX_OFFERS, RegistryError::OffersTooMany);
        for offer in offers {
            require!(
                offer.price > 0 && offer.latency > 0 && offer.quality_bps <= agx_core::BPS_DENOMINATOR,
                RegistryError::OfferInvalid
            );
            require!(
                agx_core::eligibility::has_capabilities(capabilities, offer.capabilities),
                RegistryError::OfferCapabilityNotHeld
            );
        }
        self.offers = [Offer::default(); MAX_OFFERS];
        self.offers[..offers.len()].copy_from_slice(offers);
        self.len = offers.len() as u8;
        Ok(())
    }

    /// The offer at `index`, if published.
    pub fn get(&self, index: u8) -> Option<&Offer> {
        self.offers[..usize::from(self.len).min(MAX_OFFERS)].get(usize::from(index))
    }
}
