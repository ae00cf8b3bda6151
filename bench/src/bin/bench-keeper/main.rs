//! `bench-keeper [OUT_JSON]`: the keeper's figures, written to `bench/keeper.json` (default).
//!
//! - `index_tick_ms`, `index_memory_mib`: the tracker with 100,000 synthetic intents (every
//!   status, 2,000 winners); one tick = 100 account updates, 20 heartbeats, then every crank due
//!   at the slot taken and its intent moved on, as the service does each slot. Memory is what
//!   the tracker holds: the bytes allocated (and not freed) while the intents are inserted,
//!   counted by this binary's allocator, so a run gives the same figure every time.
//! - `resync_ms`: `getProgramAccounts` of every intent and agent and their decoding, with
//!   10,000 intent accounts loaded into a local `solana-test-validator` at genesis.
//! - `scenarios`: keepers on that validator (which also track the 10,000 others) against a
//!   driver that plays requesters and agents and never cranks (`driver`). Every figure is read
//!   back from the chain (`chain`): each deadline's due slot by the programs' rule, the slot its
//!   crank landed in, each keeper's transactions, failures and fees.
//!   - `mix`: 20 sealed intents nobody bids on (settle), 20 continuous intents whose winner
//!     never delivers (failover at its deadline) and 20 whose winner delivers and whose
//!     requester stays silent (finalize after the dispute window); then every bid close and
//!     intent close.
//!   - `burst`: one agent wins 500 continuous intents, heartbeats once and falls silent: 500
//!     failovers due in the same slot; then 500 bid closes and 500 intent closes.
//!
//!   Each runs with one keeper and with three. Three keepers that start together race until
//!   they have learned each other from the chain: they first meet on a few intents
//!   (`meeting_3_keepers`, its cost reported apart), then run both scenarios.
mod chain;
mod driver;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agx_core::lifecycle::{Status, Timeline};
use agx_keeper::config::Config;
use agx_keeper::rpc::RpcPool;
use agx_keeper::schedule::Snapshot;
use agx_keeper::service::{Keeper, Summary};
use agx_keeper::tracker::Tracker;
use agx_sdk::accounts::Intent;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use agx_sdk::Pubkey;
use agx_tests::cluster::{init_market, wait_until};
use agx_tests::{Keypair, Signer};
use anchor_lang::Discriminator;
use anyhow::Result;
use base64::Engine as _;
use serde_json::{json, Value};
use solana_rpc_client::rpc_client::RpcClient;

use driver::{Deadline, Driver};

const INDEX_INTENTS: usize = 100_000;
const RESYNC_INTENTS: usize = 10_000;
/// The bench market's heartbeat timeout (slots).
const HEARTBEAT_TIMEOUT: u64 = 50;
/// Workers per keeper (`--concurrency`): enough for the burst to be sent at once (a worker
/// mostly waits for its transaction's confirmation).
const CONCURRENCY: usize = 512;
const MIX_EACH: u64 = 20;
const BURST: u64 = 500;

/// The system allocator, counting the bytes held, so the index's memory is exact.
struct Counting;

static HELD: AtomicI64 = AtomicI64::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
// The workspace denies unsafe code; a global allocator cannot be written without it.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size() as i64, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HELD.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The validator and what the scenarios share.
struct Net {
    validator: LocalValidator,
    authority: Keypair,
    stake: StakeToken,
    runtime: tokio::runtime::Runtime,
}

fn main() -> Result<()> {
    // The keepers' warnings (failed cranks) go to stderr; RUST_LOG for more.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let out = std::env::args().nth(1).map_or_else(|| PathBuf::from("bench/keeper.json"), PathBuf::from);
    let (tick_ms, tick_p99_ms, memory_mib) = index_bench();
    println!(
        "index: {INDEX_INTENTS} intents, tick {tick_ms:.3} ms (p99 {tick_p99_ms:.3}), {memory_mib:.1} MiB"
    );

    let accounts = tempfile::tempdir()?;
    write_synthetic_intents(accounts.path(), RESYNC_INTENTS)?;
    let authority = Keypair::new();
    let mut config = LocalnetConfig::new(authority.pubkey())?;
    config.extra_args = vec!["--account-dir".into(), accounts.path().into()];
    let validator = LocalValidator::start(&config)?;
    let rpc = validator.rpc();
    let market = init_market(&rpc, &authority, HEARTBEAT_TIMEOUT)?;

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let resync_ms = runtime.block_on(async {
        let pool = RpcPool::connect(
            std::slice::from_ref(&validator.rpc_url),
            Duration::from_secs(5),
            Arc::default(),
        )
        .await?;
        let mut best = f64::MAX;
        let mut tracked = 0;
        for _ in 0..3 {
            let (intents, _, _, took) = agx_keeper::watcher::resync(&pool).await?;
            tracked = intents.len();
            best = best.min(took.as_secs_f64() * 1e3);
        }
        anyhow::ensure!(tracked >= RESYNC_INTENTS, "resync read {tracked} intents");
        Ok::<_, anyhow::Error>(best)
    })?;
    println!("resync: {RESYNC_INTENTS} intents in {resync_ms:.0} ms (best of 3)");

    let net = Net { validator, authority, stake: market.stake, runtime };
    let mut scenarios = serde_json::Map::new();
    let alone = [start_keeper(&net)?];
    std::thread::sleep(Duration::from_secs(3)); // its first resync
    scenarios.insert("mix_1_keeper".into(), scenario(&net, "mix_1_keeper", &alone, mix)?);
    scenarios.insert("burst_1_keeper".into(), scenario(&net, "burst_1_keeper", &alone, burst)?);
    stop(&net, alone)?;
    let three = [start_keeper(&net)?, start_keeper(&net)?, start_keeper(&net)?];
    std::thread::sleep(Duration::from_secs(3));
    scenarios.insert("meeting_3_keepers".into(), scenario(&net, "meeting_3_keepers", &three, meeting)?);
    wait_until(Duration::from_secs(30), "each keeper knows the two others", || {
        three.iter().all(|k| k.metrics.peers.get() == 2).then_some(())
    })?;
    scenarios.insert("mix_3_keepers".into(), scenario(&net, "mix_3_keepers", &three, mix)?);
    scenarios.insert("burst_3_keepers".into(), scenario(&net, "burst_3_keepers", &three, burst)?);
    stop(&net, three)?;

    let figures = json!({
        "scenarios": scenarios,
        "concurrency": CONCURRENCY,
        "index_tick_ms": round3(tick_ms),
        "index_tick_p99_ms": round3(tick_p99_ms),
        "index_memory_mib": round3(memory_mib),
        "index_intents": INDEX_INTENTS,
        "resync_ms": round3(resync_ms),
        "resync_intents": RESYNC_INTENTS,
    });
    std::fs::write(&out, format!("{}\n", serde_json::to_string_pretty(&figures)?))?;
    println!("wrote {}", out.display());
    Ok(())
}

/// What a scenario's driver set up: every intent it posted, and the deadlines to time.
type Setup = (Vec<Pubkey>, Vec<Deadline>);

/// Keepers that start together meet: four intents nobody bids on.
fn meeting(driver: &mut Driver) -> Result<Setup> {
    let intents = driver.unbid(4, 6)?;
    let deadlines = driver.deadlines(&intents)?;
    Ok((intents, deadlines))
}

/// The mix: settles, failovers of silent winners, finalizes, [`MIX_EACH`] of each.
fn mix(driver: &mut Driver) -> Result<Setup> {
    let (silent, worker) = (driver.agent(10_000, 2_000_000_000)?, driver.agent(10_000, 2_000_000_000)?);
    let unbid = driver.unbid(MIX_EACH, 10)?;
    let mut deadlines = driver.deadlines(&unbid)?;
    let failing = driver.continuous(MIX_EACH, 40)?;
    let delivered = driver.continuous(MIX_EACH, 400)?;
    driver.win(&silent, &failing, 40)?;
    deadlines.extend(driver.deadlines(&failing)?);
    driver.win(&worker, &delivered, 400)?;
    driver.deliver(&worker, &delivered)?;
    deadlines.extend(driver.deadlines(&delivered)?);
    Ok(([unbid, failing, delivered].concat(), deadlines))
}

/// [`BURST`] failovers due in one slot: one agent wins them all, heartbeats, falls silent.
fn burst(driver: &mut Driver) -> Result<Setup> {
    let agent = driver.agent(10 * BURST, 10_000_000_000)?;
    let intents = driver.continuous(BURST, 5_000)?;
    driver.win(&agent, &intents, 5_000)?;
    driver.heartbeat(&agent)?;
    let deadlines = driver.deadlines(&intents)?;
    let first = deadlines.iter().map(|d| d.due).min();
    anyhow::ensure!(
        deadlines.iter().all(|d| Some(d.due) == first),
        "the burst's deadlines are not in one slot"
    );
    Ok((intents, deadlines))
}

/// A keeper running on the bench's runtime.
struct Running {
    key: Pubkey,
    metrics: Arc<agx_keeper::metrics::Metrics>,
    stop: tokio::sync::watch::Sender<bool>,
    done: tokio::task::JoinHandle<Summary>,
}

fn stop<const N: usize>(net: &Net, keepers: [Running; N]) -> Result<()> {
    for keeper in &keepers {
        let _ = keeper.stop.send(true);
    }
    for keeper in keepers {
        let summary = net.runtime.block_on(keeper.done)?;
        println!("keeper {}: {summary}", keeper.key);
    }
    Ok(())
}

fn start_keeper(net: &Net) -> Result<Running> {
    let keypair = Keypair::new();
    driver::fund(&net.validator.rpc(), &keypair.pubkey(), 20_000_000_000)?;
    let key = keypair.pubkey();
    let config = Config {
        urls: vec![net.validator.rpc_url.clone()],
        ws_urls: vec![net.validator.ws_url.clone()],
        keypair,
        keypair_path: "in-memory".into(),
        metrics_addr: None,
        max_priority_fee: 0,
        concurrency: CONCURRENCY,
        crank_unprofitable: false,
        stake_reward_price: None,
        stall_heartbeats: agx_keeper::stalls::DEFAULT_STALL_HEARTBEATS,
        log_json: false,
        connect_timeout: Duration::from_secs(5),
    };
    let keeper = net.runtime.block_on(Keeper::start(config))?;
    let metrics = keeper.metrics();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let done = net.runtime.spawn(keeper.run(stopped));
    Ok(Running { key, metrics, stop, done })
}

/// Runs `setup` against the running `keepers`, waits until every intent it posted is closed, and
/// reads the figures back from the chain (each keeper's transactions in the scenario's slots).
fn scenario(
    net: &Net,
    name: &str,
    keepers: &[Running],
    setup: fn(&mut Driver) -> Result<Setup>,
) -> Result<Value> {
    let rpc: RpcClient = net.validator.rpc();
    let tips_before: Vec<u64> = keepers.iter().map(|k| k.metrics.tips_earned_lamports.get()).collect();
    let first_slot = rpc.get_slot()?;
    let mut driver =
        Driver::new(&rpc, &net.authority, net.stake, HEARTBEAT_TIMEOUT, BURST + 100, 50_000_000_000)?;
    let (intents, deadlines) = setup(&mut driver)?;
    wait_until(Duration::from_secs(600), "every intent of the scenario closed", || {
        driver::all_closed(&rpc, &intents).then_some(())
    })?;
    std::thread::sleep(Duration::from_secs(3)); // the last bookings
    let slots = first_slot..=rpc.get_slot()?;
    let mut samples = chain::latencies(&rpc, &deadlines)?;
    samples.sort_unstable();
    let pct = |p: usize| samples[(samples.len() * p).div_ceil(100).saturating_sub(1)];
    let latency = json!({"p50": pct(50), "p95": pct(95), "p99": pct(99), "max": samples[samples.len() - 1], "n": samples.len()});
    let mut per_keeper = Vec::new();
    let (mut landed, mut failed) = (0, 0);
    for (keeper, tips_before) in keepers.iter().zip(tips_before) {
        let books = chain::keeper_books(&rpc, &keeper.key, &slots)?;
        landed += books.landed;
        failed += books.failed;
        per_keeper.push(json!({
            "landed": books.landed,
            "failed_tx": books.failed,
            "failed_tx_by_crank": books.failed_by_crank,
            "fees_lamports": books.fees_lamports,
            "tips_lamports": keeper.metrics.tips_earned_lamports.get() - tips_before,
        }));
    }
    let per_landed = if landed == 0 { 0.0 } else { failed as f64 / landed as f64 };
    let figures = json!({
        "crank_latency_slots": latency,
        "landed_cranks": landed,
        "failed_tx": failed,
        "failed_tx_per_landed_crank": round3(per_landed),
        "keepers": per_keeper,
    });
    println!("{name}: {figures}");
    Ok(figures)
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

/// Bytes allocated and not yet freed by this process.
fn held_bytes() -> i64 {
    HELD.load(Ordering::Relaxed)
}

/// A deterministic xorshift, so runs repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn synthetic(rng: &mut Rng, winners: &[Pubkey], now: u64) -> Snapshot {
    let base = now + rng.next() % 5_000;
    let (status, timeline) = match rng.next() % 4 {
        0 => (Status::Open, Timeline { commit_end: base, reveal_end: base + 10, ..Timeline::default() }),
        1 => (Status::Awarded, Timeline { execution_deadline: base, ..Timeline::default() }),
        2 => (Status::Submitted, Timeline { dispute_end: base, ..Timeline::default() }),
        _ => (Status::Disputed, Timeline { dispute_end: base, ..Timeline::default() }),
    };
    Snapshot {
        status,
        timeline,
        open_bids: (rng.next() % 4) as u32,
        escrow_open: true,
        award_slot: now,
        winner_agent: winners[(rng.next() % winners.len() as u64) as usize],
    }
}

/// (mean tick ms, p99 tick ms, MiB) for [`INDEX_INTENTS`] tracked intents.
fn index_bench() -> (f64, f64, f64) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let winners: Vec<Pubkey> = (0..2_000).map(|_| Pubkey::new_unique()).collect();
    let keys: Vec<Pubkey> = (0..INDEX_INTENTS).map(|_| Pubkey::new_unique()).collect();
    let before = held_bytes();
    let mut tracker = Tracker::new(50);
    for key in &keys {
        let s = synthetic(&mut rng, &winners, 1_000);
        tracker.upsert_intent(*key, s, 1_000);
    }
    for w in &winners {
        tracker.upsert_agent(*w, 1_000);
    }
    let memory_mib = (held_bytes() - before) as f64 / (1024.0 * 1024.0);
    let mut ticks = Vec::new();
    for slot in 1_000..3_000u64 {
        let start = Instant::now();
        for _ in 0..100 {
            let key = keys[(rng.next() % keys.len() as u64) as usize];
            let s = synthetic(&mut rng, &winners, slot);
            tracker.upsert_intent(key, s, slot);
        }
        for _ in 0..20 {
            tracker.upsert_agent(winners[(rng.next() % winners.len() as u64) as usize], slot);
        }
        let due: Vec<Pubkey> = tracker.due_at(slot).map(|(k, _)| k).collect();
        for key in due {
            // Cranked: the intent moves on to a later stage.
            let s = synthetic(&mut rng, &winners, slot + 1);
            tracker.upsert_intent(key, s, slot + 1);
        }
        ticks.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let mean = ticks.iter().sum::<f64>() / ticks.len() as f64;
    ticks.sort_by(f64::total_cmp);
    let p99 = ticks[ticks.len() * 99 / 100];
    assert_eq!(tracker.len(), INDEX_INTENTS);
    (mean, p99, memory_mib)
}

/// Writes `n` intent accounts (awarded, deadline far ahead: tracked, never due) as the JSON
/// files `solana-test-validator --account-dir` loads at genesis.
fn write_synthetic_intents(dir: &std::path::Path, n: usize) -> Result<()> {
    let engine = base64::engine::general_purpose::STANDARD;
    for i in 0..n {
        let mut intent: Intent = bytemuck::Zeroable::zeroed();
        intent.version = Intent::VERSION;
        intent.status = IntentStatus::Awarded.to_u8();
        intent.execution_deadline_slot = u64::MAX / 4;
        intent.winner_agent = Pubkey::new_unique();
        intent.requester = Pubkey::new_unique();
        intent.intent_id = i as u64;
        let mut data = Intent::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&intent));
        let account = json!({
            "pubkey": Pubkey::new_unique().to_string(),
            "account": {
                "lamports": 20_000_000u64,
                "data": [engine.encode(&data), "base64"],
                "owner": agx_sdk::exchange::ID.to_string(),
                "executable": false,
                "rentEpoch": 0,
                "space": data.len(),
            }
        });
        std::fs::write(dir.join(format!("intent-{i}.json")), account.to_string())?;
    }
    Ok(())
}
