//! The keeper service: the watcher feeds the tracker; at every slot the due cranks go to workers
//! (at most `concurrency` at once); each worker re-reads the intent, checks that the crank is
//! still due by the program's own rule, looks up what the crank needs, weighs what it pays
//! against its fees, and sends it. Outcomes come back to the loop, which re-indexes the intent
//! from the worker's fresh read.
//!
//! Several keepers take turns (`peers`): a crank goes out at its due slot from the keeper whose
//! turn is first, and from each later one only once its own turn came and the crank is still due.
//!
//! Supervision: the watcher reconnects on its own; a worker that fails reports `Failed` and its
//! intent waits a few slots before it is tried again; a lost race is never retried (the fresh
//! read shows what the other keeper did). Shutdown stops new cranks and lets in-flight sends
//! finish.
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use agx_core::lifecycle::Crank;
use agx_sdk::accounts::{decode, decode_zero_copy, ExchangeConfig, Intent, RegistryConfig};
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{pda, token, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::Discriminator;
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_commitment_config::CommitmentConfig;
use solana_instruction_error::InstructionError;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tracing::{debug, info, warn};

use crate::backoff::Backoff;
use crate::books::{self, Moved};
use crate::config::Config;
use crate::cranks::{
    needs_tables, oversized, prepare, reads, transactions, KeeperAccounts, OpenBid, Read,
    BIDS_PER_TRANSACTION,
};
use crate::economics::{self, Cost, Payoff};
use crate::metrics::{crank_label, CrankOutcome, Metrics};
use crate::peers::{self, Peers, Turn};
use crate::rpc::RpcPool;
use crate::schedule::{next_crank, Due, Liveness, Snapshot};
use crate::sender::{Landing, Sender};
use crate::stalls::{Change, Stalls};
use crate::tracker::Tracker;
use crate::watcher::{self, Feed};
use agx_sdk::lookup::{AddressLookupTableAccount, LookupTables};

/// A crank is prepared (account re-read, lookups, fee) this many slots before it is due, then
/// sent at the first slot it can land in.
const PREPARE_AHEAD_SLOTS: u64 = 2;
/// How long a prepared crank waits for its slot before it gives up (a stalled cluster).
const SLOT_WAIT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight sends.
const DRAIN: Duration = Duration::from_secs(60);
/// A turn computed for a crank that was never handed out (another keeper sent it) is dropped
/// this many slots after it came.
const TURN_MEMORY_SLOTS: u64 = 600;

/// What the keeper reads from the two configs: what its cranks depend on. Read at start, then
/// again every [`PARAMS_EVERY`]: an admin may change the heartbeat timeout or the slash fractions
/// while the keeper runs.
#[derive(Clone, Copy, Debug)]
pub struct ClusterParams {
    pub heartbeat_timeout: u64,
    pub stake: StakeToken,
    pub failover_slash_bps: u16,
    pub failover_reward_bps: u16,
}

/// Why the keeper could not start on this cluster (the binary exits with code 2).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(
        "{missing} not found on {url}: wrong cluster, or the programs are not deployed and initialised there \
         (agx init, or agx localnet)"
    )]
    NotInitialised { url: String, missing: String },
    #[error("keypair {0} holds no lamports on {1}: fund it to pay for cranks")]
    Unfunded(Pubkey, String),
    #[error("metrics address {0}: {1}")]
    MetricsBind(std::net::SocketAddr, std::io::Error),
}

/// What a worker reports.
#[derive(Debug)]
struct Done {
    intent: Pubkey,
    due: Due,
    result: Outcome,
    /// The intent as the worker last read it (None: closed), with the slot of that read.
    fresh: Option<(Option<Snapshot>, u64)>,
}

#[derive(Debug)]
enum Outcome {
    Landed {
        slot: u64,
        tip: u64,
        reward: u64,
    },
    Lost(String),
    Failed(String),
    Skipped,
    NotDue,
    /// Left to a keeper whose turn turned out to come first.
    Deferred,
}

/// Everything a worker needs, shared.
struct Ctx {
    rpc: Arc<RpcPool>,
    sender: Arc<Sender>,
    metrics: Arc<Metrics>,
    keeper: KeeperAccounts,
    params: std::sync::RwLock<ClusterParams>,
    peers: std::sync::Mutex<Peers>,
    max_priority_fee: u64,
    crank_unprofitable: bool,
    stake_reward_price: Option<u64>,
    /// The address lookup tables this keeper made for cranks too large for a legacy
    /// transaction (a coalition of more than five members failed over).
    tables: tokio::sync::Mutex<LookupTables>,
}

/// The keeper's lookup tables holding every account of `batch` they can: made or extended first
/// when they lack some (each instruction in a transaction of its own), then, once the cluster
/// resolves the new addresses (the slot after the last change), the ones `batch` looks up.
async fn lookup_tables(
    ctx: &Ctx,
    batch: &[Instruction],
    clock: &mut watch::Receiver<u64>,
) -> Result<Vec<AddressLookupTableAccount>, String> {
    let mut tables = ctx.tables.lock().await;
    // A table is made at a slot the cluster still has the hash of.
    let recent = clock.borrow().saturating_sub(1);
    let plan = tables.plan(&ctx.keeper.caller, batch, recent);
    if plan.instructions.is_empty() {
        return Ok(tables.for_instructions(batch));
    }
    let mut changed_at = 0;
    for ix in &plan.instructions {
        match ctx.sender.send(std::slice::from_ref(ix), TABLE_UNITS, 0, true).await {
            Ok(Landing::Landed { slot, .. }) => changed_at = slot,
            other => return Err(format!("making the keeper's address lookup table: {other:?}")),
        }
    }
    tables.adopt(plan);
    let usable = tokio::time::timeout(SLOT_WAIT, clock.wait_for(|slot| *slot > changed_at)).await;
    if !usable.is_ok_and(|waited| waited.is_ok()) {
        return Err(format!("the slot after {changed_at} not reached within {SLOT_WAIT:?}"));
    }
    Ok(tables.for_instructions(batch))
}

/// Compute units a lookup table's creation or extension is sent with.
const TABLE_UNITS: u32 = 100_000;

/// A started keeper, ready to run.
pub struct Keeper {
    ctx: Arc<Ctx>,
    ws_urls: Vec<String>,
    concurrency: usize,
    stall_heartbeats: u16,
    metrics_listener: Option<tokio::net::TcpListener>,
}

/// Totals at shutdown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub landed: u64,
    pub lost: u64,
    pub failed: u64,
    pub tips_lamports: u64,
}

impl Keeper {
    /// Connects (checking every setting that needs the cluster), reads the configs and makes
    /// sure the keeper's stake-mint account exists.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let metrics = Arc::new(Metrics::default());
        let rpc =
            Arc::new(RpcPool::connect(&config.urls, config.connect_timeout, Arc::clone(&metrics)).await?);
        let url = rpc.url().to_string();
        let metrics_listener = match config.metrics_addr {
            Some(addr) => {
                Some(crate::metrics::bind(addr).await.map_err(|e| StartError::MetricsBind(addr, e))?)
            }
            None => None,
        };
        let params = cluster_params(&rpc)
            .await
            .map_err(|missing| StartError::NotInitialised { url: url.clone(), missing })?;

        let payer = Arc::new(config.keypair);
        let caller = payer.pubkey();
        let funded = rpc.call(|c| c.get_balance(&caller)).await.unwrap_or(0);
        if funded == 0 {
            return Err(StartError::Unfunded(caller, url));
        }
        let sender = Sender::new(Arc::clone(&rpc), Arc::clone(&payer));
        let stake = params.stake;
        let caller_stake_tokens = token::associated_address(&caller, &stake.mint, &stake.program);
        if rpc
            .call(|c| c.get_account_with_commitment(&caller_stake_tokens, CommitmentConfig::confirmed()))
            .await
            .ok()
            .and_then(|r| r.value)
            .is_none()
        {
            let create = token::create_associated_idempotent(caller, caller, stake.mint, stake.program);
            match sender.send(&[create], 40_000, 0, true).await {
                Ok(Landing::Landed { .. }) => {
                    info!(account = %caller_stake_tokens, "created the keeper's stake-mint account")
                }
                other => {
                    warn!(?other, "could not create the keeper's stake-mint account; failovers will fail")
                }
            }
        }
        let ctx = Ctx {
            rpc,
            sender,
            metrics,
            keeper: KeeperAccounts { caller, caller_stake_tokens, stake },
            params: std::sync::RwLock::new(params),
            peers: std::sync::Mutex::new(Peers::new(caller)),
            max_priority_fee: config.max_priority_fee,
            crank_unprofitable: config.crank_unprofitable,
            stake_reward_price: config.stake_reward_price,
            tables: tokio::sync::Mutex::new(LookupTables::default()),
        };
        Ok(Self {
            ctx: Arc::new(ctx),
            ws_urls: config.ws_urls,
            concurrency: config.concurrency,
            stall_heartbeats: config.stall_heartbeats,
            metrics_listener,
        })
    }

    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.ctx.metrics)
    }

    /// The address `/metrics` is served on, when enabled.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Runs until `shutdown` turns true, then waits for in-flight sends.
    pub async fn run(self, shutdown: watch::Receiver<bool>) -> Summary {
        let ctx = self.ctx;
        let mut background = JoinSet::new();
        if let Some(listener) = self.metrics_listener {
            background.spawn(crate::metrics::serve(listener, Arc::clone(&ctx.metrics), shutdown.clone()));
        }
        background.spawn(Arc::clone(&ctx.sender).refresh_blockhash(shutdown.clone()));
        let (feed_tx, mut feed) = mpsc::channel(8_192);
        background.spawn(watcher::run(
            self.ws_urls.clone(),
            Arc::clone(&ctx.rpc),
            feed_tx.clone(),
            Arc::clone(&ctx.metrics),
            shutdown.clone(),
        ));
        let feed_tx_params = feed_tx.clone();
        background.spawn(crate::poller::run(
            Arc::clone(&ctx.rpc),
            feed_tx,
            Arc::clone(&ctx.metrics),
            shutdown.clone(),
        ));
        info!(keeper = %ctx.keeper.caller, rpc = ctx.rpc.url(), ws = ?self.ws_urls, "keeper started");

        background.spawn(follow_params(Arc::clone(&ctx), feed_tx_params, shutdown.clone()));
        let mut tracker = Tracker::new(ctx.params().heartbeat_timeout);
        let mut stalls = Stalls::new(self.stall_heartbeats);
        let mut workers: JoinSet<Done> = JoinSet::new();
        let mut in_flight: HashMap<Pubkey, Due> = HashMap::new();
        let mut backoff = Backoff::default();
        // The turn of each crank due soon, computed again when the crank or the known keepers change.
        let mut turns: HashMap<Pubkey, Pending> = HashMap::new();
        let mut now = 0u64;
        let (clock_tx, clock) = watch::channel(0u64);
        let mut summary = Summary::default();
        let mut stop = shutdown.clone();
        let mut gauges = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                message = feed.recv() => {
                    let Some(message) = message else { break };
                    match message {
                        Feed::Slot(slot) => now = now.max(slot),
                        Feed::Intent { intent, snapshot: Some(s), slot } => tracker.upsert_intent(intent, s, slot),
                        Feed::Intent { intent, snapshot: None, .. } => tracker.remove_intent(&intent),
                        Feed::Agent { agent, last_heartbeat_slot, stalled_beats, progress_bps } => {
                            tracker.upsert_agent(agent, last_heartbeat_slot);
                            report_stall(&ctx, &tracker, &mut stalls, agent, stalled_beats, progress_bps);
                        }
                        Feed::HeartbeatTimeout(slots) => tracker.set_heartbeat_timeout(slots),
                        Feed::Resync { intents, agents, slot, .. } => {
                            tracker.resync(intents, agents, slot);
                            // Authoritative: a validator restarted from a snapshot goes back.
                            now = slot;
                        }
                    }
                }
                Some(done) = workers.join_next(), if !workers.is_empty() => {
                    let Ok(done) = done else { continue };
                    in_flight.remove(&done.intent);
                    settle_outcome(&ctx, &mut tracker, &mut backoff, &mut summary, now, done);
                }
                _ = gauges.tick() => {
                    publish_gauges(&ctx.metrics, &tracker, now);
                    ctx.metrics.peers.set(i64::try_from(ctx.peers().len()).unwrap_or(i64::MAX));
                    turns.retain(|_, pending| pending.at.saturating_add(TURN_MEMORY_SLOTS) > now);
                }
                _ = stop.changed() => break,
            }
            ctx.metrics.tip_slot.store(now, Ordering::Relaxed);
            clock_tx.send_if_modified(|slot| std::mem::replace(slot, now) != now);
            // Hand out what is due (or about to be), earliest first, up to the concurrency limit:
            // at this keeper's turn, and early enough to be prepared when it is the first turn. A
            // later turn is prepared only when it comes, so its read shows the earlier turns'.
            let generation = ctx.peers().generation();
            let due: Vec<(Pubkey, Due, TurnAt)> = tracker
                .due_at(now + PREPARE_AHEAD_SLOTS)
                .filter(|(k, _)| !in_flight.contains_key(k) && backoff.ready(k, now))
                .filter_map(|(k, due)| {
                    let pending = turns.entry(k).or_insert_with(|| Pending::new(&ctx, &k, due, now));
                    if pending.due != due {
                        *pending = Pending::new(&ctx, &k, due, now);
                    } else if pending.generation != generation {
                        pending.retake(&ctx, &k);
                    }
                    let ready = match pending.turn.rank {
                        0 => pending.at <= now + PREPARE_AHEAD_SLOTS,
                        _ => pending.at <= now,
                    };
                    let turn = TurnAt { turn: pending.turn.clone(), base: pending.base, at: pending.at };
                    ready.then_some((k, due, turn))
                })
                .take(self.concurrency.saturating_sub(in_flight.len()))
                .collect();
            for (intent, due, turn) in due {
                turns.remove(&intent);
                in_flight.insert(intent, due);
                let (ctx, clock) = (Arc::clone(&ctx), clock.clone());
                workers.spawn(async move { work(&ctx, intent, due, turn, now, clock).await });
            }
        }
        info!(in_flight = workers.len(), "shutting down; letting in-flight cranks finish");
        let drained = tokio::time::timeout(DRAIN, async {
            while let Some(done) = workers.join_next().await {
                if let Ok(done) = done {
                    settle_outcome(&ctx, &mut tracker, &mut backoff, &mut summary, now, done);
                }
            }
        })
        .await;
        if drained.is_err() {
            warn!("in-flight cranks did not finish within {DRAIN:?}");
        }
        background.shutdown().await;
        info!(?summary, "keeper stopped");
        summary
    }
}

/// Books a worker's outcome and re-indexes its intent from the worker's fresh read.
fn settle_outcome(
    ctx: &Ctx,
    tracker: &mut Tracker,
    backoff: &mut Backoff,
    summary: &mut Summary,
    now: u64,
    done: Done,
) {
    let kind = crank_label(done.due.crank);
    match &done.result {
        Outcome::Landed { slot, tip: paid, reward } => {
            ctx.metrics.crank(done.due.crank, CrankOutcome::Landed);
            ctx.metrics.tips_earned_lamports.inc_by(*paid);
            ctx.metrics.rewards_earned_atoms.inc_by(*reward);
            // Close-type cranks are due from the moment the intent ended (slot 0): no deadline
            // to measure latency against.
            if done.due.slot > 0 {
                ctx.metrics.latency(slot.saturating_sub(done.due.slot));
            }
            summary.landed += 1;
            summary.tips_lamports += paid;
            info!(intent = %done.intent, kind, due = done.due.slot, landed = slot, tip = paid, "crank landed");
            backoff.clear(&done.intent);
        }
        Outcome::Lost(why) => {
            ctx.metrics.crank(done.due.crank, CrankOutcome::Lost);
            summary.lost += 1;
            info!(intent = %done.intent, kind, why, "lost the race: another keeper cranked first");
            backoff.clear(&done.intent);
        }
        Outcome::Failed(why) => {
            ctx.metrics.crank(done.due.crank, CrankOutcome::Failed);
            summary.failed += 1;
            let wait = backoff.failed(done.intent, now);
            let failures = backoff.failures(&done.intent);
            warn!(intent = %done.intent, kind, why, failures, retry_in_slots = wait, "crank failed");
        }
        Outcome::Skipped => {
            ctx.metrics.crank(done.due.crank, CrankOutcome::Skipped);
            debug!(intent = %done.intent, kind, "not worth its fees");
            backoff.skipped(done.intent, now);
        }
        Outcome::NotDue => debug!(intent = %done.intent, kind, "no longer due"),
        Outcome::Deferred => debug!(intent = %done.intent, kind, "another keeper's turn comes first"),
    }
    match done.fresh {
        Some((Some(snapshot), slot)) => tracker.upsert_intent(done.intent, snapshot, slot),
        Some((None, _)) => {
            tracker.remove_intent(&done.intent);
            backoff.clear(&done.intent);
        }
        None => {}
    }
}

/// This keeper's turn for a crank handed out: it comes at slot `at`; the turns count from `base`.
#[derive(Clone, Debug)]
struct TurnAt {
    turn: Turn,
    base: u64,
    at: u64,
}

/// A crank due soon, and this keeper's turn for it.
struct Pending {
    due: Due,
    /// Where the turns count from: a deadline crank's due slot; for a close (due as soon as the
    /// intent ended), the slot it was first seen due.
    base: u64,
    turn: Turn,
    /// The slot this keeper's turn comes at.
    at: u64,
    /// The generation of the known keepers the turn was computed with.
    generation: u64,
}

impl Pending {
    fn new(ctx: &Ctx, intent: &Pubkey, due: Due, now: u64) -> Self {
        let base = if due.slot == 0 { now } else { due.slot };
        let mut pending = Self { due, base, turn: Turn::default(), at: base, generation: 0 };
        pending.retake(ctx, intent);
        pending
    }

    /// The turn again, with the keepers known now.
    fn retake(&mut self, ctx: &Ctx, intent: &Pubkey) {
        let peers = ctx.peers();
        self.turn = peers.turn(intent, self.due.slot);
        let width = if self.due.slot == 0 { peers::CLOSE_TURN_SLOTS } else { peers::TURN_SLOTS };
        self.at = self.turn.send_at(self.base, width);
        self.generation = peers.generation();
    }
}

fn publish_gauges(metrics: &Metrics, tracker: &Tracker, now: u64) {
    metrics.tip_slot.store(now, Ordering::Relaxed);
    let by_state: BTreeMap<String, usize> =
        tracker.count_by_status().into_iter().map(|(s, n)| (format!("{s:?}").to_lowercase(), n)).collect();
    metrics.set_tracked(by_state);
}

/// How often the configs are read again.
const PARAMS_EVERY: Duration = Duration::from_secs(30);

impl Ctx {
    fn params(&self) -> ClusterParams {
        *self.params.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn peers(&self) -> std::sync::MutexGuard<'_, Peers> {
        self.peers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reads the configs every [`PARAMS_EVERY`]; a new heartbeat timeout goes to the loop (it moves
/// the failovers of held jobs), new slash fractions to the workers.
async fn follow_params(ctx: Arc<Ctx>, feed: mpsc::Sender<Feed>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(PARAMS_EVERY) => {}
            _ = shutdown.changed() => return,
        }
        let Ok(new) = cluster_params(&ctx.rpc).await else { continue };
        let old = ctx.params();
        if (new.heartbeat_timeout, new.failover_slash_bps, new.failover_reward_bps)
            == (old.heartbeat_timeout, old.failover_slash_bps, old.failover_reward_bps)
        {
            continue;
        }
        info!(
            heartbeat_timeout = new.heartbeat_timeout,
            failover_slash_bps = new.failover_slash_bps,
            failover_reward_bps = new.failover_reward_bps,
            "the configs changed"
        );
        *ctx.params.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            ClusterParams { stake: old.stake, ..new };
        if new.heartbeat_timeout != old.heartbeat_timeout
            && feed.send(Feed::HeartbeatTimeout(new.heartbeat_timeout)).await.is_err()
        {
            return;
        }
    }
}

/// Reads the two configs in one call. The error names each config that is missing (address and
/// program: what a wrong cluster or an uninitialised deployment looks like from here), or says
/// that both exist but one does not decode.
pub async fn cluster_params(rpc: &RpcPool) -> Result<ClusterParams, String> {
    let wanted = [
        ("the registry config", pda::registry_config().0, agx_sdk::agent_registry::ID),
        ("the exchange config", pda::exchange_config().0, agx_sdk::exchange::ID),
    ];
    let keys = wanted.map(|(_, address, _)| address);
    // An endpoint that cannot answer this finds neither config.
    let accounts = rpc
        .call(|c| c.get_multiple_accounts_with_commitment(&keys, CommitmentConfig::confirmed()))
        .await
        .map_or_else(|_| vec![None, None], |r| r.value);
    let missing: Vec<String> = wanted
        .iter()
        .zip(&accounts)
        .filter(|(_, account)| account.is_none())
        .map(|((what, address, program), _)| format!("{what} {address} (program {program})"))
        .collect();
    if !missing.is_empty() {
        return Err(missing.join(" and "));
    }
    let data =
        |i: usize| accounts.get(i).and_then(Option::as_ref).map(|a| a.data.as_slice()).unwrap_or_default();
    let (Ok(registry), Ok(exchange)) = (decode::<RegistryConfig>(data(0)), decode::<ExchangeConfig>(data(1)))
    else {
        // Both exist but one did not decode: an older layout, or another program's account.
        return Err(
            "a config that decodes as this keeper's (both exist: another version of the programs?)".into()
        );
    };
    Ok(ClusterParams {
        heartbeat_timeout: registry.heartbeat_timeout_slots,
        stake: StakeToken::of(&registry),
        failover_slash_bps: exchange.failover_slash_bps,
        failover_reward_bps: exchange.failover_reward_bps,
    })
}

/// One crank, start to end, at this keeper's `turn`: prepared as
/// soon as it is handed out (up to [`PREPARE_AHEAD_SLOTS`] early for the first turn, at the turn
/// for later ones), sent once `clock` reaches its slot; then what the chain shows of the other
/// keepers is learned in the background.
async fn work(
    ctx: &Arc<Ctx>,
    intent: Pubkey,
    due: Due,
    TurnAt { turn, base, at }: TurnAt,
    now: u64,
    clock: watch::Receiver<u64>,
) -> Done {
    let done = crank(ctx, intent, due, &turn, at, now, clock).await;
    let landed = matches!(done.result, Outcome::Landed { .. });
    if landed && turn.rank > 0 {
        // The crank was still due at this keeper's turn: the keepers before it let theirs pass.
        ctx.peers().missed(&turn.ahead);
    }
    if landed || matches!(done.result, Outcome::Lost(_)) {
        // From a little before the first turn: a keeper that raced it sent at about the same time.
        let since = base.saturating_sub(peers::TURN_SLOTS);
        tokio::spawn(learn_peers(Arc::clone(ctx), intent, since));
    }
    done
}

/// Remembers every other keeper the chain shows sending a crank on `intent` from `since` on.
async fn learn_peers(ctx: Arc<Ctx>, intent: Pubkey, since: u64) {
    match peers::cranked_by(&ctx.rpc, &intent, since, &ctx.keeper.caller).await {
        Ok(found) => {
            let mut peers = ctx.peers();
            for (keeper, slot) in found {
                peers.seen(keeper, slot);
            }
        }
        Err(e) => debug!(%intent, error = %e, "could not read who else cranked"),
    }
}

async fn crank(
    ctx: &Ctx,
    intent: Pubkey,
    due: Due,
    turn: &Turn,
    send_at: u64,
    now: u64,
    mut clock: watch::Receiver<u64>,
) -> Done {
    let mut due = due;
    let done = |due, result, fresh| Done { intent, due, result, fresh };
    // At a later turn, a crank no longer due was sent at an earlier one: a race lost for free.
    let not_due = match turn.rank {
        0 => Outcome::NotDue,
        _ => Outcome::Lost("sent at an earlier keeper's turn".into()),
    };
    // Re-check: the account as the next transaction will see it.
    let (state, read_slot) = match read_intent(ctx, &intent).await {
        Ok(Some(read)) => read,
        Ok(None) => return done(due, not_due, Some((None, now))),
        Err(e) => return done(due, Outcome::Failed(format!("reading the intent: {e}")), None),
    };
    let Some(snapshot) = Snapshot::of(&state) else {
        return done(due, not_due, Some((None, read_slot)));
    };
    let fresh = Some((Some(snapshot), read_slot));
    let winner = match snapshot.watched_winner() {
        Some(agent) => read_liveness(ctx, &agent).await,
        None => None,
    };
    match next_crank(&snapshot, winner) {
        Some(now_due) if now_due.crank == due.crank && now_due.slot <= now + PREPARE_AHEAD_SLOTS => {
            due = now_due
        }
        _ => return done(due, not_due, fresh),
    }
    let read = match read_for(ctx, &due, &intent, &state).await {
        Ok(read) => read,
        Err(e) => return done(due, Outcome::Failed(format!("reading what the crank needs: {e}")), fresh),
    };
    let prepared = prepare(&due, intent, &state, &ctx.keeper, &read);
    let ixs = prepared.instructions;
    if ixs.is_empty() {
        return done(due, Outcome::NotDue, fresh);
    }
    let batches = transactions(due.crank, &ixs, &ctx.keeper.caller);
    if let Some(why) = oversized(&batches, &ctx.keeper.caller) {
        return done(due, Outcome::Failed(why), fresh);
    }
    let candidates = usize::from(state.leaderboard_len);
    let units = economics::compute_unit_limit(due.crank, candidates, BIDS_PER_TRANSACTION.min(ixs.len()));
    // Without a price to pay, no need to ask what others paid.
    let recent = match ctx.max_priority_fee {
        0 => Vec::new(),
        _ => ctx
            .rpc
            .call(|c| c.get_recent_prioritization_fees(std::slice::from_ref(&intent)))
            .await
            .map(|fees| fees.into_iter().map(|f| f.prioritization_fee).collect())
            .unwrap_or_default(),
    };
    let price = economics::priority_fee(recent, ctx.max_priority_fee);
    let payoff = payoff_of(ctx, &due, &state);
    let rent = if prepared.creates_account {
        ctx.rpc.call(|c| c.get_minimum_balance_for_rent_exemption(token::ACCOUNT_LEN)).await.unwrap_or(0)
    } else {
        0
    };
    let cost = Cost {
        signatures: batches.len() as u64,
        compute_unit_limit: units.saturating_mul(batches.len() as u32),
        micro_lamports_per_cu: price,
        rent_lamports: rent,
    };
    if !economics::worth_sending(payoff, cost, ctx.crank_unprofitable, ctx.stake_reward_price) {
        return done(due, Outcome::Skipped, fresh);
    }
    // Prepared: wait for this keeper's turn, and the first slot the program accepts it in.
    let at = send_at.max(due.slot);
    let reached = tokio::time::timeout(SLOT_WAIT, clock.wait_for(|slot| *slot >= at))
        .await
        .is_ok_and(|waited| waited.is_ok());
    if !reached {
        return done(due, Outcome::Failed(format!("slot {at} not reached within {SLOT_WAIT:?}")), fresh);
    }
    // A keeper learned while this one was prepared may have the first turn now: leave it to it
    // (the loop hands the crank out again at this keeper's new turn).
    if turn.rank == 0 && ctx.peers().turn(&intent, due.slot).rank > 0 {
        return done(due, Outcome::Deferred, None);
    }
    // The first turn goes without preflight at a deadline (see `sender`), as long as it is
    // within its turn. A later turn, or a first one sent late (a backlog), may find the crank
    // sent by another keeper meanwhile: preflight catches that for free.
    let late = *clock.borrow() >= due.slot.saturating_add(peers::TURN_SLOTS);
    let preflight = due.slot == 0 || turn.rank > 0 || late;
    let mut landed_slot = 0;
    let mut signatures = Vec::new();
    for batch in batches {
        let tables = if needs_tables(batch, &ctx.keeper.caller) {
            match lookup_tables(ctx, batch, &mut clock).await {
                Ok(tables) => tables,
                Err(why) => return done(due, Outcome::Failed(why), fresh),
            }
        } else {
            Vec::new()
        };
        let sent = ctx.sender.send_with_tables(batch, units, price, preflight, &tables).await;
        // Counted once the cluster took it (it may cost a fee from then on), not before.
        if matches!(sent, Ok(Landing::Landed { .. } | Landing::Rejected(_) | Landing::Expired)) {
            ctx.metrics.crank(due.crank, CrankOutcome::Sent);
        }
        match sent {
            Ok(Landing::Landed { slot, signature }) => {
                debug!(%intent, signature, "transaction landed");
                landed_slot = slot;
                signatures.push(signature);
            }
            Ok(Landing::Refused(err) | Landing::Rejected(err)) => {
                let fresh = read_snapshot(ctx, &intent).await.or(fresh);
                let why = rejection(&err, batch, Sender::budget_instructions(price));
                let result = if lost_race(&due, &err) { Outcome::Lost(why) } else { Outcome::Failed(why) };
                return done(due, result, fresh);
            }
            Ok(Landing::Expired) => return done(due, Outcome::Failed("blockhash expired".into()), fresh),
            Err(e) => return done(due, Outcome::Failed(e.to_string()), fresh),
        }
    }
    let fresh = read_snapshot(ctx, &intent).await.or(fresh);
    // Booked as the chain moved it; as predicted only when a transaction cannot be read back.
    let moved = match booked(ctx, &signatures, rent).await {
        Some(moved) => moved,
        None => {
            warn!(%intent, "could not read the crank's transactions back: booking the expected payoff");
            // Bid closes earn nothing themselves (their payoff is the close they make possible).
            let tip = if due.crank == Crank::CloseBids { 0 } else { payoff.tip_lamports };
            Moved { tip_lamports: tip, reward_atoms: payoff.reward_atoms }
        }
    };
    done(
        due,
        Outcome::Landed { slot: landed_slot, tip: moved.tip_lamports, reward: moved.reward_atoms },
        fresh,
    )
}

/// What the landed `signatures` moved to the keeper, from their metadata (`books`); `rent` is
/// what the first paid for an account it created.
async fn booked(ctx: &Ctx, signatures: &[String], rent: u64) -> Option<Moved> {
    let config = crate::rpc::transaction_config();
    let mut total = Moved::default();
    for (i, signature) in signatures.iter().enumerate() {
        let signature: solana_transaction::Signature = signature.parse().ok()?;
        let tx = ctx.rpc.call(|c| c.get_transaction_with_config(&signature, config)).await.ok()?;
        let meta = tx.transaction.meta?;
        let rent_paid = if i == 0 { rent } else { 0 };
        total = total + books::from_meta(&meta, &ctx.keeper.caller, &ctx.keeper.stake.mint, rent_paid)?;
    }
    Some(total)
}

/// What `due` pays the keeper, by the intent's tip schedule and the config's fractions. Closing
/// bids earns nothing itself but makes the intent's close, and its tip, possible.
fn payoff_of(ctx: &Ctx, due: &Due, state: &Intent) -> Payoff {
    let reward_atoms = match due.crank {
        Crank::Failover => economics::failover_reward(
            state.min_stake,
            ctx.params().failover_slash_bps,
            ctx.params().failover_reward_bps,
        ),
        _ => 0,
    };
    Payoff { tip_lamports: agx_core::tip::take(state.tip_per_crank, state.tip_pool).0, reward_atoms }
}

/// Why a crank's transaction was refused, by the program's name for it where one of ours
/// refused it (`exchange::AuctionAccountsMissing (6035) at instruction 2`), else the runtime's
/// words. `sent` are the crank's instructions, after `budget` compute-budget ones. An error a
/// program raised inside a CPI is reported under the instruction that made the CPI, so it is
/// named by that program's table only when it is that program's own code.
pub fn rejection(err: &TransactionError, sent: &[Instruction], budget: usize) -> String {
    if let TransactionError::InstructionError(index, InstructionError::Custom(code)) = err {
        let program =
            usize::from(*index).checked_sub(budget).and_then(|i| sent.get(i)).map(|ix| ix.program_id);
        if let Some(named) = program.and_then(|p| agx_sdk::program_error::describe(&p, *code)) {
            return format!("{}::{} ({}) at instruction {index}", named.program, named.name, named.code);
        }
    }
    err.to_string()
}

/// A lost race: the program's error for a crank someone else already sent.
pub fn lost_race(due: &Due, err: &TransactionError) -> bool {
    use agx_sdk::exchange::error::ExchangeError as E;
    let TransactionError::InstructionError(_, InstructionError::Custom(code)) = err else {
        return false;
    };
    let gone = [
        anchor_lang::error::ErrorCode::AccountNotInitialized as u32,
        anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram as u32,
        anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch as u32,
    ];
    let code = *code;
    let is = |e: E| code == u32::from(e);
    gone.contains(&code)
        || match due.crank {
            Crank::Settle => is(E::IntentNotOpen),
            Crank::Finalize => is(E::ResultNotSubmitted),
            Crank::Failover => is(E::FailoverStale) || is(E::FailoverNotAwarded),
            Crank::Close => is(E::IntentNotClosable),
            Crank::CloseBids => false,
        }
}

async fn read_intent(ctx: &Ctx, intent: &Pubkey) -> anyhow::Result<Option<(Intent, u64)>> {
    let response =
        ctx.rpc.call(|c| c.get_account_with_commitment(intent, CommitmentConfig::processed())).await?;
    Ok(match response.value {
        Some(account) if account.owner == agx_sdk::exchange::ID => {
            Some((decode_zero_copy::<Intent>(&account.data)?, response.context.slot))
        }
        _ => None,
    })
}

/// Flags a job whose winner's heartbeats stopped reporting progress, once when it stalls and once
/// when it moves again (`stalls`); only agents holding a job count.
fn report_stall(
    ctx: &Ctx,
    tracker: &Tracker,
    stalls: &mut Stalls,
    agent: Pubkey,
    beats: u16,
    progress_bps: u16,
) {
    let jobs = tracker.jobs_of(&agent);
    let beats = if jobs.is_empty() { 0 } else { beats };
    match stalls.observe(agent, beats, progress_bps) {
        Some(Change::Stalled(stall)) => {
            warn!(%agent, ?jobs, progress_bps = stall.progress_bps, heartbeats = stall.beats, "job stalled: no progress")
        }
        Some(Change::Moving(_)) => info!(%agent, ?jobs, progress_bps, "stalled job moving again"),
        None => {}
    }
    ctx.metrics.stalled_jobs.set(i64::try_from(stalls.len()).unwrap_or(i64::MAX));
}

async fn read_snapshot(ctx: &Ctx, intent: &Pubkey) -> Option<(Option<Snapshot>, u64)> {
    match read_intent(ctx, intent).await {
        Ok(Some((state, slot))) => Some((Snapshot::of(&state), slot)),
        Ok(None) => Some((None, 0)),
        Err(_) => None,
    }
}

async fn read_liveness(ctx: &Ctx, agent: &Pubkey) -> Option<Liveness> {
    let response =
        ctx.rpc.call(|c| c.get_account_with_commitment(agent, CommitmentConfig::processed())).await.ok()?;
    let view = AgentView::read(&response.value?.data)?;
    Some(Liveness {
        last_heartbeat_slot: view.last_heartbeat_slot,
        heartbeat_timeout: ctx.params().heartbeat_timeout,
    })
}

/// What [`reads`] names for the crank, and the open bids for close-bids, from the cluster.
async fn read_for(ctx: &Ctx, due: &Due, intent: &Pubkey, state: &Intent) -> anyhow::Result<Read> {
    let addresses = reads(due.crank, state, &ctx.keeper.stake);
    let accounts = match addresses.is_empty() {
        true => Vec::new(),
        false => ctx
            .rpc
            .call(|c| c.get_multiple_accounts_with_commitment(&addresses, CommitmentConfig::processed()))
            .await?
            .value
            .into_iter()
            .map(|a| a.map(|a| (a.owner, a.data)))
            .collect(),
    };
    let open_bids = match due.crank {
        Crank::CloseBids => open_bids(&ctx.rpc, intent).await?,
        _ => Vec::new(),
    };
    Ok(Read { accounts, open_bids })
}

/// The bids still open on `intent` (`getProgramAccounts` by discriminator and intent).
pub async fn open_bids(rpc: &RpcPool, intent: &Pubkey) -> anyhow::Result<Vec<OpenBid>> {
    let query = RpcProgramAccountsConfig {
        filters: Some(vec![
            RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, agx_sdk::accounts::Bid::DISCRIMINATOR.to_vec())),
            RpcFilterType::Memcmp(Memcmp::new_raw_bytes(
                agx_sdk::accounts::Bid::INTENT_OFFSET,
                intent.to_bytes().to_vec(),
            )),
        ]),
        account_config: RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64),
            commitment: Some(CommitmentConfig::processed()),
            ..RpcAccountInfoConfig::default()
        },
        ..RpcProgramAccountsConfig::default()
    };
    let accounts =
        rpc.call(|c| c.get_program_ui_accounts_with_config(&agx_sdk::exchange::ID, query.clone())).await?;
    Ok(accounts
        .into_iter()
        .filter_map(|(_, account)| decode::<agx_sdk::accounts::Bid>(&account.data.decode()?).ok())
        .filter(|bid| bid.intent == *intent)
        .map(|bid| OpenBid { agent: bid.agent, round: bid.round, bidder: bid.bidder })
        .collect())
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} landed, {} lost races, {} failed, {} lamports in tips",
            self.landed, self.lost, self.failed, self.tips_lamports
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agx_sdk::exchange::error::ExchangeError;

    /// The review saw "custom program error: 0x..." in the keeper's log; it names the rule now.
    #[test]
    fn a_refused_crank_is_logged_with_the_programs_name_for_the_error() {
        let crank = Instruction { program_id: agx_sdk::exchange::ID, accounts: vec![], data: vec![] };
        let code = u32::from(ExchangeError::AuctionAccountsMissing);
        let err = TransactionError::InstructionError(2, InstructionError::Custom(code));
        assert_eq!(
            rejection(&err, std::slice::from_ref(&crank), 2),
            format!("exchange::AuctionAccountsMissing ({code}) at instruction 2")
        );
        // A compute-budget instruction's failure, or another program's, keeps the runtime's words.
        assert_eq!(rejection(&err, std::slice::from_ref(&crank), 3), err.to_string());
        let other = TransactionError::AccountInUse;
        assert_eq!(rejection(&other, &[crank], 1), other.to_string());
    }

    #[test]
    fn a_lost_race_is_the_programs_error_for_a_crank_already_sent() {
        let due = |crank| Due { crank, slot: 1 };
        let custom = |code: u32| TransactionError::InstructionError(1, InstructionError::Custom(code));
        assert!(lost_race(&due(Crank::Failover), &custom(ExchangeError::FailoverStale.into())));
        assert!(lost_race(&due(Crank::Settle), &custom(ExchangeError::IntentNotOpen.into())));
        assert!(lost_race(
            &due(Crank::Close),
            &custom(anchor_lang::error::ErrorCode::AccountNotInitialized as u32)
        ));
        assert!(!lost_race(&due(Crank::Settle), &custom(ExchangeError::FailoverStale.into())));
        assert!(
            !lost_race(&due(Crank::Failover), &custom(ExchangeError::FailoverNotDue.into())),
            "too early is our bug"
        );
        assert!(!lost_race(&due(Crank::Settle), &TransactionError::AccountNotFound));
    }
}
