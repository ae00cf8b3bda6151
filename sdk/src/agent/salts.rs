//! The sealed bids an agent has committed and not yet opened: what it must remember to reveal.
//!
//! Each entry is written to disk (a temporary file, synced, then renamed over the store) before
//! the commit is sent, so that an agent killed between its commit and its reveal comes back
//! knowing its salt: a commit it cannot open would forfeit its bond.
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use agx_core::lifecycle::Phase;
use anchor_lang::prelude::Pubkey;
use exchange::state::IntentStatus;
use exchange::BidOpening;
use serde::{Deserialize, Serialize};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, Landed};
use crate::ix::exchange as xix;
use crate::{discover, Error};

/// One committed bid: the intent and round it is for and everything needed to open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedBid {
    pub intent: Pubkey,
    pub round: u8,
    pub opening: BidOpening,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    intent: String,
    round: u8,
    price: u64,
    quality_bps: u16,
    latency: u64,
    plan_hash: String,
    salt: String,
}

/// The store: in a file, or in memory only (for tests of other things, and throwaway agents).
pub struct SaltStore {
    path: Option<PathBuf>,
    entries: BTreeMap<(Pubkey, u8), BidOpening>,
}

impl SaltStore {
    /// The store at `path`, with what an earlier run left there.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, Error> {
        let path = path.into();
        let mut entries = BTreeMap::new();
        match std::fs::read(&path) {
            Ok(bytes) => {
                let stored: Vec<Stored> = serde_json::from_slice(&bytes)
                    .map_err(|e| Error::SaltStore { path: path.clone(), reason: e.to_string() })?;
                for s in stored {
                    let bid = decode(&s).ok_or_else(|| Error::SaltStore {
                        path: path.clone(),
                        reason: format!("malformed entry for {}", s.intent),
                    })?;
                    entries.insert((bid.intent, bid.round), bid.opening);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Self { path: Some(path), entries })
    }

    pub fn in_memory() -> Self {
        Self { path: None, entries: BTreeMap::new() }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Records `bid`, durably, before it is sent.
    pub fn put(&mut self, bid: SealedBid) -> Result<(), Error> {
        self.entries.insert((bid.intent, bid.round), bid.opening);
        self.save()
    }

    /// Forgets the bid on `intent` in `round` (revealed, or never sent).
    pub fn remove(&mut self, intent: &Pubkey, round: u8) -> Result<(), Error> {
        if self.entries.remove(&(*intent, round)).is_some() {
            self.save()?;
        }
        Ok(())
    }

    pub fn get(&self, intent: &Pubkey, round: u8) -> Option<&BidOpening> {
        self.entries.get(&(*intent, round))
    }

    pub fn sealed(&self) -> impl Iterator<Item = SealedBid> + '_ {
        self.entries.iter().map(|(&(intent, round), opening)| SealedBid { intent, round, opening: *opening })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn save(&self) -> Result<(), Error> {
        let Some(path) = &self.path else { return Ok(()) };
        let stored: Vec<Stored> = self.sealed().map(|b| encode(&b)).collect();
        let json = serde_json::to_vec_pretty(&stored)
            .map_err(|e| Error::SaltStore { path: path.clone(), reason: e.to_string() })?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.exists() {
            // A salt is a secret until its bid is revealed: the store's directory is the owner's.
            std::fs::create_dir_all(dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        let mut tmp = tempfile_in(dir, path)?;
        tmp.1.write_all(&json)?;
        tmp.1.sync_all()?;
        std::fs::rename(&tmp.0, path)?;
        // The rename is durable once the directory is.
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    }
}

fn tempfile_in(dir: &Path, path: &Path) -> Result<(PathBuf, std::fs::File), Error> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Owner-only from the first byte: a salt is a secret until its bid is revealed.
        options.mode(0o600);
    }
    let file = options.open(&tmp)?;
    Ok((tmp, file))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn encode(b: &SealedBid) -> Stored {
    Stored {
        intent: b.intent.to_string(),
        round: b.round,
        price: b.opening.price,
        quality_bps: b.opening.quality_bps,
        latency: b.opening.latency,
        plan_hash: hex(&b.opening.plan_hash),
        salt: hex(&b.opening.salt),
    }
}

fn decode(s: &Stored) -> Option<SealedBid> {
    Some(SealedBid {
        intent: s.intent.parse().ok()?,
        round: s.round,
        opening: BidOpening {
            price: s.price,
            quality_bps: s.quality_bps,
            latency: s.latency,
            plan_hash: unhex32(&s.plan_hash)?,
            salt: unhex32(&s.salt)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(n: u8) -> SealedBid {
        SealedBid {
            intent: Pubkey::new_unique(),
            round: n,
            opening: BidOpening {
                price: 7,
                quality_bps: 9_000,
                latency: 3,
                plan_hash: [n; 32],
                salt: [0xa5 ^ n; 32],
            },
        }
    }

    #[test]
    fn what_is_put_survives_a_reopen_and_what_is_removed_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent/salts.json");
        let (a, b) = (bid(1), bid(2));
        {
            let mut store = SaltStore::open(&path).unwrap();
            store.put(a.clone()).unwrap();
            store.put(b.clone()).unwrap();
            store.remove(&b.intent, b.round).unwrap();
        }
        let store = SaltStore::open(&path).unwrap();
        assert_eq!(store.sealed().collect::<Vec<_>>(), vec![a.clone()]);
        assert_eq!(store.get(&a.intent, a.round), Some(&a.opening));
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600, "salts are secrets until revealed: owner-only");
            assert_eq!(mode(path.parent().unwrap()), 0o700, "and so is the directory it created");
        }
    }

    #[test]
    fn a_damaged_store_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("salts.json");
        std::fs::write(&path, b"[{\"intent\": 1}]").unwrap();
        assert!(matches!(SaltStore::open(&path), Err(Error::SaltStore { .. })));
    }
}

/// A reveal [`reveal_due`] sent, and what became of it.
#[derive(Debug)]
pub struct RevealAttempt {
    pub intent: Pubkey,
    pub outcome: Result<Landed, Error>,
}

/// Reveals every bid in `store` whose intent is in its reveal window at `slot`, signed by the
/// agent's `authority`, and forgets the ones nothing can open any more: revealed, refused by
/// the program, or left behind by an auction that moved on (closed, awarded, another round). A
/// bid whose reveal was only not delivered stays, to be tried again. What an agent runner does
/// each step, and what any other holder of a store (a server that restarted) does to keep its
/// bonds.
pub fn reveal_due(
    chain: &dyn Chain,
    authority: &Keypair,
    agent: &Pubkey,
    store: &mut SaltStore,
    slot: u64,
) -> Result<Vec<RevealAttempt>, Error> {
    let mut attempts = Vec::new();
    let sealed: Vec<SealedBid> = store.sealed().collect();
    for bid in sealed {
        let Some(intent) = discover::intent(chain, &bid.intent)? else {
            store.remove(&bid.intent, bid.round)?;
            continue;
        };
        if intent.round != bid.round || intent.status != IntentStatus::Open.to_u8() {
            // The auction moved on without this reveal: nothing left to open.
            store.remove(&bid.intent, bid.round)?;
            continue;
        }
        if intent.phase(slot) != Phase::Revealing {
            continue;
        }
        let ix = xix::bid_reveal(authority.pubkey(), bid.intent, *agent, bid.round, bid.opening);
        let outcome = chain.send(&[ix], authority, &[]);
        // Refused by the program: it will never open. Not delivered: try again next time.
        if matches!(outcome, Ok(_) | Err(Error::Program { .. })) {
            store.remove(&bid.intent, bid.round)?;
        }
        attempts.push(RevealAttempt { intent: bid.intent, outcome });
    }
    Ok(attempts)
}
