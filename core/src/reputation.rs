//! Reputation: a score in 0..=10,000 from an agent's outcome history.
//!
//! Two parts, each a Bayesian average that starts at a prior and moves only with *value paid*
//! (token atoms), so zero-value self-dealing cannot raise it:
//! - reliability = `(V_done * 10_000 + P * prior) / (V_done + V_failed + slash_weight * V_slashed + V_late / 2 + P)`,
//!   where `V_late` is the value of jobs delivered after the promised latency or with heartbeats
//!   missed while working ([`LATE_WEIGHT_BPS`]);
//! - quality = `(sum(rating_bps * value) + P * prior) / (V_rated + P)`;
//!
//! where `P` is the prior's weight in token atoms. The reputation is
//! `(reliability * w_rel + quality * (10_000 - w_rel)) / 10_000`. All divisions round down.
//! A new agent has exactly `prior`. Outcome counts are kept too, for display and eligibility
//! rules, but only value moves the score.
//!
//! Newcomers start at the bottom: the default prior is 0 bps, so reputation measures evidence of
//! paid, delivered work, and `P` is how much paid value it takes to earn half of one's true rate.
//! With any prior above 0, a punished agent (whose score falls below the prior) could close its
//! account, register again and start better than it ended; with a prior of 0 no history scores
//! below a fresh start (`score(h) >= score(default)` for every `h`, a property test), so closing
//! and re-registering never improves an agent's standing.
use crate::error::{overflow, Error, Op, Quantity};
use crate::BPS_DENOMINATOR;

const WHOLE: u128 = BPS_DENOMINATOR as u128;

/// `a * b`, checked. Operands that fit in 64 bits cannot overflow 128, and their product needs
/// no overflow test: on SBF that skips compiler-rt's checked 128-bit multiply (~100 CU each).
fn mul(a: u128, b: u128) -> Option<u128> {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(_), Ok(_)) => Some(a.wrapping_mul(b)),
        _ => a.checked_mul(b),
    }
}

/// Parameters of the formula (stored in the registry config).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReputationParams {
    /// Weight of the prior, in token atoms of paid value (positive).
    pub prior_value: u64,
    /// Where a new agent starts, in bps.
    pub prior_bps: u16,
    /// How many times its value a slashed job counts against reliability (>= 1).
    pub slash_weight: u16,
    /// Share of reliability in the final score, in bps; quality gets the rest.
    pub reliability_weight_bps: u16,
}

impl ReputationParams {
    /// Prior worth 1,000,000 atoms (1 unit of a 6-decimal token) at 0 bps (newcomers start at the
    /// bottom, see the module doc); a slash counts three times its value; reliability and
    /// quality weigh the same.
    pub const DEFAULT: Self =
        Self { prior_value: 1_000_000, prior_bps: 0, slash_weight: 3, reliability_weight_bps: 5_000 };

    pub fn validate(&self) -> Result<(), Error> {
        for value in [self.prior_bps, self.reliability_weight_bps] {
            if value > BPS_DENOMINATOR {
                return Err(Error::BpsAbove10000 { value });
            }
        }
        if self.prior_value == 0 || self.slash_weight == 0 {
            return Err(overflow(Quantity::Reputation, Op::Div));
        }
        Ok(())
    }
}

impl Default for ReputationParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How one job ended for the agent that held it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered and paid `value` atoms; `rating_bps` is the requester's rating, if any.
    Completed { value: u64, rating_bps: Option<u16> },
    /// Not delivered; `value` is the price that was at stake.
    Failed { value: u64 },
    /// Not delivered and slashed; `value` is the price that was at stake.
    Slashed { value: u64 },
}

/// An agent's outcome history: counts and value sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub completed: u32,
    pub failed: u32,
    pub slashed: u32,
    pub value_completed: u64,
    pub value_failed: u64,
    pub value_slashed: u64,
    /// Value of the completed jobs that were rated.
    pub value_rated: u64,
    /// `sum(rating_bps * value)` over rated jobs.
    pub rating_value_sum: u128,
    /// Value of the completed jobs delivered unreliably: after the promised latency, or with
    /// heartbeats missed while working ([`History::record_late`]).
    pub value_late: u64,
}

/// What a late completion weighs against reliability, in bps of its value: half a failure. The
/// job was done (its value still counts as done), but not as promised.
pub const LATE_WEIGHT_BPS: u16 = 5_000;

fn add32(a: u32, b: u32) -> Result<u32, Error> {
    a.checked_add(b).ok_or(overflow(Quantity::Reputation, Op::Add))
}

fn add64(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_add(b).ok_or(overflow(Quantity::Reputation, Op::Add))
}

impl History {
    /// Adds one outcome. On error nothing is changed.
    pub fn record(&mut self, outcome: Outcome) -> Result<(), Error> {
        let mut next = *self;
        match outcome {
            Outcome::Completed { value, rating_bps } => {
                next.completed = add32(next.completed, 1)?;
                next.value_completed = add64(next.value_completed, value)?;
                if let Some(rating) = rating_bps {
                    if rating > BPS_DENOMINATOR {
                        return Err(Error::BpsAbove10000 { value: rating });
                    }
                    next.value_rated = add64(next.value_rated, value)?;
                    let weighted = mul(u128::from(rating), u128::from(value))
                        .ok_or(overflow(Quantity::Reputation, Op::Mul))?;
                    next.rating_value_sum = next
                        .rating_value_sum
                        .checked_add(weighted)
                        .ok_or(overflow(Quantity::Reputation, Op::Add))?;
                }
            }
            Outcome::Failed { value } => {
                next.failed = add32(next.failed, 1)?;
                next.value_failed = add64(next.value_failed, value)?;
            }
            Outcome::Slashed { value } => {
                next.slashed = add32(next.slashed, 1)?;
                next.value_slashed = add64(next.value_slashed, value)?;
            }
        }
        *self = next;
        Ok(())
    }

    /// Marks a completed job worth `value` as delivered unreliably (late, or with missed
    /// heartbeats): [`LATE_WEIGHT_BPS`] of its value counts against reliability. Recorded after
    /// the completion itself.
    pub fn record_late(&mut self, value: u64) -> Result<(), Error> {
        self.value_late = add64(self.value_late, value)?;
        Ok(())
    }

    /// Replaces a recorded rating: a job worth `value` that was rated `from_bps` is now rated
    /// `to_bps` (the agent's right of reply, issue 25). Only the rating sum moves; the value
    /// rated and the counts stay. Refused (nothing changed) when the history cannot hold the
    /// rating being replaced: less rated value than `value`, or a rating sum below
    /// `from_bps * value`.
    pub fn correct(&mut self, value: u64, from_bps: u16, to_bps: u16) -> Result<(), Error> {
        self.rating_value_sum =
            corrected_sum(self.rating_value_sum, self.value_rated, value, from_bps, to_bps)?;
        Ok(())
    }

    /// The reputation score in 0..=10,000.
    pub fn score(&self, params: &ReputationParams) -> Result<u16, Error> {
        params.validate()?;
        let err_mul = overflow(Quantity::Reputation, Op::Mul);
        let err_add = overflow(Quantity::Reputation, Op::Add);
        let prior_value = u128::from(params.prior_value);
        let prior_mass = mul(prior_value, u128::from(params.prior_bps)).ok_or(err_mul)?;

        let done = u128::from(self.value_completed);
        // Exact for any u64 value: the late weight is a constant half.
        let late =
            u128::from(self.value_late).checked_mul(u128::from(LATE_WEIGHT_BPS)).ok_or(err_mul)? / WHOLE;
        let against = mul(u128::from(self.value_slashed), u128::from(params.slash_weight))
            .and_then(|s| s.checked_add(u128::from(self.value_failed)))
            .and_then(|s| s.checked_add(late))
            .and_then(|s| s.checked_add(done))
            .and_then(|s| s.checked_add(prior_value))
            .ok_or(err_add)?;
        let reliability =
            mul(done, WHOLE).and_then(|n| n.checked_add(prior_mass)).ok_or(err_mul)?.checked_div(against);

        let rated = u128::from(self.value_rated).checked_add(prior_value).ok_or(err_add)?;
        // A recorded history never has `rating_value_sum > 10,000 * value_rated` (`record`
        // checks each rating), but a `History` built field by field may: its quality is clamped
        // to the whole, so no history scores above 10,000.
        let quality = self
            .rating_value_sum
            .checked_add(prior_mass)
            .ok_or(err_add)?
            .checked_div(rated)
            .map(|q| q.min(WHOLE));

        let (Some(reliability), Some(quality)) = (reliability, quality) else {
            return Err(overflow(Quantity::Reputation, Op::Div));
        };
        let w_rel = u128::from(params.reliability_weight_bps);
        let w_q = WHOLE.checked_sub(w_rel).ok_or(overflow(Quantity::Reputation, Op::Sub))?;
        let score = mul(reliability, w_rel)
            .and_then(|r| mul(quality, w_q).and_then(|q| r.checked_add(q)))
            .ok_or(err_mul)?
            .checked_div(WHOLE)
            .ok_or(overflow(Quantity::Reputation, Op::Div))?;
        u16::try_from(score).map_err(|_| overflow(Quantity::Reputation, Op::Div))
    }
}

/// `sum` with the rating `from_bps` of `value` (out of `rated` value) replaced by `to_bps`.
pub(crate) fn corrected_sum(
    sum: u128,
    rated: u64,
    value: u64,
    from_bps: u16,
    to_bps: u16,
) -> Result<u128, Error> {
    for bps in [from_bps, to_bps] {
        if bps > BPS_DENOMINATOR {
            return Err(Error::BpsAbove10000 { value: bps });
        }
    }
    let removed =
        mul(u128::from(from_bps), u128::from(value)).ok_or(overflow(Quantity::Reputation, Op::Mul))?;
    let added = mul(u128::from(to_bps), u128::from(value)).ok_or(overflow(Quantity::Reputation, Op::Mul))?;
    if value > rated {
        return Err(overflow(Quantity::Reputation, Op::Sub));
    }
    sum.checked_sub(removed)
        .ok_or(overflow(Quantity::Reputation, Op::Sub))?
        .checked_add(added)
        .ok_or(overflow(Quantity::Reputation, Op::Add))
}

/// Requesters an agent's record remembers for [`Patrons::credit`].
pub const PATRONS: usize = 4;

/// A requester that paid the agent, and the reputation value (atoms) it has paid so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Patron {
    pub requester: [u8; 32],
    pub value: u64,
}

/// The value a completed job worth `value` counts for reputation when the same requester has
/// already paid the agent `earlier`: `value * half / (half + earlier)`, rounded down, where
/// `half` is the prior's weight ([`ReputationParams::prior_value`]). The first job from a
/// requester counts in full; once a requester has paid `half`, its next job counts half, and so
/// on: what one requester can add grows only with the logarithm of what it pays. Repeat work is
/// worth something (loyal customers exist), but one customer cannot make an agent's name.
pub fn repeat_weighted(value: u64, earlier: u64, half: u64) -> u64 {
    if earlier == 0 {
        return value;
    }
    // In 64 bits when it fits (a 128-bit division costs ~10 times more on SBF); same result.
    if let (Some(numerator), Some(denominator)) = (value.checked_mul(half), half.checked_add(earlier)) {
        return numerator.checked_div(denominator).unwrap_or(0);
    }
    let denominator = u128::from(half).saturating_add(u128::from(earlier));
    // value * half < 2^128, and the quotient is at most value.
    let counted = u128::from(value).saturating_mul(u128::from(half)).checked_div(denominator).unwrap_or(0);
    u64::try_from(counted).unwrap_or(value)
}

/// The last [`PATRONS`] requesters that paid an agent (stored in its record), for
/// [`repeat_weighted`]. A requester not in the table counts as new and takes the place of the one
/// that has paid least. The table is small on purpose: it stops one requester (a self-dealing
/// operator's own wallet, a single generous customer) from carrying an agent's reputation; it
/// does not stop an operator that rotates more than [`PATRONS`] wallets. What stops that is the
/// exchange's reputation fee: every atom of bought reputation costs the fee (`docs/exchange.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Patrons(pub [Patron; PATRONS]);

impl Patrons {
    /// Encoded size: [`PATRONS`] x (requester, value u64 LE).
    pub const LEN: usize = PATRONS * 40;

    /// Decodes the table from its stored bytes.
    pub fn from_bytes(bytes: &[u8; Self::LEN]) -> Self {
        let mut table = Self::default();
        for (patron, chunk) in table.0.iter_mut().zip(bytes.chunks_exact(40)) {
            let (requester, value) = chunk.split_at(32);
            patron.requester.copy_from_slice(requester);
            let mut le = [0u8; 8];
            le.copy_from_slice(value);
            patron.value = u64::from_le_bytes(le);
        }
        table
    }

    /// Encodes the table for storage.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut bytes = [0u8; Self::LEN];
        for (patron, chunk) in self.0.iter().zip(bytes.chunks_exact_mut(40)) {
            let (requester, value) = chunk.split_at_mut(32);
            requester.copy_from_slice(&patron.requester);
            value.copy_from_slice(&patron.value.to_le_bytes());
        }
        bytes
    }

    /// Books `value` atoms paid by `requester` and returns what they count for reputation.
    pub fn credit(&mut self, requester: [u8; 32], value: u64, half: u64) -> u64 {
        let slot = match self.0.iter().position(|p| p.requester == requester) {
            Some(known) => known,
            None => {
                // The one that has paid least (first among equals) makes room.
                let mut least = 0;
                for (i, p) in self.0.iter().enumerate() {
                    if p.value < self.0[least].value {
                        least = i;
                    }
                }
                self.0[least] = Patron { requester, value: 0 };
                least
            }
        };
        let patron = &mut self.0[slot];
        let counted = repeat_weighted(value, patron.value, half);
        patron.value = patron.value.saturating_add(value);
        counted
    }
}

/// The rating that enters reputation for a job whose winner promised `promised_bps` of quality
/// (40% of its score by default) and was rated `rating_bps`: the rating, less the shortfall
/// once more. Keeping a promise (rating >= promise) records the rating as given; falling short by
/// `d` records `rating - d`, so a bid that overpromises to win scores worse in reputation than an
/// honest one rated the same. Overpromising never pays: the result never rises with the promise.
pub fn accountable_rating(promised_bps: u16, rating_bps: u16) -> Result<u16, Error> {
    for value in [promised_bps, rating_bps] {
        if value > BPS_DENOMINATOR {
            return Err(Error::BpsAbove10000 { value });
        }
    }
    let shortfall = promised_bps.saturating_sub(rating_bps);
    Ok(rating_bps.saturating_sub(shortfall))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_fast_multiply_is_the_checked_multiply(
            a in proptest::prelude::any::<u128>(),
            b in proptest::prelude::any::<u128>(),
            small_a in proptest::prelude::any::<u64>(),
            small_b in proptest::prelude::any::<u64>(),
        ) {
            proptest::prop_assert_eq!(mul(a, b), a.checked_mul(b));
            let (a, b) = (u128::from(small_a), u128::from(small_b));
            proptest::prop_assert_eq!(mul(a, b), a.checked_mul(b));
            proptest::prop_assert_eq!(mul(u128::from(u64::MAX), u128::from(u64::MAX)), u128::from(u64::MAX).checked_mul(u128::from(u64::MAX)));
        }
    }

    proptest::proptest! {
        /// No history, however its fields were set, scores above the whole (the review built
        /// `rating_value_sum` by hand and got 18,883).
        #[test]
        fn no_history_scores_above_10000(
            completed: u32, failed: u32, slashed: u32,
            value_completed: u64, value_failed: u64, value_slashed: u64, value_rated: u64,
            rating_value_sum: u128,
            prior_value in 1u64.., prior_bps in 0u16..=10_000, slash_weight in 1u16..,
            reliability_weight_bps in 0u16..=10_000,
        ) {
            let h = History {
                completed, failed, slashed, value_completed, value_failed, value_slashed,
                value_rated, rating_value_sum, value_late: value_completed,
            };
            let p = ReputationParams { prior_value, prior_bps, slash_weight, reliability_weight_bps };
            if let Ok(score) = h.score(&p) {
                proptest::prop_assert!(score <= BPS_DENOMINATOR);
            }
        }
    }

    proptest::proptest! {
        /// A repeat job never counts more than its value, a first job counts in full, and the
        /// more a requester has paid, the less its next job counts.
        #[test]
        fn the_64_bit_path_is_the_128_bit_rule(value: u64, earlier in 1u64.., half in 1u64..) {
            let exact = u128::from(value) * u128::from(half) / (u128::from(half) + u128::from(earlier));
            proptest::prop_assert_eq!(u128::from(repeat_weighted(value, earlier, half)), exact);
        }

        #[test]
        fn repeat_work_counts_less(value: u64, earlier: u64, more: u64, half in 1u64..) {
            let counted = repeat_weighted(value, earlier, half);
            proptest::prop_assert!(counted <= value);
            proptest::prop_assert_eq!(repeat_weighted(value, 0, half), value);
            proptest::prop_assert!(repeat_weighted(value, earlier.saturating_add(more), half) <= counted);
        }

        /// Jobs from one requester never count more than the same jobs from different ones.
        #[test]
        fn one_requester_never_beats_many(jobs in proptest::collection::vec(0u64..10_000_000_000, 1..20), half in 1u64..10_000_000_000) {
            let (mut one, mut many) = (Patrons::default(), Patrons::default());
            let (mut from_one, mut from_many) = (0u64, 0u64);
            for (i, value) in jobs.iter().enumerate() {
                from_one += one.credit([1; 32], *value, half);
                let mut key = [0; 32];
                key[..8].copy_from_slice(&(i as u64 + 2).to_le_bytes());
                from_many += many.credit(key, *value, half);
            }
            proptest::prop_assert!(from_one <= from_many);
            proptest::prop_assert_eq!(from_many, jobs.iter().sum::<u64>());
        }
    }

    proptest::proptest! {
        /// Reliability from delivery: marking a job late never raises the score, a late job never
        /// scores above the same job on time, and a late job still counts as done (never below
        /// the same job failed).
        #[test]
        fn a_late_delivery_counts_less_than_on_time_and_more_than_a_failure(
            before in proptest::collection::vec((0u64..10_000_000, 0u16..=10_000), 0..6),
            value in 0u64..10_000_000, rating in 0u16..=10_000,
        ) {
            let p = ReputationParams::DEFAULT;
            let mut h = History::default();
            for (v, r) in &before {
                h.record(Outcome::Completed { value: *v, rating_bps: Some(*r) }).unwrap();
            }
            let mut on_time = h;
            on_time.record(Outcome::Completed { value, rating_bps: Some(rating) }).unwrap();
            let mut late = on_time;
            late.record_late(value).unwrap();
            proptest::prop_assert!(late.score(&p).unwrap() <= on_time.score(&p).unwrap());
            // Reliability alone: a late job (half a failure) never counts below a failed one.
            let rel = ReputationParams { reliability_weight_bps: 10_000, ..p };
            let mut late_only = h;
            late_only.record(Outcome::Completed { value, rating_bps: None }).unwrap();
            late_only.record_late(value).unwrap();
            let mut failed_only = h;
            failed_only.record(Outcome::Failed { value }).unwrap();
            proptest::prop_assert!(late_only.score(&rel).unwrap() >= failed_only.score(&rel).unwrap());
        }
    }

    proptest::proptest! {
        /// A corrected rating leaves the history exactly as if the job had been rated the new
        /// way in the first place; raising a rating never lowers the score; a correction the
        /// history cannot hold changes nothing.
        #[test]
        fn a_correction_is_the_rating_given_right_the_first_time(
            before in proptest::collection::vec((0u64..10_000_000, 0u16..=10_000), 0..6),
            value in 0u64..10_000_000, from in 0u16..=10_000, to in 0u16..=10_000,
        ) {
            let p = ReputationParams::DEFAULT;
            let (mut wrong, mut right) = (History::default(), History::default());
            for (v, r) in &before {
                let o = Outcome::Completed { value: *v, rating_bps: Some(*r) };
                wrong.record(o).unwrap();
                right.record(o).unwrap();
            }
            wrong.record(Outcome::Completed { value, rating_bps: Some(from) }).unwrap();
            right.record(Outcome::Completed { value, rating_bps: Some(to) }).unwrap();
            let score_before = wrong.score(&p).unwrap();
            wrong.correct(value, from, to).unwrap();
            proptest::prop_assert_eq!(wrong, right);
            if to >= from {
                proptest::prop_assert!(wrong.score(&p).unwrap() >= score_before);
            }
            let unchanged = wrong;
            proptest::prop_assert!(wrong.correct(wrong.value_rated + 1, 0, to).is_err());
            proptest::prop_assert!(wrong.correct(value, 10_001, to).is_err());
            proptest::prop_assert_eq!(wrong, unchanged);
        }
    }

    /// Jobs of `job` atoms rated 10,000, from `keys` requesters in turn, until the default
    /// parameters give `target` bps: (jobs, atoms paid).
    fn paid_to_reach(target: u16, job: u64, keys: u8) -> (u64, u64) {
        let p = ReputationParams::DEFAULT;
        let (mut history, mut patrons, mut jobs) = (History::default(), Patrons::default(), 0u64);
        while history.score(&p).unwrap() < target {
            let counted = patrons.credit([(jobs % u64::from(keys)) as u8; 32], job, p.prior_value);
            history.record(Outcome::Completed { value: counted, rating_bps: Some(10_000) }).unwrap();
            jobs += 1;
        }
        (jobs, jobs * job)
    }

    /// The figures `docs/exchange.md` publishes: what it takes, at the default parameters
    /// (prior 1,000,000 atoms at 0 bps), to go from 0 to 8,000 bps with jobs of 1,000,000 atoms.
    #[test]
    fn what_8000_bps_takes_at_the_defaults() {
        // Honest work for different requesters (or an operator rotating 5+ wallets): 4 jobs.
        assert_eq!(paid_to_reach(8_000, 1_000_000, 200), (4, 4_000_000));
        assert_eq!(paid_to_reach(8_000, 1_000_000, 5), (4, 4_000_000));
        // One requester paying again and again: the n-th job counts 1/n.
        assert_eq!(paid_to_reach(8_000, 1_000_000, 1), (31, 31_000_000));
        // Two wallets in turn: each is remembered, so repeat work still counts less.
        assert_eq!(paid_to_reach(8_000, 1_000_000, 2), (8, 8_000_000));
    }

    #[test]
    fn the_table_round_trips_through_its_bytes() {
        let mut t = Patrons::default();
        t.credit([3; 32], 77, 10);
        t.credit([4; 32], u64::MAX, 10);
        assert_eq!(Patrons::from_bytes(&t.to_bytes()), t);
        assert_eq!(&t.to_bytes()[..33], &[[3u8; 32].as_slice(), &[77]].concat()[..]);
    }

    #[test]
    fn the_table_keeps_the_requesters_that_paid_most() {
        let mut t = Patrons::default();
        let key = |b: u8| [b; 32];
        assert_eq!(t.credit(key(1), 1_000, 1_000), 1_000);
        assert_eq!(
            t.credit(key(1), 1_000, 1_000),
            500,
            "the second job of 1,000 after 1,000 paid counts half"
        );
        assert_eq!(t.credit(key(1), 1_000, 1_000), 333);
        for b in 2..=4 {
            t.credit(key(b), 10, 1_000);
        }
        // A fifth requester replaces the one that paid least (2), not the big patron (1).
        t.credit(key(5), 20, 1_000);
        assert!(t.0.iter().any(|p| p.requester == key(1) && p.value == 3_000));
        assert!(!t.0.iter().any(|p| p.requester == key(2)));
    }

    #[test]
    fn a_hand_built_history_is_clamped() {
        let h = History { value_rated: 1, rating_value_sum: 1_000_000_000_000, ..History::default() };
        assert_eq!(h.score(&ReputationParams { reliability_weight_bps: 0, ..P }), Ok(10_000));
    }

    /// A prior of 5,000 bps keeps the arithmetic of these examples easy to follow.
    const P: ReputationParams = ReputationParams { prior_bps: 5_000, ..ReputationParams::DEFAULT };

    #[test]
    fn a_new_agent_has_the_prior() {
        assert_eq!(History::default().score(&P), Ok(5_000));
        assert_eq!(History::default().score(&ReputationParams::DEFAULT), Ok(0));
    }

    #[test]
    fn with_the_default_prior_a_punished_agent_never_ranks_below_a_newcomer() {
        let p = ReputationParams::DEFAULT;
        let mut slashed = History::default();
        slashed.record(Outcome::Slashed { value: 1_000_000 }).unwrap();
        assert_eq!(slashed.score(&p), Ok(0));
        let mut proven = History::default();
        proven.record(Outcome::Completed { value: 9_000_000, rating_bps: Some(9_000) }).unwrap();
        proven.record(Outcome::Slashed { value: 1_000_000 }).unwrap();
        // reliability 9e10 / 13e6 = 6923; quality 8.1e10 / 1e7 = 8100 -> 7511
        assert_eq!(proven.score(&p), Ok(7_511));
    }

    #[test]
    fn unpaid_work_does_not_move_the_score() {
        let mut h = History::default();
        for _ in 0..1_000 {
            h.record(Outcome::Completed { value: 0, rating_bps: Some(10_000) }).unwrap();
        }
        assert_eq!(h.completed, 1_000);
        assert_eq!(h.score(&P), Ok(5_000));
    }

    #[test]
    fn paid_good_work_raises_and_failures_lower() {
        let mut good = History::default();
        good.record(Outcome::Completed { value: 1_000_000, rating_bps: Some(10_000) }).unwrap();
        // reliability (1e6*1e4 + 1e6*5e3) / 2e6 = 7500; quality the same -> 7500
        assert_eq!(good.score(&P), Ok(7_500));
        let mut bad = History::default();
        bad.record(Outcome::Failed { value: 1_000_000 }).unwrap();
        // reliability 5e9 / 2e6 = 2500; quality stays 5000 -> 3750
        assert_eq!(bad.score(&P), Ok(3_750));
        let mut slashed = History::default();
        slashed.record(Outcome::Slashed { value: 1_000_000 }).unwrap();
        // reliability 5e9 / 4e6 = 1250 -> (1250 + 5000) / 2 = 3125
        assert_eq!(slashed.score(&P), Ok(3_125));
    }

    #[test]
    fn a_broken_promise_counts_twice() {
        assert_eq!(accountable_rating(8_000, 9_000), Ok(9_000));
        assert_eq!(accountable_rating(9_000, 7_000), Ok(5_000));
        assert_eq!(accountable_rating(10_000, 4_000), Ok(0));
        assert!(accountable_rating(10_001, 0).is_err());
    }

    #[test]
    fn a_rejected_outcome_changes_nothing() {
        let mut h = History::default();
        assert_eq!(
            h.record(Outcome::Completed { value: 5, rating_bps: Some(10_001) }),
            Err(Error::BpsAbove10000 { value: 10_001 })
        );
        assert_eq!(h, History::default());
    }
}
