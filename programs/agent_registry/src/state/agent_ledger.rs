//! What an agent has at risk and its record, as one value type with the rules that change it,
//! and an in-place handle that reads and writes it inside an `Agent` account's data.
//!
//! The exchange calls the registry by CPI on every bid, award and outcome; decoding a whole
//! `Agent` there (Borsh, its metadata URI copied to the heap, and the whole account written back
//! on exit) costs ~2,500 CU per agent. These operator paths touch only the fixed fields after the
//! URI (the ledger), so they read and write those bytes in place. `Agent` keeps its Borsh layout;
//! the ledger's Borsh encoding is that layout's tail, and a unit test pins the two together.
use agx_core::reputation::{History, Outcome, ReputationParams};
use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use super::{Agent, OutcomeKind};
use crate::error::RegistryError;

fn overflow() -> Error {
    error!(RegistryError::ArithmeticOverflow)
}

/// Stake that is neither locked nor unstaking: the one formula behind `Agent`, `AgentLedger` and
/// `AgentView`.
pub fn free_stake(staked: u64, locked: u64, unstaking: u64) -> u64 {
    staked.saturating_sub(locked).saturating_sub(unstaking)
}

/// The fields of an [`Agent`] after its metadata URI, in their Borsh order.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentLedger {
    pub staked: u64,
    pub locked: u64,
    pub unstaking: u64,
    pub unstake_ready_slot: u64,
    pub registered_slot: u64,
    pub last_heartbeat_slot: u64,
    pub reputation: u16,
    pub completed: u32,
    pub failed: u32,
    pub slashed: u32,
    pub value_completed: u64,
    pub value_failed: u64,
    pub value_slashed: u64,
    pub value_rated: u64,
    pub rating_value_sum: u128,
    pub open_bids: u32,
    pub progress_bps: u16,
    pub value_late: u64,
    pub late_results: u32,
    pub missed_heartbeats: u32,
    pub missed_since_outcome: u16,
    pub stalled_beats: u16,
}

impl AgentLedger {
    /// Encoded size in bytes.
    pub const LEN: usize = 6 * 8 + 2 + 3 * 4 + 4 * 8 + 16 + 4 + 2 + 8 + 2 * 4 + 2 * 2;

    /// Stake that is neither locked nor unstaking.
    pub fn free_stake(&self) -> u64 {
        free_stake(self.staked, self.locked, self.unstaking)
    }

    pub fn history(&self) -> History {
        History {
            completed: self.completed,
            failed: self.failed,
            slashed: self.slashed,
            value_completed: self.value_completed,
            value_failed: self.value_failed,
            value_slashed: self.value_slashed,
            value_rated: self.value_rated,
            rating_value_sum: self.rating_value_sum,
            value_late: self.value_late,
        }
    }

    /// Replaces the rating `from_bps` of a job that counted `value` with `to_bps`
    /// (`agx_core::reputation::History::correct`) and refreshes the reputation
    /// (`ReputationCorrectionInvalid` when the history cannot hold the rating replaced).
    pub fn correct(
        &mut self,
        value: u64,
        from_bps: u16,
        to_bps: u16,
        params: &ReputationParams,
    ) -> Result<()> {
        let mut history = self.history();
        history
            .correct(value, from_bps, to_bps)
            .map_err(|_| error!(RegistryError::ReputationCorrectionInvalid))?;
        self.reputation = history.score(params).map_err(|_| overflow())?;
        self.rating_value_sum = history.rating_value_sum;
        Ok(())
    }

    /// A heartbeat at `now` reporting `progress_bps`. While the agent is working (stake held for
    /// a job, or a job reported under way), a gap longer than `timeout` since the last beat counts
    /// its missed beats (`missed_heartbeats`, and toward its next completion being late), and a
    /// beat that reports no progress since the last one counts toward `stalled_beats`, which any
    /// change of progress resets (the keeper flags a job stalled for a configured number).
    pub fn heartbeat(&mut self, now: u64, progress_bps: u16, timeout: u64) -> Result<()> {
        require!(progress_bps <= agx_core::BPS_DENOMINATOR, RegistryError::AgentProgressOutOfRange);
        let under_way = self.progress_bps > 0 && self.progress_bps < agx_core::BPS_DENOMINATOR;
        if self.locked > 0 || under_way {
            let gap = now.saturating_sub(self.last_heartbeat_slot);
            let missed = gap.checked_div(timeout).unwrap_or(0);
            if gap > timeout {
                let missed = u32::try_from(missed).unwrap_or(u32::MAX);
                self.missed_heartbeats = self.missed_heartbeats.saturating_add(missed);
                self.missed_since_outcome =
                    self.missed_since_outcome.saturating_add(u16::try_from(missed).unwrap_or(u16::MAX));
            }
            self.stalled_beats =
                if progress_bps == self.progress_bps && progress_bps < agx_core::BPS_DENOMINATOR {
                    self.stalled_beats.saturating_add(1)
                } else {
                    0
                };
        } else {
            self.stalled_beats = 0;
        }
        self.last_heartbeat_slot = now;
        self.progress_bps = progress_bps;
        Ok(())
    }

    /// `received` atoms arrived in the vault.
    pub fn deposit(&mut self, received: u64) -> Result<()> {
        require_gt!(received, 0, RegistryError::StakeAmountZero);
        self.staked = self.staked.checked_add(received).ok_or_else(overflow)?;
        Ok(())
    }

    /// Moves `amount` of free stake into cooldown; a new request adds to any pending one and
    /// restarts the cooldown for the whole pending amount.
    pub fn request_unstake(&mut self, amount: u64, now: u64, cooldown: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.free_stake(), RegistryError::StakeInsufficientFree);
        self.unstaking = self.unstaking.checked_add(amount).ok_or_else(overflow)?;
        self.unstake_ready_slot = now.checked_add(cooldown).ok_or_else(overflow)?;
        Ok(())
    }

    /// Releases the pending unstake after its cooldown; returns the atoms to pay out.
    pub fn withdraw(&mut self, now: u64) -> Result<u64> {
        require_gt!(self.unstaking, 0, RegistryError::StakeNoPendingUnstake);
        require!(now >= self.unstake_ready_slot, RegistryError::StakeCooldownNotElapsed);
        let amount = self.unstaking;
        self.staked = self.staked.checked_sub(amount).ok_or_else(overflow)?;
        self.unstaking = 0;
        Ok(amount)
    }

    /// The exchange opened a bid account for this agent.
    pub fn engage(&mut self) -> Result<()> {
        self.open_bids = self.open_bids.checked_add(1).ok_or_else(overflow)?;
        Ok(())
    }

    /// The exchange closed one of this agent's bid accounts.
    pub fn release(&mut self) -> Result<()> {
        require_gt!(self.open_bids, 0, RegistryError::AgentReleaseWithoutOpenBid);
        self.open_bids = self.open_bids.saturating_sub(1);
        Ok(())
    }

    pub fn lock(&mut self, amount: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.free_stake(), RegistryError::StakeInsufficientFree);
        self.locked = self.locked.checked_add(amount).ok_or_else(overflow)?;
        Ok(())
    }

    pub fn unlock(&mut self, amount: u64) -> Result<()> {
        require_gt!(amount, 0, RegistryError::StakeAmountZero);
        require!(amount <= self.locked, RegistryError::StakeUnlockExceedsLocked);
        self.locked = self.locked.checked_sub(amount).ok_or_else(overflow)?;
        Ok(())
    }

    /// Takes `total` atoms out of locked stake (they leave the vault).
    pub fn slash(&mut self, total: u64) -> Result<()> {
        require_gt!(total, 0, RegistryError::StakeAmountZero);
        require!(total <= self.locked, RegistryError::StakeSlashExceedsLocked);
        self.locked = self.locked.checked_sub(total).ok_or_else(overflow)?;
        self.staked = self.staked.checked_sub(total).ok_or_else(overflow)?;
        Ok(())
    }

    /// Adds one outcome to the history and refreshes the cached reputation.
    pub fn record(
        &mut self,
        kind: OutcomeKind,
        value: u64,
        rating_bps: Option<u16>,
        late: bool,
        params: &ReputationParams,
    ) -> Result<Outcome> {
        if let Some(rating) = rating_bps {
            require!(rating <= agx_core::BPS_DENOMINATOR, RegistryError::ReputationRatingOutOfRange);
            require!(kind == OutcomeKind::Completed, RegistryError::ReputationRatingWithoutCompletion);
        }
        let outcome = match kind {
            OutcomeKind::Completed => Outcome::Completed { value, rating_bps },
            OutcomeKind::Failed => Outcome::Failed { value },
            OutcomeKind::Slashed => Outcome::Slashed { value },
        };
        let mut history = self.history();
        history.record(outcome).map_err(|_| overflow())?;
        // Reliability from delivery: a completion after the promised latency, or after missing
        // heartbeats while working since the agent's last outcome, counts as late.
        if kind == OutcomeKind::Completed && (late || self.missed_since_outcome > 0) {
            history.record_late(value).map_err(|_| overflow())?;
            self.late_results = self.late_results.saturating_add(1);
        }
        self.missed_since_outcome = 0;
        self.stalled_beats = 0;
        let reputation = history.score(params).map_err(|_| overflow())?;
        self.completed = history.completed;
        self.failed = history.failed;
        self.slashed = history.slashed;
        self.value_completed = history.value_completed;
        self.value_failed = history.value_failed;
        self.value_slashed = history.value_slashed;
        self.value_rated = history.value_rated;
        self.rating_value_sum = history.rating_value_sum;
        self.value_late = history.value_late;
        self.reputation = reputation;
        Ok(outcome)
    }

    /// Must hold after every mutation. `vault_amount` is the stake vault's balance; anything
    /// above `staked` is surplus (unsolicited transfers), which is allowed.
    pub fn invariant(&self, vault_amount: Option<u64>) -> Result<()> {
        let held = self.locked.checked_add(self.unstaking).ok_or_else(overflow)?;
        require!(held <= self.staked, RegistryError::AgentStakeInvariantBroken);
        require!(self.reputation <= agx_core::BPS_DENOMINATOR, RegistryError::AgentStakeInvariantBroken);
        if let Some(amount) = vault_amount {
            require!(amount >= self.staked, RegistryError::StakeVaultBalanceMismatch);
        }
        Ok(())
    }
}

/// Reads and writes the ledger's bytes field by field: the Borsh encoding, without Borsh's
/// reader and writer (~300 CU less each way on SBF). The tests pin it to Borsh.
struct Cursor<D> {
    data: D,
    at: usize,
}

impl Cursor<&[u8; AgentLedger::LEN]> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.at.checked_add(N)?;
        let bytes = self.data.get(self.at..end)?.try_into().ok()?;
        self.at = end;
        Some(bytes)
    }
}

impl Cursor<&mut [u8; AgentLedger::LEN]> {
    fn put<const N: usize>(&mut self, bytes: [u8; N]) -> Option<()> {
        let end = self.at.checked_add(N)?;
        self.data.get_mut(self.at..end)?.copy_from_slice(&bytes);
        self.at = end;
        Some(())
    }
}

impl AgentLedger {
    /// Decodes the ledger from `data` (at least [`Self::LEN`] bytes).
    pub fn read(data: &[u8]) -> Option<Self> {
        // A fixed-size array: every field's bounds check folds away.
        let data: &[u8; Self::LEN] = data.get(..Self::LEN)?.try_into().ok()?;
        let mut c = Cursor { data, at: 0 };
        Some(Self {
            staked: u64::from_le_bytes(c.take()?),
            locked: u64::from_le_bytes(c.take()?),
            unstaking: u64::from_le_bytes(c.take()?),
            unstake_ready_slot: u64::from_le_bytes(c.take()?),
            registered_slot: u64::from_le_bytes(c.take()?),
            last_heartbeat_slot: u64::from_le_bytes(c.take()?),
            reputation: u16::from_le_bytes(c.take()?),
            completed: u32::from_le_bytes(c.take()?),
            failed: u32::from_le_bytes(c.take()?),
            slashed: u32::from_le_bytes(c.take()?),
            value_completed: u64::from_le_bytes(c.take()?),
            value_failed: u64::from_le_bytes(c.take()?),
            value_slashed: u64::from_le_bytes(c.take()?),
            value_rated: u64::from_le_bytes(c.take()?),
            rating_value_sum: u128::from_le_bytes(c.take()?),
            open_bids: u32::from_le_bytes(c.take()?),
            progress_bps: u16::from_le_bytes(c.take()?),
            value_late: u64::from_le_bytes(c.take()?),
            late_results: u32::from_le_bytes(c.take()?),
            missed_heartbeats: u32::from_le_bytes(c.take()?),
            missed_since_outcome: u16::from_le_bytes(c.take()?),
            stalled_beats: u16::from_le_bytes(c.take()?),
        })
    }

    /// Encodes the ledger into `data` (at least [`Self::LEN`] bytes).
    pub fn write(&self, data: &mut [u8]) -> Option<()> {
        let data: &mut [u8; Self::LEN] = data.get_mut(..Self::LEN)?.try_into().ok()?;
        let mut c = Cursor { data, at: 0 };
        c.put(self.staked.to_le_bytes())?;
        c.put(self.locked.to_le_bytes())?;
        c.put(self.unstaking.to_le_bytes())?;
        c.put(self.unstake_ready_slot.to_le_bytes())?;
        c.put(self.registered_slot.to_le_bytes())?;
        c.put(self.last_heartbeat_slot.to_le_bytes())?;
        c.put(self.reputation.to_le_bytes())?;
        c.put(self.completed.to_le_bytes())?;
        c.put(self.failed.to_le_bytes())?;
        c.put(self.slashed.to_le_bytes())?;
        c.put(self.value_completed.to_le_bytes())?;
        c.put(self.value_failed.to_le_bytes())?;
        c.put(self.value_slashed.to_le_bytes())?;
        c.put(self.value_rated.to_le_bytes())?;
        c.put(self.rating_value_sum.to_le_bytes())?;
        c.put(self.open_bids.to_le_bytes())?;
        c.put(self.progress_bps.to_le_bytes())?;
        c.put(self.value_late.to_le_bytes())?;
        c.put(self.late_results.to_le_bytes())?;
        c.put(self.missed_heartbeats.to_le_bytes())?;
        c.put(self.missed_since_outcome.to_le_bytes())?;
        c.put(self.stalled_beats.to_le_bytes())
    }
}

/// Byte offsets in an `Agent` account's data (after the 8-byte discriminator: version, bump,
/// vault bump, status, authority, rent payer, capabilities, capability hash, the URI's u32
/// length, the URI, then the ledger). Shared with `AgentView`.
pub(crate) mod offsets {
    pub const BUMP: usize = 9;
    pub const VAULT_BUMP: usize = 10;
    pub const STATUS: usize = 11;
    pub const AUTHORITY: usize = 12;
    pub const RENT_PAYER: usize = 44;
    pub const CAPABILITIES: usize = 76;
    pub const URI_LEN: usize = 116;
    pub const AFTER_URI: usize = 120;
    /// The skill table and its four cached scores (u16 LE).
    pub const SKILLS_LEN: usize = agx_core::skills::Skills::LEN + 2 * agx_core::skills::SKILL_SLOTS;

    /// Where the ledger starts: after the URI, whose length is stored before it.
    pub fn ledger(data: &[u8]) -> Option<usize> {
        let uri_len = data.get(URI_LEN..AFTER_URI)?.try_into().ok().map(u32::from_le_bytes)?;
        AFTER_URI.checked_add(usize::try_from(uri_len).ok()?)
    }
}

/// An `Agent` account opened in place: its ledger decoded, and what signing for its vault
/// needs. [`AgentInPlace::store`] writes the ledger back.
pub struct AgentInPlace<'a, 'info> {
    pub info: &'a AccountInfo<'info>,
    pub ledger: AgentLedger,
    pub authority: Pubkey,
    pub bump: u8,
    pub vault_bump: u8,
    ledger_at: usize,
}

impl<'a, 'info> AgentInPlace<'a, 'info> {
    /// Opens `info` as an agent of this registry: owned by it and carrying the `Agent`
    /// discriminator (only `agent_register` creates one, at its PDA), else `AgentAccountInvalid`.
    pub fn load(info: &'a AccountInfo<'info>) -> Result<Self> {
        let invalid = || error!(RegistryError::AgentAccountInvalid);
        if info.owner != &crate::ID {
            return Err(invalid());
        }
        let data = info.try_borrow_data()?;
        if data.get(..8) != Some(Agent::DISCRIMINATOR) {
            return Err(invalid());
        }
        let ledger_at = offsets::ledger(&data).ok_or_else(invalid)?;
        let ledger = data.get(ledger_at..).and_then(AgentLedger::read).ok_or_else(invalid)?;
        Ok(Self {
            info,
            ledger,
            authority: Pubkey::new_from_array(
                data[offsets::AUTHORITY..offsets::RENT_PAYER].try_into().map_err(|_| invalid())?,
            ),
            bump: data[offsets::BUMP],
            vault_bump: data[offsets::VAULT_BUMP],
            ledger_at,
        })
    }

    pub fn key(&self) -> Pubkey {
        *self.info.key
    }

    /// The agent's patron table, which follows the ledger (read only by `credit_completed`).
    fn patrons(&self) -> Result<agx_core::reputation::Patrons> {
        let data = self.info.try_borrow_data()?;
        let bytes = self
            .patrons_range()
            .and_then(|range| data.get(range))
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| error!(RegistryError::AgentAccountInvalid))?;
        Ok(agx_core::reputation::Patrons::from_bytes(bytes))
    }

    /// The value of a completed job from `requester` that counts for reputation, the patron
    /// table updated: in full the first time, less and less for repeat work
    /// (`agx_core::reputation::Patrons::credit`, `prior_value` from the config).
    pub fn credit_completed(&self, requester: &Pubkey, value: u64, prior_value: u64) -> Result<u64> {
        let mut patrons = self.patrons()?;
        let counted = patrons.credit(requester.to_bytes(), value, prior_value);
        self.store_patrons(&patrons)?;
        Ok(counted)
    }

    /// Writes the patron table back (after the ledger).
    fn store_patrons(&self, patrons: &agx_core::reputation::Patrons) -> Result<()> {
        require!(self.info.is_writable, RegistryError::AgentAccountInvalid);
        let mut data = self.info.try_borrow_mut_data()?;
        self.patrons_range()
            .and_then(|range| data.get_mut(range))
            .ok_or_else(|| error!(RegistryError::AgentAccountInvalid))?
            .copy_from_slice(&patrons.to_bytes());
        Ok(())
    }

    fn patrons_range(&self) -> Option<core::ops::Range<usize>> {
        let at = self.ledger_at.checked_add(AgentLedger::LEN)?;
        Some(at..at.checked_add(agx_core::reputation::Patrons::LEN)?)
    }

    /// The skill table and its cached scores, which follow the patrons.
    fn skills_range(&self) -> Option<core::ops::Range<usize>> {
        let at = self.patrons_range()?.end;
        Some(at..at.checked_add(offsets::SKILLS_LEN)?)
    }

    /// Records `outcome` of a job that asked for `capabilities` on the agent's per-capability
    /// histories (those of its own capabilities among them: a coalition member's part), and
    /// refreshes every slot's cached score with the agent's overall reputation (already
    /// recorded) as the prior (`agx_core::skills`).
    pub fn record_skills(
        &self,
        capabilities: u64,
        outcome: agx_core::reputation::Outcome,
        params: &ReputationParams,
    ) -> Result<()> {
        self.edit_skills(params, |skills, own| skills.record(capabilities & own, outcome))
    }

    /// Replaces a recorded rating on the per-capability histories, as
    /// [`AgentLedger::correct`] does on the overall one (`agx_core::skills::Skills::correct`),
    /// and refreshes the cached scores.
    pub fn correct_skills(
        &self,
        capabilities: u64,
        value: u64,
        from_bps: u16,
        to_bps: u16,
        params: &ReputationParams,
    ) -> Result<()> {
        self.edit_skills(params, |skills, own| skills.correct(capabilities & own, value, from_bps, to_bps))
    }

    /// Applies `change` to the skill table (given the agent's own capabilities) and refreshes
    /// every slot's cached score with the overall reputation as the prior.
    fn edit_skills(
        &self,
        params: &ReputationParams,
        change: impl FnOnce(&mut agx_core::skills::Skills, u64) -> core::result::Result<(), agx_core::Error>,
    ) -> Result<()> {
        use agx_core::skills::Skills;
        let invalid = || error!(RegistryError::AgentAccountInvalid);
        require!(self.info.is_writable, RegistryError::AgentAccountInvalid);
        let range = self.skills_range().ok_or_else(invalid)?;
        let mut data = self.info.try_borrow_mut_data()?;
        let own = data
            .get(offsets::CAPABILITIES..offsets::CAPABILITIES.saturating_add(8))
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .ok_or_else(invalid)?;
        let bytes = data.get_mut(range).ok_or_else(invalid)?;
        let (table, scores) = bytes.split_at_mut(Skills::LEN);
        let current: &[u8; Skills::LEN] = (&*table).try_into().map_err(|_| invalid())?;
        let mut skills = Skills::from_bytes(current);
        change(&mut skills, own).map_err(|_| overflow())?;
        let fresh = skills.scores(self.ledger.reputation, params).map_err(|_| overflow())?;
        table.copy_from_slice(&skills.to_bytes());
        for (out, score) in scores.chunks_exact_mut(2).zip(fresh) {
            out.copy_from_slice(&score.to_le_bytes());
        }
        Ok(())
    }

    /// Checks the ledger's invariant and writes it back into the account.
    pub fn store(&self, vault_amount: Option<u64>) -> Result<()> {
        self.ledger.invariant(vault_amount)?;
        require!(self.info.is_writable, RegistryError::AgentAccountInvalid);
        let mut data = self.info.try_borrow_mut_data()?;
        data.get_mut(self.ledger_at..)
            .and_then(|out| self.ledger.write(out))
            .ok_or_else(|| error!(RegistryError::AgentAccountInvalid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::AccountSerialize;

    use crate::state::agent::sample as agent;

    #[test]
    fn the_ledger_is_the_tail_of_the_agent_layout() {
        for uri in ["", "https://a.example/agent.json", &"x".repeat(200)] {
            let expected = agent(uri);
            let mut data = Vec::new();
            expected.try_serialize(&mut data).unwrap();
            let key = Pubkey::new_unique();
            let mut lamports = 1;
            let info = AccountInfo::new(&key, false, true, &mut lamports, &mut data, &crate::ID, false);
            let mut opened = AgentInPlace::load(&info).unwrap();
            assert_eq!(opened.ledger, expected.ledger(), "uri of {} bytes", uri.len());
            assert_eq!((opened.authority, opened.bump, opened.vault_bump), (expected.authority, 254, 253));
            opened.ledger.lock(650).unwrap();
            opened.ledger.open_bids = 77;
            opened.store(None).unwrap();
            let decode = || {
                let data = info.try_borrow_data().unwrap();
                <Agent as anchor_lang::AccountDeserialize>::try_deserialize(&mut &data[..]).unwrap()
            };
            let back = decode();
            assert_eq!((back.locked, back.open_bids, back.metadata_uri.as_str()), (950, 77, uri));
            assert_eq!(
                opened.patrons().unwrap().to_bytes(),
                expected.patrons,
                "the patrons follow the ledger"
            );
            let mut patrons = opened.patrons().unwrap();
            patrons.0[2].value = 99;
            opened.store_patrons(&patrons).unwrap();
            let back = decode();
            assert_eq!((back.patrons, back.locked), (patrons.to_bytes(), 950));
            assert_eq!(back.reserved, [0; 38]);
        }
    }

    #[test]
    fn only_an_agent_of_this_registry_opens() {
        let mut data = Vec::new();
        agent("").try_serialize(&mut data).unwrap();
        let key = Pubkey::new_unique();
        let mut lamports = 1;
        let other = Pubkey::new_unique();
        let info = AccountInfo::new(&key, false, true, &mut lamports, &mut data, &other, false);
        assert!(AgentInPlace::load(&info).is_err(), "another program's account");
        let mut short = data[..100].to_vec();
        let info = AccountInfo::new(&key, false, true, &mut lamports, &mut short, &crate::ID, false);
        assert!(AgentInPlace::load(&info).is_err(), "truncated");
        data[0] ^= 1;
        let info = AccountInfo::new(&key, false, true, &mut lamports, &mut data, &crate::ID, false);
        assert!(AgentInPlace::load(&info).is_err(), "not an agent");
    }

    #[test]
    fn a_read_only_agent_is_not_written() {
        let mut data = Vec::new();
        agent("").try_serialize(&mut data).unwrap();
        let key = Pubkey::new_unique();
        let mut lamports = 1;
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &crate::ID, false);
        assert!(AgentInPlace::load(&info).unwrap().store(None).is_err());
    }

    #[test]
    fn the_codec_is_borsh() {
        let ledger = agent("u").ledger();
        let mut borsh = Vec::new();
        ledger.serialize(&mut borsh).unwrap();
        let mut ours = vec![0; AgentLedger::LEN];
        ledger.write(&mut ours).unwrap();
        assert_eq!(ours, borsh);
        assert_eq!(AgentLedger::read(&borsh), Some(ledger));
        assert_eq!(AgentLedger::read(&borsh[..AgentLedger::LEN - 1]), None, "short");
        assert_eq!(ledger.write(&mut ours[..AgentLedger::LEN - 1]), None, "short");
    }

    #[test]
    fn the_encoded_size_is_what_borsh_writes() {
        let mut out = Vec::new();
        AgentLedger::default().serialize(&mut out).unwrap();
        assert_eq!(out.len(), AgentLedger::LEN);
    }
}
