//! `agx-index`: the market's memory (issue 26). Every event of both programs, decoded by its
//! program's IDL, is written once (by transaction signature and its index in the logs) into a
//! relational schema (`migrations/`): intents with their terms and status history, bids with
//! their terms and scores, agents and their record over time. Closed accounts are not needed:
//! `IntentCreated` carries the intent's terms, and a bid's score parts are recomputed with
//! `agx_core::score` from them, as the chain computed them.
//!
//! - [`db`]: the one storage interface ([`db::Db`]) and its backends: SQLite (embedded, one
//!   file, the default) and PostgreSQL (a server, for a market that outgrows one machine).
//! - [`ingest`]: an event into rows, idempotently.
//! - [`query`]: what the API and the CLI read (intents, one intent with its bids, agents, an
//!   agent's history, market statistics), as JSON.
//! - [`verify`]: an auction recomputed from the index with `agx_core` (the dashboard's
//!   "verify").
//! - [`web`] (feature `web`): the JSON API, the live dashboard and its event stream, over HTTP.
//! - [`follow`]: an [`Indexer`] fed by a chain's tape (the embedded chain) or by transactions'
//!   logs (a cluster's event stream).
//!
//! A reorganisation below `confirmed` cannot happen on Solana: the index reads `confirmed`
//! transactions only (the embedded chain's are final), so it never rolls anything back.
pub mod db;
pub mod follow;
pub mod ingest;
pub mod query;
#[cfg(feature = "testing")]
pub mod synthetic;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;
#[cfg(feature = "web")]
pub mod web;

pub use db::{open, Db, Param, Postgres, Sqlite};
pub use follow::{Indexer, Tx};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// An event lacks a field the index needs, or it has the wrong type: the IDL the index
    /// decodes with is not the programs'.
    #[error("event {event}: field `{field}` is missing or malformed")]
    Field { event: String, field: &'static str },
    /// A number above `i64::MAX` (the database's BIGINT).
    #[error("event {event}: field `{field}` is above 2^63 - 1")]
    TooLarge { event: String, field: &'static str },
    #[error("{0}")]
    Query(String),
}
