use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// The exchange's global settings. One per deployment, at PDA `[seeds::CONFIG]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct ExchangeConfig {
    /// Layout version; 0 means "not initialised yet" (a fresh `init_if_needed` account).
    pub version: u8,
    /// Bump of the config PDA, stored so later instructions never search for it.
    pub bump: u8,
    /// Bump of the exchange authority PDA (`[seeds::AUTHORITY]`), the CPI signer towards the registry.
    pub authority_bump: u8,
    /// Who may change these settings.
    pub admin: Pubkey,
    /// Slots during which off-board bids may be re-ranked (`bid_rerank`) after settlement drops a
    /// disqualified head or runner-up; no award or expiry before the window closes.
    pub rerank_window_slots: u64,
    /// Mints with a freeze authority that intents may still use (e.g. a named stablecoin);
    /// unused slots are the default key.
    pub freezable_mints: [Pubkey; MAX_FREEZABLE_MINTS],
    /// Room to grow without a migration.
    pub reserved: [u8; 128],
}

/// A re-rank window long enough for bidders (or keepers) watching the chain to react: 20 slots,
/// about 8 s. The value `agx init` and the test fixtures use.
pub const DEFAULT_RERANK_WINDOW_SLOTS: u64 = 20;

/// Most mints with a freeze authority the config can allow.
pub const MAX_FREEZABLE_MINTS: usize = 4;

impl ExchangeConfig {
    /// Current layout version.
    pub const VERSION: u8 = 1;

    pub fn is_initialized(&self) -> bool {
        self.version != 0
    }

    /// Fills a fresh config. The caller has checked that it was not initialised before.
    pub fn initialize(
        &mut self,
        admin: Pubkey,
        rerank_window_slots: u64,
        freezable_mints: &[Pubkey],
        bump: u8,
        authority_bump: u8,
    ) -> Result<()> {
        require!(freezable_mints.len() <= MAX_FREEZABLE_MINTS, ExchangeError::ConfigTooManyFreezableMints);
        self.version = Self::VERSION;
        self.bump = bump;
        self.authority_bump = authority_bump;
        self.admin = admin;
        self.rerank_window_slots = rerank_window_slots;
        self.freezable_mints = [Pubkey::default(); MAX_FREEZABLE_MINTS];
        self.freezable_mints[..freezable_mints.len()].copy_from_slice(freezable_mints);
        self.reserved = [0; 128];
        Ok(())
    }

    /// May intents use `mint` although it has a freeze authority?
    pub fn allows_freezable(&self, mint: &Pubkey) -> bool {
        *mint != Pubkey::default() && self.freezable_mints.contains(mint)
    }

    /// Must hold after every mutation; instructions call it before returning.
    pub fn invariant(&self) -> Result<()> {
        require_eq!(self.version, Self::VERSION, ExchangeError::ConfigVersionUnknown);
        require_keys_neq!(self.admin, Pubkey::default(), ExchangeError::ConfigAdminIsDefault);
        require_gt!(self.rerank_window_slots, 0, ExchangeError::ConfigRerankWindowZero);
        Ok(())
    }
}
