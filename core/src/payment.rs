//! What the winner of an intent is paid, and how the escrow splits when the job ends.
//!
//! - Payment by pricing rule: first-price and continuous auctions pay the winner's ask; Vickrey
//!   pays the second-score price ([`crate::vickrey`]), in `[ask, max_price]`, capped at the ask
//!   plus the requester's premium cap (`ask + ask * premium_cap_bps / 10,000`). A second-price
//!   rule invites false-name bids: a staked sybil runner-up raises a lone winner's pay up to the
//!   max price. The cap bounds what such a sybil can add.
//! - Split at the end of a job: the agent gets `payment * fulfilled_bps / 10_000` (rounded down,
//!   partial fulfilment), the requester gets the rest of the escrow back; nothing is created or
//!   lost (`to_agent + to_requester == escrowed`).
use crate::error::{overflow, Error, Op, Quantity};
use crate::score::{Limits, RankKey, Weights};
use crate::vickrey::{second_score_payment, PaymentError, Winner};
use crate::{Bps, TokenAtoms};

/// How an auction prices its winner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pricing {
    /// The winner's ask (first-price sealed, continuous).
    Ask,
    /// The price at which the winner would tie the runner-up (Vickrey sealed), at most
    /// `premium_cap_bps` above the winner's ask (bps of the ask; may exceed 10,000).
    SecondScore { premium_cap_bps: u16 },
}

/// The most a second-score payment may reach: `ask + ask * premium_cap_bps / 10,000` (rounded
/// down), never above `max_price`.
pub fn premium_cap(ask: u64, premium_cap_bps: u16, max_price: u64) -> u64 {
    // ask * 65,535 / 10,000 fits easily in 128 bits.
    let premium = u128::from(ask)
        .saturating_mul(u128::from(premium_cap_bps))
        .checked_div(u128::from(crate::BPS_DENOMINATOR))
        .unwrap_or(0);
    let capped = u128::from(ask).saturating_add(premium).min(u128::from(max_price));
    u64::try_from(capped).unwrap_or(max_price)
}

/// The winner's payment under `pricing`, against the runner-up (`None`: a single valid bid).
pub fn payment(
    pricing: Pricing,
    weights: &Weights,
    limits: &Limits,
    winner: &Winner,
    runner_up: Option<&RankKey>,
) -> Result<TokenAtoms, PaymentError> {
    match pricing {
        Pricing::Ask => Ok(TokenAtoms(winner.terms.price)),
        Pricing::SecondScore { premium_cap_bps } => {
            let second = second_score_payment(weights, limits, winner, runner_up)?;
            let cap = premium_cap(winner.terms.price, premium_cap_bps, limits.max_price);
            Ok(TokenAtoms(second.min(cap.max(winner.terms.price))))
        }
    }
}

/// Where the escrow goes when a job ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    pub to_agent: TokenAtoms,
    pub to_requester: TokenAtoms,
}

/// Splits `escrowed` when the agent delivered `fulfilled` of a job priced `payment`.
pub fn split(escrowed: TokenAtoms, payment: TokenAtoms, fulfilled: Bps) -> Result<Split, Error> {
    if payment > escrowed {
        return Err(overflow(Quantity::Payment, Op::Sub));
    }
    let to_agent = payment.mul_bps_floor(fulfilled)?;
    let to_requester = escrowed.checked_sub(to_agent)?;
    Ok(Split { to_agent, to_requester })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_fulfilment_pays_pro_rata_and_refunds_the_rest() {
        let s = split(TokenAtoms(1_000_000), TokenAtoms(700_001), Bps::new(6_000).unwrap()).unwrap();
        // 700_001 * 0.6 = 420_000.6 -> 420_000 (floor); the requester gets the other 580_000.
        assert_eq!(s, Split { to_agent: TokenAtoms(420_000), to_requester: TokenAtoms(580_000) });
        let full = split(TokenAtoms(10), TokenAtoms(10), Bps::ONE).unwrap();
        assert_eq!(full, Split { to_agent: TokenAtoms(10), to_requester: TokenAtoms(0) });
    }

    #[test]
    fn the_premium_cap_bounds_a_second_score_payment() {
        assert_eq!(premium_cap(100_000, 2_500, 1_000_000), 125_000);
        assert_eq!(premium_cap(100_000, 0, 1_000_000), 100_000, "0: the ask");
        assert_eq!(premium_cap(900_000, 5_000, 1_000_000), 1_000_000, "never above the max price");
        assert_eq!(premium_cap(u64::MAX, u16::MAX, u64::MAX), u64::MAX);
    }

    #[test]
    fn a_sybil_runner_up_cannot_raise_a_lone_winner_past_the_cap() {
        use crate::score::{BidTerms, Limits, RankKey, Weights};
        use crate::vickrey::Winner;
        let weights = Weights { quality: 4_000, cost: 3_000, speed: 2_000, reputation: 1_000 };
        let limits = Limits { max_price: 1_000_000, max_latency: 1_000 };
        let winner = Winner {
            terms: BidTerms { price: 100_000, quality_bps: 9_000, latency: 10 },
            reputation: 0,
            tiebreak: [0; 32],
        };
        // A sybil runner-up with nothing to offer lifts the second-score price to the max...
        let sybil = RankKey { score: 0, reputation: 0, latency: 1_000, tiebreak: [1; 32] };
        let second = crate::vickrey::second_score_payment(&weights, &limits, &winner, Some(&sybil));
        assert_eq!(second, Ok(1_000_000));
        // ...which the widest cap (65,535 bps: 7.55 times the ask) still bounds.
        let widest = payment(
            Pricing::SecondScore { premium_cap_bps: u16::MAX },
            &weights,
            &limits,
            &winner,
            Some(&sybil),
        );
        assert_eq!(widest, Ok(TokenAtoms(755_350)));
        let capped = payment(
            Pricing::SecondScore { premium_cap_bps: 2_500 },
            &weights,
            &limits,
            &winner,
            Some(&sybil),
        );
        assert_eq!(capped, Ok(TokenAtoms(125_000)));
        let alone =
            payment(Pricing::SecondScore { premium_cap_bps: 2_500 }, &weights, &limits, &winner, None);
        assert_eq!(alone, Ok(TokenAtoms(100_000)), "a lone winner is paid its ask");
    }

    #[test]
    fn a_payment_above_the_escrow_is_an_error() {
        assert!(split(TokenAtoms(9), TokenAtoms(10), Bps::ONE).is_err());
    }
}
