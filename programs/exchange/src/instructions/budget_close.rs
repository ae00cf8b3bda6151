//! `budget_close`: the owner closes a revoked or expired budget: anything left in the vault
//! (donations included) goes to the owner, then the vault's and the budget's rent.
//!
//! Rules: signed by the budget's owner (`has_one`); revoked, or at or past its expiry slot
//! (`BudgetStillLive`); no intent it funded is still open (`BudgetIntentsLive`); the owner's
//! account as for `budget_revoke` (`BudgetOwnerTokensInvalid`). One `BudgetClosed` event.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::events::BudgetClosed;
use crate::state::Budget;

#[derive(Accounts)]
pub struct BudgetClose<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,

    #[account(mut, close = owner, has_one = owner, has_one = mint, has_one = token_program)]
    pub budget: Account<'info, Budget>,

    #[account(mut, address = budget.vault @ ExchangeError::BudgetVaultInvalid)]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    /// CHECK: the budget's mint (`has_one`); transfers use the decimals the budget stored.
    pub mint: UncheckedAccount<'info>,

    /// CHECK: the owner's token account of the mint, able to receive (`agent_registry::token_view`).
    #[account(
        mut,
        constraint = agent_registry::token_view::receivable(&owner_tokens).is_some_and(|v| v.is(mint.key(), owner.key()))
            @ ExchangeError::BudgetOwnerTokensInvalid,
    )]
    pub owner_tokens: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

impl BudgetClose<'_> {
    pub fn validate(&self) -> Result<()> {
        let budget = &self.budget;
        require!(budget.revoked || Clock::get()?.slot >= budget.expiry_slot, ExchangeError::BudgetStillLive);
        require_eq!(budget.live_intents, 0, ExchangeError::BudgetIntentsLive);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = ctx.accounts;
        let swept = accounts.vault.amount;
        crate::budget_vault::pay_out(
            &accounts.budget,
            &accounts.vault.to_account_info(),
            &accounts.mint.to_account_info(),
            &accounts.owner_tokens.to_account_info(),
            &accounts.token_program,
            swept,
        )?;
        crate::budget_vault::close(
            &accounts.budget,
            &accounts.vault.to_account_info(),
            &accounts.owner.to_account_info(),
            &accounts.token_program,
        )?;
        emit!(BudgetClosed { budget: accounts.budget.key(), swept });
        Ok(())
    }
}
