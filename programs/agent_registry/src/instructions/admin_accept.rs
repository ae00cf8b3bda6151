//! `admin_accept`: the pending admin takes over the registry config.
//!
//! Rules: signed by the pending admin named by `admin_propose` (`ConfigNotPendingAdmin`
//! otherwise, and when none is pending).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::RegistryAdminChanged;
use crate::seeds;
use crate::state::RegistryConfig;

#[derive(Accounts)]
pub struct AdminAccept<'info> {
    pub candidate: Signer<'info>,

    #[account(mut, address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: Account<'info, RegistryConfig>,
}

impl AdminAccept<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let config = &mut ctx.accounts.config;
        let previous = config.admin;
        config.accept_admin(ctx.accounts.candidate.key())?;
        config.invariant()?;
        emit!(RegistryAdminChanged { config: config.key(), previous, admin: config.admin });
        Ok(())
    }
}
