//! `config_update` (admin): replaces the registry's changeable settings at once: unstake
//! cooldown, heartbeat timeout and the reputation parameters. The operator and the stake mint
//! are fixed for the life of the registry.
//!
//! Rules: signed by the config's admin (`ConfigNotAdmin`); the result passes the config
//! invariant (positive cooldown and timeout, valid reputation parameters). New reputation
//! parameters apply to each agent's cached score from its next recorded outcome on; the counters
//! stay on-chain, so anyone can recompute any score under any parameters.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::RegistryConfigUpdated;
use crate::seeds;
use crate::state::{RegistryConfig, RegistrySettings};

pub type ConfigUpdateArgs = RegistrySettings;

/// Accounts of `config_update` and `admin_propose`: the admin and the config.
#[derive(Accounts)]
pub struct ConfigAdmin<'info> {
    #[account(address = config.admin @ RegistryError::ConfigNotAdmin)]
    pub admin: Signer<'info>,

    #[account(mut, address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: Account<'info, RegistryConfig>,
}

impl ConfigAdmin<'_> {
    pub fn update(ctx: Context<Self>, args: ConfigUpdateArgs) -> Result<()> {
        let config = &mut ctx.accounts.config;
        config.apply(&args);
        config.invariant()?;
        emit!(RegistryConfigUpdated { config: config.key(), settings: args });
        Ok(())
    }
}
