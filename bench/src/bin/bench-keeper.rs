//! `bench-keeper [OUT_JSON]`: the keeper's figures, written to `bench/keeper.json` (default).
//!
//! - `index_tick_ms`, `index_memory_mib`: the tracker with 100,000 synthetic intents (every
//!   status, 2,000 winners); one tick = 100 account updates, 20 heartbeats, then every crank due
//!   at the slot taken and its intent moved on, as the service does each slot. Memory is the
//!   resident-set growth while the intents are inserted.
//! - `resync_ms`: `getProgramAccounts` of every intent and agent and their decoding, with
//!   10,000 intent accounts loaded into a local `solana-test-validator` at genesis.
//! - `crank_latency_slots`: 200 intents with deadlines spread over ~100 slots on that validator,
//!   cranked by one keeper (which also tracks the 10,000 others); slots from each deadline to the
//!   slot its crank landed in.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agx_core::lifecycle::{Status, Timeline};
use agx_keeper::config::Config;
use agx_keeper::metrics::Metrics;
use agx_keeper::rpc::RpcPool;
use agx_keeper::schedule::Snapshot;
use agx_keeper::service::Keeper;
use agx_keeper::tracker::Tracker;
use agx_sdk::accounts::Intent;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::ix::exchange as xix;
use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use agx_sdk::{pda, Pubkey};
use agx_tests::cluster::{funded_token_account, init_market, vickrey_intent, wait_until};
use agx_tests::{Keypair, Signer};
use anchor_lang::Discriminator;
use anyhow::{Context, Result};
use base64::Engine as _;
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_transaction::Transaction;

const INDEX_INTENTS: usize = 100_000;
const RESYNC_INTENTS: usize = 10_000;
const DEADLINES: u64 = 200;
const TIP: u64 = 1_000_000;

fn main() -> Result<()> {
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
    let market = init_market(&rpc, &authority, 50)?;

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

    // The keeper, then 200 deadlines.
    let keeper_key = Keypair::new();
    agx_sdk::cluster::airdrop(&rpc, &keeper_key.pubkey(), 10_000_000_000)?;
    let keeper_config = Config {
        urls: vec![validator.rpc_url.clone()],
        ws_urls: vec![validator.ws_url.clone()],
        keypair: keeper_key,
        keypair_path: "in-memory".into(),
        metrics_addr: None,
        max_priority_fee: 0,
        concurrency: 16,
        crank_unprofitable: false,
        stake_reward_price: None,
        log_json: false,
        connect_timeout: Duration::from_secs(5),
    };
    let keeper = runtime.block_on(Keeper::start(keeper_config))?;
    let metrics: Arc<Metrics> = keeper.metrics();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = runtime.spawn(keeper.run(stopped));
    std::thread::sleep(Duration::from_secs(3)); // the keeper's first resync

    let requester = Keypair::new();
    for _ in 0..2 {
        agx_sdk::cluster::airdrop(&rpc, &requester.pubkey(), 20_000_000_000)?;
    }
    let tokens =
        funded_token_account(&rpc, &authority, market.stake.mint, requester.pubkey(), DEADLINES * 1_000_000)?;
    let blockhash = rpc.get_latest_blockhash()?;
    let mut intents = Vec::new();
    for i in 0..DEADLINES {
        // Windows of 10..60 slots each: the deadlines (reveal ends) fall ~2 to a slot.
        let window = 10 + i / 4;
        let args =
            agx_sdk::exchange::IntentCreateArgs { tip_per_crank: TIP, ..vickrey_intent(1_000 + i, window) };
        let ix = xix::intent_create(requester.pubkey(), market.stake, tokens, args);
        let tx =
            Transaction::new_signed_with_payer(&[ix], Some(&requester.pubkey()), &[&requester], blockhash);
        rpc.send_transaction(&tx).with_context(|| format!("intent {i}"))?;
        intents.push(pda::intent(&requester.pubkey(), 1_000 + i).0);
    }
    wait_until(Duration::from_secs(300), "every benchmark intent settled and closed", || {
        let closed = intents.chunks(100).all(|chunk| {
            rpc.get_multiple_accounts_with_commitment(chunk, CommitmentConfig::confirmed())
                .map(|r| r.value.iter().all(Option::is_none))
                .unwrap_or(false)
        });
        closed.then_some(())
    })?;
    let _ = stop.send(true);
    let summary = runtime.block_on(running)?;
    let mut samples = metrics.latency_samples();
    samples.sort_unstable();
    anyhow::ensure!(
        samples.len() as u64 >= DEADLINES,
        "{} latencies for {DEADLINES} deadlines",
        samples.len()
    );
    let pct = |p: usize| samples[(samples.len() * p).div_ceil(100).saturating_sub(1)];
    let latency = json!({"p50": pct(50), "p95": pct(95), "p99": pct(99), "max": samples[samples.len() - 1], "n": samples.len()});
    println!("crank latency (slots after due): {latency}; keeper: {summary}");

    let figures = json!({
        "crank_latency_slots": latency,
        "index_tick_ms": round3(tick_ms),
        "index_tick_p99_ms": round3(tick_p99_ms),
        "index_memory_mib": round3(memory_mib),
        "index_intents": INDEX_INTENTS,
        "resync_ms": round3(resync_ms),
        "resync_intents": RESYNC_INTENTS,
        "cranks_landed": summary.landed,
        "cranks_failed": summary.failed,
    });
    std::fs::write(&out, format!("{}\n", serde_json::to_string_pretty(&figures)?))?;
    println!("wrote {}", out.display());
    Ok(())
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

/// Resident set size of this process, in bytes.
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4_096
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
    let before = rss_bytes();
    let mut tracker = Tracker::new(50);
    for key in &keys {
        let s = synthetic(&mut rng, &winners, 1_000);
        tracker.upsert_intent(*key, s, 1_000);
    }
    for w in &winners {
        tracker.upsert_agent(*w, 1_000);
    }
    let memory_mib = rss_bytes().saturating_sub(before) as f64 / (1024.0 * 1024.0);
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
