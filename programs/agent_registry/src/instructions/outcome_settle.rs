//! `outcome_settle` (operator only): everything the registry records when a job ends, in one
//! call so the exchange makes one CPI per outcome: part of the winner's held stake may be slashed
//! to destination token accounts (a dispute lost, a failover), the rest of the stake held for the
//! job is released (the winner's and, when there was one, the standby's), the same hold is locked
//! on a successor that takes the job over (a failover's promoted candidate), and the outcome enters
//! the winner's reputation.
//!
//! A completed job's value counts in full only the first time a requester pays the agent: repeat
//! work from the same requester counts less and less (`agx_core::reputation::Patrons`, the
//! agent's table of its last 4 requesters), so one requester cannot carry an agent's reputation.
//!
//! A direct hire held no bid account: its engagement of the agent (`agent_hire`) ends here
//! (`release_engagement`; `AgentReleaseWithoutOpenBid` when there is none).
//!
//! Rules: signed by the config's operator; `unlock` at most each agent's locked stake (0: nothing
//! was locked); the standby and the successor are other agents (`AgentRepeated`); a rating at
//! most 10,000 bps and only on a completed job (as `reputation_record`). A slash comes out of the
//! winner's hold (`OutcomeSlashExceedsHold`) and needs, as the first three remaining accounts,
//! the winner's vault (`OutcomeVaultMismatch`), the stake mint and its token program
//! (`OutcomeSlashAccountsMissing`), then its destinations under the rules of `stake_slash`.
//! Returns the value the outcome counted for reputation (after the repeat-work weighting), which
//! the exchange keeps to correct a rating later (`reputation_correct`).
//!
//! Remaining rather than named optional accounts: most outcomes slash nothing, and three unused
//! optional slots cost every one of them the checks of three placeholders.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::OutcomeSettled;
use crate::instructions::require_distinct;
use crate::seeds;
use crate::state::{AgentInPlace, OperatorView, OutcomeKind};
use crate::vault::VaultSigner;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OutcomeSettleArgs {
    /// Atoms of stake the job held on the agent (and on the standby); the winner's slash comes
    /// out of it and the rest is released.
    pub unlock: u64,
    pub kind: OutcomeKind,
    /// Value of the job in token atoms (paid, or at stake when it failed).
    pub value: u64,
    /// The requester's rating of a completed job, bps.
    pub rating_bps: Option<u16>,
    /// Atoms of the winner's held stake paid to each destination (the remaining accounts after
    /// the vault, the stake mint and its token program), in order (empty: no slash).
    pub slash: Vec<u64>,
    /// The job's requester (repeat work from it counts less for reputation).
    pub requester: Pubkey,
    /// The job was a direct hire (`agent_hire`): it held no bid account, so its engagement of
    /// the agent ends with its outcome.
    pub release_engagement: bool,
    /// The capabilities the job asked for: the outcome is recorded on the agent's history of
    /// each of them that it has (`agx_core::skills`), as well as overall.
    pub capabilities: u64,
    /// The result came after the promised latency: the completion counts as late
    /// (`agx_core::reputation::History::record_late`).
    pub late: bool,
}

/// `stake_lock`'s accounts, and what a slash needs. Flat rather than nesting `AgentJob`, and the
/// vault unchecked until a slash needs it: with no nested struct and no mutable typed account,
/// Anchor generates no duplicate-account check (a `std` `HashSet` of keys, ~170 CU here);
/// `AgentRepeated` covers the agents, and the vault is checked in the handler.
#[derive(Accounts)]
pub struct AgentOutcome<'info> {
    pub operator: Signer<'info>,

    /// CHECK: read by `OperatorView::load`: owned by the registry, a `RegistryConfig`, and
    /// naming `operator` as its operator.
    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: UncheckedAccount<'info>,

    /// CHECK: the winner, opened by `AgentInPlace::load`: owned by the registry, an `Agent`.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    /// CHECK: the job's standby, opened as `agent` is; never `agent` itself (`AgentRepeated`).
    #[account(mut)]
    pub standby: Option<UncheckedAccount<'info>>,

    /// CHECK: an agent that takes the job over (`unlock` of its free stake is locked for it),
    /// opened in place as `agent` is; neither the winner nor the standby (`AgentRepeated`).
    #[account(mut)]
    pub successor: Option<UncheckedAccount<'info>>,
}

impl<'info> AgentOutcome<'info> {
    pub fn handler(ctx: Context<'info, Self>, args: OutcomeSettleArgs) -> Result<u64> {
        let accounts = ctx.accounts;
        // Opened here one by one rather than through `open_job`: returning the three together
        // copies ~500 bytes (~370 CU).
        let view = OperatorView::load(&accounts.config, accounts.operator.key)?;
        require_distinct(&[
            Some(&*accounts.agent),
            accounts.standby.as_deref(),
            accounts.successor.as_deref(),
        ])?;
        let mut agent = AgentInPlace::load(&accounts.agent)?;
        let mut standby = accounts.standby.as_deref().map(AgentInPlace::load).transpose()?;
        let mut successor = accounts.successor.as_deref().map(AgentInPlace::load).transpose()?;
        let mut vault_amount = None;
        let slashed = if args.slash.is_empty() {
            0
        } else {
            // The winner's vault (the PDA `[STAKE_VAULT, agent]` with the agent's stored bump,
            // then read as a token account of the stake mint), the config's stake mint, its
            // token program; then the destinations.
            let [vault, mint, token_program, destinations @ ..] = ctx.remaining_accounts else {
                return err!(RegistryError::OutcomeSlashAccountsMissing);
            };
            require!(vault.is_writable, RegistryError::OutcomeVaultMismatch);
            let mint = &InterfaceAccount::<Mint>::try_from(mint)?;
            let token_program = &Interface::<TokenInterface>::try_from(token_program)?;
            require_keys_eq!(mint.key(), view.stake_mint, RegistryError::StakeMintMismatch);
            require_keys_eq!(
                token_program.key(),
                view.stake_token_program,
                RegistryError::StakeTokenProgramMismatch
            );
            let expected_vault = Pubkey::create_program_address(
                &[seeds::STAKE_VAULT, agent.key().as_ref(), &[agent.vault_bump]],
                &crate::ID,
            )
            .map_err(|_| error!(RegistryError::OutcomeVaultMismatch))?;
            require_keys_eq!(vault.key(), expected_vault, RegistryError::OutcomeVaultMismatch);
            let vault = &mut InterfaceAccount::<TokenAccount>::try_from(vault)?;
            let total = args
                .slash
                .iter()
                .try_fold(0u64, |sum, a| sum.checked_add(*a))
                .ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
            require!(total <= args.unlock, RegistryError::OutcomeSlashExceedsHold);
            let signer =
                VaultSigner { agent: agent.info.clone(), authority: agent.authority, bump: agent.bump };
            let slashed = crate::vault::slash(
                &signer,
                &mut agent.ledger,
                vault,
                mint,
                token_program,
                destinations,
                &args.slash,
            )?;
            vault_amount = Some(vault.amount);
            slashed
        };
        // The winner's hold less its slash; the standby's whole hold.
        let winner_release =
            args.unlock.checked_sub(slashed).ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
        if winner_release > 0 {
            agent.ledger.unlock(winner_release)?;
        }
        let standby_released = match standby.as_mut() {
            Some(standby) if args.unlock > 0 => {
                standby.ledger.unlock(args.unlock)?;
                standby.store(None)?;
                args.unlock
            }
            _ => 0,
        };
        let counted_value = if args.kind == OutcomeKind::Completed && args.value > 0 {
            agent.credit_completed(&args.requester, args.value, view.reputation.prior_value)?
        } else {
            args.value
        };
        let recorded =
            agent.ledger.record(args.kind, counted_value, args.rating_bps, args.late, &view.reputation)?;
        agent.record_skills(args.capabilities, recorded, &view.reputation)?;
        if args.release_engagement {
            agent.ledger.release()?;
        }
        agent.store(vault_amount)?;
        if let Some(successor) = successor.as_mut() {
            if args.unlock > 0 {
                successor.ledger.lock(args.unlock)?;
                successor.store(None)?;
            }
        }
        emit!(OutcomeSettled {
            agent: agent.key(),
            standby: standby.as_ref().map_or(Pubkey::default(), |s| s.key()),
            successor: successor.as_ref().map_or(Pubkey::default(), |s| s.key()),
            released: winner_release,
            standby_released,
            slashed,
            kind: args.kind,
            value: args.value,
            counted_value,
            requester: args.requester,
            rating_bps: args.rating_bps,
            locked: agent.ledger.locked,
            reputation: agent.ledger.reputation,
            open_bids: agent.ledger.open_bids,
            recorded: true,
        });
        Ok(counted_value)
    }
}
