//! `agx watch`: both programs' events, live, as they are confirmed (reconnecting on its own).
use std::time::{Duration, Instant};

use agx_sdk::events::{EventStream, StreamItem};
use anyhow::{Context, Result};
use serde_json::json;

use crate::{chain, Output};

#[derive(clap::Args)]
pub struct Args {
    /// Websocket endpoint (default: derived from --url, port + 1).
    #[arg(long, env = "AGX_WS_URL")]
    ws_url: Option<String>,
    /// Stop after this many events (default: run until Ctrl-C).
    #[arg(long)]
    count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long)]
    seconds: Option<u64>,
}

pub fn run(args: Args, url: Option<String>, out: Output) -> Result<()> {
    let url = chain::url(url)?;
    // Check the cluster answers, so that a wrong --url fails at once rather than waiting.
    agx_sdk::chain::RpcChain::new(&url)?;
    let ws = match args.ws_url {
        Some(ws) => ws,
        None => agx_keeper::config::websocket_url_for(&url)
            .with_context(|| format!("no websocket URL for {url}: pass --ws-url"))?,
    };
    let stream = EventStream::connect(&ws);
    out.progress(&format!("watching both programs' events on {ws}"));
    let deadline = args.seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) && deadline.is_none_or(|d| Instant::now() < d) {
        match stream.next(Duration::from_millis(250)) {
            Some(StreamItem::Event { slot, signature, event }) => {
                seen += 1;
                let v = json!({"slot": slot, "signature": signature, "program": event.program, "event": event.name, "fields": event.fields});
                out.result(&format!("slot {slot:>6}  {event}\n"), &v);
            }
            Some(StreamItem::Reconnected { program }) => {
                out.progress(&format!("reconnected to {program}'s logs: events in between may be missing"))
            }
            None => {}
        }
    }
    Ok(())
}
