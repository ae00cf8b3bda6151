//! `coalition_dissolve`: the coalition's authority ends it. Every member that had signed (the
//! lead included) is released in the registry, and the rent goes back to the authority.
//!
//! Rules: signed by the coalition's authority (`CoalitionNotLead`); the coalition holds no bid or
//! job (`CoalitionBusy`); the members that signed are passed after the named accounts in member
//! order, writable (`CoalitionMemberAccountMissing`). Allowed while the exchange is paused.
//! Accounts are `coalition_update`'s. One `CoalitionDissolved` event.
use anchor_lang::prelude::*;

use crate::events::CoalitionDissolved;
use crate::instructions::CoalitionAuthorityAct;

impl<'info> CoalitionAuthorityAct<'info> {
    pub fn dissolve(ctx: Context<'info, Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let key = accounts.coalition.key();
        let signed: Vec<Pubkey> = {
            let coalition = accounts.coalition.load()?;
            coalition.require_idle()?;
            coalition.signed_agents(None).collect()
        };
        let released = accounts.release_signed(signed.into_iter(), ctx.remaining_accounts)?;
        accounts.coalition.close(accounts.authority.to_account_info())?;
        emit!(CoalitionDissolved { coalition: key, released });
        Ok(())
    }
}
