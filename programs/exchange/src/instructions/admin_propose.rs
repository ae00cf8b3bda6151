//! `admin_propose` (admin): names the next admin. Nothing changes until that key signs
//! `admin_accept`, so a typo can never hand the exchange to a key nobody holds.
//!
//! Rules: signed by the config's admin (`ConfigNotAdmin`); the candidate is not the default key.
//! A new proposal replaces a pending one. Accounts are those of `config_update`.
use anchor_lang::prelude::*;

use crate::events::ExchangeAdminProposed;
use crate::instructions::ConfigAdmin;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct AdminProposeArgs {
    pub candidate: Pubkey,
}

impl ConfigAdmin<'_> {
    pub fn propose(ctx: Context<Self>, args: AdminProposeArgs) -> Result<()> {
        let mut config = ctx.accounts.config.load_mut()?;
        config.propose_admin(args.candidate)?;
        config.invariant()?;
        emit!(ExchangeAdminProposed {
            config: ctx.accounts.config.key(),
            admin: config.admin,
            candidate: args.candidate
        });
        Ok(())
    }
}
