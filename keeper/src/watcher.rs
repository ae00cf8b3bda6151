//! The watcher: what the chain says, as a stream of [`Feed`] messages.
//!
//! One websocket carries three subscriptions: slots (the clock every deadline runs on), the
//! exchange's intent accounts and the registry's agent accounts (heartbeats). After subscribing,
//! and again after every reconnect, it reads every intent and agent with `getProgramAccounts`
//! (a resync): whatever changed while it was away is then known, and nothing that changes after
//! the subscription can be missed. A connection that goes quiet (no slot for a while) counts as
//! cut.
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agx_sdk::accounts::{decode_zero_copy, Intent};
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::Pubkey;
use anchor_lang::Discriminator;
use futures_util::StreamExt as _;
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_commitment_config::CommitmentConfig;
use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use crate::metrics::Metrics;
use crate::rpc::RpcPool;
use crate::schedule::Snapshot;

/// What the watcher reports.
#[derive(Debug)]
pub enum Feed {
    /// The cluster's newest processed slot.
    Slot(u64),
    /// An intent account changed (as of `slot`); `None` when it no longer decodes as one this
    /// keeper schedules.
    Intent { intent: Pubkey, snapshot: Option<Snapshot>, slot: u64 },
    /// An agent account changed.
    Agent { agent: Pubkey, last_heartbeat_slot: u64, stalled_beats: u16, progress_bps: u16 },
    /// The registry's heartbeat timeout changed (slots).
    HeartbeatTimeout(u64),
    /// A full read of every intent and agent, as of (at least) `slot`.
    Resync { intents: Vec<(Pubkey, Snapshot)>, agents: Vec<(Pubkey, u64)>, slot: u64, took: Duration },
}

/// How long without a slot notification before the connection counts as cut.
const QUIET_LIMIT: Duration = Duration::from_secs(10);
/// How long connecting and each subscription may take: a server that accepts the connection and
/// never answers must not hang the keeper.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Follows the chain until `shutdown`, reconnecting (with a growing, jittered pause) whenever the
/// websocket fails, to the next of `ws_urls` in turn.
pub async fn run(
    ws_urls: Vec<String>,
    rpc: Arc<RpcPool>,
    feed: mpsc::Sender<Feed>,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    if ws_urls.is_empty() {
        warn!("no websocket endpoint: the keeper follows the chain over RPC only");
        return;
    }
    let mut pause = Duration::from_millis(200);
    let mut turn = 0usize;
    loop {
        let ws_url = ws_urls[turn % ws_urls.len()].clone();
        turn = turn.wrapping_add(1);
        let started = Instant::now();
        let ended = tokio::select! {
            ended = session(&ws_url, &rpc, &feed, &metrics) => ended,
            _ = shutdown.changed() => return,
        };
        if feed.is_closed() {
            return;
        }
        let reason = match ended {
            Ok(()) => "closed by the server".to_string(),
            Err(e) => e.to_string(),
        };
        metrics.reconnects.inc();
        if started.elapsed() > Duration::from_secs(30) {
            pause = Duration::from_millis(200);
        }
        let jitter = Duration::from_millis(u64::from(rand_u16()) % 200);
        warn!(ws = ws_url, reason, ?pause, "websocket lost; reconnecting");
        tokio::select! {
            _ = tokio::time::sleep(pause + jitter) => {}
            _ = shutdown.changed() => return,
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// One connection's life: subscribe, resync, then forward notifications until it fails.
async fn session(
    ws_url: &str,
    rpc: &RpcPool,
    feed: &mpsc::Sender<Feed>,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    let limit = |what: &'static str| move |_| anyhow::anyhow!("{what}: no answer within {CONNECT_TIMEOUT:?}");
    let client = tokio::time::timeout(CONNECT_TIMEOUT, PubsubClient::new(ws_url))
        .await
        .map_err(limit("connecting"))??;
    let (mut slots, _slots_off) = tokio::time::timeout(CONNECT_TIMEOUT, client.slot_subscribe())
        .await
        .map_err(limit("slotSubscribe"))??;
    let (mut intents, _intents_off) = tokio::time::timeout(
        CONNECT_TIMEOUT,
        client.program_subscribe(&agx_sdk::exchange::ID, Some(intent_query())),
    )
    .await
    .map_err(limit("programSubscribe (intents)"))??;
    let (mut agents, _agents_off) = tokio::time::timeout(
        CONNECT_TIMEOUT,
        client.program_subscribe(&agx_sdk::agent_registry::ID, Some(agent_query())),
    )
    .await
    .map_err(limit("programSubscribe (agents)"))??;
    let resync = resync(rpc).await?;
    metrics.resyncs.inc();
    metrics.cluster_slot.store(resync.2, Ordering::Relaxed);
    info!(intents = resync.0.len(), agents = resync.1.len(), took = ?resync.3, "resynced");
    feed.send(Feed::Resync { intents: resync.0, agents: resync.1, slot: resync.2, took: resync.3 }).await?;
    loop {
        tokio::select! {
            slot = tokio::time::timeout(QUIET_LIMIT, slots.next()) => {
                let slot = slot.map_err(|_| anyhow::anyhow!("no slot for {QUIET_LIMIT:?}"))?
                    .ok_or_else(|| anyhow::anyhow!("slot subscription ended"))?;
                metrics.cluster_slot.fetch_max(slot.slot, Ordering::Relaxed);
                metrics.ws_slot_at_ms.store(crate::metrics::unix_millis(), Ordering::Relaxed);
                metrics.chain_seen_at_ms.store(crate::metrics::unix_millis(), Ordering::Relaxed);
                feed.send(Feed::Slot(slot.slot)).await?;
            }
            update = intents.next() => {
                let update = update.ok_or_else(|| anyhow::anyhow!("intent subscription ended"))?;
                let Ok(intent) = update.value.pubkey.parse::<Pubkey>() else { continue };
                let snapshot = update.value.account.data.decode().as_deref().and_then(snapshot_of);
                feed.send(Feed::Intent { intent, snapshot, slot: update.context.slot }).await?;
            }
            update = agents.next() => {
                let update = update.ok_or_else(|| anyhow::anyhow!("agent subscription ended"))?;
                let Ok(agent) = update.value.pubkey.parse::<Pubkey>() else { continue };
                if let Some(view) = update.value.account.data.decode().as_deref().and_then(AgentView::read) {
                    let (last_heartbeat_slot, stalled_beats, progress_bps) =
                        (view.last_heartbeat_slot, view.stalled_beats, view.progress_bps);
                    feed.send(Feed::Agent { agent, last_heartbeat_slot, stalled_beats, progress_bps }).await?;
                }
            }
        }
    }
}

/// The tracked part of an intent account's data.
pub fn snapshot_of(data: &[u8]) -> Option<Snapshot> {
    Snapshot::of(&decode_zero_copy::<Intent>(data).ok()?)
}

fn query(discriminator: &[u8]) -> RpcProgramAccountsConfig {
    RpcProgramAccountsConfig {
        filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, discriminator.to_vec()))]),
        account_config: RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            ..RpcAccountInfoConfig::default()
        },
        ..RpcProgramAccountsConfig::default()
    }
}

/// Intent accounts of the exchange (by discriminator).
pub fn intent_query() -> RpcProgramAccountsConfig {
    query(Intent::DISCRIMINATOR)
}

/// Agent accounts of the registry (by discriminator).
pub fn agent_query() -> RpcProgramAccountsConfig {
    query(agx_sdk::accounts::Agent::DISCRIMINATOR)
}

type Resync = (Vec<(Pubkey, Snapshot)>, Vec<(Pubkey, u64)>, u64, Duration);

/// Reads every intent and agent: the tracked state as of (at least) the slot it returns.
pub async fn resync(rpc: &RpcPool) -> anyhow::Result<Resync> {
    let start = Instant::now();
    let slot = rpc.call(|c| c.get_slot_with_commitment(CommitmentConfig::confirmed())).await?;
    let intents = rpc
        .call(|c| c.get_program_ui_accounts_with_config(&agx_sdk::exchange::ID, intent_query()))
        .await?
        .into_iter()
        .filter_map(|(key, account)| Some((key, snapshot_of(&account.data.decode()?)?)))
        .collect();
    let agents = rpc
        .call(|c| c.get_program_ui_accounts_with_config(&agx_sdk::agent_registry::ID, agent_query()))
        .await?
        .into_iter()
        .filter_map(|(key, account)| {
            Some((key, AgentView::read(&account.data.decode()?)?.last_heartbeat_slot))
        })
        .collect();
    Ok((intents, agents, slot, start.elapsed()))
}

/// A little jitter without a random-number crate: the clock's nanoseconds.
pub fn rand_u16() -> u16 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() as u16)
}

/// Follows slots from `ws_url` and publishes each new slot on `tip` until `limit` slots were
/// seen (if given) or the receiver side is gone. Returns how many slots it published.
pub async fn follow_slots(ws_url: &str, tip: watch::Sender<u64>, limit: Option<u64>) -> anyhow::Result<u64> {
    let client = PubsubClient::new(ws_url).await?;
    let (mut slots, unsubscribe) = client.slot_subscribe().await?;
    let mut seen = 0u64;
    while let Some(info) = slots.next().await {
        // Notifications can arrive out of order; the tip only moves forward.
        tip.send_if_modified(|current| {
            let newer = info.slot > *current;
            if newer {
                *current = info.slot;
            }
            newer
        });
        seen = seen.saturating_add(1);
        if limit.is_some_and(|l| seen >= l) || tip.is_closed() {
            break;
        }
    }
    unsubscribe().await;
    Ok(seen)
}
