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
    /// Room to grow without a migration.
    pub reserved: [u8; 128],
}

impl ExchangeConfig {
    /// Current layout version.
    pub const VERSION: u8 = 1;

    pub fn is_initialized(&self) -> bool {
        self.version != 0
    }

    /// Fills a fresh config. The caller has checked that it was not initialised before.
    pub fn initialize(&mut self, admin: Pubkey, bump: u8, authority_bump: u8) {
        self.version = Self::VERSION;
        self.bump = bump;
        self.authority_bump = authority_bump;
        self.admin = admin;
        self.reserved = [0; 128];
    }

    /// Must hold after every mutation; instructions call it before returning.
    pub fn invariant(&self) -> Result<()> {
        require_eq!(self.version, Self::VERSION, ExchangeError::ConfigVersionUnknown);
        require_keys_neq!(self.admin, Pubkey::default(), ExchangeError::ConfigAdminIsDefault);
        Ok(())
    }
}
