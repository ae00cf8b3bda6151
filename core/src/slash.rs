//! Slashes: how much of the stake held for a job a failed or declining winner loses, and how
//! it is split between the requester (compensation) and the caller of the crank (reward).
//!
//! - A failover slashes `failover_bps` of the hold; `reward_bps` of the slash goes to whoever
//!   cranked it, the rest to the requester.
//! - A decline slashes a share that grows with the part of the execution window already used:
//!   `decline_bps` at the award slot, rising linearly to `failover_bps` at the deadline, so
//!   giving a job up late is never cheaper than failing it, and giving it up early stays cheap
//!   (the next agent starts at once). All of it goes to the requester.
//!
//! Integer math only; every share rounds down.
use crate::error::{overflow, Error, Op, Quantity};
use crate::{Bps, TokenAtoms};

/// A slash of a hold and where it goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slash {
    /// Atoms taken from the hold.
    pub total: u64,
    /// Atoms to the requester.
    pub compensation: u64,
    /// Atoms to the caller of the crank.
    pub reward: u64,
}

/// `slash_bps` of `hold`, of which `reward_bps` goes to the caller (`None`: no caller reward,
/// all to the requester).
pub fn split(hold: u64, slash_bps: u16, reward_bps: Option<u16>) -> Result<Slash, Error> {
    let total = TokenAtoms(hold).mul_bps_floor(Bps::new(slash_bps)?)?.0;
    let reward = match reward_bps {
        Some(bps) => TokenAtoms(total).mul_bps_floor(Bps::new(bps)?)?.0,
        None => 0,
    };
    let compensation = total.checked_sub(reward).ok_or(overflow(Quantity::TokenAtoms, Op::Sub))?;
    Ok(Slash { total, compensation, reward })
}

/// The share of the hold a winner loses by declining at `now` a job awarded at `award_slot` and
/// due before `deadline`: `decline_bps + (failover_bps - decline_bps) * used / window`, where
/// `used = now - award_slot` and `window = deadline - award_slot` (rounded down; `used` at most
/// `window`). Errors when `decline_bps > failover_bps` or either is above 10,000.
pub fn decline_bps(
    award_slot: u64,
    deadline: u64,
    now: u64,
    decline_bps: u16,
    failover_bps: u16,
) -> Result<u16, Error> {
    Bps::new(failover_bps)?;
    let spread = failover_bps.checked_sub(decline_bps).ok_or(overflow(Quantity::Bps, Op::Sub))?;
    let window = deadline.saturating_sub(award_slot);
    if window == 0 {
        return Ok(failover_bps);
    }
    let used = now.saturating_sub(award_slot).min(window);
    let extra = u128::from(spread)
        .checked_mul(u128::from(used))
        .ok_or(overflow(Quantity::Bps, Op::Mul))?
        .checked_div(u128::from(window))
        .ok_or(overflow(Quantity::Bps, Op::Div))?;
    // extra <= spread, so the sum is at most failover_bps.
    let extra = u16::try_from(extra).map_err(|_| overflow(Quantity::Bps, Op::Mul))?;
    decline_bps.checked_add(extra).ok_or(overflow(Quantity::Bps, Op::Add))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_failover_splits_its_slash_between_the_caller_and_the_requester() {
        assert_eq!(split(1_000, 5_000, Some(1_000)), Ok(Slash { total: 500, compensation: 450, reward: 50 }));
        assert_eq!(split(1_000, 2_000, None), Ok(Slash { total: 200, compensation: 200, reward: 0 }));
        assert_eq!(split(0, 5_000, Some(1_000)), Ok(Slash::default()));
        assert!(split(1, 10_001, None).is_err());
    }

    #[test]
    fn the_decline_slash_grows_from_the_decline_rate_to_the_failover_rate() {
        // Awarded at 100, due before 200: 20% at the award, 35% halfway, 49.9% one slot before.
        assert_eq!(decline_bps(100, 200, 100, 2_000, 5_000), Ok(2_000));
        assert_eq!(decline_bps(100, 200, 150, 2_000, 5_000), Ok(3_500));
        assert_eq!(decline_bps(100, 200, 199, 2_000, 5_000), Ok(4_970));
        assert_eq!(decline_bps(100, 200, 200, 2_000, 5_000), Ok(5_000));
        assert_eq!(decline_bps(100, 100, 100, 2_000, 5_000), Ok(5_000), "no window: the failover rate");
        assert!(decline_bps(100, 200, 150, 6_000, 5_000).is_err());
    }

    proptest! {
        /// Never cheaper to decline later, never above the failover slash, never below the
        /// decline rate; in atoms of any hold too.
        #[test]
        fn declining_later_never_costs_less(
            award in 0u64..1 << 40, window in 0u64..1 << 32, a in any::<u64>(), b in any::<u64>(),
            failover in 0u16..=10_000, decline_part in 0u16..=10_000, hold in any::<u64>(),
        ) {
            let decline = decline_part.min(failover);
            let deadline = award + window;
            let (early, late) = (award + a % (window + 2), award + b % (window + 2));
            let (early, late) = (early.min(late), early.max(late));
            let at = |now| decline_bps(award, deadline, now, decline, failover).unwrap();
            prop_assert!(at(early) <= at(late));
            prop_assert!(decline <= at(early) && at(late) <= failover);
            let atoms = |now| split(hold, at(now), None).unwrap().total;
            prop_assert!(atoms(early) <= atoms(late));
            prop_assert!(atoms(late) <= split(hold, failover, None).unwrap().total);
        }

        /// A slash never exceeds the hold and is fully accounted for.
        #[test]
        fn a_slash_is_conserved(hold in any::<u64>(), slash in 0u16..=10_000, reward in proptest::option::of(0u16..=10_000)) {
            let s = split(hold, slash, reward).unwrap();
            prop_assert!(s.total <= hold);
            prop_assert_eq!(s.compensation + s.reward, s.total);
        }
    }
}
