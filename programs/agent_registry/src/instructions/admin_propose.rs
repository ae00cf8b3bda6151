//! `admin_propose` (admin): names the next admin of the registry config. Nothing changes until
//! that key signs `admin_accept`.
//!
//! Rules: signed by the config's admin (`ConfigNotAdmin`); the candidate is not the default key.
//! Accounts are those of `config_update`.
use anchor_lang::prelude::*;

use crate::events::RegistryAdminProposed;
use crate::instructions::ConfigAdmin;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct AdminProposeArgs {
    pub candidate: Pubkey,
}

impl ConfigAdmin<'_> {
    pub fn propose(ctx: Context<Self>, args: AdminProposeArgs) -> Result<()> {
        let config = &mut ctx.accounts.config;
        config.propose_admin(args.candidate)?;
        config.invariant()?;
        emit!(RegistryAdminProposed { config: config.key(), admin: config.admin, candidate: args.candidate });
        Ok(())
    }
}
