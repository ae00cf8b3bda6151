//! Bid scoring and the total order on bids.
//!
//! Each component is a score in 0..=10,000:
//! - quality: the quality the bid promises, in bps, as given;
//! - cost: `floor((max_price - price) * 10_000 / max_price)`: a free bid scores 10,000, a bid at
//!   the max price 0;
//! - speed: `floor((max_latency - latency) * 10_000 / max_latency)`, likewise in slots;
//! - reputation: the agent's reputation from the registry, in bps.
//!
//! The total is `floor(sum(weight_i * component_i) / 10_000)` with weights in bps summing to
//! 10,000, so it is in 0..=10,000 as well. Every division rounds down. Bids are then ordered by
//! [`RankKey`]: score, then higher reputation, then lower latency, then the lower tie-break key
//! (`crate::tiebreak::key`: the bid's commitment hashed with a seed fixed only after the commit
//! window), so no two distinct bids (distinct commitments) ever compare equal.
use core::cmp::Ordering;

use crate::error::{overflow, Error, Op, Quantity};
use crate::BPS_DENOMINATOR;

const WHOLE: u64 = BPS_DENOMINATOR as u64;

/// Evaluation weights of an intent, in bps; they must sum to 10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
    pub quality: u16,
    pub cost: u16,
    pub speed: u16,
    pub reputation: u16,
}

impl Weights {
    /// Quality 40%, cost 30%, speed 20%, reputation 10%.
    pub const DEFAULT: Self = Self { quality: 4_000, cost: 3_000, speed: 2_000, reputation: 1_000 };

    pub fn validate(&self) -> Result<(), Error> {
        let sum = u32::from(self.quality)
            .saturating_add(u32::from(self.cost))
            .saturating_add(u32::from(self.speed))
            .saturating_add(u32::from(self.reputation));
        if sum == u32::from(BPS_DENOMINATOR) {
            Ok(())
        } else {
            Err(Error::WeightsSumNot10000 { sum })
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The intent's limits that bids are scored against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Token atoms; positive.
    pub max_price: u64,
    /// Slots; positive.
    pub max_latency: u64,
}

impl Limits {
    pub fn validate(&self) -> Result<(), Error> {
        if self.max_price == 0 {
            return Err(Error::MaxPriceZero);
        }
        if self.max_latency == 0 {
            return Err(Error::MaxLatencyZero);
        }
        Ok(())
    }
}

/// What a bid offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidTerms {
    /// Asking price in token atoms.
    pub price: u64,
    /// Promised outcome quality in bps.
    pub quality_bps: u16,
    /// Promised latency in slots.
    pub latency: u64,
}

/// The four component scores, each in 0..=10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Components {
    pub quality: u16,
    pub cost: u16,
    pub speed: u16,
    pub reputation: u16,
}

/// `floor((max - value) * 10_000 / max)` for `value <= max`, `max > 0`.
fn inverse_ratio_bps(value: u64, max: u64, quantity: Quantity) -> Result<u16, Error> {
    let headroom = max.checked_sub(value).ok_or(overflow(quantity, Op::Sub))?;
    let scaled = u128::from(headroom)
        .checked_mul(u128::from(WHOLE))
        .and_then(|v| v.checked_div(u128::from(max)))
        .ok_or(overflow(quantity, Op::Div))?;
    u16::try_from(scaled).map_err(|_| overflow(quantity, Op::Mul))
}

/// Cost component of `price` under `max_price`.
pub fn cost_component(price: u64, max_price: u64) -> Result<u16, Error> {
    if max_price == 0 {
        return Err(Error::MaxPriceZero);
    }
    if price > max_price {
        return Err(Error::PriceAboveMax { price, max_price });
    }
    inverse_ratio_bps(price, max_price, Quantity::TokenAtoms)
}

/// Speed component of `latency` under `max_latency`.
pub fn speed_component(latency: u64, max_latency: u64) -> Result<u16, Error> {
    if max_latency == 0 {
        return Err(Error::MaxLatencyZero);
    }
    if latency > max_latency {
        return Err(Error::LatencyAboveMax { latency, max_latency });
    }
    inverse_ratio_bps(latency, max_latency, Quantity::Slots)
}

/// The component scores of a bid, checking it against the intent's limits.
pub fn components(limits: &Limits, terms: &BidTerms, reputation_bps: u16) -> Result<Components, Error> {
    limits.validate()?;
    for value in [terms.quality_bps, reputation_bps] {
        if value > BPS_DENOMINATOR {
            return Err(Error::BpsAbove10000 { value });
        }
    }
    Ok(Components {
        quality: terms.quality_bps,
        cost: cost_component(terms.price, limits.max_price)?,
        speed: speed_component(terms.latency, limits.max_latency)?,
        reputation: reputation_bps,
    })
}

/// `sum(weight_i * component_i)`, before the final division (0..=100,000,000).
pub fn weighted_sum(weights: &Weights, c: &Components) -> Result<u64, Error> {
    weights.validate()?;
    let terms = [
        (weights.quality, c.quality),
        (weights.cost, c.cost),
        (weights.speed, c.speed),
        (weights.reputation, c.reputation),
    ];
    terms.iter().try_fold(0u64, |acc, (w, v)| {
        u64::from(*w)
            .checked_mul(u64::from(*v))
            .and_then(|t| acc.checked_add(t))
            .ok_or(overflow(Quantity::Score, Op::Add))
    })
}

/// The total score in 0..=10,000: `floor(weighted_sum / 10_000)`.
pub fn total(weights: &Weights, c: &Components) -> Result<u16, Error> {
    let sum = weighted_sum(weights, c)?;
    let score = sum.checked_div(WHOLE).ok_or(overflow(Quantity::Score, Op::Div))?;
    u16::try_from(score).map_err(|_| overflow(Quantity::Score, Op::Div))
}

/// Scores a bid: validates it against the limits and weights and returns its total.
pub fn score_bid(
    weights: &Weights,
    limits: &Limits,
    terms: &BidTerms,
    reputation_bps: u16,
) -> Result<u16, Error> {
    total(weights, &components(limits, terms, reputation_bps)?)
}

/// Everything that ranks a bid. `Ord`: greater ranks higher (better).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RankKey {
    pub score: u16,
    pub reputation: u16,
    pub latency: u64,
    /// The bid's tie-break key (`crate::tiebreak::key`): unique per bid, and unknown to anyone
    /// while bids can still be sealed.
    pub tiebreak: [u8; 32],
}

impl RankKey {
    /// The order of two bids with equal scores: higher reputation, then lower latency, then the
    /// lower tie-break key.
    pub fn tie_break(&self, other: &Self) -> Ordering {
        self.reputation
            .cmp(&other.reputation)
            .then_with(|| other.latency.cmp(&self.latency))
            .then_with(|| other.tiebreak.cmp(&self.tiebreak))
    }
}

impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.cmp(&other.score).then_with(|| self.tie_break(other))
    }
}

impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { max_price: 1_000, max_latency: 100 };

    #[test]
    fn default_weights_are_40_30_20_10_and_valid() {
        assert_eq!(Weights::default(), Weights { quality: 4000, cost: 3000, speed: 2000, reputation: 1000 });
        assert_eq!(Weights::DEFAULT.validate(), Ok(()));
        let bad = Weights { quality: 4000, cost: 3000, speed: 2000, reputation: 999 };
        assert_eq!(bad.validate(), Err(Error::WeightsSumNot10000 { sum: 9999 }));
    }

    #[test]
    fn worked_example() {
        // quality 8000, price 250 of 1000 -> cost 7500, latency 10 of 100 -> speed 9000, rep 6000
        let terms = BidTerms { price: 250, quality_bps: 8_000, latency: 10 };
        let c = components(&LIMITS, &terms, 6_000).unwrap();
        assert_eq!(c, Components { quality: 8000, cost: 7500, speed: 9000, reputation: 6000 });
        // (4000*8000 + 3000*7500 + 2000*9000 + 1000*6000) / 10000 = 7850
        assert_eq!(total(&Weights::DEFAULT, &c), Ok(7850));
    }

    #[test]
    fn components_round_down() {
        assert_eq!(cost_component(1, 3), Ok(6666));
        assert_eq!(speed_component(2, 3), Ok(3333));
        assert_eq!(cost_component(0, 7), Ok(10_000));
        assert_eq!(cost_component(7, 7), Ok(0));
    }

    #[test]
    fn bids_breaking_limits_are_errors() {
        let over_price = BidTerms { price: 1_001, quality_bps: 0, latency: 0 };
        assert_eq!(
            score_bid(&Weights::DEFAULT, &LIMITS, &over_price, 0),
            Err(Error::PriceAboveMax { price: 1_001, max_price: 1_000 })
        );
        let too_slow = BidTerms { price: 0, quality_bps: 0, latency: 101 };
        assert_eq!(
            score_bid(&Weights::DEFAULT, &LIMITS, &too_slow, 0),
            Err(Error::LatencyAboveMax { latency: 101, max_latency: 100 })
        );
        let bad_quality = BidTerms { price: 0, quality_bps: 10_001, latency: 0 };
        assert_eq!(
            score_bid(&Weights::DEFAULT, &LIMITS, &bad_quality, 0),
            Err(Error::BpsAbove10000 { value: 10_001 })
        );
        let zero = Limits { max_price: 0, max_latency: 1 };
        assert_eq!(score_bid(&Weights::DEFAULT, &zero, &over_price, 0), Err(Error::MaxPriceZero));
    }

    #[test]
    fn ties_break_by_reputation_then_latency_then_hash() {
        let base = RankKey { score: 5000, reputation: 5000, latency: 10, tiebreak: [5; 32] };
        let better_rep = RankKey { reputation: 5001, ..base };
        let faster = RankKey { latency: 9, ..base };
        let lower_hash = RankKey { tiebreak: [4; 32], ..base };
        assert!(better_rep > base && faster > base && lower_hash > base);
        // Reputation outranks latency, latency outranks the hash.
        assert!(RankKey { latency: 11, ..better_rep } > faster);
        assert!(RankKey { tiebreak: [9; 32], ..faster } > lower_hash);
        // Score outranks everything.
        assert!(RankKey { score: 5001, reputation: 0, latency: u64::MAX, tiebreak: [255; 32] } > better_rep);
    }
}
