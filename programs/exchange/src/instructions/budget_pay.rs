//! `budget_pay`: the agent pays from its budget, directly: another agent's work, an API call
//! (seed 001). Reputation is untouched: a payment is not a job.
//!
//! Rules: signed by the authority of the budget's agent (`BudgetNotSpender`); the spend passes
//! `agx_core::budget` (`BudgetRevoked`, `BudgetExpired`, `BudgetAmountZero`,
//! `BudgetPerSpendCapExceeded`, `BudgetTotalCapExceeded`, in that order); the recipient is a
//! token account of the budget's mint whose owner is on the budget's allowlist, or is the
//! authority of the registered agent passed as `recipient_agent` (`BudgetRecipientNotAllowed`).
//! One `BudgetPaid` event with the payer's memo hash.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::events::BudgetPaid;
use crate::state::Budget;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct BudgetPayArgs {
    /// Atoms of the budget's mint.
    pub amount: u64,
    /// What the payment is for: the payer's hash of an off-chain record.
    pub memo_hash: [u8; 32],
}

#[derive(Accounts)]
pub struct BudgetPay<'info> {
    pub spender: Signer<'info>,

    /// CHECK: the budget's agent (address), an `Agent` of the registry whose authority is the
    /// spender (`validate`).
    #[account(address = budget.agent @ ExchangeError::BudgetAgentInvalid)]
    pub agent: UncheckedAccount<'info>,

    #[account(mut, has_one = token_program)]
    pub budget: Account<'info, Budget>,

    /// CHECK: the budget's vault (its stored address); the budget signs the transfer out of it.
    #[account(mut, address = budget.vault @ ExchangeError::BudgetVaultInvalid)]
    pub vault: UncheckedAccount<'info>,

    /// CHECK: the budget's mint (its stored address; `transfer_checked` with the stored decimals).
    #[account(address = budget.mint)]
    pub mint: UncheckedAccount<'info>,

    /// CHECK: a token account of the mint, read in place (`token_view`): its owner must be
    /// allowlisted or the authority of `recipient_agent`.
    #[account(mut)]
    pub recipient: UncheckedAccount<'info>,

    /// CHECK: a registered agent (`AgentView::of`), when the recipient is its authority's account.
    pub recipient_agent: Option<UncheckedAccount<'info>>,

    pub token_program: Interface<'info, TokenInterface>,
}

impl BudgetPay<'_> {
    pub fn validate(&self) -> Result<()> {
        let agent = agent_registry::state::AgentView::of(&self.agent)
            .ok_or_else(|| error!(ExchangeError::BudgetAgentInvalid))?;
        require_keys_eq!(agent.authority, self.spender.key(), ExchangeError::BudgetNotSpender);
        let recipient = crate::token_view::read(&self.recipient)?;
        let named_agent = self
            .recipient_agent
            .as_ref()
            .and_then(|info| agent_registry::state::AgentView::of(&info.to_account_info()))
            .is_some_and(|view| view.authority == recipient.owner);
        require!(
            recipient.mint == self.budget.mint && (named_agent || self.budget.allows(&recipient.owner)),
            ExchangeError::BudgetRecipientNotAllowed
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: BudgetPayArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let accounts = ctx.accounts;
        accounts.budget.spend(now, args.amount)?;
        crate::budget_vault::pay_out(
            &accounts.budget,
            &accounts.vault.to_account_info(),
            &accounts.mint.to_account_info(),
            &accounts.recipient.to_account_info(),
            &accounts.token_program,
            args.amount,
        )?;
        emit!(BudgetPaid {
            budget: accounts.budget.key(),
            recipient: accounts.recipient.key(),
            amount: args.amount,
            memo_hash: args.memo_hash,
            spent: accounts.budget.spent,
        });
        Ok(())
    }
}
