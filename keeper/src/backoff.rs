//! When an intent may be tried again after a crank of it went wrong.
//!
//! A crank that fails for a reason that is neither a lost race nor "not yet" (a requester closed
//! the account a settle pays, the cluster refused the transaction, ...) would fail again at once
//! and cost a fee every time: each failure doubles the wait for that intent, from
//! [`FAILURE_BASE_SLOTS`] up to [`FAILURE_MAX_SLOTS`], so no intent makes a keeper pay at full
//! rate for ever. A crank skipped as not worth its fees waits [`SKIP_SLOTS`]. A crank that lands,
//! a lost race (the intent moved on) and a closed intent clear the record.
use std::collections::HashMap;

use agx_sdk::Pubkey;

/// The wait after a first failure, in slots (about 3 s).
pub const FAILURE_BASE_SLOTS: u64 = 8;
/// The longest wait after repeated failures, in slots (about 27 min).
pub const FAILURE_MAX_SLOTS: u64 = FAILURE_BASE_SLOTS << 9;
/// The wait after a crank was not worth its fees, in slots (about a minute).
pub const SKIP_SLOTS: u64 = 150;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Record {
    failures: u32,
    not_before: u64,
}

#[derive(Debug, Default)]
pub struct Backoff {
    intents: HashMap<Pubkey, Record>,
}

impl Backoff {
    /// A failure of `intent`'s crank at `now`: returns how many slots it now waits.
    pub fn failed(&mut self, intent: Pubkey, now: u64) -> u64 {
        let record = self.intents.entry(intent).or_default();
        record.failures = record.failures.saturating_add(1);
        let doublings =
            record.failures.saturating_sub(1).min(FAILURE_MAX_SLOTS.ilog2() - FAILURE_BASE_SLOTS.ilog2());
        let wait = (FAILURE_BASE_SLOTS << doublings).min(FAILURE_MAX_SLOTS);
        record.not_before = now.saturating_add(wait);
        wait
    }

    /// `intent`'s crank was not worth its fees at `now`.
    pub fn skipped(&mut self, intent: Pubkey, now: u64) {
        let record = self.intents.entry(intent).or_default();
        record.not_before = now.saturating_add(SKIP_SLOTS);
    }

    /// `intent`'s crank landed, or someone else's did, or it is gone: start afresh.
    pub fn clear(&mut self, intent: &Pubkey) {
        self.intents.remove(intent);
    }

    /// May `intent` be tried at `now`?
    pub fn ready(&self, intent: &Pubkey, now: u64) -> bool {
        self.intents.get(intent).is_none_or(|r| r.not_before <= now)
    }

    /// Failures in a row of `intent`'s crank.
    pub fn failures(&self, intent: &Pubkey) -> u32 {
        self.intents.get(intent).map_or(0, |r| r.failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_doubles_the_wait_up_to_the_cap() {
        let (mut b, intent) = (Backoff::default(), Pubkey::new_unique());
        let waits: Vec<u64> = (0..14).map(|_| b.failed(intent, 100)).collect();
        assert_eq!(&waits[..4], [8, 16, 32, 64]);
        assert_eq!(waits[9..], [FAILURE_MAX_SLOTS; 5], "capped at {FAILURE_MAX_SLOTS}");
        assert_eq!(b.failures(&intent), 14);
        assert!(!b.ready(&intent, 100 + FAILURE_MAX_SLOTS - 1));
        assert!(b.ready(&intent, 100 + FAILURE_MAX_SLOTS));
        assert!(b.ready(&Pubkey::new_unique(), 0), "another intent is not held back");
        b.clear(&intent);
        assert_eq!(
            (b.failures(&intent), b.failed(intent, 7)),
            (0, FAILURE_BASE_SLOTS),
            "a landing starts afresh"
        );
    }

    /// The review's case: a requester closed its refund account and every settle fails. Over an
    /// hour (9,000 slots), one keeper tries a handful of times, not once every 8 slots.
    #[test]
    fn a_crank_that_always_fails_is_tried_a_few_times_an_hour() {
        let (mut b, intent) = (Backoff::default(), Pubkey::new_unique());
        let tries = (0..9_000u64).filter(|now| b.ready(&intent, *now) && b.failed(intent, *now) > 0).count();
        assert_eq!(tries, 11, "8, 16, ... 4,096 slots apart, then every 4,096");
        let at_full_rate = 9_000 / FAILURE_BASE_SLOTS;
        assert!(tries * 100 < at_full_rate as usize, "{tries} tries vs {at_full_rate}");
    }

    #[test]
    fn a_skip_waits_a_fixed_time_and_keeps_the_failure_count() {
        let (mut b, intent) = (Backoff::default(), Pubkey::new_unique());
        b.failed(intent, 0);
        b.skipped(intent, 10);
        assert!(!b.ready(&intent, 10 + SKIP_SLOTS - 1) && b.ready(&intent, 10 + SKIP_SLOTS));
        assert_eq!(b.failures(&intent), 1);
    }
}
