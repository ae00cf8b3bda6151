//! Feeding the index: a transaction's logs (from a chain's tape, a cluster's event stream or a
//! backfill), each event decoded by the program that logged it, in one database transaction.
use agx_sdk::chain::{Chain, Taped};
use agx_sdk::events::{named_in, NamedEvent};

use crate::db::{scalar, Db};
use crate::ingest::{self, At};
use crate::Error;

/// A landed transaction, as the index reads it.
#[derive(Clone, Copy, Debug)]
pub struct Tx<'a> {
    pub slot: u64,
    pub signature: &'a str,
    /// Its fee payer, where the source says (who sent a crank).
    pub payer: Option<&'a str>,
    pub logs: &'a [String],
}

impl<'a> From<&'a Taped> for Tx<'a> {
    fn from(t: &'a Taped) -> Self {
        Self { slot: t.slot, signature: &t.signature, payer: t.payer.as_deref(), logs: &t.logs }
    }
}

/// The index, writing into `db`.
pub struct Indexer<D: Db> {
    pub db: D,
    /// Position in the followed chain's tape.
    cursor: usize,
    /// The next event's place in the order of receipt (after what the database holds).
    next_seq: u64,
}

impl<D: Db> Indexer<D> {
    /// An indexer writing into `db`, resuming after what it holds.
    pub fn new(db: D) -> Result<Self, Error> {
        let last = scalar(&db, "SELECT MAX(seq) FROM events", &[])?.unwrap_or(0);
        Ok(Self { db, cursor: 0, next_seq: u64::try_from(last).unwrap_or(0).saturating_add(1) })
    }

    /// Writes the events of the transactions `txs`, all or none; returns how many were new.
    pub fn ingest<'a>(&mut self, txs: impl IntoIterator<Item = Tx<'a>>) -> Result<usize, Error> {
        self.ingest_events(txs.into_iter().map(|t| (t.slot, t.signature, t.payer, named_in(t.logs))))
    }

    /// Writes transactions' events already decoded (slot, signature, fee payer if known, its
    /// events in log order), all or none; returns how many were new.
    pub fn ingest_events<'a>(
        &mut self,
        txs: impl IntoIterator<Item = (u64, &'a str, Option<&'a str>, Vec<NamedEvent>)>,
    ) -> Result<usize, Error> {
        self.db.execute("BEGIN", &[])?;
        let written = self.write(txs);
        match written {
            Ok(new) => {
                self.db.execute("COMMIT", &[])?;
                Ok(new)
            }
            Err(e) => {
                self.db.execute("ROLLBACK", &[])?;
                Err(e)
            }
        }
    }

    /// Each event of `txs`, in order (inside the caller's database transaction).
    fn write<'a>(
        &mut self,
        txs: impl IntoIterator<Item = (u64, &'a str, Option<&'a str>, Vec<NamedEvent>)>,
    ) -> Result<usize, Error> {
        let mut new = 0;
        for (slot, signature, payer, events) in txs {
            let by_party = events.iter().any(|e| ingest::is_party_action(&e.name));
            for (idx, event) in events.iter().enumerate() {
                let idx = u32::try_from(idx)
                    .map_err(|_| Error::Query("too many events in one transaction".into()))?;
                let at = At { signature, idx, slot, seq: self.next_seq, payer, by_party };
                self.next_seq = self.next_seq.saturating_add(1);
                new += usize::from(ingest::apply(&mut self.db, at, event)?);
            }
        }
        Ok(new)
    }

    /// Writes what `chain` landed since the last call (its tape: the embedded chain); `None`
    /// when the chain keeps none (a cluster: follow its event stream).
    pub fn follow(&mut self, chain: &dyn Chain) -> Result<Option<usize>, Error> {
        let Some((txs, cursor)) = chain.tape(self.cursor) else { return Ok(None) };
        let new = self.ingest(txs.iter().map(Tx::from))?;
        self.cursor = cursor;
        Ok(Some(new))
    }

    /// The last slot the index holds an event of (where a restart resumes).
    pub fn last_slot(&self) -> Result<Option<u64>, Error> {
        Ok(scalar(&self.db, "SELECT MAX(slot) FROM events", &[])?.and_then(|s| u64::try_from(s).ok()))
    }

    /// Events stored.
    pub fn events(&self) -> Result<u64, Error> {
        Ok(scalar(&self.db, "SELECT COUNT(*) FROM events", &[])?
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0))
    }
}
