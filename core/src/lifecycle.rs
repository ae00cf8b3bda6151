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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    Awarded,
    Expired,
    Cancelled,
    Submitted,
    Completed,
    /// The requester disputed the result; the arbitrator decides until `dispute_end`.
    Disputed,
    /// Every allowed failover was used: the escrow was refunded in full.
    Failed,
}

impl Status {
    /// Nothing more happens to the job: its accounts may close.
    pub fn is_terminal(self) -> bool {
        match self {
            Status::Expired | Status::Cancelled | Status::Completed | Status::Failed => true,
            Status::Open | Status::Awarded | Status::Submitted | Status::Disputed => false,
        }
    }
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
    /// First slot at which an awarded job with no result may be failed over for its deadline
    /// (0: not awarded).
    pub execution_deadline: u64,
    /// First slot at which an ended job may close as far as the reply to its rating goes: the
    /// end of the agent's window to contest, or of the judges' window once contested (0: no
    /// reply pending).
    pub reply_end: u64,
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
    Failed,
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
        Status::Failed => Stage::Failed,
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
    /// `bid_close` (permissionless) of each bid still open on a finished intent: what its close
    /// waits on. The bidders get their rent and bonds back as if they had closed them.
    CloseBids,
    /// `failover_trigger`: the winner missed its deadline (or went silent, see [`failover_due`]).
    Failover,
}

impl Crank {
    /// Every crank, for those that count or label them all (the keeper's metrics).
    pub const ALL: [Crank; 5] =
        [Crank::Settle, Crank::Finalize, Crank::Close, Crank::CloseBids, Crank::Failover];
}

/// Why a winner may be failed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailoverReason {
    /// No result by the execution deadline.
    DeadlineMissed,
    /// No heartbeat for the registry's heartbeat timeout, counted from the award at the earliest.
    Silent,
}

/// May the winner of a job awarded at `award_slot`, due by `deadline`, whose agent last
/// heartbeated at `last_heartbeat`, be failed over at `now` (registry heartbeat timeout
/// `timeout`)? Silence is counted from the award at the earliest, so a fresh award is never
/// failed at once. The program and the keeper both decide with this.
pub fn failover_due(
    now: u64,
    award_slot: u64,
    deadline: u64,
    last_heartbeat: u64,
    timeout: u64,
) -> Option<FailoverReason> {
    if now >= deadline {
        return Some(FailoverReason::DeadlineMissed);
    }
    // Before the deadline, `failover_from` is the first slot of silence.
    (now >= failover_from(award_slot, deadline, last_heartbeat, timeout)).then_some(FailoverReason::Silent)
}

/// Silent: more than `timeout` slots have passed since `alive_since` (the last heartbeat).
/// Exact at every boundary: a slot before `alive_since` is never silent, and an agent whose
/// silence would begin past the last slot never is.
pub fn is_silent(now: u64, alive_since: u64, timeout: u64) -> bool {
    silent_from(alive_since, timeout).is_some_and(|from| now >= from)
}

/// The first slot at which an agent alive at `alive_since` counts as silent: `alive_since +
/// timeout + 1`, or `None` when that is past the last slot (it never counts as silent).
pub fn silent_from(alive_since: u64, timeout: u64) -> Option<u64> {
    alive_since.checked_add(timeout)?.checked_add(1)
}

/// The first slot at which [`failover_due`] holds: the deadline, or the first slot of the
/// winner's silence if that comes first. What a keeper schedules the failover crank for.
pub fn failover_from(award_slot: u64, deadline: u64, last_heartbeat: u64, timeout: u64) -> u64 {
    silent_from(award_slot.max(last_heartbeat), timeout).map_or(deadline, |silent| deadline.min(silent))
}

/// The next crank an intent needs and the first slot at which the program accepts it, or `None`
/// when it is gone (a cancelled intent closes in the same instruction) or waits on its parties:
/// an ended intent whose escrow still holds a share for a party whose account could not receive
/// it (`escrow_open`) closes only after that party claims it.
pub fn next_due(
    status: Status,
    timeline: &Timeline,
    open_bids: u32,
    escrow_open: bool,
) -> Option<(Crank, u64)> {
    match status {
        Status::Open => Some((Crank::Settle, timeline.settle_from())),
        Status::Submitted | Status::Disputed => Some((Crank::Finalize, timeline.dispute_end)),
        Status::Awarded => Some((Crank::Failover, timeline.execution_deadline)),
        Status::Expired | Status::Completed | Status::Failed if open_bids > 0 => Some((Crank::CloseBids, 0)),
        Status::Expired | Status::Completed | Status::Failed if escrow_open => None,
        Status::Expired | Status::Completed | Status::Failed => Some((Crank::Close, timeline.reply_end)),
        Status::Cancelled => None,
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    use super::*;

    #[test]
    fn every_crank_is_in_all() {
        for crank in Crank::ALL {
            // Exhaustive: a new crank fails to compile here until it is listed in ALL.
            let at = match crank {
                Crank::Settle => 0,
                Crank::Finalize => 1,
                Crank::Close => 2,
                Crank::CloseBids => 3,
                Crank::Failover => 4,
            };
            assert_eq!(Crank::ALL[at], crank);
        }
    }

    const T: Timeline = Timeline {
        commit_end: 10,
        reveal_end: 20,
        rerank_end: 0,
        dispute_end: 0,
        execution_deadline: 0,
        reply_end: 0,
    };

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
        assert_eq!(next_due(Status::Open, &t, 3, true), Some((Crank::Settle, 30)));
        assert_eq!(next_due(Status::Open, &T, 3, true), Some((Crank::Settle, 20)));
    }

    #[test]
    fn an_expired_intent_closes_once_its_bids_are_closed() {
        assert_eq!(next_due(Status::Expired, &T, 1, false), Some((Crank::CloseBids, 0)));
        assert_eq!(next_due(Status::Expired, &T, 0, false), Some((Crank::Close, 0)));
        assert_eq!(next_due(Status::Failed, &T, 0, false), Some((Crank::Close, 0)));
        assert_eq!(next_due(Status::Completed, &T, 0, false), Some((Crank::Close, 0)));
        let replying = Timeline { reply_end: 900, ..T };
        assert_eq!(
            next_due(Status::Completed, &replying, 0, false),
            Some((Crank::Close, 900)),
            "after the reply"
        );
        // A share kept in the escrow waits for its party: bids still close, the intent does not.
        assert_eq!(next_due(Status::Completed, &T, 1, true), Some((Crank::CloseBids, 0)));
        assert_eq!(next_due(Status::Completed, &T, 0, true), None);
    }

    #[test]
    fn a_submitted_result_is_finalizable_from_the_end_of_its_dispute_window() {
        let t = Timeline { dispute_end: 500, ..T };
        assert_eq!(stage(Status::Submitted, &t, 499), Stage::Submitted);
        assert_eq!(stage(Status::Submitted, &t, 500), Stage::Finalizable);
        assert_eq!(next_due(Status::Submitted, &t, 2, true), Some((Crank::Finalize, 500)));
    }

    #[test]
    fn an_unresolved_dispute_is_finalizable_from_the_end_of_the_arbitrators_window() {
        let t = Timeline { dispute_end: 900, ..T };
        assert_eq!(stage(Status::Disputed, &t, 899), Stage::Disputed);
        assert_eq!(stage(Status::Disputed, &t, 900), Stage::Finalizable);
        assert_eq!(next_due(Status::Disputed, &t, 2, true), Some((Crank::Finalize, 900)));
    }

    #[test]
    fn an_awarded_job_is_failed_over_at_its_deadline_or_after_silence_counted_from_the_award() {
        let t = Timeline { execution_deadline: 400, ..T };
        assert_eq!(next_due(Status::Awarded, &t, 1, true), Some((Crank::Failover, 400)));
        // Awarded at 100, timeout 50, heartbeat long ago: silent only from 151.
        assert_eq!(failover_due(150, 100, 400, 10, 50), None);
        assert_eq!(failover_due(151, 100, 400, 10, 50), Some(FailoverReason::Silent));
        // A heartbeat at 200 keeps it alive through 250.
        assert_eq!(failover_due(250, 100, 400, 200, 50), None);
        assert_eq!(failover_due(251, 100, 400, 200, 50), Some(FailoverReason::Silent));
        assert_eq!(failover_due(400, 100, 400, 399, 50), Some(FailoverReason::DeadlineMissed));
    }

    #[test]
    fn silence_is_exact_at_the_last_slot() {
        // The review's case: alive at the last slot with no timeout is not silent at once.
        assert!(!is_silent(u64::MAX, u64::MAX, 0));
        assert_eq!(silent_from(u64::MAX, 0), None);
        assert_eq!(silent_from(u64::MAX - 1, 0), Some(u64::MAX));
        assert!(is_silent(u64::MAX, u64::MAX - 1, 0));
        assert!(!is_silent(10, 10, 0) && is_silent(11, 10, 0));
        assert!(!is_silent(5, 10, 0), "a slot before the heartbeat is never silent");
        assert_eq!(failover_from(u64::MAX, 500, 0, 0), 500, "never silent: the deadline rules");
        assert_eq!(failover_due(u64::MAX - 1, u64::MAX, u64::MAX, u64::MAX, 0), None);
    }

    proptest::proptest! {
        /// `is_silent` is exactly "more than `timeout` slots after `alive_since`", computed
        /// without overflow in 128 bits.
        #[test]
        fn is_silent_is_exact(now: u64, alive_since: u64, timeout: u64) {
            let exact = u128::from(now) > u128::from(alive_since) + u128::from(timeout);
            proptest::prop_assert_eq!(is_silent(now, alive_since, timeout), exact);
        }
    }

    #[test]
    fn failover_from_is_the_first_slot_failover_due_holds() {
        for (award, deadline, heartbeat, timeout) in
            [(100, 400, 10, 50), (100, 400, 200, 50), (100, 120, 10, 50), (0, 9, 0, 0)]
        {
            let from = failover_from(award, deadline, heartbeat, timeout);
            for now in 0..500 {
                assert_eq!(
                    failover_due(now, award, deadline, heartbeat, timeout).is_some(),
                    now >= from,
                    "{now}"
                );
            }
        }
    }
}
