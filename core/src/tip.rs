//! Crank tips: the lamports a requester deposits with an intent so that whoever sends the cranks
//! it needs (settle, finalize, close, and one per allowed failover) is paid for them. The program
//! takes each tip with [`take`]; a keeper values a crank with the same function before sending it.

use crate::error::{overflow, Error, Op, Quantity};

/// Cranks an intent's tip pool pays for besides failovers: settle, finalize and close.
pub const TIPPED_CRANKS: u64 = 3;

/// The lamports a requester deposits for tips: one tip per crank the intent may need.
pub fn pool_for(tip_per_crank: u64, max_failovers: u8) -> Result<u64, Error> {
    TIPPED_CRANKS
        .checked_add(u64::from(max_failovers))
        .and_then(|cranks| cranks.checked_mul(tip_per_crank))
        .ok_or(overflow(Quantity::Lamports, Op::Mul))
}

/// One crank's tip out of `pool`: `tip_per_crank`, or what is left when less. Returns the tip and
/// the pool after it.
pub fn take(tip_per_crank: u64, pool: u64) -> (u64, u64) {
    let tip = tip_per_crank.min(pool);
    // tip <= pool
    (tip, pool.saturating_sub(tip))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_pool_pays_every_crank_an_intent_may_need() {
        assert_eq!(pool_for(1_000, 2), Ok(5_000));
        assert_eq!(pool_for(0, 255), Ok(0));
        assert!(pool_for(u64::MAX, 1).is_err());
    }

    proptest! {
        /// Taking tips until the pool is empty pays out exactly the pool, never more, and every
        /// crank the pool was sized for gets the full tip.
        #[test]
        fn tips_drain_the_pool_to_the_lamport(tip in 0u64..1_000_000_000, failovers in 0u8..=255) {
            let mut pool = pool_for(tip, failovers).unwrap();
            let deposited = pool;
            let mut paid = 0u64;
            for _ in 0..(TIPPED_CRANKS + u64::from(failovers)) {
                let (t, left) = take(tip, pool);
                prop_assert_eq!(t, tip);
                prop_assert_eq!(t + left, pool);
                paid += t;
                pool = left;
            }
            prop_assert_eq!((paid, pool), (deposited, 0));
            prop_assert_eq!(take(tip, pool), (0, 0));
        }
    }
}
