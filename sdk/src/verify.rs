//! Recomputing an auction from on-chain data with `agx_core`, as any observer can.
use agx_core::score::score_bid;
use exchange::state::{Intent, IntentStatus};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the intent account holds an unknown status or auction kind")]
    Corrupt,
    #[error("leaderboard entry {0}: its score {1} is not agx_core's {2}")]
    ScoreMismatch(usize, u16, u16),
    #[error("leaderboard entry {0} does not rank strictly below entry {1}")]
    NotRanked(usize, usize),
    #[error("the awarded winner is not the leaderboard head")]
    WinnerNotHead,
    #[error("the payment {0} is not agx_core's {1}")]
    PaymentMismatch(u64, u64),
    #[error("agx_core refused the terms: {0}")]
    Core(String),
}

/// Checks that every leaderboard entry's score is `agx_core`'s for its terms, that the board
/// is strictly ranked by `agx_core`'s total order, and, once awarded, that the winner is the
/// head and the payment is what the auction kind prescribes.
pub fn verify_auction(intent: &Intent) -> Result<(), VerifyError> {
    let ranked = intent.ranked();
    for (i, e) in ranked.iter().enumerate() {
        let score = score_bid(&intent.weights(), &intent.limits(), &e.terms(), e.reputation)
            .map_err(|err| VerifyError::Core(err.to_string()))?;
        if score != e.score {
            return Err(VerifyError::ScoreMismatch(i, e.score, score));
        }
    }
    for i in 1..ranked.len() {
        if ranked[i - 1].rank_key() <= ranked[i].rank_key() {
            return Err(VerifyError::NotRanked(i, i - 1));
        }
    }
    if intent.status().map_err(|_| VerifyError::Corrupt)? != IntentStatus::Awarded {
        return Ok(());
    }
    // Once awarded, the board is frozen with the winner at its head.
    let head = ranked.first().ok_or(VerifyError::WinnerNotHead)?;
    if head.agent != intent.winner_agent || head.bid != intent.winner_bid {
        return Err(VerifyError::WinnerNotHead);
    }
    let kind = intent.kind().map_err(|_| VerifyError::Corrupt)?;
    let expected = intent
        .head_payment(kind)
        .ok_or(VerifyError::WinnerNotHead)?
        .map_err(|e| VerifyError::Core(format!("{e:?}")))?
        .0;
    if expected != intent.payment {
        return Err(VerifyError::PaymentMismatch(intent.payment, expected));
    }
    Ok(())
}
