//! `outcome_settle_members` (operator only): a coalition's job ended: for each member, part of
//! its hold may be slashed (a member that did not do its part of a failed job, or a dispute
//! lost), the rest of its hold is released, and its outcome (if any) enters its reputation, in
//! one call so the outcome costs one CPI whatever the number of members. The rules per member
//! are `outcome_settle`'s for a single winner; a completed job's value counts less for repeat
//! work from the same requester in the same way.
//!
//! Rules: signed by the config's operator; per member, after the named accounts, its agent and
//! its stake vault (`MembersMismatch`: 1 to 8 members, writable, none twice); when anything is
//! slashed, the stake mint, its token program, the compensation destination and the reward
//! destination come first. A member's slash (compensation + reward) comes out of its hold
//! (`OutcomeSlashExceedsHold`) and out of its own vault (`OutcomeVaultMismatch`), under the rules
//! of `stake_slash`; a rating at most 10,000 bps, on a completed outcome only. One
//! `OutcomeSettled` event per member (and `StakeSlashed` per member slashed).
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::OutcomeSettled;
use crate::instructions::{members, AgentMembers};
use crate::seeds;
use crate::state::{AgentInPlace, OperatorView, OutcomeKind};
use crate::vault::VaultSigner;

/// One member's part of a coalition's outcome.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberOutcome {
    /// Atoms the job held on the member; its slash comes out of it and the rest is released.
    pub unlock: u64,
    /// Atoms of the hold slashed to the compensation destination, and to the reward destination.
    pub compensation: u64,
    pub reward: u64,
    /// What enters the member's reputation (`None`: nothing, e.g. a member that did its part of
    /// a failed job).
    pub record: Option<OutcomeKind>,
    /// Value of the member's part, atoms (its share of the payment, or of the value at stake).
    pub value: u64,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OutcomeSettleMembersArgs {
    /// One per member, in the order of the remaining accounts.
    pub members: Vec<MemberOutcome>,
    /// The requester's rating of a completed job, bps (recorded for every member that completed).
    pub rating_bps: Option<u16>,
    /// The job's requester (repeat work from it counts less for reputation).
    pub requester: Pubkey,
    /// The capabilities the job asked for: each member's outcome is recorded on its history of
    /// those it has (its part), as well as overall.
    pub capabilities: u64,
    /// The result came after the promised latency: every member's completion counts as late.
    pub late: bool,
}

/// The slash accounts, when anything is slashed: mint, token program, compensation and reward
/// destinations.
const SLASH_ACCOUNTS: usize = 4;

impl<'info> AgentMembers<'info> {
    pub fn settle(ctx: Context<'info, Self>, args: OutcomeSettleMembersArgs) -> Result<()> {
        let view = OperatorView::load(&ctx.accounts.config, ctx.accounts.operator.key)?;
        let slashing = args.members.iter().any(|m| m.compensation > 0 || m.reward > 0);
        let remaining: &'info [AccountInfo<'info>] = ctx.remaining_accounts;
        let (slash_accounts, pairs) = if slashing {
            require!(remaining.len() >= SLASH_ACCOUNTS, RegistryError::OutcomeSlashAccountsMissing);
            remaining.split_at(SLASH_ACCOUNTS)
        } else {
            (&remaining[..0], remaining)
        };
        let agents = members(pairs, args.members.len(), 2)?;
        let mut slash_tools = None;
        if slashing {
            let mint = InterfaceAccount::<Mint>::try_from(&slash_accounts[0])?;
            let token_program = Interface::<TokenInterface>::try_from(&slash_accounts[1])?;
            require_keys_eq!(mint.key(), view.stake_mint, RegistryError::StakeMintMismatch);
            require_keys_eq!(
                token_program.key(),
                view.stake_token_program,
                RegistryError::StakeTokenProgramMismatch
            );
            slash_tools = Some((mint, token_program));
        }
        for (i, (info, outcome)) in agents.into_iter().zip(&args.members).enumerate() {
            let mut agent = AgentInPlace::load(info)?;
            let slashed = outcome
                .compensation
                .checked_add(outcome.reward)
                .ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
            require!(slashed <= outcome.unlock, RegistryError::OutcomeSlashExceedsHold);
            let mut vault_amount = None;
            if slashed > 0 {
                let (mint, token_program) =
                    slash_tools.as_ref().ok_or_else(|| error!(RegistryError::OutcomeSlashAccountsMissing))?;
                // The member's vault follows it: `[STAKE_VAULT, agent]` with its stored bump.
                let vault_info = &pairs[i.saturating_mul(2).saturating_add(1)];
                require!(vault_info.is_writable, RegistryError::OutcomeVaultMismatch);
                let expected = Pubkey::create_program_address(
                    &[seeds::STAKE_VAULT, agent.key().as_ref(), &[agent.vault_bump]],
                    &crate::ID,
                )
                .map_err(|_| error!(RegistryError::OutcomeVaultMismatch))?;
                require_keys_eq!(vault_info.key(), expected, RegistryError::OutcomeVaultMismatch);
                let vault = &mut InterfaceAccount::<TokenAccount>::try_from(vault_info)?;
                // The destinations actually paid: compensation, reward, or both (each positive).
                let (destinations, amounts): (&'info [AccountInfo<'info>], Vec<u64>) =
                    match (outcome.compensation > 0, outcome.reward > 0) {
                        (true, true) => (&slash_accounts[2..4], vec![outcome.compensation, outcome.reward]),
                        (true, false) => (&slash_accounts[2..3], vec![outcome.compensation]),
                        _ => (&slash_accounts[3..4], vec![outcome.reward]),
                    };
                let signer =
                    VaultSigner { agent: info.clone(), authority: agent.authority, bump: agent.bump };
                crate::vault::slash(
                    &signer,
                    &mut agent.ledger,
                    vault,
                    mint,
                    token_program,
                    destinations,
                    &amounts,
                )?;
                vault_amount = Some(vault.amount);
            }
            let release = outcome
                .unlock
                .checked_sub(slashed)
                .ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
            if release > 0 {
                agent.ledger.unlock(release)?;
            }
            let counted_value = match outcome.record {
                Some(OutcomeKind::Completed) if outcome.value > 0 => {
                    agent.credit_completed(&args.requester, outcome.value, view.reputation.prior_value)?
                }
                _ => outcome.value,
            };
            if let Some(kind) = outcome.record {
                let rating = if kind == OutcomeKind::Completed { args.rating_bps } else { None };
                let recorded =
                    agent.ledger.record(kind, counted_value, rating, args.late, &view.reputation)?;
                agent.record_skills(args.capabilities, recorded, &view.reputation)?;
            }
            agent.store(vault_amount)?;
            emit!(OutcomeSettled {
                agent: agent.key(),
                standby: Pubkey::default(),
                successor: Pubkey::default(),
                released: release,
                standby_released: 0,
                slashed,
                kind: outcome.record.unwrap_or(OutcomeKind::Completed),
                value: outcome.value,
                counted_value,
                requester: args.requester,
                rating_bps: if outcome.record == Some(OutcomeKind::Completed) {
                    args.rating_bps
                } else {
                    None
                },
                locked: agent.ledger.locked,
                reputation: agent.ledger.reputation,
                open_bids: agent.ledger.open_bids,
                recorded: outcome.record.is_some(),
            });
        }
        Ok(())
    }
}
