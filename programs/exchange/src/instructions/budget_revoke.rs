//! `budget_revoke`: the owner stops the budget; everything in its vault comes back at once.
//!
//! Rules: signed by the budget's owner (`has_one`); the owner's account is a token account of the
//! budget's mint owned by the owner that can receive (`BudgetOwnerTokensInvalid`). Intents the
//! budget already funded keep their escrow; their refunds still land in the vault, where nobody
//! can spend them, and revoking again returns them (as does `budget_close`). One
//! `BudgetRevoked` event each time.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::events::BudgetRevoked;
use crate::state::Budget;

#[derive(Accounts)]
pub struct BudgetRevoke<'info> {
    pub owner: Signer<'info>,

    #[account(mut, has_one = owner, has_one = mint, has_one = token_program)]
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

impl BudgetRevoke<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = ctx.accounts;
        let returned = accounts.vault.amount;
        crate::budget_vault::pay_out(
            &accounts.budget,
            &accounts.vault.to_account_info(),
            &accounts.mint.to_account_info(),
            &accounts.owner_tokens.to_account_info(),
            &accounts.token_program,
            returned,
        )?;
        accounts.budget.revoked = true;
        emit!(BudgetRevoked { budget: accounts.budget.key(), returned });
        Ok(())
    }
}
