//! Reputation per capability (issue 25): what an agent has shown in each skill, beside its
//! overall record ([`crate::reputation::History`]).
//!
//! - **The table.** An agent keeps [`SKILL_SLOTS`] per-capability histories. A job's outcome is
//!   recorded on its overall history and, split in equal parts over the capabilities the intent
//!   asked for (the dust on the lowest bit), on each of those capabilities' slots. A capability
//!   without a slot takes a free one; when none is free it takes the slot with the least
//!   evidence among those with no failure or slash, and only when the outcome it records is
//!   worth more than that slot's evidence. A slot with a failure or a slash is never given up,
//!   so dropping a skill's record can only drop good news: the overall history keeps every
//!   outcome anyway.
//! - **The score for an intent.** Each capability the intent asks for is scored as the overall
//!   reputation is ([`crate::reputation`]: reliability and quality, each a Bayesian average moved
//!   only by value paid), but with the agent's *overall* score as the prior, at the same prior
//!   weight. A capability without a slot scores the overall figure; an intent asking for none
//!   scores the overall figure. The intent's figure is the lowest of its capabilities': an agent
//!   is as good for a job as its weakest skill the job needs.
//!
//! Consequences (property tests below): a completion rated 10,000 never lowers a capability's
//! score and a failure never raises it; with no evidence a capability scores exactly the overall
//! figure; evidence in one capability never moves another's score.
use crate::error::{overflow, Error, Op, Quantity};
use crate::reputation::{Outcome, ReputationParams};
use crate::BPS_DENOMINATOR;

/// Per-capability histories an agent keeps.
pub const SKILL_SLOTS: usize = 4;
/// The `bit` of an empty slot.
pub const EMPTY: u8 = u8::MAX;

const WHOLE: u128 = BPS_DENOMINATOR as u128;

/// One capability's history: value sums, as the overall history keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skill {
    /// The capability's bit (0..64), or [`EMPTY`].
    pub bit: u8,
    pub value_completed: u64,
    pub value_failed: u64,
    pub value_slashed: u64,
    pub value_rated: u64,
    /// `sum(rating_bps * value)` over rated jobs.
    pub rating_value_sum: u128,
}

impl Default for Skill {
    fn default() -> Self {
        Self {
            bit: EMPTY,
            value_completed: 0,
            value_failed: 0,
            value_slashed: 0,
            value_rated: 0,
            rating_value_sum: 0,
        }
    }
}

fn add(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_add(b).ok_or(overflow(Quantity::Reputation, Op::Add))
}

impl Skill {
    /// Value recorded either way: how much evidence the slot holds.
    pub fn evidence(&self) -> u128 {
        u128::from(self.value_completed)
            .saturating_add(u128::from(self.value_failed))
            .saturating_add(u128::from(self.value_slashed))
    }

    /// Has it recorded a failure or a slash (then it is never given up)?
    pub fn has_failures(&self) -> bool {
        self.value_failed > 0 || self.value_slashed > 0
    }

    fn record(&mut self, outcome: Outcome) -> Result<(), Error> {
        let mut next = *self;
        match outcome {
            Outcome::Completed { value, rating_bps } => {
                next.value_completed = add(next.value_completed, value)?;
                if let Some(rating) = rating_bps {
                    if rating > BPS_DENOMINATOR {
                        return Err(Error::BpsAbove10000 { value: rating });
                    }
                    next.value_rated = add(next.value_rated, value)?;
                    let weighted = u128::from(rating)
                        .checked_mul(u128::from(value))
                        .ok_or(overflow(Quantity::Reputation, Op::Mul))?;
                    next.rating_value_sum = next
                        .rating_value_sum
                        .checked_add(weighted)
                        .ok_or(overflow(Quantity::Reputation, Op::Add))?;
                }
            }
            Outcome::Failed { value } => next.value_failed = add(next.value_failed, value)?,
            Outcome::Slashed { value } => next.value_slashed = add(next.value_slashed, value)?,
        }
        *self = next;
        Ok(())
    }

    /// This capability's score, with `prior_bps` (the agent's overall score) as the prior at
    /// `params.prior_value` weight.
    pub fn score(&self, prior_bps: u16, params: &ReputationParams) -> Result<u16, Error> {
        params.validate()?;
        if prior_bps > BPS_DENOMINATOR {
            return Err(Error::BpsAbove10000 { value: prior_bps });
        }
        let err_mul = overflow(Quantity::Reputation, Op::Mul);
        let err_add = overflow(Quantity::Reputation, Op::Add);
        let err_div = overflow(Quantity::Reputation, Op::Div);
        let prior_value = u128::from(params.prior_value);
        let prior_mass = prior_value.checked_mul(u128::from(prior_bps)).ok_or(err_mul)?;
        let done = u128::from(self.value_completed);
        let against = u128::from(self.value_slashed)
            .checked_mul(u128::from(params.slash_weight))
            .and_then(|s| s.checked_add(u128::from(self.value_failed)))
            .and_then(|s| s.checked_add(done))
            .and_then(|s| s.checked_add(prior_value))
            .ok_or(err_add)?;
        let reliability = done
            .checked_mul(WHOLE)
            .and_then(|n| n.checked_add(prior_mass))
            .ok_or(err_mul)?
            .checked_div(against)
            .ok_or(err_div)?;
        let rated = u128::from(self.value_rated).checked_add(prior_value).ok_or(err_add)?;
        let quality = self
            .rating_value_sum
            .checked_add(prior_mass)
            .ok_or(err_add)?
            .checked_div(rated)
            .ok_or(err_div)?;
        let quality = quality.min(WHOLE);
        let w_rel = u128::from(params.reliability_weight_bps);
        let w_q = WHOLE.checked_sub(w_rel).ok_or(overflow(Quantity::Reputation, Op::Sub))?;
        let score = reliability
            .checked_mul(w_rel)
            .and_then(|r| quality.checked_mul(w_q).and_then(|q| r.checked_add(q)))
            .ok_or(err_mul)?
            .checked_div(WHOLE)
            .ok_or(err_div)?;
        u16::try_from(score).map_err(|_| err_div)
    }
}

/// An agent's per-capability histories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skills(pub [Skill; SKILL_SLOTS]);

impl Skill {
    /// Encoded size: the bit, four value sums (u64 LE) and the rating sum (u128 LE).
    pub const LEN: usize = 1 + 4 * 8 + 16;

    fn write(&self, out: &mut [u8]) {
        let mut at = 0usize;
        let mut put = |bytes: &[u8]| {
            let end = at.saturating_add(bytes.len());
            if let Some(slot) = out.get_mut(at..end) {
                slot.copy_from_slice(bytes);
            }
            at = end;
        };
        put(&[self.bit]);
        for v in [self.value_completed, self.value_failed, self.value_slashed, self.value_rated] {
            put(&v.to_le_bytes());
        }
        put(&self.rating_value_sum.to_le_bytes());
    }

    fn read(bytes: &[u8]) -> Self {
        let u64_at = |at: usize| {
            bytes.get(at..at.saturating_add(8)).and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes)
        };
        Self {
            bit: bytes.first().copied().unwrap_or(EMPTY),
            value_completed: u64_at(1),
            value_failed: u64_at(9),
            value_slashed: u64_at(17),
            value_rated: u64_at(25),
            rating_value_sum: bytes
                .get(33..49)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u128::from_le_bytes),
        }
    }
}

impl Skills {
    /// Encoded size: [`SKILL_SLOTS`] slots of [`Skill::LEN`] bytes.
    pub const LEN: usize = SKILL_SLOTS * Skill::LEN;

    /// Decodes the table ([`Skills::EMPTY_BYTES`] for an empty one; an all-zero buffer reads as
    /// four slots of bit 0 with no evidence, which score the overall figure as none would).
    pub fn from_bytes(bytes: &[u8; Self::LEN]) -> Self {
        let mut out = Self::default();
        for (slot, chunk) in out.0.iter_mut().zip(bytes.chunks_exact(Skill::LEN)) {
            *slot = Skill::read(chunk);
        }
        out
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        for (slot, chunk) in self.0.iter().zip(out.chunks_exact_mut(Skill::LEN)) {
            slot.write(chunk);
        }
        out
    }

    /// An empty table's encoding (every slot [`EMPTY`]).
    pub const EMPTY_BYTES: [u8; Self::LEN] = {
        let mut out = [0u8; Self::LEN];
        let mut i = 0;
        while i < SKILL_SLOTS {
            out[i * Skill::LEN] = EMPTY;
            i += 1;
        }
        out
    };

    /// Each slot's score with `overall` as its prior (0 for an empty slot): what the registry
    /// caches beside the table, refreshed on every outcome, so that a bid reads a capability's
    /// score without the reputation parameters ([`cached_for`]).
    pub fn scores(&self, overall: u16, params: &ReputationParams) -> Result<[u16; SKILL_SLOTS], Error> {
        let mut out = [0u16; SKILL_SLOTS];
        for (score, slot) in out.iter_mut().zip(&self.0) {
            if slot.bit != EMPTY {
                *score = slot.score(overall, params)?;
            }
        }
        Ok(out)
    }

    /// Each slot's capability bit ([`EMPTY`] for none), as [`cached_for`] reads them.
    pub fn bits(&self) -> [u8; SKILL_SLOTS] {
        let mut out = [EMPTY; SKILL_SLOTS];
        for (bit, slot) in out.iter_mut().zip(&self.0) {
            *bit = slot.bit;
        }
        out
    }
}

/// The reputation for an intent asking for `capabilities` from cached per-slot scores (`bits`
/// and `scores`, as [`Skills::bits`] and [`Skills::scores`] give them): the lowest of its
/// capabilities' scores, `overall` for one without a slot and for an intent asking for none.
/// Equal to [`Skills::score_for`] when the scores were computed with the same `overall`.
pub fn cached_for(
    bits: &[u8; SKILL_SLOTS],
    scores: &[u16; SKILL_SLOTS],
    capabilities: u64,
    overall: u16,
) -> u16 {
    let mut lowest = None::<u16>;
    for bit in (0u8..64).filter(|b| capabilities >> b & 1 == 1) {
        let score = bits.iter().zip(scores).find(|(b, _)| **b == bit).map_or(overall, |(_, s)| *s);
        lowest = Some(lowest.map_or(score, |l| l.min(score)));
    }
    lowest.unwrap_or(overall)
}

/// The bits set in `mask`, lowest first.
fn bits(mask: u64) -> impl Iterator<Item = u8> {
    (0u8..64).filter(move |b| mask >> b & 1 == 1)
}

/// `value` in equal parts over `n` capabilities, the dust on the first.
fn part(value: u64, n: u64, first: bool) -> u64 {
    let each = value.checked_div(n).unwrap_or(0);
    if first {
        each.saturating_add(value.checked_rem(n).unwrap_or(0))
    } else {
        each
    }
}

impl Skills {
    /// The slot of capability `bit`, if it has one.
    pub fn get(&self, bit: u8) -> Option<&Skill> {
        self.0.iter().find(|s| s.bit == bit && bit != EMPTY)
    }

    /// The slot `bit` records into, given an outcome worth `value`: its own, a free one, or the
    /// least-evidenced slot with no failure when `value` is worth more than its evidence (that
    /// slot is reset for `bit`); `None` when it gets none.
    fn slot_for(&mut self, bit: u8, value: u64) -> Option<&mut Skill> {
        let index = match self.0.iter().position(|s| s.bit == bit) {
            Some(i) => i,
            None => {
                let free = self.0.iter().position(|s| s.bit == EMPTY);
                let index = free.or_else(|| {
                    self.0
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| !s.has_failures())
                        .min_by_key(|(_, s)| (s.evidence(), s.bit))
                        .filter(|(_, s)| u128::from(value) > s.evidence())
                        .map(|(i, _)| i)
                })?;
                let slot = self.0.get_mut(index)?;
                *slot = Skill { bit, ..Skill::default() };
                index
            }
        };
        self.0.get_mut(index)
    }

    /// Records `outcome` for a job that asked for `capabilities`, its value split in equal parts
    /// over them. On error nothing is changed.
    pub fn record(&mut self, capabilities: u64, outcome: Outcome) -> Result<(), Error> {
        let n = u64::from(capabilities.count_ones());
        if n == 0 {
            return Ok(());
        }
        let mut next = *self;
        for (i, bit) in bits(capabilities).enumerate() {
            let share = |v: u64| part(v, n, i == 0);
            let outcome = match outcome {
                Outcome::Completed { value, rating_bps } => {
                    Outcome::Completed { value: share(value), rating_bps }
                }
                Outcome::Failed { value } => Outcome::Failed { value: share(value) },
                Outcome::Slashed { value } => Outcome::Slashed { value: share(value) },
            };
            let value = match outcome {
                Outcome::Completed { value, .. } | Outcome::Failed { value } | Outcome::Slashed { value } => {
                    value
                }
            };
            // A failure always gets a slot when one is free or good-news-only; otherwise (every
            // slot holds failures of other skills) the overall history carries it alone.
            let worth = match outcome {
                Outcome::Completed { .. } => value,
                _ => u64::MAX,
            };
            if let Some(slot) = next.slot_for(bit, worth) {
                slot.record(outcome)?;
            }
        }
        *self = next;
        Ok(())
    }

    /// Replaces a recorded rating for a job that asked for `capabilities`, worth `value`, as
    /// [`crate::reputation::History::correct`] does: each capability's part of `value` (as
    /// [`Skills::record`] split it) moves from `from_bps` to `to_bps` in its slot. A capability
    /// whose slot was given up since, or cannot hold the rating being replaced, is left alone.
    pub fn correct(
        &mut self,
        capabilities: u64,
        value: u64,
        from_bps: u16,
        to_bps: u16,
    ) -> Result<(), Error> {
        for bps in [from_bps, to_bps] {
            if bps > BPS_DENOMINATOR {
                return Err(Error::BpsAbove10000 { value: bps });
            }
        }
        let n = u64::from(capabilities.count_ones());
        let mut next = *self;
        for (i, bit) in bits(capabilities).enumerate() {
            let share = part(value, n, i == 0);
            let Some(slot) = next.0.iter_mut().find(|s| s.bit == bit && bit != EMPTY) else {
                continue;
            };
            if let Ok(sum) = crate::reputation::corrected_sum(
                slot.rating_value_sum,
                slot.value_rated,
                share,
                from_bps,
                to_bps,
            ) {
                slot.rating_value_sum = sum;
            }
        }
        *self = next;
        Ok(())
    }

    /// The agent's reputation for an intent asking for `capabilities`: the lowest of its
    /// capabilities' scores, each with `overall` as its prior; `overall` itself for an intent
    /// asking for none, and for a capability with no slot.
    pub fn score_for(
        &self,
        capabilities: u64,
        overall: u16,
        params: &ReputationParams,
    ) -> Result<u16, Error> {
        let mut lowest = None::<u16>;
        for bit in bits(capabilities) {
            let score = match self.get(bit) {
                Some(skill) => skill.score(overall, params)?,
                None => overall,
            };
            lowest = Some(lowest.map_or(score, |l| l.min(score)));
        }
        Ok(lowest.unwrap_or(overall))
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    const P: ReputationParams = ReputationParams::DEFAULT;

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            (0u64..10_000_000, proptest::option::of(0u16..=10_000))
                .prop_map(|(value, rating_bps)| Outcome::Completed { value, rating_bps }),
            (0u64..10_000_000).prop_map(|value| Outcome::Failed { value }),
            (0u64..10_000_000).prop_map(|value| Outcome::Slashed { value }),
        ]
    }

    fn history() -> impl Strategy<Value = Skills> {
        proptest::collection::vec((0u64..1 << 6, outcome()), 0..12).prop_map(|steps| {
            let mut skills = Skills::default();
            for (capabilities, o) in steps {
                skills.record(capabilities, o).unwrap();
            }
            skills
        })
    }

    #[test]
    fn a_job_is_split_over_its_capabilities_with_the_dust_on_the_lowest() {
        let mut s = Skills::default();
        s.record(0b1011, Outcome::Completed { value: 100, rating_bps: Some(9_000) }).unwrap();
        let values: Vec<(u8, u64)> = s.0.iter().map(|k| (k.bit, k.value_completed)).collect();
        assert_eq!(values, vec![(0, 34), (1, 33), (3, 33), (EMPTY, 0)]);
    }

    #[test]
    fn a_full_table_gives_up_only_a_slot_without_failures_and_only_for_more_evidence() {
        let mut s = Skills::default();
        s.record(0b1, Outcome::Failed { value: 10 }).unwrap();
        for (bit, value) in [(1, 500), (2, 300), (3, 700)] {
            s.record(1 << bit, Outcome::Completed { value, rating_bps: None }).unwrap();
        }
        // Worth less than the least evidence (300): not kept per skill.
        s.record(1 << 4, Outcome::Completed { value: 200, rating_bps: None }).unwrap();
        assert!(s.get(4).is_none());
        // Worth more: takes bit 2's slot, never bit 0's (a failure).
        s.record(1 << 4, Outcome::Completed { value: 400, rating_bps: None }).unwrap();
        assert_eq!(s.get(4).map(|k| k.value_completed), Some(400));
        assert!(s.get(2).is_none() && s.get(0).is_some());
        // A failure of a new skill takes a good-news slot whatever its value.
        s.record(1 << 5, Outcome::Failed { value: 1 }).unwrap();
        assert_eq!(s.get(5).map(|k| k.value_failed), Some(1));
    }

    #[test]
    fn the_score_for_an_intent_is_its_weakest_skill_with_the_overall_as_prior() {
        let mut s = Skills::default();
        s.record(0b01, Outcome::Completed { value: 5_000_000, rating_bps: Some(10_000) }).unwrap();
        s.record(0b10, Outcome::Failed { value: 5_000_000 }).unwrap();
        let overall = 5_000;
        let strong = s.score_for(0b01, overall, &P).unwrap();
        let weak = s.score_for(0b10, overall, &P).unwrap();
        assert!(strong > overall && weak < overall, "{strong} {weak}");
        assert_eq!(s.score_for(0b11, overall, &P).unwrap(), weak);
        assert_eq!(s.score_for(0b100, overall, &P).unwrap(), overall, "no slot: the overall figure");
        assert_eq!(s.score_for(0, overall, &P).unwrap(), overall, "no capability asked for");
    }

    #[test]
    fn the_table_round_trips_through_its_bytes_and_starts_empty() {
        let mut s = Skills::default();
        s.record(0b101, Outcome::Completed { value: 7, rating_bps: Some(9_000) }).unwrap();
        s.record(1 << 63, Outcome::Slashed { value: u64::MAX }).unwrap();
        assert_eq!(Skills::from_bytes(&s.to_bytes()), s);
        assert_eq!(Skills::from_bytes(&Skills::EMPTY_BYTES), Skills::default());
    }

    proptest! {
        #[test]
        fn cached_scores_give_the_live_figure(s in history(), c in 0u64..1 << 6, overall in 0u16..=10_000) {
            let scores = s.scores(overall, &P).unwrap();
            prop_assert_eq!(cached_for(&s.bits(), &scores, c, overall), s.score_for(c, overall, &P).unwrap());
        }

        /// Correcting a rating in the table is rating the job right the first time, for every
        /// capability whose slot still holds it.
        #[test]
        fn a_correction_is_the_rating_given_right_the_first_time(
            s in history(), c in 1u64..1 << 6, value in 0u64..10_000_000, from in 0u16..=10_000, to in 0u16..=10_000,
        ) {
            let (mut wrong, mut right) = (s, s);
            wrong.record(c, Outcome::Completed { value, rating_bps: Some(from) }).unwrap();
            right.record(c, Outcome::Completed { value, rating_bps: Some(to) }).unwrap();
            wrong.correct(c, value, from, to).unwrap();
            prop_assert_eq!(wrong, right);
            prop_assert!(wrong.correct(c, value, 10_001, to).is_err());
        }

        #[test]
        fn a_top_rated_completion_never_lowers_and_a_failure_never_raises(
            s in history(), bit in 0u8..6, value in 1u64..10_000_000, overall in 0u16..=10_000,
        ) {
            let before = s.score_for(1 << bit, overall, &P).unwrap();
            let mut done = s;
            done.record(1 << bit, Outcome::Completed { value, rating_bps: Some(10_000) }).unwrap();
            prop_assert!(done.score_for(1 << bit, overall, &P).unwrap() >= before);
            let mut failed = s;
            failed.record(1 << bit, Outcome::Failed { value }).unwrap();
            prop_assert!(failed.score_for(1 << bit, overall, &P).unwrap() <= before);
            let mut slashed = s;
            slashed.record(1 << bit, Outcome::Slashed { value }).unwrap();
            prop_assert!(slashed.score_for(1 << bit, overall, &P).unwrap() <= before);
        }

        #[test]
        fn evidence_in_one_skill_never_moves_another_skills_score(
            s in history(), a in 0u8..6, b in 0u8..6, o in outcome(), overall in 0u16..=10_000,
        ) {
            prop_assume!(a != b);
            let before = s.score_for(1 << b, overall, &P).unwrap();
            let mut after = s;
            after.record(1 << a, o).unwrap();
            // Unless the new evidence took b's slot (then b scores the overall figure again).
            if after.get(b).is_some() {
                prop_assert_eq!(after.score_for(1 << b, overall, &P).unwrap(), before);
            } else {
                prop_assert_eq!(after.score_for(1 << b, overall, &P).unwrap(), overall);
            }
        }

        #[test]
        fn a_slot_with_failures_is_never_given_up(s in history(), c in 1u64..1 << 6, o in outcome()) {
            let mut after = s;
            after.record(c, o).unwrap();
            for k in s.0.iter().filter(|k| k.has_failures()) {
                prop_assert!(after.get(k.bit).is_some(), "{k:?} was given up");
            }
        }

        #[test]
        fn with_no_evidence_a_skill_scores_the_overall_figure(overall in 0u16..=10_000, bit in 0u8..64) {
            let s = Skill { bit, ..Skill::default() };
            prop_assert_eq!(s.score(overall, &P).unwrap(), overall);
        }

        #[test]
        fn scores_stay_in_range(s in history(), c in 0u64..1 << 6, overall in 0u16..=10_000) {
            prop_assert!(s.score_for(c, overall, &P).unwrap() <= 10_000);
        }
    }
}
