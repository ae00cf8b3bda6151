//! The one storage interface, and its SQLite backend. SQL is written once, with numbered
//! parameters (`?1`), in the portable subset SQLite and PostgreSQL share (`ON CONFLICT ... DO
//! NOTHING`, BIGINT, TEXT); a backend runs it as is or rewrites the placeholders.
use std::path::Path;

use rusqlite::types::{Value as SqlValue, ValueRef};

use crate::Error;

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Int(i64),
    Text(String),
    Null,
}

impl Param {
    pub fn int(&self) -> Option<i64> {
        match self {
            Param::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Param::Text(v) => Some(v),
            _ => None,
        }
    }

    /// As JSON: a number, a string or null.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Param::Int(v) => serde_json::json!(v),
            Param::Text(v) => serde_json::json!(v),
            Param::Null => serde_json::Value::Null,
        }
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_owned())
    }
}

impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl<T: Into<Param>> From<Option<T>> for Param {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// A database the index writes to and reads from.
pub trait Db {
    /// Runs one statement; returns the rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<usize, Error>;
    /// Runs one query; returns its rows, each column as a [`Param`].
    fn rows(&self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Param>>, Error>;
    /// Which backend, for people (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;
}

/// The schema's migrations, in order (versioned in the repository, applied once each).
pub const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/0001_init.sql"))];

/// SQLite, embedded: one file, nothing to install (the default backend).
pub struct Sqlite {
    conn: rusqlite::Connection,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, Error> {
        Self::migrated(rusqlite::Connection::open(path)?)
    }

    /// A database in memory (tests, one-off runs).
    pub fn in_memory() -> Result<Self, Error> {
        Self::migrated(rusqlite::Connection::open_in_memory()?)
    }

    fn migrated(conn: rusqlite::Connection) -> Result<Self, Error> {
        // WAL: readers (the API) never wait for the writer (the follower).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")?;
        for (version, sql) in MIGRATIONS {
            let done: i64 = conn.query_row(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )?;
            if done == 0 {
                let tx = conn.unchecked_transaction()?;
                tx.execute_batch(sql)?;
                tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
                tx.commit()?;
            }
        }
        Ok(Self { conn })
    }
}

fn to_sql(p: &Param) -> SqlValue {
    match p {
        Param::Int(v) => SqlValue::Integer(*v),
        Param::Text(v) => SqlValue::Text(v.clone()),
        Param::Null => SqlValue::Null,
    }
}

impl Db for Sqlite {
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<usize, Error> {
        let values: Vec<SqlValue> = params.iter().map(to_sql).collect();
        Ok(self.conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(values))?)
    }

    fn rows(&self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Param>>, Error> {
        let values: Vec<SqlValue> = params.iter().map(to_sql).collect();
        let mut statement = self.conn.prepare_cached(sql)?;
        let columns = statement.column_count();
        let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        ValueRef::Integer(v) => Param::Int(v),
                        ValueRef::Text(t) => Param::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Real(v) => Param::Text(v.to_string()),
                        ValueRef::Blob(_) | ValueRef::Null => Param::Null,
                    })
                })
                .collect::<Result<Vec<_>, rusqlite::Error>>()
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
