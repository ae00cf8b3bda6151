use agx_core::budget::{Limits, MAX_ALLOWLIST};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// What an owner lets one registry agent spend, at PDA `[seeds::BUDGET, owner, agent, budget_id]`,
/// with its tokens in the vault `[seeds::BUDGET_VAULT, budget]` (a token account of `mint` owned
/// by this PDA). The agent's authority spends it only through the exchange (`budget_pay`), each
/// spend checked by `agx_core::budget`; the owner funds, revokes (the unspent balance comes back
/// at once) and closes it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Budget {
    pub version: u8,
    pub bump: u8,
    pub revoked: bool,
    pub owner: Pubkey,
    /// The registry agent whose authority spends the budget.
    pub agent: Pubkey,
    pub mint: Pubkey,
    pub mint_decimals: u8,
    pub token_program: Pubkey,
    /// The vault's address (`[seeds::BUDGET_VAULT, budget]`), stored so a spend checks an
    /// address instead of deriving the PDA again (~1,500 CU).
    pub vault: Pubkey,
    pub budget_id: u64,
    pub per_spend_cap: u64,
    pub total_cap: u64,
    pub expiry_slot: u64,
    /// Atoms spent so far, over the budget's life.
    pub spent: u64,
    /// Intents funded by the budget and not yet closed (the budget cannot close before them).
    pub live_intents: u32,
    pub allowlist_len: u8,
    /// Owners of the token accounts `budget_pay` may pay besides registered agents' authorities;
    /// entries from `allowlist_len` on are zero.
    pub allowlist: [Pubkey; MAX_ALLOWLIST],
    pub reserved: [u8; 32],
}

impl Budget {
    pub const VERSION: u8 = 1;
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn limits(&self) -> Limits {
        Limits { per_spend_cap: self.per_spend_cap, total_cap: self.total_cap, expiry_slot: self.expiry_slot }
    }

    /// Takes `amount` at slot `now`, or says which rule refused it.
    pub fn spend(&mut self, now: u64, amount: u64) -> Result<()> {
        self.spent = self
            .limits()
            .spend(self.spent, self.revoked, now, amount)
            .map_err(|refusal| error!(ExchangeError::from(refusal)))?;
        self.invariant()
    }

    /// Takes `amount` at slot `now` for an intent's escrow: a spend that leaves the budget one
    /// more live intent.
    pub fn fund_intent(&mut self, now: u64, amount: u64) -> Result<()> {
        self.spend(now, amount)?;
        self.live_intents =
            self.live_intents.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// An intent the budget paid for closed.
    pub fn release_intent(&mut self) -> Result<()> {
        self.live_intents =
            self.live_intents.checked_sub(1).ok_or_else(|| error!(ExchangeError::BudgetCorrupt))?;
        Ok(())
    }

    /// Whether `owner` is on the allowlist.
    pub fn allows(&self, owner: &Pubkey) -> bool {
        let list: [[u8; 32]; MAX_ALLOWLIST] = core::array::from_fn(|i| self.allowlist[i].to_bytes());
        agx_core::budget::allows(&list, usize::from(self.allowlist_len), &owner.to_bytes())
    }

    /// Spent within the total cap, caps ordered, the allowlist within its length.
    pub fn invariant(&self) -> Result<()> {
        let len = usize::from(self.allowlist_len);
        let ok = self.spent <= self.total_cap
            && self.per_spend_cap <= self.total_cap
            && len <= MAX_ALLOWLIST
            && self.allowlist.iter().skip(len).all(|k| *k == Pubkey::default());
        require!(ok, ExchangeError::BudgetCorrupt);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        Budget {
            version: Budget::VERSION,
            bump: 255,
            revoked: false,
            owner: Pubkey::new_unique(),
            agent: Pubkey::new_unique(),
            mint: Pubkey::new_unique(),
            mint_decimals: 6,
            token_program: Pubkey::new_unique(),
            vault: Pubkey::new_unique(),
            budget_id: 0,
            per_spend_cap: 100,
            total_cap: 150,
            expiry_slot: 10,
            spent: 0,
            live_intents: 0,
            allowlist_len: 1,
            allowlist: [
                Pubkey::new_from_array([7; 32]),
                Pubkey::default(),
                Pubkey::default(),
                Pubkey::default(),
            ],
            reserved: [0; 32],
        }
    }

    #[test]
    fn a_spend_moves_the_total_and_the_caps_hold() {
        let mut b = budget();
        b.spend(9, 100).unwrap();
        assert_eq!(b.spent, 100);
        assert!(b.spend(9, 51).is_err(), "over the total cap");
        b.spend(9, 50).unwrap();
        assert!(b.spend(10, 0).is_err());
        assert!(b.allows(&Pubkey::new_from_array([7; 32])));
        assert!(!b.allows(&Pubkey::default()), "an empty entry is nobody");
    }
}
