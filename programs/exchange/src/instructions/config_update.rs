//! `config_update` (admin): replaces every admin-chosen setting at once (`ExchangeSettings`:
//! re-rank window, minimum bid bond, freezable mints, pause, delivery and dispute windows,
//! reputation-bearing mints, arbitrator, slash and reward fractions). Clients read the config, change what they want and send it
//! all, so an update never leaves a field half-set.
//!
//! Rules: signed by the config's admin (`ConfigNotAdmin`); then the config's invariant, each rule
//! with its own error (re-rank window, freezable and reputation mints, delivery parameters, slash
//! fractions). Pausing stops new intents and bids
//! only: reveals, settlement, refunds, bond returns and closes go on, so nobody's money is held
//! by a pause.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::ExchangeConfigUpdated;
use crate::seeds;
use crate::state::{ExchangeConfig, ExchangeSettings};

pub type ConfigUpdateArgs = ExchangeSettings;

/// Accounts of `config_update` and `admin_propose`: the admin and the config.
#[derive(Accounts)]
pub struct ConfigAdmin<'info> {
    #[account(address = config.admin @ ExchangeError::ConfigNotAdmin)]
    pub admin: Signer<'info>,

    #[account(mut, address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: Account<'info, ExchangeConfig>,
}

impl ConfigAdmin<'_> {
    pub fn update(ctx: Context<Self>, args: ConfigUpdateArgs) -> Result<()> {
        let config = &mut ctx.accounts.config;
        config.apply(&args)?;
        config.invariant()?;
        emit!(ExchangeConfigUpdated { config: config.key(), settings: args });
        Ok(())
    }
}
