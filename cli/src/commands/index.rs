//! `agx index`: the market's memory (`agx-index`). Reads an index a run filled (`agx demo
//! --index FILE`): intents, one intent with its bids and their scores' parts, agents, an agent's
//! history, market statistics; each as the JSON the API serves.
use std::path::Path;

use agx_index::query::{self, IntentFilter, Page};
use std::time::{Duration, Instant};

use agx_index::Indexer;
use agx_sdk::chain::RpcChain;
use agx_sdk::events::{EventStream, StreamItem};
use anyhow::{bail, Context, Result};
use clap::Subcommand;

use solana_commitment_config::CommitmentConfig;

use crate::Output;

#[derive(Subcommand)]
pub enum Command {
    /// Follows both programs on a cluster into the index (a SQLite file, created if missing):
    /// first everything since the last slot it holds (from the cluster's transaction history),
    /// then live from the websocket, filling any gap after a reconnect the same way.
    Follow {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// Websocket endpoint (default: derived from --url, port + 1).
        #[arg(long, env = "AGX_WS_URL")]
        ws_url: Option<String>,
        /// Stop after this many seconds (default: run until Ctrl-C).
        #[arg(long)]
        seconds: Option<u64>,
        /// Index transactions once `confirmed` (live, the default) or `finalized` (about 32
        /// slots later, and never a transaction of a fork the cluster then abandons).
        #[arg(long, value_enum, default_value_t = Commitment::Confirmed)]
        commitment: Commitment,
    },
    /// Intents, newest first (filter by status and capability).
    Intents {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// open, awarded, submitted, disputed, completed, expired, cancelled or failed.
        #[arg(long)]
        status: Option<String>,
        /// Only intents asking for every capability of this mask (names or bits, as for `agx
        /// intent post`).
        #[arg(long, value_parser = crate::chain::capabilities)]
        capability: Option<u64>,
        /// Rows per page (1-500).
        #[arg(long)]
        limit: Option<i64>,
        /// Rows to skip.
        #[arg(long)]
        offset: Option<i64>,
    },
    /// One intent: its terms, status history, and bids with the four parts of each score.
    Intent {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// The intent's address.
        address: String,
    },
    /// Agents, best reputation first.
    Agents {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// Rows per page (1-500).
        #[arg(long)]
        limit: Option<i64>,
        /// Rows to skip.
        #[arg(long)]
        offset: Option<i64>,
    },
    /// One agent's record over time.
    Agent {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// The agent's registry address.
        address: String,
    },
    /// Market analytics: intents by status, bids per intent, failover rate, clearing prices.
    Stats {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
    },
    /// The keeper's view: recent cranks and who sent them, and the cranks due next.
    Cranks {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// Rows per page (1-500).
        #[arg(long)]
        limit: Option<i64>,
        /// Rows to skip.
        #[arg(long)]
        offset: Option<i64>,
    },
    /// An intent's auction recomputed from the index with agx_core: its scores, its winner and
    /// its payment against the chain's.
    Verify {
        /// The index: a SQLite file, or a PostgreSQL connection string (postgres://...).
        #[arg(long)]
        database: String,
        /// The intent's address.
        address: String,
    },
}

/// How long a pushed transaction may wait to appear in the node's ledger at the commitment
/// (finalization takes ~32 slots) before the follower takes it for a fork's and skips it.
const LEDGER_WAIT: Duration = Duration::from_secs(90);

/// How final a transaction must be before the follower indexes it.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Commitment {
    Confirmed,
    Finalized,
}

impl Commitment {
    fn config(self) -> CommitmentConfig {
        match self {
            Commitment::Confirmed => CommitmentConfig::confirmed(),
            Commitment::Finalized => CommitmentConfig::finalized(),
        }
    }
}

/// The index `database` names; a SQLite file must exist already (reading never creates one).
pub fn open(database: &str) -> Result<Box<dyn agx_index::Db + Send>> {
    if !agx_index::db::is_postgres(database) && !Path::new(database).exists() {
        bail!("no index at {database}: fill one with `agx demo --index {database}`");
    }
    agx_index::open(database).with_context(|| format!("open the index {database}"))
}

/// Everything both programs did after slot `after`, from the cluster's history, into the index
/// (what the index already holds is skipped); returns the new events.
fn backfill(
    rpc: &RpcChain,
    indexer: &mut Indexer<Box<dyn agx_index::Db + Send>>,
    after: u64,
    commitment: CommitmentConfig,
) -> Result<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut txs = Vec::new();
    // The exchange's list first: within a slot it keeps the chain's order of exchange
    // transactions (every status change mentions the exchange); registry-only ones follow.
    for program in [agx_sdk::exchange::ID, agx_sdk::agent_registry::ID] {
        for tx in rpc.history_since_at(&program, after, commitment)? {
            if seen.insert(tx.signature.clone()) {
                txs.push(tx);
            }
        }
    }
    txs.sort_by_key(|t| t.slot);
    Ok(indexer.ingest(txs.iter().map(agx_index::Tx::from))?)
}

fn follow(
    database: String,
    ws_url: Option<String>,
    seconds: Option<u64>,
    commitment: CommitmentConfig,
    url: Option<String>,
    out: &Output,
) -> Result<serde_json::Value> {
    let url = crate::chain::url(url)?;
    let rpc = RpcChain::new(&url)?;
    let ws = match ws_url {
        Some(ws) => ws,
        None => agx_keeper::config::websocket_url_for(&url)
            .with_context(|| format!("no websocket URL for {url}: pass --ws-url"))?,
    };
    let mut indexer =
        Indexer::new(agx_index::open(&database).with_context(|| format!("open the index {database}"))?)?;
    let stream = EventStream::connect_at(&ws, commitment);
    let resume = indexer.last_slot()?.unwrap_or(0);
    let mut new = backfill(&rpc, &mut indexer, resume.saturating_sub(1), commitment)?;
    out.progress(&format!(
        "index {database}: {new} events from the history after slot {resume}; following {ws}"
    ));
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    // The stream says which transactions to index, in order; what is written is the ledger's
    // copy at the commitment (slot, events, fee payer: a crank's sender), as a backfill writes
    // it. A pushed notification can carry an execution of the transaction in a fork the cluster
    // then abandoned (a loaded single-node validator does this in its first slots: the same
    // signature landed again a slot later, its events' clock slots one higher), and a
    // subscription may push before the commitment is reached: a transaction waits here until
    // the node's ledger has it at the commitment, and one that never gets there (a fork's) is
    // skipped after `LEDGER_WAIT`.
    let mut waiting: std::collections::VecDeque<(Instant, String)> = std::collections::VecDeque::new();
    let drain = |indexer: &mut Indexer<Box<dyn agx_index::Db + Send>>,
                 waiting: &mut std::collections::VecDeque<(Instant, String)>|
     -> Result<usize> {
        let mut new = 0;
        while let Some((since, signature)) = waiting.front() {
            match signature.parse().ok().and_then(|s| rpc.landed_at(&s, commitment)) {
                Some(t) => new += indexer.ingest([agx_index::Tx::from(&t)])?,
                None if since.elapsed() > LEDGER_WAIT => out.progress(&format!(
                    "{signature} was pushed but is not in the ledger after {LEDGER_WAIT:?}: skipped (a fork's)"
                )),
                None => break,
            }
            waiting.pop_front();
        }
        Ok(new)
    };
    while deadline.is_none_or(|d| Instant::now() < d) {
        match stream.next(Duration::from_millis(250)) {
            // A transaction's events arrive together: it is queued once.
            Some(StreamItem::Event { signature, .. }) if !waiting.iter().any(|(_, s)| *s == signature) => {
                waiting.push_back((Instant::now(), signature));
            }
            Some(StreamItem::Event { .. }) => {}
            Some(StreamItem::Reconnected { program }) => {
                new += drain(&mut indexer, &mut waiting)?;
                let after = indexer.last_slot()?.unwrap_or(0).saturating_sub(1);
                let filled = backfill(&rpc, &mut indexer, after, commitment)?;
                new += filled;
                out.progress(&format!("reconnected to {program}'s logs: {filled} missed events backfilled"));
            }
            None => {}
        }
        new += drain(&mut indexer, &mut waiting)?;
    }
    new += drain(&mut indexer, &mut waiting)?;
    Ok(
        serde_json::json!({"database": database, "new_events": new, "events": indexer.events()?, "last_slot": indexer.last_slot()?}),
    )
}

pub fn run(command: Command, url: Option<String>, out: Output) -> Result<()> {
    let value = match command {
        Command::Follow { database, ws_url, seconds, commitment } => {
            follow(database, ws_url, seconds, commitment.config(), url, &out)?
        }
        Command::Intents { database, status, capability, limit, offset } => {
            let db = open(&database)?;
            query::intents(&db, &IntentFilter { status, capability }, Page::new(limit, offset)?)?
        }
        Command::Intent { database, address } => {
            let db = open(&database)?;
            query::intent(&db, &address)?.with_context(|| format!("no intent {address} in the index"))?
        }
        Command::Agents { database, limit, offset } => {
            query::agents(&open(&database)?, Page::new(limit, offset)?)?
        }
        Command::Agent { database, address } => {
            let db = open(&database)?;
            query::agent_history(&db, &address, Page::new(Some(query::MAX_LIMIT), None)?)?
                .with_context(|| format!("no agent {address} in the index"))?
        }
        Command::Stats { database } => query::stats(&open(&database)?)?,
        Command::Cranks { database, limit, offset } => {
            query::cranks(&open(&database)?, Page::new(limit, offset)?)?
        }
        Command::Verify { database, address } => {
            let db = open(&database)?;
            agx_index::verify::verify(&db, &address)?
                .with_context(|| format!("no intent {address} in the index"))?
        }
    };
    out.result(&format!("{}\n", serde_json::to_string_pretty(&value)?), &value);
    Ok(())
}
