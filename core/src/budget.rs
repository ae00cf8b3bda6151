//! Budgets: what an owner lets one agent spend, and the checks every spend passes.
//!
//! An owner (a person, or a coordinator agent) funds a budget for one agent. The agent spends it
//! only through the exchange; each spend is checked here, in this order, so the first rule that
//! breaks is the one reported: the budget is not revoked, the slot is before its expiry, the
//! amount is positive, at most the per-spend cap, and keeps the total spent within the total cap.
//! A direct payment also goes only to an allowed recipient ([`allows`]).

/// Recipients a budget may list for direct payments (besides registered agents).
pub const MAX_ALLOWLIST: usize = 4;

/// What the owner allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most one spend may move (one payment, or one intent's escrow).
    pub per_spend_cap: u64,
    /// The most the budget may ever move, over its life.
    pub total_cap: u64,
    /// The first slot at which nothing more may be spent.
    pub expiry_slot: u64,
}

/// Why limits cannot make a budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitsRefusal {
    /// The per-spend cap is zero or above the total cap.
    CapsInvalid,
    /// The budget would expire at or before the slot it is created in.
    ExpiryPassed,
    /// More than [`MAX_ALLOWLIST`] recipients.
    AllowlistTooLong,
}

/// Why a spend is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpendRefusal {
    Revoked,
    Expired,
    AmountZero,
    OverPerSpendCap,
    OverTotalCap,
}

impl Limits {
    /// Whether these limits, with `allowlist_len` recipients, may make a budget at slot `now`.
    pub fn validate(&self, now: u64, allowlist_len: usize) -> Result<(), LimitsRefusal> {
        if self.per_spend_cap == 0 || self.per_spend_cap > self.total_cap {
            return Err(LimitsRefusal::CapsInvalid);
        }
        if self.expiry_slot <= now {
            return Err(LimitsRefusal::ExpiryPassed);
        }
        if allowlist_len > MAX_ALLOWLIST {
            return Err(LimitsRefusal::AllowlistTooLong);
        }
        Ok(())
    }

    /// The total spent after spending `amount` at slot `now`, from `spent` so far, or why not.
    pub fn spend(&self, spent: u64, revoked: bool, now: u64, amount: u64) -> Result<u64, SpendRefusal> {
        if revoked {
            return Err(SpendRefusal::Revoked);
        }
        if now >= self.expiry_slot {
            return Err(SpendRefusal::Expired);
        }
        if amount == 0 {
            return Err(SpendRefusal::AmountZero);
        }
        if amount > self.per_spend_cap {
            return Err(SpendRefusal::OverPerSpendCap);
        }
        match spent.checked_add(amount) {
            Some(total) if total <= self.total_cap => Ok(total),
            _ => Err(SpendRefusal::OverTotalCap),
        }
    }
}

/// Whether `recipient` is one of the first `len` entries of `allowlist`.
pub fn allows(allowlist: &[[u8; 32]], len: usize, recipient: &[u8; 32]) -> bool {
    allowlist.iter().take(len).any(|entry| entry == recipient)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: Limits = Limits { per_spend_cap: 100, total_cap: 250, expiry_slot: 1_000 };

    #[test]
    fn the_caps_hold_at_their_edges() {
        assert_eq!(LIMITS.spend(0, false, 0, 100), Ok(100), "exactly the per-spend cap");
        assert_eq!(LIMITS.spend(0, false, 0, 101), Err(SpendRefusal::OverPerSpendCap));
        assert_eq!(LIMITS.spend(150, false, 0, 100), Ok(250), "exactly the total cap");
        assert_eq!(LIMITS.spend(151, false, 0, 100), Err(SpendRefusal::OverTotalCap));
        assert_eq!(LIMITS.spend(u64::MAX, false, 0, 1), Err(SpendRefusal::OverTotalCap));
        assert_eq!(LIMITS.spend(0, false, 0, 0), Err(SpendRefusal::AmountZero));
    }

    #[test]
    fn nothing_is_spent_from_the_expiry_slot_or_after_a_revoke() {
        assert_eq!(LIMITS.spend(0, false, 999, 1), Ok(1), "the last slot before expiry");
        assert_eq!(LIMITS.spend(0, false, 1_000, 1), Err(SpendRefusal::Expired));
        assert_eq!(LIMITS.spend(0, true, 0, 1), Err(SpendRefusal::Revoked), "revoked is reported first");
    }

    #[test]
    fn limits_that_cannot_make_a_budget_say_why() {
        assert_eq!(LIMITS.validate(999, MAX_ALLOWLIST), Ok(()));
        assert_eq!(LIMITS.validate(1_000, 0), Err(LimitsRefusal::ExpiryPassed));
        assert_eq!(LIMITS.validate(0, MAX_ALLOWLIST + 1), Err(LimitsRefusal::AllowlistTooLong));
        let zero = Limits { per_spend_cap: 0, ..LIMITS };
        assert_eq!(zero.validate(0, 0), Err(LimitsRefusal::CapsInvalid));
        let above = Limits { per_spend_cap: 251, ..LIMITS };
        assert_eq!(above.validate(0, 0), Err(LimitsRefusal::CapsInvalid));
    }

    #[test]
    fn only_the_listed_entries_are_allowed() {
        let list = [[1; 32], [2; 32], [0; 32], [0; 32]];
        assert!(allows(&list, 2, &[2; 32]));
        assert!(!allows(&list, 1, &[2; 32]), "beyond the length");
        assert!(!allows(&list, 2, &[0; 32]), "an empty slot is nobody");
    }

    proptest! {
        /// Whatever is asked, the total spent never passes the total cap and no spend passes the
        /// per-spend cap.
        #[test]
        fn no_sequence_of_spends_passes_the_caps(amounts in proptest::collection::vec(0u64..200, 0..40)) {
            let mut spent = 0;
            for amount in amounts {
                if let Ok(total) = LIMITS.spend(spent, false, 0, amount) {
                    prop_assert!(amount <= LIMITS.per_spend_cap);
                    prop_assert_eq!(Some(total), spent.checked_add(amount));
                    spent = total;
                }
                prop_assert!(spent <= LIMITS.total_cap);
            }
        }
    }
}
