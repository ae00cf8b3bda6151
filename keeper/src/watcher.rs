//! Slot watcher: follows the cluster's slots over a websocket `slotSubscribe`.
use futures_util::StreamExt as _;
use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
use tokio::sync::watch;

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

/// [`follow_slots`] with owned arguments, for `tokio::spawn`.
pub async fn follow_slots_owned(
    ws_url: String,
    tip: watch::Sender<u64>,
    limit: Option<u64>,
) -> anyhow::Result<u64> {
    follow_slots(&ws_url, tip, limit).await
}
