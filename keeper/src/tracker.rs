//! Everything the keeper knows of the chain between two looks at it: each tracked intent's
//! [`Snapshot`], the last heartbeat of every agent that currently holds a job, and the
//! [`DueIndex`] built from them. Fed by the watcher (or, in-process, by whoever reads the chain);
//! transport-free, so the benchmarks drive it with synthetic accounts.
use std::collections::{HashMap, HashSet};

use agx_core::lifecycle::Status;
use agx_sdk::Pubkey;

use crate::schedule::{next_crank, Due, DueIndex, Liveness, Snapshot};

/// One tracked intent: what decides its next crank, and the slot of the data it came from (an
/// older notification never overwrites newer data).
#[derive(Clone, Copy, Debug)]
struct Entry {
    snapshot: Snapshot,
    seen_slot: u64,
}

#[derive(Debug)]
pub struct Tracker {
    heartbeat_timeout: u64,
    intents: HashMap<Pubkey, Entry>,
    index: DueIndex,
    /// Awarded intents by their winner: a heartbeat re-schedules exactly these.
    jobs: HashMap<Pubkey, HashSet<Pubkey>>,
    heartbeats: HashMap<Pubkey, u64>,
}

impl Tracker {
    pub fn new(heartbeat_timeout: u64) -> Self {
        Self {
            heartbeat_timeout,
            intents: HashMap::new(),
            index: DueIndex::default(),
            jobs: HashMap::new(),
            heartbeats: HashMap::new(),
        }
    }

    /// Records `intent`'s state as of `slot` (ignored when older than what is known).
    pub fn upsert_intent(&mut self, intent: Pubkey, snapshot: Snapshot, slot: u64) {
        if self.intents.get(&intent).is_some_and(|e| e.seen_slot > slot) {
            return;
        }
        self.unlink_job(&intent);
        if let Some(winner) = snapshot.watched_winner() {
            self.jobs.entry(winner).or_default().insert(intent);
        }
        self.intents.insert(intent, Entry { snapshot, seen_slot: slot });
        self.reschedule(intent);
    }

    /// Forgets `intent` (its account is closed).
    pub fn remove_intent(&mut self, intent: &Pubkey) {
        self.unlink_job(intent);
        self.intents.remove(intent);
        self.index.remove(intent);
    }

    /// The jobs `agent` holds (awarded intents it won).
    pub fn jobs_of(&self, agent: &Pubkey) -> Vec<Pubkey> {
        self.jobs.get(agent).into_iter().flatten().copied().collect()
    }

    /// Records an agent's last heartbeat; re-schedules the failovers of the jobs it holds.
    pub fn upsert_agent(&mut self, agent: Pubkey, last_heartbeat_slot: u64) {
        // Kept for every agent, not only current winners: a later award reads it.
        self.heartbeats.insert(agent, last_heartbeat_slot);
        for intent in self.jobs_of(&agent) {
            self.reschedule(intent);
        }
    }

    /// Replaces everything with a full read of the chain (start-up and every reconnect): intents
    /// not in it are gone.
    pub fn resync(&mut self, intents: Vec<(Pubkey, Snapshot)>, agents: Vec<(Pubkey, u64)>, slot: u64) {
        self.heartbeats = agents.into_iter().collect();
        let present: HashSet<Pubkey> = intents.iter().map(|(k, _)| *k).collect();
        let gone: Vec<Pubkey> = self.intents.keys().filter(|k| !present.contains(k)).copied().collect();
        for intent in gone {
            self.remove_intent(&intent);
        }
        for (intent, snapshot) in intents {
            // A full read is authoritative: it replaces even newer-looking entries.
            if let Some(entry) = self.intents.get_mut(&intent) {
                entry.seen_slot = 0;
            }
            self.upsert_intent(intent, snapshot, slot);
        }
    }

    /// The registry's heartbeat timeout changed: every held job's failover moves with it.
    pub fn set_heartbeat_timeout(&mut self, heartbeat_timeout: u64) {
        if heartbeat_timeout == self.heartbeat_timeout {
            return;
        }
        self.heartbeat_timeout = heartbeat_timeout;
        let held: Vec<Pubkey> = self.jobs.values().flatten().copied().collect();
        for intent in held {
            self.reschedule(intent);
        }
    }

    fn unlink_job(&mut self, intent: &Pubkey) {
        let Some(winner) = self.intents.get(intent).and_then(|e| e.snapshot.watched_winner()) else {
            return;
        };
        if let Some(jobs) = self.jobs.get_mut(&winner) {
            jobs.remove(intent);
            if jobs.is_empty() {
                self.jobs.remove(&winner);
            }
        }
    }

    fn reschedule(&mut self, intent: Pubkey) {
        let Some(entry) = self.intents.get(&intent) else { return };
        let winner = entry.snapshot.watched_winner().and_then(|agent| {
            self.heartbeats.get(&agent).map(|&last_heartbeat_slot| Liveness {
                last_heartbeat_slot,
                heartbeat_timeout: self.heartbeat_timeout,
            })
        });
        self.index.set(intent, next_crank(&entry.snapshot, winner));
    }

    /// Every crank due at `slot`, earliest first.
    pub fn due_at(&self, slot: u64) -> impl Iterator<Item = (Pubkey, Due)> + '_ {
        self.index.due_at(slot)
    }

    pub fn next_slot(&self) -> Option<u64> {
        self.index.next_slot()
    }

    pub fn due(&self, intent: &Pubkey) -> Option<Due> {
        self.index.get(intent)
    }

    pub fn len(&self) -> usize {
        self.intents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.intents.is_empty()
    }

    /// How many tracked intents are in each status (metrics).
    pub fn count_by_status(&self) -> HashMap<Status, usize> {
        let mut counts = HashMap::new();
        for entry in self.intents.values() {
            *counts.entry(entry.snapshot.status).or_insert(0) += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agx_core::lifecycle::{Crank, Timeline};

    fn awarded(winner: Pubkey, award_slot: u64, deadline: u64) -> Snapshot {
        Snapshot {
            status: Status::Awarded,
            timeline: Timeline { execution_deadline: deadline, ..Timeline::default() },
            open_bids: 1,
            escrow_open: true,
            award_slot,
            winner_agent: winner,
        }
    }

    #[test]
    fn a_heartbeat_moves_the_failover_of_the_jobs_its_agent_holds() {
        let mut t = Tracker::new(50);
        let (agent, other) = (Pubkey::new_unique(), Pubkey::new_unique());
        let (job, other_job) = (Pubkey::new_unique(), Pubkey::new_unique());
        t.upsert_intent(job, awarded(agent, 100, 1_000), 100);
        t.upsert_intent(other_job, awarded(other, 100, 1_000), 100);
        assert_eq!(t.due(&job), Some(Due { crank: Crank::Failover, slot: 1_000 }), "no heartbeat known");
        t.upsert_agent(agent, 90);
        assert_eq!(t.due(&job).map(|d| d.slot), Some(151), "silent from the award on");
        t.upsert_agent(agent, 400);
        assert_eq!(t.due(&job).map(|d| d.slot), Some(451));
        assert_eq!(t.due(&other_job).map(|d| d.slot), Some(1_000), "another agent's job untouched");
        // Delivered: the heartbeat no longer matters.
        let submitted = Snapshot {
            status: Status::Submitted,
            timeline: Timeline { dispute_end: 700, ..Timeline::default() },
            ..awarded(agent, 100, 1_000)
        };
        t.upsert_intent(job, submitted, 450);
        t.upsert_agent(agent, 10);
        assert_eq!(t.due(&job), Some(Due { crank: Crank::Finalize, slot: 700 }));
        assert!(!t.jobs.contains_key(&agent));
    }

    #[test]
    fn older_notifications_never_overwrite_newer_state() {
        let mut t = Tracker::new(50);
        let (intent, agent) = (Pubkey::new_unique(), Pubkey::new_unique());
        let closed =
            Snapshot { status: Status::Completed, open_bids: 0, escrow_open: false, ..awarded(agent, 1, 1) };
        t.upsert_intent(intent, closed, 200);
        t.upsert_intent(intent, awarded(agent, 100, 900), 150);
        assert_eq!(t.due(&intent).map(|d| d.crank), Some(Crank::Close));
    }

    #[test]
    fn a_resync_drops_what_is_gone_and_replaces_the_rest() {
        let mut t = Tracker::new(50);
        let (kept, gone, agent) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        t.upsert_intent(kept, awarded(agent, 100, 900), 500);
        t.upsert_intent(gone, awarded(agent, 100, 900), 500);
        t.resync(vec![(kept, awarded(agent, 100, 800))], vec![(agent, 700)], 300);
        assert_eq!(t.len(), 1);
        assert!(t.due(&gone).is_none());
        assert_eq!(t.due(&kept).map(|d| d.slot), Some(751), "the full read wins, heartbeat applied");
        assert_eq!(t.count_by_status().get(&Status::Awarded), Some(&1));
        t.remove_intent(&kept);
        assert!(t.is_empty() && t.next_slot().is_none() && t.jobs.is_empty());
    }

    #[test]
    fn a_new_heartbeat_timeout_moves_the_failovers_of_held_jobs() {
        let mut t = Tracker::new(100);
        let (intent, agent) = (Pubkey::new_unique(), Pubkey::new_unique());
        t.upsert_agent(agent, 50);
        t.upsert_intent(intent, awarded(agent, 1, 1_000), 10);
        let before = t.due(&intent).unwrap();
        assert_eq!(before.crank, agx_core::lifecycle::Crank::Failover);
        t.set_heartbeat_timeout(20);
        let after = t.due(&intent).unwrap();
        assert!(
            after.slot < before.slot,
            "a shorter timeout makes silence fail the winner sooner: {before:?} -> {after:?}"
        );
    }
}
