//! `coalition_update`: the coalition's authority replaces its terms (members, shares,
//! contributions, roles, sequence; the lead stays). Every signature is void: the members that
//! had signed are released in the registry and sign the new terms again; the lead's signature
//! carries over when it had one (the update is the authority's signature of the new terms).
//!
//! Rules: signed by the coalition's authority (`CoalitionNotLead`); the coalition holds no bid or
//! job (`CoalitionBusy`), so a member is replaced before an award, never after; the exchange is
//! not paused; the new terms follow `coalition_create`'s rules. The members that had signed,
//! but the lead, are passed after the named accounts in member order, writable
//! (`CoalitionMemberAccountMissing`). One `CoalitionTermsChanged` event.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::CoalitionTermsChanged;
use crate::instructions::{members_of, CoalitionMemberArgs};
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{Coalition, ExchangeConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CoalitionUpdateArgs {
    /// The new terms, the lead first.
    pub members: Vec<CoalitionMemberArgs>,
}

/// The accounts of the authority's acts on a coalition (`coalition_update`,
/// `coalition_dissolve`).
#[derive(Accounts)]
pub struct CoalitionAuthorityAct<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut, has_one = authority @ ExchangeError::CoalitionNotLead)]
    pub coalition: AccountLoader<'info, Coalition>,

    pub registry: RegistryAccounts<'info>,
}

impl<'info> CoalitionAuthorityAct<'info> {
    /// Releases in the registry each agent of `signed`, passed in that order in `remaining`
    /// (writable; `CoalitionMemberAccountMissing`). How many were released.
    pub fn release_signed(
        &self,
        signed: impl Iterator<Item = Pubkey>,
        remaining: &[AccountInfo<'info>],
    ) -> Result<u8> {
        let mut passed = remaining.iter();
        let mut released = 0u8;
        for agent in signed {
            let info = passed.next().ok_or_else(|| error!(ExchangeError::CoalitionMemberAccountMissing))?;
            require!(info.key() == agent && info.is_writable, ExchangeError::CoalitionMemberAccountMissing);
            self.registry.release(&*self.config.load()?, info.clone())?;
            released = released.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        }
        Ok(released)
    }

    pub fn update(ctx: Context<'info, Self>, args: CoalitionUpdateArgs) -> Result<()> {
        let accounts = &ctx.accounts;
        accounts.config.load()?.require_not_paused()?;
        let members = members_of(&args.members)?;
        let key = accounts.coalition.key();
        let mut coalition = accounts.coalition.load_mut()?;
        coalition.require_idle()?;
        let signed: Vec<Pubkey> = coalition.signed_agents(Some(0)).collect();
        let lead_signed = coalition.has_accepted(0).then_some(coalition.members[0].signer);
        let released = accounts.release_signed(signed.into_iter(), ctx.remaining_accounts)?;
        coalition.set_terms(&key, &members)?;
        if let Some(signer) = lead_signed {
            let hash = coalition.terms_hash;
            coalition.accept(0, &hash, signer)?;
        }
        coalition.invariant()?;
        emit!(CoalitionTermsChanged {
            coalition: key,
            members: coalition.member_count,
            terms_hash: coalition.terms_hash,
            terms_version: coalition.terms_version,
            released,
        });
        Ok(())
    }
}
