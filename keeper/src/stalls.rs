//! Jobs whose progress has stopped moving (issue 25): an agent's heartbeats keep it alive, but a
//! job whose progress has not changed for a configured number of heartbeats in a row (the
//! registry's `stalled_beats`) is flagged, once when it stalls and once when it moves again. The
//! keeper only reports it: a stalled job is not a failed one until its deadline or silence says
//! so, but its requester (and the dashboard) want to know.
use std::collections::HashMap;

use agx_sdk::Pubkey;

/// Heartbeats without progress after which a job is flagged, by default.
pub const DEFAULT_STALL_HEARTBEATS: u16 = 3;

/// An agent whose job is stalled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stall {
    pub agent: Pubkey,
    /// The progress it keeps reporting, bps.
    pub progress_bps: u16,
    /// Heartbeats in a row without progress.
    pub beats: u16,
}

/// A change worth reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Stalled(Stall),
    Moving(Pubkey),
}

/// Which agents are stalled now, by the threshold (`0`: never flag).
#[derive(Debug, Default)]
pub struct Stalls {
    threshold: u16,
    stalled: HashMap<Pubkey, Stall>,
}

impl Stalls {
    pub fn new(threshold: u16) -> Self {
        Self { threshold, stalled: HashMap::new() }
    }

    /// Records an agent's latest heartbeat figures; returns the change, if its state changed.
    pub fn observe(&mut self, agent: Pubkey, stalled_beats: u16, progress_bps: u16) -> Option<Change> {
        let stalled = self.threshold > 0 && stalled_beats >= self.threshold;
        match (stalled, self.stalled.contains_key(&agent)) {
            (true, false) => {
                let stall = Stall { agent, progress_bps, beats: stalled_beats };
                self.stalled.insert(agent, stall);
                Some(Change::Stalled(stall))
            }
            (true, true) => {
                self.stalled.insert(agent, Stall { agent, progress_bps, beats: stalled_beats });
                None
            }
            (false, true) => {
                self.stalled.remove(&agent);
                Some(Change::Moving(agent))
            }
            (false, false) => None,
        }
    }

    /// The agent's stall, if it is stalled.
    pub fn get(&self, agent: &Pubkey) -> Option<Stall> {
        self.stalled.get(agent).copied()
    }

    /// Agents stalled now.
    pub fn len(&self) -> usize {
        self.stalled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stalled.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_flagged_once_when_it_stalls_and_once_when_it_moves() {
        let agent = Pubkey::new_unique();
        let mut s = Stalls::new(3);
        assert_eq!(s.observe(agent, 2, 5_000), None, "below the threshold");
        let stall = Stall { agent, progress_bps: 5_000, beats: 3 };
        assert_eq!(s.observe(agent, 3, 5_000), Some(Change::Stalled(stall)));
        assert_eq!(s.observe(agent, 4, 5_000), None, "reported once");
        assert_eq!(s.get(&agent).map(|s| s.beats), Some(4));
        assert_eq!(s.len(), 1);
        assert_eq!(s.observe(agent, 0, 6_000), Some(Change::Moving(agent)));
        assert!(s.is_empty());
    }

    #[test]
    fn a_zero_threshold_never_flags() {
        let mut s = Stalls::new(0);
        assert_eq!(s.observe(Pubkey::new_unique(), u16::MAX, 1), None);
    }
}
