//! The fields of an [`Agent`] that the exchange checks, read in place. Decoding a whole `Agent`
//! (Borsh, with its metadata URI copied to the heap) costs ~1,500 CU; the exchange reads agents
//! it does not own on every settlement, failover and bid close, and needs a few fixed fields. The
//! layout is the Borsh layout of `Agent` (a unit test pins the two together).
use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use super::{Agent, AgentStatus};

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
    pub reputation: u16,
}

/// Byte offsets in the account data (after the 8-byte discriminator): version, bump, vault bump,
/// status, authority, rent payer, capabilities, capability hash, then the URI's u32 length.
const STATUS: usize = 11;
const AUTHORITY: usize = 12;
const RENT_PAYER: usize = 44;
const CAPABILITIES: usize = 76;
const URI_LEN: usize = 116;
/// After the URI: staked, locked, unstaking, unstake-ready slot, registered slot, last
/// heartbeat slot (u64 each), reputation (u16).
const AFTER_URI: usize = 120;

impl AgentView {
    /// Reads an `Agent` account's data (`None`: not an agent, or malformed). The caller checks
    /// the account's owner is the registry.
    pub fn read(data: &[u8]) -> Option<Self> {
        if data.get(..8)? != Agent::DISCRIMINATOR {
            return None;
        }
        let u64_at = |at: usize| {
            data.get(at..at.checked_add(8)?).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes)
        };
        let uri_len = data.get(URI_LEN..AFTER_URI).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)?;
        let tail = AFTER_URI.checked_add(usize::try_from(uri_len).ok()?)?;
        let field = |i: usize| tail.checked_add(i.checked_mul(8)?);
        let reputation_at = field(6)?;
        Some(Self {
            active: *data.get(STATUS)? == AgentStatus::Active as u8,
            authority: Pubkey::new_from_array(data.get(AUTHORITY..RENT_PAYER)?.try_into().ok()?),
            capabilities: u64_at(CAPABILITIES)?,
            staked: u64_at(field(0)?)?,
            locked: u64_at(field(1)?)?,
            unstaking: u64_at(field(2)?)?,
            last_heartbeat_slot: u64_at(field(5)?)?,
            reputation: data
                .get(reputation_at..reputation_at.checked_add(2)?)
                .and_then(|b| b.try_into().ok())
                .map(u16::from_le_bytes)?,
        })
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
        self.staked.saturating_sub(self.locked).saturating_sub(self.unstaking)
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
            let mut agent = Agent {
                version: 1,
                bump: 254,
                vault_bump: 253,
                status: AgentStatus::Active,
                authority: Pubkey::new_from_array([7; 32]),
                rent_payer: Pubkey::new_from_array([8; 32]),
                capabilities: 0b1011,
                capability_hash: [9; 32],
                metadata_uri: uri.into(),
                staked: 1_000,
                locked: 300,
                unstaking: 50,
                unstake_ready_slot: 11,
                registered_slot: 12,
                last_heartbeat_slot: 13,
                reputation: 4_321,
                completed: 1,
                failed: 2,
                slashed: 3,
                value_completed: 4,
                value_failed: 5,
                value_slashed: 6,
                value_rated: 7,
                rating_value_sum: 8,
                open_bids: 9,
                progress_bps: 10,
                reserved: [0; 58],
            };
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
