//! `dispute_resolve`: the judge ends a disputed job: the intent's evaluator within its window
//! (paid its fee from the escrow, into its token account of the intent's mint), else the config's
//! arbitrator (the evaluator's fee is then refunded with the rest). The agent is paid
//! `agent_share_bps` of its payment (rounded down), the rest of the escrow is refunded, the escrow
//! closes (rent to the requester), and one registry CPI slashes `slash` atoms of the winner's
//! held stake to the requester's stake-mint token account (optional), releases the rest of the
//! holds (winner and standby) and records the outcome: a slash, a failure (share 0) or a
//! completion rated at the share.
//!
//! Rules: signed by the intent's evaluator within one arbitration window of the dispute
//! (`JudgeNotEvaluator`), by the config's arbitrator after it or when the intent has no
//! evaluator (`DisputeNotArbitrator`); a paid evaluator passes a token account of the intent's
//! mint it owns (`EvaluatorTokensInvalid`); an evaluator decides the share only, never a slash
//! (`EvaluatorSlashRefused`: the requester names it, so its slash would be the requester's); the intent is disputed
//! (`DisputeNotOpen`: so a second resolution fails), within or after the arbitration window (the
//! arbitrator may still decide until someone finalizes); share at most 10,000 bps
//! (`DisputeShareOutOfRange`); the slash at most the stake held for the job, the intent's min
//! stake (`DisputeSlashExceedsHold`), and with its four accounts (`DisputeSlashAccountsMissing`;
//! the registry checks the vault, the stake mint and the token program); the requester's
//! stake-mint account is owned by the requester (`RefundAccountMismatch`); the payout accounts as
//! in `result_accept`.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::payout::*;
// Glob: the registry composite inside `Payout` needs its generated client modules in scope.
use crate::registry_cpi::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct DisputeResolveArgs {
    /// The agent's share of its payment, bps.
    pub agent_share_bps: u16,
    /// Atoms of the winner's held stake paid to the requester (0: none).
    pub slash: u64,
}

#[derive(Accounts)]
pub struct DisputeResolve<'info> {
    /// The intent's evaluator within its window, else the config's arbitrator (checked in the
    /// handler: `Intent::require_judge`).
    pub judge: Signer<'info>,

    /// CHECK: receives the escrow's rent; must be the intent's requester.
    #[account(mut, address = payout.intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: UncheckedAccount<'info>,

    pub payout: Payout<'info>,

    /// Slash only: the winner's stake vault (checked by the registry).
    /// CHECK: validated by the registry's `outcome_settle` (seeds from the agent).
    #[account(mut)]
    pub stake_vault: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the registry's stake mint (checked by the registry against its config).
    pub stake_mint: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the stake mint's token program (checked by the registry against its
    /// config, so no other program is invoked with the vault's signature).
    pub stake_token_program: Option<UncheckedAccount<'info>>,

    /// Slash only: the requester's token account of the stake mint (the registry checks the mint;
    /// `dup`: it is the refund account itself when intents are paid in the stake mint).
    /// CHECK: `token_view` reads the owner; the registry checks the mint.
    #[account(
        mut,
        dup,
        constraint = crate::token_view::read(requester_stake_tokens)?.owner == payout.intent.load()?.requester
            @ ExchangeError::RefundAccountMismatch,
    )]
    pub requester_stake_tokens: Option<UncheckedAccount<'info>>,

    /// The evaluator deciding, with a fee: its token account of the intent's mint.
    /// CHECK: `token_view` reads its owner and mint (`EvaluatorTokensInvalid`).
    #[account(mut)]
    pub evaluator_tokens: Option<UncheckedAccount<'info>>,
}

impl<'info> DisputeResolve<'info> {
    pub fn handler(ctx: Context<'info, Self>, args: DisputeResolveArgs) -> Result<()> {
        let accounts = &ctx.accounts;
        accounts.pay_judge(args.slash)?;
        let slash = if args.slash == 0 {
            None
        } else {
            let (Some(vault), Some(mint), Some(program), Some(to)) = (
                &accounts.stake_vault,
                &accounts.stake_mint,
                &accounts.stake_token_program,
                &accounts.requester_stake_tokens,
            ) else {
                return err!(ExchangeError::DisputeSlashAccountsMissing);
            };
            Some(SlashTo {
                vault: vault.to_account_info(),
                stake_mint: mint.to_account_info(),
                token_program: program.to_account_info(),
                destinations: vec![to.to_account_info()],
                amounts: vec![args.slash],
            })
        };
        accounts.payout.resolve(
            &accounts.requester.to_account_info(),
            accounts.judge.key(),
            args.agent_share_bps,
            slash,
            ctx.remaining_accounts,
        )
    }
}

impl DisputeResolve<'_> {
    /// Checks the signer is the judge at this slot; an evaluator deciding (it may not slash) is
    /// paid its fee out of the escrow before the split.
    fn pay_judge(&self, slash: u64) -> Result<()> {
        let now = Clock::get()?.slot;
        let payout = &self.payout;
        let (fee, terms) = {
            let mut intent = payout.intent.load_mut()?;
            let config = payout.config.load()?;
            let window = config.arbitration_window_slots;
            let opened = intent.dispute_opened_slot;
            let by_evaluator =
                intent.require_judge(self.judge.key(), config.arbitrator, opened, now, window)?;
            require!(!by_evaluator || slash == 0, ExchangeError::EvaluatorSlashRefused);
            if !by_evaluator || intent.evaluator_fee == 0 {
                return Ok(());
            }
            (intent.take_evaluator_fee()?, intent.escrow_terms())
        };
        let to =
            self.evaluator_tokens.as_ref().ok_or_else(|| error!(ExchangeError::EvaluatorTokensInvalid))?;
        let receivable = agent_registry::token_view::receivable(&to.to_account_info())
            .is_some_and(|v| v.is(payout.mint.key(), self.judge.key()));
        require!(receivable, ExchangeError::EvaluatorTokensInvalid);
        let escrow = crate::escrow::Escrow {
            terms,
            intent: payout.intent.to_account_info(),
            escrow: payout.escrow.to_account_info(),
            mint: payout.mint.to_account_info(),
            token_program: payout.token_program.to_account_info(),
        };
        escrow.transfer(&to.to_account_info(), fee)?;
        emit!(crate::events::EvaluatorPaid { intent: payout.intent.key(), evaluator: self.judge.key(), fee });
        Ok(())
    }
}
