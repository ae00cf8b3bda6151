//! Vickrey (second-score) payment.
//!
//! The winner is paid the highest price at which its bid would still outrank the runner-up,
//! everything else about the bid unchanged; never below its own ask and never above the max
//! price. With no runner-up it is paid its ask.
//!
//! Closed form (score falls as price rises, and the tie-break does not depend on price). Let
//! `K` be the winner's weighted sum without the cost term, `S` the runner-up's score and
//! `need = S` if the winner wins the tie-break at equal scores, else `S + 1`. The winner
//! outranks the runner-up at price `p` iff `K + w_cost * cost(p) >= need * 10_000`, i.e.
//! `cost(p) >= c_min = ceil((need * 10_000 - K) / w_cost)`, and since
//! `cost(p) = floor((M - p) * 10_000 / M)`, iff `p <= M - ceil(c_min * M / 10_000)`.
use crate::error::{overflow, Error, Op, Quantity};
use crate::score::{components, weighted_sum, BidTerms, Components, Limits, RankKey, Weights};
use crate::BPS_DENOMINATOR;

const WHOLE: u64 = BPS_DENOMINATOR as u64;

/// The winner as it bid: its terms, its reputation and its tie-break key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Winner {
    pub terms: BidTerms,
    pub reputation: u16,
    pub tiebreak: [u8; 32],
}

impl Winner {
    /// The winner's rank key if it had asked `price` instead.
    pub fn rank_at(&self, weights: &Weights, limits: &Limits, price: u64) -> Result<RankKey, Error> {
        let terms = BidTerms { price, ..self.terms };
        let c = components(limits, &terms, self.reputation)?;
        Ok(RankKey {
            score: crate::score::total(weights, &c)?,
            reputation: self.reputation,
            latency: self.terms.latency,
            tiebreak: self.tiebreak,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentError {
    Core(Error),
    /// The bid given as the winner does not outrank the runner-up at its own ask.
    NotTheWinner,
}

impl From<Error> for PaymentError {
    fn from(e: Error) -> Self {
        PaymentError::Core(e)
    }
}

/// The second-score payment of `winner` against `runner_up` (`None`: a single valid bid).
pub fn second_score_payment(
    weights: &Weights,
    limits: &Limits,
    winner: &Winner,
    runner_up: Option<&RankKey>,
) -> Result<u64, PaymentError> {
    let ask = winner.terms.price;
    let at_ask = winner.rank_at(weights, limits, ask)?;
    let Some(runner_up) = runner_up else { return Ok(ask) };
    if at_ask <= *runner_up {
        return Err(PaymentError::NotTheWinner);
    }
    let m = limits.max_price;
    let c = components(limits, &winner.terms, winner.reputation)?;
    let k = weighted_sum(weights, &Components { cost: 0, ..c })?;
    let need = if at_ask.tie_break(runner_up).is_gt() {
        u64::from(runner_up.score)
    } else {
        u64::from(runner_up.score).checked_add(1).ok_or(overflow(Quantity::Payment, Op::Add))?
    };
    let target = need.checked_mul(WHOLE).ok_or(overflow(Quantity::Payment, Op::Mul))?;
    let Some(missing) = target.checked_sub(k).filter(|m| *m > 0) else {
        // The other terms alone outrank the runner-up: any price up to the max wins.
        return Ok(m);
    };
    if weights.cost == 0 {
        // Price does not move the score; it won at its ask, so it wins at any price.
        return Ok(m);
    }
    let c_min = missing.div_ceil(u64::from(weights.cost));
    let cut = u128::from(c_min)
        .checked_mul(u128::from(m))
        .map(|v| v.div_ceil(u128::from(WHOLE)))
        .ok_or(overflow(Quantity::Payment, Op::Mul))?;
    let cut = u64::try_from(cut).map_err(|_| overflow(Quantity::Payment, Op::Mul))?;
    // It wins at its ask, so cut <= m - ask; the clamp only guards the arithmetic.
    Ok(m.saturating_sub(cut).clamp(ask, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { max_price: 1_000, max_latency: 100 };

    fn winner(price: u64) -> Winner {
        Winner {
            terms: BidTerms { price, quality_bps: 8_000, latency: 10 },
            reputation: 6_000,
            tiebreak: [1; 32],
        }
    }

    #[test]
    fn single_bid_pays_its_ask() {
        assert_eq!(second_score_payment(&Weights::DEFAULT, &LIMITS, &winner(250), None), Ok(250));
    }

    #[test]
    fn pays_up_to_the_runner_up_score() {
        // Winner at 250 scores 7850 (see score tests). Runner-up scores 7700 and loses the
        // tie-break (lower reputation), so the winner needs a score of 7700:
        // K = 4000*8000 + 2000*9000 + 1000*6000 = 56_000_000; need 77_000_000 -> cost >= 7000
        // -> p <= 1000 - 700 = 300.
        let runner_up = RankKey { score: 7_700, reputation: 5_000, latency: 10, tiebreak: [0; 32] };
        let p = second_score_payment(&Weights::DEFAULT, &LIMITS, &winner(250), Some(&runner_up)).unwrap();
        assert_eq!(p, 300);
        assert!(winner(0).rank_at(&Weights::DEFAULT, &LIMITS, 300).unwrap() > runner_up);
        assert!(winner(0).rank_at(&Weights::DEFAULT, &LIMITS, 301).unwrap() < runner_up);
    }

    #[test]
    fn a_loser_is_not_paid() {
        let runner_up = RankKey { score: 9_000, reputation: 0, latency: 0, tiebreak: [0; 32] };
        assert_eq!(
            second_score_payment(&Weights::DEFAULT, &LIMITS, &winner(250), Some(&runner_up)),
            Err(PaymentError::NotTheWinner)
        );
    }

    #[test]
    fn no_cost_weight_pays_the_max_price() {
        let w = Weights { quality: 5_000, cost: 0, speed: 5_000, reputation: 0 };
        let runner_up = RankKey { score: 1, reputation: 0, latency: 0, tiebreak: [0; 32] };
        assert_eq!(second_score_payment(&w, &LIMITS, &winner(250), Some(&runner_up)), Ok(1_000));
    }
}
