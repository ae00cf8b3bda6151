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
    #[account(address = config.load()?.admin @ ExchangeError::ConfigNotAdmin)]
    pub admin: Signer<'info>,

    #[account(mut, address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,
}

impl ConfigAdmin<'_> {
    pub fn update(ctx: Context<Self>, args: ConfigUpdateArgs) -> Result<()> {
        let mut config = ctx.accounts.config.load_mut()?;
        config.apply(&args)?;
        config.invariant()?;
        emit!(ExchangeConfigUpdated { config: ctx.accounts.config.key(), settings: args });
        Ok(())
    }
}
