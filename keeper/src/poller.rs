//! The keeper's second look at the chain, over JSON-RPC: the cluster's slot every second, so that
//! `slots_behind` and `/healthz` measure the keeper against the cluster rather than against its
//! own websocket; and, while the websocket is silent (down, refusing, or connected and mute), the
//! clock and the tracked state themselves: the slot goes into the feed as the websocket's would,
//! and every [`RESYNC_EVERY`] a full read of the intents and agents (as after a reconnect), so
//! deadlines are still cranked and new intents still found.
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use solana_commitment_config::CommitmentConfig;
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use crate::metrics::{unix_millis, Metrics};
use crate::rpc::RpcPool;
use crate::watcher::{resync, Feed};

/// How often the cluster's slot is read.
pub const POLL: Duration = Duration::from_secs(1);
/// How long the websocket may go without a slot before the poller drives the clock.
pub const SILENCE: Duration = Duration::from_secs(3);
/// How often the tracked state is read in full while the websocket is silent.
pub const RESYNC_EVERY: Duration = Duration::from_secs(10);

/// Polls until `shutdown` or until the feed closes.
pub async fn run(
    rpc: Arc<RpcPool>,
    feed: mpsc::Sender<Feed>,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_resync: Option<Instant> = None;
    let mut driving = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        let slot = match rpc.call(|c| c.get_slot_with_commitment(CommitmentConfig::processed())).await {
            Ok(slot) => slot,
            Err(e) => {
                warn!(error = %e, "the RPC endpoint did not give the slot");
                continue;
            }
        };
        metrics.rpc_slot.store(slot, Ordering::Relaxed);
        metrics.cluster_slot.fetch_max(slot, Ordering::Relaxed);
        metrics.chain_seen_at_ms.store(unix_millis(), Ordering::Relaxed);
        let silent = unix_millis().saturating_sub(metrics.ws_slot_at_ms.load(Ordering::Relaxed))
            > u64::try_from(SILENCE.as_millis()).unwrap_or(u64::MAX);
        if silent != driving {
            driving = silent;
            if silent {
                warn!("the websocket is silent: the keeper follows the chain over RPC");
            } else {
                info!("the websocket is back: slot notifications drive the keeper again");
            }
        }
        if !silent {
            last_resync = None;
            continue;
        }
        if last_resync.is_none_or(|at| at.elapsed() >= RESYNC_EVERY) {
            last_resync = Some(Instant::now());
            match resync(&rpc).await {
                Ok((intents, agents, at, took)) => {
                    metrics.resyncs.inc();
                    if feed.send(Feed::Resync { intents, agents, slot: at.max(slot), took }).await.is_err() {
                        return;
                    }
                }
                Err(e) => warn!(error = %e, "reading the intents over RPC failed"),
            }
        }
        if feed.send(Feed::Slot(slot)).await.is_err() {
            return;
        }
    }
}
