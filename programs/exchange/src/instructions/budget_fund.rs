//! `budget_fund`: the owner moves tokens into its budget's vault.
//!
//! Rules: signed by the budget's owner (`has_one`); not revoked (`BudgetRevoked`); a positive
//! amount (`BudgetAmountZero`); the vault is the budget's (`BudgetVaultInvalid`), the mint and
//! token program the budget's; `transfer_checked`, signed by the owner, checks the source. A
//! plain transfer into the vault (a donation) needs no instruction and blocks nothing. One
//! `BudgetFunded` event.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::events::BudgetFunded;
use crate::state::Budget;

#[derive(Accounts)]
pub struct BudgetFund<'info> {
    pub owner: Signer<'info>,

    #[account(has_one = owner, has_one = mint, has_one = token_program)]
    pub budget: Account<'info, Budget>,

    #[account(mut, address = budget.vault @ ExchangeError::BudgetVaultInvalid)]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    /// CHECK: the budget's mint (`has_one`); the transfer uses the decimals the budget stored.
    pub mint: UncheckedAccount<'info>,

    /// CHECK: the owner's token account of `mint` (`transfer_checked`, signed by the owner, checks it).
    #[account(mut)]
    pub source: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

impl BudgetFund<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.budget.revoked, ExchangeError::BudgetRevoked);
        require_gt!(amount, 0, ExchangeError::BudgetAmountZero);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, amount: u64) -> Result<()> {
        let accounts = &ctx.accounts;
        agent_registry::lean_cpi::transfer_checked(
            accounts.token_program.key,
            accounts.source.as_ref(),
            &accounts.mint.to_account_info(),
            &accounts.vault.to_account_info(),
            accounts.owner.as_ref(),
            amount,
            accounts.budget.mint_decimals,
            &[],
        )?;
        let balance = accounts
            .vault
            .amount
            .checked_add(amount)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        emit!(BudgetFunded { budget: accounts.budget.key(), amount, balance });
        Ok(())
    }
}
