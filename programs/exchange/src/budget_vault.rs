//! Moving tokens out of a budget's vault: the budget PDA signs.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

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
        agent_registry::lean_cpi::transfer_checked(
            token_program.key,
            vault,
            mint,
            to,
            &budget.to_account_info(),
            amount,
            budget.mint_decimals,
            &[signer],
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
        agent_registry::lean_cpi::close_account(
            token_program.key,
            vault,
            destination,
            &budget.to_account_info(),
            &[signer],
        )
    })
}
