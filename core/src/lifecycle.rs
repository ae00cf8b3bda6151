//! Where an intent is in its life at a given slot, and which crank it needs next.
//!
//! One predicate for everyone: the program's instructions validate with [`Timeline::phase`] and
//! [`stage`], and the keeper schedules with [`next_due`], so a crank is sent exactly when the
//! program will accept it.
//!
//! Slots are half-open: bids are taken while `now < commit_end`, reveals while
//! `commit_end <= now < reveal_end` (continuous auctions have `reveal_end == commit_end`), and
//! settlement from `reveal_end` on. A disqualification at settlement may open a re-rank window;
//! nothing is awarded or expired before `rerank_end`.

/// The stored status of an intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Open,
    Awarded,
    Expired,
    Cancelled,
    Submitted,
    Completed,
    /// The requester disputed the result; the arbitrator decides until `dispute_end`.
    Disputed,
}

/// The slots that bound an intent's auction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// First slot without bids (commits, or clear bids on a continuous auction).
    pub commit_end: u64,
    /// First slot without reveals; equal to `commit_end` for continuous auctions.
    pub reveal_end: u64,
    /// First slot at which an award or expiry may happen again after a disqualification (0: none).
    pub rerank_end: u64,
    /// First slot at which a submitted result may be finalized without the requester; once
    /// disputed, first slot at which it may be finalized without the arbitrator (0: none).
    pub dispute_end: u64,
}

/// The auction's phase by the clock alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Sealed: commits accepted. Continuous: bids accepted.
    Bidding,
    /// Sealed only: reveals accepted.
    Revealing,
    /// Windows closed: settle.
    Closed,
}

impl Timeline {
    pub fn phase(&self, now: u64) -> Phase {
        if now < self.commit_end {
            Phase::Bidding
        } else if now < self.reveal_end {
            Phase::Revealing
        } else {
            Phase::Closed
        }
    }

    /// The first slot at which the auction may be awarded or expired.
    pub fn settle_from(&self) -> u64 {
        self.reveal_end.max(self.rerank_end)
    }
}

/// Status and clock together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Bidding,
    Revealing,
    /// Windows closed, but a re-rank window is open: bids may be re-ranked, heads dropped.
    Reranking,
    /// Ready to award (or expire).
    Settling,
    Awarded,
    /// A result waits for the requester until `dispute_end`.
    Submitted,
    /// The dispute window passed (or the arbitrator's, once disputed): anyone may finalize.
    Finalizable,
    /// Disputed: the arbitrator resolves until `dispute_end`.
    Disputed,
    Completed,
    Expired,
    Cancelled,
}

pub fn stage(status: Status, timeline: &Timeline, now: u64) -> Stage {
    match status {
        Status::Open => match timeline.phase(now) {
            Phase::Bidding => Stage::Bidding,
            Phase::Revealing => Stage::Revealing,
            Phase::Closed if now < timeline.rerank_end => Stage::Reranking,
            Phase::Closed => Stage::Settling,
        },
        Status::Awarded => Stage::Awarded,
        Status::Submitted if now < timeline.dispute_end => Stage::Submitted,
        Status::Submitted => Stage::Finalizable,
        Status::Disputed if now < timeline.dispute_end => Stage::Disputed,
        Status::Disputed => Stage::Finalizable,
        Status::Completed => Stage::Completed,
        Status::Expired => Stage::Expired,
        Status::Cancelled => Stage::Cancelled,
    }
}

/// A crank the protocol needs from someone (a keeper).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crank {
    /// `auction_settle`.
    Settle,
    /// `intent_finalize`: optimistic acceptance after the dispute window (or after the
    /// arbitrator's window, when the arbitrator did not resolve a dispute).
    Finalize,
    /// `intent_close` of a finished intent whose bids are all closed.
    Close,
}

/// The next crank an intent needs and the first slot at which the program accepts it, or `None`
/// when it waits on someone else (bids to be closed, the winner's job) or is gone.
pub fn next_due(status: Status, timeline: &Timeline, open_bids: u32) -> Option<(Crank, u64)> {
    match status {
        Status::Open => Some((Crank::Settle, timeline.settle_from())),
        Status::Submitted | Status::Disputed => Some((Crank::Finalize, timeline.dispute_end)),
        Status::Expired | Status::Completed if open_bids == 0 => Some((Crank::Close, 0)),
        Status::Expired | Status::Completed | Status::Awarded | Status::Cancelled => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timeline = Timeline { commit_end: 10, reveal_end: 20, rerank_end: 0, dispute_end: 0 };

    #[test]
    fn windows_are_half_open() {
        assert_eq!(
            [9, 10, 19, 20].map(|now| stage(Status::Open, &T, now)),
            [Stage::Bidding, Stage::Revealing, Stage::Revealing, Stage::Settling]
        );
        let continuous = Timeline { commit_end: 10, reveal_end: 10, ..T };
        assert_eq!(stage(Status::Open, &continuous, 10), Stage::Settling);
    }

    #[test]
    fn a_rerank_window_delays_the_settle_crank() {
        let t = Timeline { rerank_end: 30, ..T };
        assert_eq!(stage(Status::Open, &t, 25), Stage::Reranking);
        assert_eq!(stage(Status::Open, &t, 30), Stage::Settling);
        assert_eq!(next_due(Status::Open, &t, 3), Some((Crank::Settle, 30)));
        assert_eq!(next_due(Status::Open, &T, 3), Some((Crank::Settle, 20)));
    }

    #[test]
    fn an_expired_intent_closes_once_its_bids_are_closed() {
        assert_eq!(next_due(Status::Expired, &T, 1), None);
        assert_eq!(next_due(Status::Expired, &T, 0), Some((Crank::Close, 0)));
        assert_eq!(next_due(Status::Awarded, &T, 0), None);
        assert_eq!(next_due(Status::Completed, &T, 0), Some((Crank::Close, 0)));
    }

    #[test]
    fn a_submitted_result_is_finalizable_from_the_end_of_its_dispute_window() {
        let t = Timeline { dispute_end: 500, ..T };
        assert_eq!(stage(Status::Submitted, &t, 499), Stage::Submitted);
        assert_eq!(stage(Status::Submitted, &t, 500), Stage::Finalizable);
        assert_eq!(next_due(Status::Submitted, &t, 2), Some((Crank::Finalize, 500)));
    }

    #[test]
    fn an_unresolved_dispute_is_finalizable_from_the_end_of_the_arbitrators_window() {
        let t = Timeline { dispute_end: 900, ..T };
        assert_eq!(stage(Status::Disputed, &t, 899), Stage::Disputed);
        assert_eq!(stage(Status::Disputed, &t, 900), Stage::Finalizable);
        assert_eq!(next_due(Status::Disputed, &t, 2), Some((Crank::Finalize, 900)));
    }
}
