//! `bench-index OUT.json`: the index's figures (issue 26), measured on this machine and written
//! to `OUT.json` (`bench/index.json`); `bench-report` shows them in `bench/results.md`.
//!
//! - Ingest rate into each backend (SQLite in a file; PostgreSQL on a throwaway server from
//!   Debian's package): a synthetic market's events (`agx_index::synthetic`, the programs' own
//!   event types, decoded from their log lines), written as a backfill writes them (100
//!   transactions per database transaction) and as a live stream does (one per transaction).
//! - Database size per 1,000 intents.
//! - API latency (p50 / p95 / max per route, and overall) over HTTP with the index at
//!   `--intents` intents (default 100,000) in SQLite.
use std::io::{BufRead, BufReader, Read, Write};
use std::time::{Duration, Instant};

use agx_index::synthetic::{self, EVENTS_PER_INTENT};
use agx_index::testing::PostgresServer;
use agx_index::{Db, Indexer, Postgres, Sqlite, Tx};
use agx_sdk::chain::Taped;
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Transactions per database transaction when backfilling.
const BATCH: usize = 100;
/// Intents ingested for the rate and size figures.
const RATE_INTENTS: u64 = 5_000;
/// Intents ingested one transaction per commit (the live stream's way).
const LIVE_INTENTS: u64 = 500;
/// Requests per route for the latency figures.
const REQUESTS: usize = 200;

/// Ingests intents `from..to` into `ix`, `per_commit` transactions per database transaction;
/// returns the events written and the seconds taken.
fn ingest<D: Db>(ix: &mut Indexer<D>, from: u64, to: u64, per_commit: usize) -> Result<(u64, f64)> {
    let started = Instant::now();
    let mut events = 0u64;
    let mut batch: Vec<Taped> = Vec::with_capacity(per_commit + 16);
    for n in from..to {
        batch.extend(synthetic::intent_life(n));
        if batch.len() >= per_commit || n + 1 == to {
            for chunk in batch.chunks(per_commit) {
                events += ix.ingest(chunk.iter().map(Tx::from))? as u64;
            }
            batch.clear();
        }
    }
    Ok((events, started.elapsed().as_secs_f64()))
}

fn rate(events: u64, seconds: f64) -> u64 {
    (events as f64 / seconds.max(1e-9)).round() as u64
}

/// Rates and size on one backend.
fn backend<D: Db>(db: D, size: impl Fn(&D) -> Result<u64>) -> Result<Value> {
    let mut ix = Indexer::new(db)?;
    ix.ingest(synthetic::agents().iter().map(Tx::from))?;
    let empty = size(&ix.db)?;
    let (events, seconds) = ingest(&mut ix, 0, RATE_INTENTS, BATCH)?;
    let (live_events, live_seconds) = ingest(&mut ix, RATE_INTENTS, RATE_INTENTS + LIVE_INTENTS, 1)?;
    let intents = RATE_INTENTS + LIVE_INTENTS;
    if events + live_events != intents * EVENTS_PER_INTENT {
        bail!("{} events written, {} expected", events + live_events, intents * EVENTS_PER_INTENT);
    }
    let bytes = size(&ix.db)?.saturating_sub(empty);
    Ok(json!({
        "backend": ix.db.backend(),
        "events_per_s_batched": rate(events, seconds),
        "batched": {"intents": RATE_INTENTS, "events": events, "seconds": (seconds * 1000.0).round() / 1000.0, "transactions_per_commit": BATCH},
        "events_per_s_one_transaction_per_commit": rate(live_events, live_seconds),
        "one_per_commit": {"intents": LIVE_INTENTS, "events": live_events, "seconds": (live_seconds * 1000.0).round() / 1000.0},
        "bytes_per_1000_intents": bytes * 1000 / intents,
    }))
}

/// SQLite's file size with its write-ahead log folded in.
fn sqlite_size(path: &std::path::Path) -> impl Fn(&Sqlite) -> Result<u64> + '_ {
    move |db: &Sqlite| {
        db.rows("PRAGMA wal_checkpoint(TRUNCATE)", &[])?;
        Ok(std::fs::metadata(path)?.len())
    }
}

/// One GET over HTTP/1.1; the status and how long it took.
fn get(host: &str, path: &str) -> Result<(u16, Duration)> {
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect(host)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest)?;
    let code = status.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((code, started.elapsed()))
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

fn percentiles(mut times: Vec<Duration>) -> Value {
    times.sort();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    json!({"n": times.len(), "p50_ms": millis(at(50)), "p95_ms": millis(at(95)), "max_ms": millis(*times.last().unwrap())})
}

/// A route's name, and the path of its `i`th request.
type Route = Box<dyn Fn(usize) -> String>;

/// Latency of each route at `intents` intents in SQLite.
fn api(intents: u64) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("index.db");
    let mut ix = Indexer::new(Sqlite::open(&path)?)?;
    ix.ingest(synthetic::agents().iter().map(Tx::from))?;
    let (events, seconds) = ingest(&mut ix, 0, intents, BATCH)?;
    eprintln!("bench-index: {intents} intents ({events} events) in SQLite in {seconds:.1} s");
    let size = sqlite_size(&path)(&ix.db)?;
    drop(ix);
    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let host = listener.local_addr()?.to_string();
    let db: Box<dyn Db + Send> = Box::new(Sqlite::open(&path)?);
    runtime.spawn(async move { agx_index::web::serve(listener, db, std::future::pending()).await });
    // Let the stream's watcher read the head once.
    std::thread::sleep(Duration::from_millis(500));
    let address = |n: u64| synthetic::intent_address(n).to_string();
    let agent = synthetic::agent_address(7).to_string();
    let routes: Vec<(&str, Route)> = vec![
        ("/api/intents", Box::new(|_| "/api/intents?limit=50".to_owned())),
        (
            "/api/intents?status=completed&offset=",
            Box::new(|i| format!("/api/intents?status=completed&offset={}", i * 50)),
        ),
        ("/api/intents?capability=", Box::new(|i| format!("/api/intents?capability={}", 1 << (i % 8)))),
        (
            "/api/intents/{address}",
            Box::new(move |i| format!("/api/intents/{}", address((i as u64 * 7_919) % intents))),
        ),
        (
            "/api/intents/{address}/verify",
            Box::new(move |i| format!("/api/intents/{}/verify", address((i as u64 * 104_729) % intents))),
        ),
        ("/api/agents", Box::new(|_| "/api/agents?limit=50".to_owned())),
        (
            "/api/agents/{address}/history",
            Box::new(move |_| format!("/api/agents/{agent}/history?limit=100")),
        ),
        ("/api/cranks", Box::new(|_| "/api/cranks?limit=50".to_owned())),
        ("/api/stats", Box::new(|_| "/api/stats".to_owned())),
    ];
    let (first_stats_status, first_stats) = get(&host, "/api/stats")?;
    if first_stats_status != 200 {
        bail!("/api/stats answered {first_stats_status}");
    }
    let mut all = Vec::new();
    let mut by_route = serde_json::Map::new();
    for (name, path) in &routes {
        let mut times = Vec::with_capacity(REQUESTS);
        for i in 0..REQUESTS {
            let path = path(i);
            let (status, took) = get(&host, &path)?;
            if status != 200 {
                bail!("{path} answered {status}");
            }
            times.push(took);
        }
        all.extend(times.iter().copied());
        by_route.insert((*name).to_owned(), percentiles(times));
    }
    Ok(json!({
        "intents": intents,
        "events": events + synthetic::AGENTS,
        "database_bytes": size,
        "overall": percentiles(all),
        "routes": by_route,
        "stats_first_call_ms": millis(first_stats),
        "note": "one client, requests in sequence, each on a new connection; /api/stats is computed once per new event and cached",
    }))
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().context("usage: bench-index OUT.json [--intents N]")?;
    let intents = match (args.next().as_deref(), args.next()) {
        (Some("--intents"), Some(n)) => n.parse().context("--intents N")?,
        (None, _) => 100_000,
        _ => bail!("usage: bench-index OUT.json [--intents N]"),
    };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("rate.db");
    eprintln!("bench-index: ingest rates into SQLite ...");
    let sqlite = backend(Sqlite::open(&path)?, sqlite_size(&path))?;
    eprintln!("bench-index: ingest rates into PostgreSQL ...");
    let server = PostgresServer::start().map_err(|e| anyhow::anyhow!("a PostgreSQL server: {e}"))?;
    let postgres = backend(Postgres::connect(&server.url())?, |db: &Postgres| {
        let bytes =
            agx_index::db::scalar(db, "SELECT CAST(pg_database_size(current_database()) AS BIGINT)", &[])?;
        Ok(u64::try_from(bytes.unwrap_or(0)).unwrap_or(0))
    })?;
    drop(server);
    eprintln!("bench-index: API latency at {intents} intents ...");
    let api = api(intents)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let figures = json!({
        "machine": {"cores": cores},
        "market": {"events_per_intent": EVENTS_PER_INTENT, "agents": synthetic::AGENTS, "intent": "first-price sealed, three bids, delivered and paid, closed"},
        "ingest": {"sqlite": sqlite, "postgres": postgres},
        "api_sqlite": api,
        "goals": {"sqlite_events_per_s": 5_000, "api_p95_ms_at_100k_intents": 20},
    });
    std::fs::write(&out, serde_json::to_string_pretty(&figures)? + "\n")?;
    eprintln!("bench-index: wrote {out}");
    Ok(())
}
