//! `coalition_leave`: a member withdraws its signature, and is released in the registry. The
//! coalition cannot bid until the member signs again (or the terms replace it).
//!
//! Rules: the agent is a registry agent (`CoalitionNotMember` otherwise) of the signer
//! (`CoalitionSignerNotAuthority`) and a member (`CoalitionNotMember`) that signed the current
//! terms (`CoalitionNotAccepted`); the coalition holds no bid or job (`CoalitionBusy`). Allowed
//! while the exchange is paused: leaving takes nothing on. Accounts are `coalition_accept`'s.
//! One `CoalitionLeft` event.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::pubkey::Pubkey;

use crate::error::ExchangeError;
use crate::events::CoalitionLeft;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{Coalition, ExchangeConfig};

/// The accounts of a member's own act on a coalition (`coalition_accept`, `coalition_leave`).
#[derive(Accounts)]
pub struct CoalitionMemberAct<'info> {
    pub authority: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub coalition: AccountLoader<'info, Coalition>,

    /// CHECK: the member, a registry `Agent` of `authority` (`AgentView::of`, `member_index`);
    /// the registry writes it in the CPI.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    pub registry: RegistryAccounts<'info>,
}

impl CoalitionMemberAct<'_> {
    /// The member's index in the coalition: a registry agent of the signer, among the members.
    pub fn member_index(&self) -> Result<usize> {
        let agent = agent_registry::state::AgentView::of(&self.agent)
            .ok_or_else(|| error!(ExchangeError::CoalitionNotMember))?;
        require_keys_eq!(agent.authority, self.authority.key(), ExchangeError::CoalitionSignerNotAuthority);
        let key: Pubkey = self.agent.key();
        self.coalition.load()?.member_index(&key)
    }

    pub fn leave(ctx: Context<Self>) -> Result<()> {
        let index = ctx.accounts.member_index()?;
        let accounts = &ctx.accounts;
        let mut coalition = accounts.coalition.load_mut()?;
        coalition.leave(index)?;
        coalition.invariant()?;
        accounts.registry.release(&*accounts.config.load()?, accounts.agent.to_account_info())?;
        emit!(CoalitionLeft {
            coalition: accounts.coalition.key(),
            agent: accounts.agent.key(),
            accepted: coalition.accepted,
        });
        Ok(())
    }
}
