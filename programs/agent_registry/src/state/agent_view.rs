//! The fields of an [`Agent`] that the exchange checks, read in place. Decoding a whole `Agent`
//! (Borsh, with its metadata URI copied to the heap) costs ~1,500 CU; the exchange reads agents
//! it does not own on every settlement, failover and bid close, and needs a few fixed fields. The
//! layout is the Borsh layout of `Agent` (a unit test pins the two together).
use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use super::agent_ledger::offsets;
use super::{Agent, AgentLedger, AgentStatus};

/// What other programs check of an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentView {
    pub active: bool,
    pub authority: Pubkey,
    pub capabilities: u64,
    pub staked: u64,
    pub locked: u64,
    pub unstaking: u64,
    pub last_heartbeat_slot: u64,
    /// The overall reputation.
    pub reputation: u16,
    /// Jobs completed, failed and slashed (probation reads them: `agx_core::eligibility::Track`).
    pub completed: u32,
    pub failed: u32,
    pub slashed: u32,
    /// Each skill slot's capability bit and cached score (`agx_core::skills`).
    pub skill_bits: [u8; agx_core::skills::SKILL_SLOTS],
    pub skill_scores: [u16; agx_core::skills::SKILL_SLOTS],
    /// The progress its last heartbeat reported, bps, and how many heartbeats in a row reported
    /// no progress while working (the keeper flags a stalled job).
    pub progress_bps: u16,
    pub stalled_beats: u16,
}

impl AgentView {
    /// Reads an `Agent` account's data (`None`: not an agent, or malformed). The caller checks
    /// the account's owner is the registry.
    pub fn read(data: &[u8]) -> Option<Self> {
        if data.get(..8)? != Agent::DISCRIMINATOR {
            return None;
        }
        let ledger_at = offsets::ledger(data)?;
        let ledger = AgentLedger::read(data.get(ledger_at..)?)?;
        let skills_at =
            ledger_at.checked_add(AgentLedger::LEN)?.checked_add(agx_core::reputation::Patrons::LEN)?;
        let skills = data.get(skills_at..skills_at.checked_add(offsets::SKILLS_LEN)?)?;
        let (table, scores) = skills.split_at(agx_core::skills::Skills::LEN);
        let mut skill_bits = [agx_core::skills::EMPTY; agx_core::skills::SKILL_SLOTS];
        for (bit, slot) in skill_bits.iter_mut().zip(table.chunks_exact(agx_core::skills::Skill::LEN)) {
            *bit = *slot.first()?;
        }
        let mut skill_scores = [0u16; agx_core::skills::SKILL_SLOTS];
        for (score, bytes) in skill_scores.iter_mut().zip(scores.chunks_exact(2)) {
            *score = u16::from_le_bytes(bytes.try_into().ok()?);
        }
        Some(Self {
            active: *data.get(offsets::STATUS)? == AgentStatus::Active as u8,
            authority: Pubkey::new_from_array(
                data.get(offsets::AUTHORITY..offsets::RENT_PAYER)?.try_into().ok()?,
            ),
            capabilities: data
                .get(offsets::CAPABILITIES..offsets::CAPABILITIES.checked_add(8)?)?
                .try_into()
                .ok()
                .map(u64::from_le_bytes)?,
            staked: ledger.staked,
            locked: ledger.locked,
            unstaking: ledger.unstaking,
            last_heartbeat_slot: ledger.last_heartbeat_slot,
            reputation: ledger.reputation,
            completed: ledger.completed,
            failed: ledger.failed,
            slashed: ledger.slashed,
            skill_bits,
            skill_scores,
            progress_bps: ledger.progress_bps,
            stalled_beats: ledger.stalled_beats,
        })
    }

    /// Its track record, as probation reads it.
    pub fn track(&self) -> agx_core::eligibility::Track {
        agx_core::eligibility::Track { completed: self.completed, failed: self.failed, slashed: self.slashed }
    }

    /// The agent's reputation for a job asking for `capabilities`: the lowest cached score of
    /// those it has, the overall figure for one without a slot or when it has none of them
    /// (`agx_core::skills::cached_for`).
    pub fn reputation_for(&self, capabilities: u64) -> u16 {
        agx_core::skills::cached_for(
            &self.skill_bits,
            &self.skill_scores,
            capabilities & self.capabilities,
            self.reputation,
        )
    }

    /// Reads the agent behind `info`, if it is one (owned by the registry, an `Agent`).
    pub fn of(info: &AccountInfo) -> Option<Self> {
        if info.owner != &crate::ID {
            return None;
        }
        Self::read(&info.try_borrow_data().ok()?)
    }

    /// Stake that is neither locked nor unstaking.
    pub fn free_stake(&self) -> u64 {
        super::agent_ledger::free_stake(self.staked, self.locked, self.unstaking)
    }
}

impl From<&Agent> for AgentView {
    fn from(agent: &Agent) -> Self {
        Self {
            active: agent.is_active(),
            authority: agent.authority,
            capabilities: agent.capabilities,
            staked: agent.staked,
            locked: agent.locked,
            unstaking: agent.unstaking,
            last_heartbeat_slot: agent.last_heartbeat_slot,
            reputation: agent.reputation,
            completed: agent.completed,
            failed: agent.failed,
            slashed: agent.slashed,
            skill_bits: agx_core::skills::Skills::from_bytes(&agent.skills).bits(),
            skill_scores: agent.skill_scores,
            progress_bps: agent.progress_bps,
            stalled_beats: agent.stalled_beats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::AccountSerialize;

    #[test]
    fn the_view_reads_what_borsh_wrote() {
        for uri in ["", "https://a.example/agent.json", &"x".repeat(200)] {
            let mut agent = crate::state::agent::sample(uri);
            let mut data = Vec::new();
            agent.try_serialize(&mut data).unwrap();
            assert_eq!(AgentView::read(&data), Some(AgentView::from(&agent)), "uri of {} bytes", uri.len());
            agent.status = AgentStatus::Inactive;
            data.clear();
            agent.try_serialize(&mut data).unwrap();
            assert!(!AgentView::read(&data).unwrap().active);
            assert_eq!(AgentView::read(&data[..100]), None, "truncated");
            data[0] ^= 1;
            assert_eq!(AgentView::read(&data), None, "not an agent");
        }
    }
}
