//! An intent leaving the book lets go of what it is linked to: the budget that paid its escrow
//! counts one live intent less (so it can close), the parent one live child less (so its winner
//! can submit). Both are passed after an instruction's named accounts, budget first.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::{Budget, Intent};

/// Releases `intent`'s links, found in `remaining` (`IntentLinkAccountMissing` when one is
/// missing, misplaced or read-only). A parent that closed already (closing never waits for its
/// children) has nothing left to count.
pub fn release<'info>(intent: &Intent, remaining: &'info [AccountInfo<'info>]) -> Result<()> {
    let mut links = remaining.iter();
    let mut next = |expected: Pubkey| {
        links
            .next()
            .filter(|info| info.key() == expected && info.is_writable)
            .ok_or_else(|| error!(ExchangeError::IntentLinkAccountMissing))
    };
    if let Some(budget) = intent.funding_budget() {
        let info = next(budget)?;
        // A budget closes only once no intent it paid is left (`BudgetIntentsLive`), so it exists.
        let mut budget: Account<Budget> = Account::try_from(info)?;
        budget.release_intent()?;
        budget.exit(&crate::ID)?;
    }
    if let Some(parent) = intent.parent() {
        let info = next(parent)?;
        if info.owner == &crate::ID && !info.data_is_empty() {
            AccountLoader::<Intent>::try_from(info)?.load_mut()?.release_child()?;
        }
    }
    Ok(())
}
