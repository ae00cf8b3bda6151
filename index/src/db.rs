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

/// The first column of the first row of `sql`, as an integer (`None`: no row, or NULL).
pub fn scalar(db: &dyn Db, sql: &str, params: &[Param]) -> Result<Option<i64>, Error> {
    Ok(db.rows(sql, params)?.first().and_then(|r| r.first()).and_then(Param::int))
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

/// Opens the index `target` names: a PostgreSQL connection string (`postgres://...`,
/// `postgresql://...`, or `host=... port=...`) or else a SQLite file (created if missing).
pub fn open(target: &str) -> Result<Box<dyn Db + Send>, Error> {
    Ok(if is_postgres(target) {
        Box::new(Postgres::connect(target)?)
    } else {
        Box::new(Sqlite::open(Path::new(target))?)
    })
}

/// Does `target` name a PostgreSQL database (rather than a SQLite file)?
pub fn is_postgres(target: &str) -> bool {
    ["postgres://", "postgresql://", "host="].iter().any(|p| target.starts_with(p))
}

/// The schema's migrations, in order (versioned in the repository, applied once each).
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_cranks_and_stake.sql")),
];

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

/// PostgreSQL: a server, for a market that outgrows one machine (`postgres://...`). Runs the same
/// SQL, its `?N` placeholders rewritten to `$N`.
pub struct Postgres {
    client: std::cell::RefCell<postgres::Client>,
    /// Statements prepared once per connection, by their SQL: a prepare is a round trip.
    statements: std::cell::RefCell<std::collections::HashMap<String, postgres::Statement>>,
}

/// `sql` with SQLite's numbered placeholders (`?1`) as PostgreSQL's (`$1`).
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`, or `host=/socket/dir port=...`) and
    /// brings the schema up to date.
    pub fn connect(url: &str) -> Result<Self, Error> {
        let mut client = postgres::Client::connect(url, postgres::NoTls)?;
        client.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)")?;
        for (version, sql) in MIGRATIONS {
            let done: i64 = client
                .query_one("SELECT COUNT(*) FROM schema_migrations WHERE version = $1", &[version])?
                .get(0);
            if done == 0 {
                let mut tx = client.transaction()?;
                tx.batch_execute(sql)?;
                tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])?;
                tx.commit()?;
            }
        }
        Ok(Self { client: std::cell::RefCell::new(client), statements: Default::default() })
    }

    /// The statement and its parameters, each typed as the server expects it (a NULL as a NULL
    /// of the parameter's type).
    fn run<T>(
        &self,
        sql: &str,
        params: &[Param],
        f: impl FnOnce(
            &mut postgres::Client,
            &postgres::Statement,
            &[&(dyn postgres::types::ToSql + Sync)],
        ) -> Result<T, postgres::Error>,
    ) -> Result<T, Error> {
        use postgres::types::Type;
        let mut client = self.client.borrow_mut();
        let cached = self.statements.borrow().get(sql).cloned();
        let statement = match cached {
            Some(statement) => statement,
            None => {
                let statement = client.prepare(&postgres_sql(sql))?;
                self.statements.borrow_mut().insert(sql.to_owned(), statement.clone());
                statement
            }
        };
        let owned: Vec<Box<dyn postgres::types::ToSql + Sync>> = params
            .iter()
            .zip(statement.params())
            .map(|(p, ty)| -> Box<dyn postgres::types::ToSql + Sync> {
                match p {
                    Param::Int(v) => Box::new(*v),
                    Param::Text(v) => Box::new(v.clone()),
                    Param::Null if *ty == Type::TEXT || *ty == Type::VARCHAR => Box::new(None::<String>),
                    Param::Null => Box::new(None::<i64>),
                }
            })
            .collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        Ok(f(&mut client, &statement, &refs)?)
    }
}

impl Db for Postgres {
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<usize, Error> {
        if params.is_empty() && matches!(sql, "BEGIN" | "COMMIT" | "ROLLBACK") {
            self.client.borrow_mut().batch_execute(sql)?;
            return Ok(0);
        }
        let n = self.run(sql, params, |c, s, p| c.execute(s, p))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn rows(&self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Param>>, Error> {
        use postgres::types::Type;
        let rows = self.run(sql, params, |c, s, p| c.query(s, p))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_();
                        Ok(if *ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i)?.map_or(Param::Null, Param::Int)
                        } else if *ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)?
                                .map_or(Param::Null, |v| Param::Int(i64::from(v)))
                        } else {
                            row.try_get::<_, Option<String>>(i)?.map_or(Param::Null, Param::Text)
                        })
                    })
                    .collect::<Result<Vec<_>, Error>>()
            })
            .collect()
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

impl<D: Db + ?Sized> Db for Box<D> {
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<usize, Error> {
        (**self).execute(sql, params)
    }

    fn rows(&self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Param>>, Error> {
        (**self).rows(sql, params)
    }

    fn backend(&self) -> &'static str {
        (**self).backend()
    }
}
