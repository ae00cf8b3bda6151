//! `stake_lock_members` (operator only): a coalition's job was awarded: each member's stake
//! contribution is locked for it, in one call so the award costs one CPI whatever the number of
//! members.
//!
//! Rules: signed by the config's operator; one member agent per amount, passed after the named
//! accounts, writable (`MembersMismatch`), 1 to 8 of them, none twice (`AgentRepeated`); each
//! amount (0: the member contributes no stake) at most that member's free stake
//! (`StakeInsufficientFree`). One `StakeLocked` event per member that locks something.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeLocked;
use crate::instructions::require_distinct;
use crate::seeds;
use crate::state::{AgentInPlace, OperatorView};

/// Most members one call takes (`agx_core::coalition::MAX_MEMBERS`).
pub const MAX_MEMBERS: usize = agx_core::coalition::MAX_MEMBERS;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct StakeLockMembersArgs {
    /// Atoms to lock on each member, in the order of the remaining accounts.
    pub amounts: Vec<u64>,
}

/// Accounts of the operator's calls on a coalition's members (`stake_lock_members`,
/// `outcome_settle_members`): the members follow the named accounts.
#[derive(Accounts)]
pub struct AgentMembers<'info> {
    pub operator: Signer<'info>,

    /// CHECK: read by `OperatorView::load`: owned by the registry, a `RegistryConfig`, and
    /// naming `operator` as its operator.
    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: UncheckedAccount<'info>,
}

/// The member agents among `accounts` (every `stride`-th from the first), as many as `count`:
/// writable, 1 to 8, distinct.
pub fn members<'a, 'info>(
    accounts: &'a [AccountInfo<'info>],
    count: usize,
    stride: usize,
) -> Result<Vec<&'a AccountInfo<'info>>> {
    require!((1..=MAX_MEMBERS).contains(&count), RegistryError::MembersMismatch);
    require!(accounts.len() == count.saturating_mul(stride), RegistryError::MembersMismatch);
    let agents: Vec<&AccountInfo> = accounts.iter().step_by(stride).collect();
    require!(agents.iter().all(|a| a.is_writable), RegistryError::MembersMismatch);
    require_distinct(&agents.iter().map(|a| Some(*a)).collect::<Vec<_>>())?;
    Ok(agents)
}

impl<'info> AgentMembers<'info> {
    pub fn lock(ctx: Context<'info, Self>, args: StakeLockMembersArgs) -> Result<()> {
        OperatorView::load(&ctx.accounts.config, ctx.accounts.operator.key)?;
        let agents = members(ctx.remaining_accounts, args.amounts.len(), 1)?;
        for (info, amount) in agents.into_iter().zip(&args.amounts) {
            let mut agent = AgentInPlace::load(info)?;
            if *amount > 0 {
                agent.ledger.lock(*amount)?;
                agent.store(None)?;
                emit!(StakeLocked { agent: agent.key(), amount: *amount, locked: agent.ledger.locked });
            }
        }
        Ok(())
    }
}
