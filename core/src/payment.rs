//! What the winner of an intent is paid, and how the escrow splits when the job ends.
//!
//! - Payment by pricing rule: first-price and continuous auctions pay the winner's ask; Vickrey
//!   pays the second-score price ([`crate::vickrey`]), in `[ask, max_price]`.
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
    /// The price at which the winner would tie the runner-up (Vickrey sealed).
    SecondScore,
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
        Pricing::SecondScore => second_score_payment(weights, limits, winner, runner_up).map(TokenAtoms),
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
    fn a_payment_above_the_escrow_is_an_error() {
        assert!(split(TokenAtoms(9), TokenAtoms(10), Bps::ONE).is_err());
    }
}
