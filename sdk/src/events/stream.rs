//! A reconnecting stream of both programs' events over a cluster's websocket.
//!
//! One `logsSubscribe` per program (a subscription takes one `mentions` address), merged and
//! de-duplicated by signature (a transaction that calls both programs reaches both); a dropped
//! connection is re-established with backoff (200 ms doubling to 5 s) and reported in the stream,
//! so a consumer knows it may have missed events in between and can resync from accounts.
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use solana_commitment_config::CommitmentConfig;
use solana_pubsub_client::pubsub_client::PubsubClient;
use solana_rpc_client_api::config::{RpcTransactionLogsConfig, RpcTransactionLogsFilter};

use super::{named_in, NamedEvent};

/// What the stream yields.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamItem {
    Event {
        slot: u64,
        signature: String,
        event: NamedEvent,
    },
    /// The subscription of `program` was lost and is back: events in between may be missing.
    Reconnected {
        program: &'static str,
    },
}

/// Signatures remembered for de-duplication.
const SEEN: usize = 10_000;
const BACKOFF_START: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

pub struct EventStream {
    items: mpsc::Receiver<StreamItem>,
    stop: Arc<AtomicBool>,
}

enum Raw {
    Logs { slot: u64, signature: String, logs: Vec<String> },
    Reconnected(&'static str),
}

impl EventStream {
    /// Subscribes to both programs' transactions at `confirmed` on `ws_url` (`ws://host:port`);
    /// failed transactions are skipped (their events did not happen).
    pub fn connect(ws_url: &str) -> Self {
        Self::connect_at(ws_url, CommitmentConfig::confirmed())
    }

    /// The same, with the logs of transactions at `commitment` (`finalized`: never a
    /// transaction of a fork the cluster later abandons, about 32 slots later than `confirmed`).
    pub fn connect_at(ws_url: &str, commitment: CommitmentConfig) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (raw_tx, raw_rx) = mpsc::channel();
        for (program, id) in crate::PROGRAMS {
            let (url, tx, stop) = (ws_url.to_string(), raw_tx.clone(), Arc::clone(&stop));
            std::thread::spawn(move || subscribe(&url, program, id.to_string(), commitment, &tx, &stop));
        }
        drop(raw_tx);
        let (items_tx, items) = mpsc::channel();
        std::thread::spawn(move || merge(raw_rx, items_tx));
        Self { items, stop }
    }

    /// The next item, waiting up to `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<StreamItem> {
        self.items.recv_timeout(timeout).ok()
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn subscribe(
    url: &str,
    program: &'static str,
    id: String,
    commitment: CommitmentConfig,
    tx: &mpsc::Sender<Raw>,
    stop: &AtomicBool,
) {
    let mut backoff = BACKOFF_START;
    let mut connected_before = false;
    while !stop.load(Ordering::Relaxed) {
        let filter = RpcTransactionLogsFilter::Mentions(vec![id.clone()]);
        let config = RpcTransactionLogsConfig { commitment: Some(commitment) };
        let Ok((subscription, receiver)) = PubsubClient::logs_subscribe(url, filter, config) else {
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(BACKOFF_MAX);
            continue;
        };
        if connected_before && tx.send(Raw::Reconnected(program)).is_err() {
            return;
        }
        connected_before = true;
        backoff = BACKOFF_START;
        loop {
            if stop.load(Ordering::Relaxed) {
                let _ = subscription.send_unsubscribe();
                return;
            }
            match receiver.recv_timeout(Duration::from_millis(500)) {
                Ok(response) if response.value.err.is_none() => {
                    let raw = Raw::Logs {
                        slot: response.context.slot,
                        signature: response.value.signature,
                        logs: response.value.logs,
                    };
                    if tx.send(raw).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) if e.is_timeout() => {}
                // Disconnected: subscribe again.
                Err(_) => break,
            }
        }
    }
}

fn merge(raw: mpsc::Receiver<Raw>, items: mpsc::Sender<StreamItem>) {
    let mut seen = HashSet::new();
    let mut order = VecDeque::new();
    for r in raw {
        let out: Vec<StreamItem> = match r {
            Raw::Reconnected(program) => vec![StreamItem::Reconnected { program }],
            Raw::Logs { slot, signature, logs } => {
                if !seen.insert(signature.clone()) {
                    continue;
                }
                order.push_back(signature.clone());
                if order.len() > SEEN {
                    if let Some(old) = order.pop_front() {
                        seen.remove(&old);
                    }
                }
                named_in(&logs)
                    .into_iter()
                    .map(|event| StreamItem::Event { slot, signature: signature.clone(), event })
                    .collect()
            }
        };
        for item in out {
            if items.send(item).is_err() {
                return;
            }
        }
    }
}
