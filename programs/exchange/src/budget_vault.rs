//! Moving tokens out of a budget's vault: the budget PDA signs.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, CloseAccount, TokenInterface, TransferChecked};

use crate::seeds;
use crate::state::Budget;

/// Runs `cpi` with the budget PDA's signer seeds.
fn signed<R>(budget: &Budget, cpi: impl FnOnce(&[&[u8]]) -> R) -> R {
    let (id, bump) = (budget.budget_id.to_le_bytes(), [budget.bump]);
    cpi(&[seeds::BUDGET, budget.owner.as_ref(), budget.agent.as_ref(), &id, &bump])
}

/// Pays `amount` atoms of the budget's mint from `vault` to `to`, signed by `budget` (nothing
/// when zero).
pub fn pay_out<'info>(
    budget: &Account<'info, Budget>,
    vault: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    token_program: &Interface<'info, TokenInterface>,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    signed(budget, |signer| {
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                token_program.key(),
                TransferChecked {
                    from: vault.clone(),
                    mint: mint.clone(),
                    to: to.clone(),
                    authority: budget.to_account_info(),
                },
                &[signer],
            ),
            amount,
            budget.mint_decimals,
        )
    })
}

/// Closes the (empty) `vault`, its rent to `destination`, signed by `budget`.
pub fn close<'info>(
    budget: &Account<'info, Budget>,
    vault: &AccountInfo<'info>,
    destination: &AccountInfo<'info>,
    token_program: &Interface<'info, TokenInterface>,
) -> Result<()> {
    signed(budget, |signer| {
        token_interface::close_account(CpiContext::new_with_signer(
            token_program.key(),
            CloseAccount {
                account: vault.clone(),
                destination: destination.clone(),
                authority: budget.to_account_info(),
            },
            &[signer],
        ))
    })
}
