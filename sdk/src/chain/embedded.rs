//! The embedded chain: LiteSVM in this process with both programs loaded from their built `.so`
//! files as upgradeable programs, a slot clock, and the `SlotHashes` sysvar a validator keeps
//! (the exchange seeds its tie-break from it).
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_loader_v3_interface::state::UpgradeableLoaderState;

use super::{AccountData, Chain, Filter, Landed, Taped};
use crate::{pda, Error, PROGRAMS};

/// Entries the `SlotHashes` sysvar keeps.
const SLOT_HASHES_LEN: u64 = 512;
/// Owner of every sysvar account.
const SYSVAR_PROGRAM: Pubkey = anchor_lang::pubkey!("Sysvar1111111111111111111111111111111111111");
/// A validator's target slot time.
pub const DEFAULT_SLOT_TIME: Duration = Duration::from_millis(400);

/// How the embedded chain's slots advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotClock {
    /// Only when someone waits for a later slot, at once: runs as fast as the host allows and,
    /// stepped from one thread, the same way every time.
    AsFastAsPossible,
    /// With the wall clock, one slot per `slot_time`, as a cluster does.
    RealTime { slot_time: Duration },
}

struct State {
    svm: LiteSVM,
    slot: u64,
    /// Every transaction landed, in order (what an indexer follows: [`Chain::tape`]).
    tape: Vec<Taped>,
}

impl State {
    /// Runs `tx`, and puts it on the tape when it lands.
    fn run(
        &mut self,
        tx: impl Into<solana_transaction::versioned::VersionedTransaction>,
        payer: &Keypair,
    ) -> Result<Landed, Error> {
        match self.svm.send_transaction(tx) {
            Ok(meta) => {
                let signature = meta.signature.to_string();
                self.tape.push(Taped {
                    slot: self.slot,
                    signature: signature.clone(),
                    payer: Some(solana_signer::Signer::pubkey(payer).to_string()),
                    logs: meta.logs.clone(),
                });
                Ok(Landed { signature, logs: meta.logs })
            }
            Err(failed) => Err(Error::from_failure(failed.err.to_string(), failed.meta.logs)),
        }
    }
}

pub struct EmbeddedChain {
    state: Mutex<State>,
    clock: SlotClock,
    started: Instant,
    start_slot: u64,
}

impl EmbeddedChain {
    /// Both programs from `program_dir` (see [`crate::program_dir`]), upgradeable by
    /// `upgrade_authority` (the key `config_init` requires), at slot 1.
    pub fn new(program_dir: &Path, upgrade_authority: Pubkey, clock: SlotClock) -> Result<Self, Error> {
        let mut svm = LiteSVM::new();
        for (name, id) in PROGRAMS {
            let so = program_dir.join(format!("{name}.so"));
            let bytes = std::fs::read(&so)
                .map_err(|e| Error::ProgramNotBuilt { path: so.clone(), reason: e.to_string() })?;
            svm.add_program(id, &bytes).map_err(|e| Error::EmbeddedSetup(format!("loading {name}: {e}")))?;
            set_upgrade_authority(&mut svm, &id, Some(upgrade_authority))?;
        }
        let start_slot = 1;
        warp(&mut svm, start_slot)?;
        Ok(Self {
            state: Mutex::new(State { svm, slot: start_slot, tape: Vec::new() }),
            clock,
            started: Instant::now(),
            start_slot,
        })
    }

    /// A chain over a LiteSVM that already holds the programs (a test harness's market), at the
    /// slot of its clock, advancing only when someone waits; [`into_svm`](Self::into_svm) hands
    /// it back.
    pub fn from_svm(svm: LiteSVM) -> Self {
        let slot = svm.get_sysvar::<anchor_lang::prelude::Clock>().slot;
        Self {
            state: Mutex::new(State { svm, slot, tape: Vec::new() }),
            clock: SlotClock::AsFastAsPossible,
            started: Instant::now(),
            start_slot: slot,
        }
    }

    /// The underlying LiteSVM, with everything sent through this chain.
    pub fn into_svm(self) -> LiteSVM {
        self.state.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).svm
    }

    /// Runs `f` on the underlying LiteSVM (tests that need to reach past the interface).
    pub fn with_svm<T>(&self, f: impl FnOnce(&mut LiteSVM) -> T) -> T {
        f(&mut self.lock().svm)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves the chain as consistent as LiteSVM left it.
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let SlotClock::RealTime { slot_time } = self.clock {
            let elapsed = (self.started.elapsed().as_millis() / slot_time.as_millis().max(1)) as u64;
            let now = self.start_slot.saturating_add(elapsed);
            if now > state.slot && warp(&mut state.svm, now).is_ok() {
                state.slot = now;
            }
        }
        state
    }
}

impl Chain for EmbeddedChain {
    fn describe(&self) -> String {
        match self.clock {
            SlotClock::AsFastAsPossible => "embedded (LiteSVM, slots as fast as possible)".into(),
            SlotClock::RealTime { slot_time } => {
                format!("embedded (LiteSVM, a slot every {} ms)", slot_time.as_millis())
            }
        }
    }

    fn slot(&self) -> Result<u64, Error> {
        Ok(self.lock().slot)
    }

    fn slot_time(&self) -> Duration {
        match self.clock {
            SlotClock::AsFastAsPossible => DEFAULT_SLOT_TIME,
            SlotClock::RealTime { slot_time } => slot_time,
        }
    }

    fn account(&self, address: &Pubkey) -> Result<Option<AccountData>, Error> {
        Ok(self.lock().svm.get_account(address).filter(|a| a.lamports > 0).map(into_data))
    }

    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Filter],
    ) -> Result<Vec<(Pubkey, AccountData)>, Error> {
        let mut found: Vec<_> = self
            .lock()
            .svm
            .get_program_accounts(program)
            .into_iter()
            .filter(|(_, a)| a.lamports > 0 && filters.iter().all(|f| f.matches(&a.data)))
            .map(|(address, a)| (address, into_data(a)))
            .collect();
        // A cluster returns them in no particular order; a stable one keeps runs repeatable.
        found.sort_by_key(|(address, _)| *address);
        Ok(found)
    }

    fn minimum_balance(&self, len: usize) -> Result<u64, Error> {
        Ok(self.lock().svm.minimum_balance_for_rent_exemption(len))
    }

    fn send(&self, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Landed, Error> {
        let mut state = self.lock();
        // A fresh blockhash each time, so that two identical transactions are both processed.
        state.svm.expire_blockhash();
        let tx = super::signed_transaction(ixs, payer, signers, state.svm.latest_blockhash())?;
        state.run(tx, payer)
    }

    fn send_with_tables(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        tables: &[crate::lookup::AddressLookupTableAccount],
    ) -> Result<Landed, Error> {
        let mut state = self.lock();
        state.svm.expire_blockhash();
        let tx = super::signed_versioned(ixs, payer, signers, state.svm.latest_blockhash(), tables)?;
        state.run(tx, payer)
    }

    fn tape(&self, cursor: usize) -> Option<(Vec<Taped>, usize)> {
        let state = self.lock();
        let new = state.tape.get(cursor..).unwrap_or_default().to_vec();
        Some((new, state.tape.len()))
    }

    fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), Error> {
        self.lock()
            .svm
            .airdrop(to, lamports)
            .map(drop)
            .map_err(|failed| Error::from_failure(failed.err.to_string(), failed.meta.logs))
    }

    fn wait_for_slot(&self, slot: u64) -> Result<u64, Error> {
        match self.clock {
            SlotClock::AsFastAsPossible => {
                let mut state = self.lock();
                if slot > state.slot {
                    warp(&mut state.svm, slot)?;
                    state.slot = slot;
                }
                Ok(state.slot)
            }
            SlotClock::RealTime { slot_time } => loop {
                let now = self.lock().slot;
                if now >= slot {
                    return Ok(now);
                }
                std::thread::sleep(slot_time.min(Duration::from_millis(50)));
            },
        }
    }
}

fn into_data(a: Account) -> AccountData {
    AccountData { lamports: a.lamports, owner: a.owner, data: a.data }
}

/// Moves LiteSVM's clock to `slot` and fills the `SlotHashes` sysvar as a validator would at that
/// slot (the 512 slots before it, newest first). The hashes are sha256 of the slot number:
/// deterministic, so runs (and measured compute units) repeat.
pub fn warp(svm: &mut LiteSVM, slot: u64) -> Result<(), Error> {
    svm.warp_to_slot(slot);
    let slots: Vec<u64> = (slot.saturating_sub(SLOT_HASHES_LEN)..slot).rev().collect();
    let mut data = Vec::with_capacity(8 + 40 * slots.len());
    data.extend((slots.len() as u64).to_le_bytes());
    for s in &slots {
        data.extend(s.to_le_bytes());
        data.extend(agx_core::commitment::sha256(&s.to_le_bytes()));
    }
    let account = Account {
        lamports: svm.minimum_balance_for_rent_exemption(data.len()),
        data,
        owner: SYSVAR_PROGRAM,
        executable: false,
        rent_epoch: 0,
    };
    svm.set_account(exchange::SLOT_HASHES_SYSVAR, account)
        .map_err(|e| Error::EmbeddedSetup(format!("setting SlotHashes: {e}")))
}

/// Rewrites a loaded program's ProgramData header to name `authority` as its upgrade authority.
///
/// The header is bincode of `UpgradeableLoaderState::ProgramData`: u32 tag 3, u64 slot,
/// then `Option<Pubkey>` (one tag byte, 32 key bytes), 45 bytes in all.
pub fn set_upgrade_authority(
    svm: &mut LiteSVM,
    program: &Pubkey,
    authority: Option<Pubkey>,
) -> Result<(), Error> {
    const PROGRAM_DATA_TAG: u32 = 3;
    let address = pda::program_data(program);
    let mut account = svm.get_account(&address).ok_or(Error::AccountMissing(address))?;
    let header_len = UpgradeableLoaderState::size_of_programdata_metadata();
    let header = account
        .data
        .get_mut(..header_len)
        .filter(|h| header_len == 45 && h[..4] == PROGRAM_DATA_TAG.to_le_bytes())
        .ok_or_else(|| Error::EmbeddedSetup(format!("{address} is not a ProgramData account")))?;
    match authority {
        Some(key) => {
            header[12] = 1;
            header[13..45].copy_from_slice(key.as_ref());
        }
        None => header[12..45].fill(0),
    }
    svm.set_account(address, account).map_err(|e| Error::EmbeddedSetup(format!("setting {address}: {e}")))
}
