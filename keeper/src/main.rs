//! `agx-keeper`: watches the cluster and (as later parts land) cranks deadlines.
use anyhow::Result;
use clap::Parser;
use tokio::sync::watch;
use tracing::info;

#[derive(Parser)]
#[command(name = "agx-keeper", version, about = "Agent Exchange keeper")]
struct Args {
    /// Websocket endpoint of the cluster.
    #[arg(long, env = "AGX_WS_URL", default_value = "ws://127.0.0.1:8900")]
    ws_url: String,
    /// Stop after this many slot notifications (smoke tests); default: run until Ctrl-C.
    #[arg(long, env = "AGX_KEEPER_MAX_SLOTS")]
    max_slots: Option<u64>,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let (tip_tx, mut tip_rx) = watch::channel(0u64);
    let watcher =
        tokio::spawn(agx_keeper::watcher::follow_slots_owned(args.ws_url.clone(), tip_tx, args.max_slots));
    info!(ws = %args.ws_url, "keeper started");
    loop {
        tokio::select! {
            changed = tip_rx.changed() => {
                if changed.is_err() { break; }
                info!(slot = *tip_rx.borrow(), "tip");
            }
            _ = tokio::signal::ctrl_c() => { info!("shutting down"); break; }
        }
    }
    drop(tip_rx);
    let seen = watcher.await??;
    info!(slots = seen, "keeper stopped");
    Ok(())
}
