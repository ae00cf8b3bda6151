//! `admin_accept`: the pending admin takes over the exchange config.
//!
//! Rules: signed by the pending admin named by `admin_propose` (`ConfigNotPendingAdmin`
//! otherwise, and when none is pending).
use crate::error::ExchangeError;
use anchor_lang::prelude::*;

use crate::events::ExchangeAdminChanged;
use crate::seeds;
use crate::state::ExchangeConfig;

#[derive(Accounts)]
pub struct AdminAccept<'info> {
    pub candidate: Signer<'info>,

    #[account(mut, address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,
}

impl AdminAccept<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let mut config = ctx.accounts.config.load_mut()?;
        let previous = config.admin;
        config.accept_admin(ctx.accounts.candidate.key())?;
        config.invariant()?;
        emit!(ExchangeAdminChanged { config: ctx.accounts.config.key(), previous, admin: config.admin });
        Ok(())
    }
}
