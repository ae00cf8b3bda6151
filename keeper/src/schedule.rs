//! What the keeper must crank next for each intent, and when: the decision core, independent of
//! the transport (RPC or the embedded chain feed it the same decoded accounts).
//!
//! The rule is the program's own (`agx_core::lifecycle::next_due`, `failover_due`), never
//! re-typed here: a crank is scheduled for the first slot at which the program accepts it.
use std::collections::{BTreeSet, HashMap};

use agx_core::lifecycle::{failover_from, next_due, Crank, Status, Timeline};
use agx_sdk::accounts::Intent;
use agx_sdk::Pubkey;

/// A crank due at `slot` (the program accepts it from that slot on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub crank: Crank,
    pub slot: u64,
}

/// What the keeper knows of an awarded intent's winner: its last heartbeat (silence can make a
/// failover due before the deadline) and the registry's heartbeat timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liveness {
    pub last_heartbeat_slot: u64,
    pub heartbeat_timeout: u64,
}

/// The part of an intent account that decides what it needs next (about 100 bytes instead of
/// the account's 2,160): what the keeper keeps per tracked intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub status: Status,
    pub timeline: Timeline,
    pub open_bids: u32,
    /// The escrow still exists (an ended intent's escrow keeps a share for a party to claim).
    pub escrow_open: bool,
    pub award_slot: u64,
    /// The winner's registry agent while awarded (its heartbeats matter), else default.
    pub winner_agent: Pubkey,
}

impl Snapshot {
    /// `None` for an account whose status this keeper does not know (a newer program version).
    pub fn of(intent: &Intent) -> Option<Self> {
        Some(Self {
            status: intent.lifecycle_status().ok()?,
            timeline: intent.timeline(),
            open_bids: intent.bids_open,
            escrow_open: intent.escrow_open == 1,
            award_slot: intent.award_slot,
            winner_agent: intent.winner_agent,
        })
    }

    /// The agent whose heartbeats can bring this intent's failover forward.
    pub fn watched_winner(&self) -> Option<Pubkey> {
        (self.status == Status::Awarded).then_some(self.winner_agent)
    }
}

/// The next crank an intent needs, if any. For an awarded intent it is the failover, due at the
/// deadline or, with `winner` known, at the first slot of its silence if that comes first.
pub fn next_crank(intent: &Snapshot, winner: Option<Liveness>) -> Option<Due> {
    let (crank, slot) = next_due(intent.status, &intent.timeline, intent.open_bids, intent.escrow_open)?;
    let slot = match (crank, winner) {
        (Crank::Failover, Some(w)) => {
            failover_from(intent.award_slot, slot, w.last_heartbeat_slot, w.heartbeat_timeout)
        }
        _ => slot,
    };
    Some(Due { crank, slot })
}

/// Open intents ordered by the slot their next crank is due: one entry per intent (memory
/// bounded per intent), O(log n) updates, and the due ones read from the front.
#[derive(Debug, Default)]
pub struct DueIndex {
    by_slot: BTreeSet<(u64, Pubkey)>,
    due: HashMap<Pubkey, Due>,
}

impl DueIndex {
    /// Records what `intent` needs next (`None`: nothing, e.g. it waits on its winner or is gone),
    /// replacing what was recorded before.
    pub fn set(&mut self, intent: Pubkey, due: Option<Due>) {
        if let Some(old) = self.due.remove(&intent) {
            self.by_slot.remove(&(old.slot, intent));
        }
        if let Some(due) = due {
            self.by_slot.insert((due.slot, intent));
            self.due.insert(intent, due);
        }
    }

    /// Forgets `intent` (its account was closed).
    pub fn remove(&mut self, intent: &Pubkey) {
        self.set(*intent, None);
    }

    /// Every intent whose crank is due at `slot`, earliest first.
    pub fn due_at(&self, slot: u64) -> impl Iterator<Item = (Pubkey, Due)> + '_ {
        self.by_slot
            .iter()
            .take_while(move |(due, _)| *due <= slot)
            .map(|(_, intent)| (*intent, self.due[intent]))
    }

    /// The slot of the earliest crank, to sleep until.
    pub fn next_slot(&self) -> Option<u64> {
        self.by_slot.first().map(|(slot, _)| *slot)
    }

    pub fn get(&self, intent: &Pubkey) -> Option<Due> {
        self.due.get(intent).copied()
    }

    pub fn len(&self) -> usize {
        self.due.len()
    }

    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agx_sdk::exchange::state::IntentStatus;

    fn intent(status: IntentStatus) -> Intent {
        let mut i: Intent = bytemuck::Zeroable::zeroed();
        i.version = Intent::VERSION;
        i.status = status.to_u8();
        (i.commit_end_slot, i.reveal_end_slot) = (100, 120);
        i
    }

    fn next(intent: &Intent, winner: Option<Liveness>) -> Option<Due> {
        next_crank(&Snapshot::of(intent).expect("known status"), winner)
    }

    #[test]
    fn each_status_schedules_the_crank_the_program_accepts_next() {
        assert_eq!(next(&intent(IntentStatus::Open), None), Some(Due { crank: Crank::Settle, slot: 120 }));
        let mut submitted = intent(IntentStatus::Submitted);
        submitted.dispute_end_slot = 900;
        assert_eq!(next(&submitted, None), Some(Due { crank: Crank::Finalize, slot: 900 }));
        let mut done = intent(IntentStatus::Completed);
        assert_eq!(next(&done, None), Some(Due { crank: Crank::Close, slot: 0 }));
        done.bids_open = 1;
        assert_eq!(next(&done, None), Some(Due { crank: Crank::CloseBids, slot: 0 }), "its bids first");
        (done.bids_open, done.escrow_open) = (0, 1);
        assert_eq!(next(&done, None), None, "a share kept in the escrow waits for its party's claim");
        assert_eq!(next(&intent(IntentStatus::Cancelled), None), None);
    }

    #[test]
    fn a_silent_winner_is_due_for_failover_before_its_deadline() {
        let mut awarded = intent(IntentStatus::Awarded);
        (awarded.award_slot, awarded.execution_deadline_slot) = (200, 500);
        let at_deadline = Due { crank: Crank::Failover, slot: 500 };
        assert_eq!(next(&awarded, None), Some(at_deadline));
        let quiet = Liveness { last_heartbeat_slot: 10, heartbeat_timeout: 50 };
        assert_eq!(next(&awarded, Some(quiet)), Some(Due { crank: Crank::Failover, slot: 251 }));
        assert_eq!(
            agx_core::lifecycle::failover_due(251, 200, 500, 10, 50),
            Some(agx_core::lifecycle::FailoverReason::Silent),
            "the slot the program accepts"
        );
        assert_eq!(agx_core::lifecycle::failover_due(250, 200, 500, 10, 50), None);
        let beating = Liveness { last_heartbeat_slot: 480, heartbeat_timeout: 50 };
        assert_eq!(next(&awarded, Some(beating)), Some(at_deadline));
    }

    #[test]
    fn the_index_keeps_one_entry_per_intent_in_due_order() {
        let mut index = DueIndex::default();
        let (a, b, c) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        index.set(a, Some(Due { crank: Crank::Settle, slot: 30 }));
        index.set(b, Some(Due { crank: Crank::Finalize, slot: 10 }));
        index.set(c, Some(Due { crank: Crank::Close, slot: 20 }));
        index.set(a, Some(Due { crank: Crank::Failover, slot: 5 }));
        assert_eq!(index.len(), 3);
        assert_eq!(index.next_slot(), Some(5));
        let due: Vec<_> = index.due_at(20).map(|(k, _)| k).collect();
        assert_eq!(due, vec![a, b, c]);
        index.set(b, None);
        index.remove(&c);
        assert_eq!(
            index.due_at(u64::MAX).map(|(k, d)| (k, d.crank)).collect::<Vec<_>>(),
            vec![(a, Crank::Failover)]
        );
        index.remove(&a);
        assert!(index.is_empty() && index.next_slot().is_none());
    }

    #[test]
    fn the_index_agrees_with_a_naive_model_under_random_updates() {
        let keys: Vec<Pubkey> = (0..16).map(|_| Pubkey::new_unique()).collect();
        let mut index = DueIndex::default();
        let mut model: HashMap<Pubkey, u64> = HashMap::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let key = keys[(seed % 16) as usize];
            let slot = (seed >> 8) % 1_000;
            if seed.is_multiple_of(5) {
                index.remove(&key);
                model.remove(&key);
            } else {
                index.set(key, Some(Due { crank: Crank::Settle, slot }));
                model.insert(key, slot);
            }
            let now = (seed >> 20) % 1_000;
            let mut expected: Vec<(u64, Pubkey)> =
                model.iter().filter(|(_, s)| **s <= now).map(|(k, s)| (*s, *k)).collect();
            expected.sort();
            let got: Vec<(u64, Pubkey)> = index.due_at(now).map(|(k, d)| (d.slot, k)).collect();
            assert_eq!(got, expected);
            assert_eq!(index.len(), model.len());
        }
    }
}
