//! Prometheus metrics in the text exposition format, served on `/metrics` by a small HTTP loop
//! (a keeper needs one endpoint, not a web framework).
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use agx_core::lifecycle::Crank;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{debug, info};

#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// What happened to a crank the keeper decided to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CrankOutcome {
    /// Sent to the cluster (every attempt that passed preflight).
    Sent,
    /// Executed successfully in a block.
    Landed,
    /// Another keeper (or the requester) did it first: the program's known error.
    Lost,
    /// Failed for another reason.
    Failed,
    /// Not sent: what it pays does not cover its fees.
    Skipped,
}

impl CrankOutcome {
    fn label(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Landed => "landed",
            Self::Lost => "lost",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

pub fn crank_label(crank: Crank) -> &'static str {
    match crank {
        Crank::Settle => "settle",
        Crank::Finalize => "finalize",
        Crank::Close => "close",
        Crank::CloseBids => "close_bids",
        Crank::Failover => "failover",
    }
}

/// How many raw latencies are kept.
const LATENCY_SAMPLES: usize = 10_000;

/// Crank latency buckets, in slots after the crank was due.
const LATENCY_BUCKETS: [u64; 7] = [0, 1, 2, 3, 5, 10, 30];

#[derive(Debug, Default)]
pub struct Metrics {
    pub tip_slot: AtomicU64,
    pub cluster_slot: AtomicU64,
    pub reconnects: Counter,
    pub resyncs: Counter,
    pub rpc_failovers: Counter,
    pub tips_earned_lamports: Counter,
    pub rewards_earned_atoms: Counter,
    cranks: Mutex<BTreeMap<(&'static str, CrankOutcome), u64>>,
    /// Counts per bucket (cumulative at render), plus sum and count.
    latency: Mutex<([u64; LATENCY_BUCKETS.len()], u64, u64)>,
    /// The latest latencies themselves (at most [`LATENCY_SAMPLES`]), for percentiles.
    latency_samples: Mutex<std::collections::VecDeque<u64>>,
    tracked: Mutex<BTreeMap<String, usize>>,
    endpoint: Mutex<String>,
}

impl Metrics {
    pub fn crank(&self, crank: Crank, outcome: CrankOutcome) {
        *self.cranks.lock().expect("metrics lock").entry((crank_label(crank), outcome)).or_insert(0) += 1;
    }

    pub fn cranks(&self, crank: Crank, outcome: CrankOutcome) -> u64 {
        self.cranks.lock().expect("metrics lock").get(&(crank_label(crank), outcome)).copied().unwrap_or(0)
    }

    /// Total of `outcome` over every crank kind.
    pub fn cranks_total(&self, outcome: CrankOutcome) -> u64 {
        self.cranks
            .lock()
            .expect("metrics lock")
            .iter()
            .filter(|((_, o), _)| *o == outcome)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn latency(&self, slots: u64) {
        let mut l = self.latency.lock().expect("metrics lock");
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| slots <= *b) {
            l.0[i] += 1;
        }
        l.1 = l.1.saturating_add(slots);
        l.2 += 1;
        let mut samples = self.latency_samples.lock().expect("metrics lock");
        if samples.len() == LATENCY_SAMPLES {
            samples.pop_front();
        }
        samples.push_back(slots);
    }

    /// The latest crank latencies, in slots after due (benchmarks take percentiles of them).
    pub fn latency_samples(&self) -> Vec<u64> {
        self.latency_samples.lock().expect("metrics lock").iter().copied().collect()
    }

    pub fn set_tracked(&self, by_state: BTreeMap<String, usize>) {
        *self.tracked.lock().expect("metrics lock") = by_state;
    }

    pub fn set_endpoint(&self, url: &str) {
        *self.endpoint.lock().expect("metrics lock") = url.to_string();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let tip = self.tip_slot.load(Ordering::Relaxed);
        let cluster = self.cluster_slot.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP agx_keeper_slots_behind Cluster slot minus the slot the keeper last acted on."
        );
        let _ = writeln!(out, "# TYPE agx_keeper_slots_behind gauge");
        let _ = writeln!(out, "agx_keeper_slots_behind {}", cluster.saturating_sub(tip));
        let _ = writeln!(out, "# TYPE agx_keeper_slot gauge\nagx_keeper_slot {tip}");
        let _ = writeln!(out, "# HELP agx_keeper_intents_tracked Intents tracked, by status.");
        let _ = writeln!(out, "# TYPE agx_keeper_intents_tracked gauge");
        for (state, n) in self.tracked.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "agx_keeper_intents_tracked{{state=\"{state}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP agx_keeper_cranks_total Cranks by kind and outcome.");
        let _ = writeln!(out, "# TYPE agx_keeper_cranks_total counter");
        for ((kind, outcome), n) in self.cranks.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "agx_keeper_cranks_total{{kind=\"{kind}\",outcome=\"{}\"}} {n}",
                outcome.label()
            );
        }
        let _ = writeln!(out, "# HELP agx_keeper_crank_latency_slots Slots from due to landed.");
        let _ = writeln!(out, "# TYPE agx_keeper_crank_latency_slots histogram");
        let (buckets, sum, count) = *self.latency.lock().expect("metrics lock");
        let mut cumulative = 0;
        for (bound, n) in LATENCY_BUCKETS.iter().zip(buckets) {
            cumulative += n;
            let _ = writeln!(out, "agx_keeper_crank_latency_slots_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "agx_keeper_crank_latency_slots_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "agx_keeper_crank_latency_slots_sum {sum}\nagx_keeper_crank_latency_slots_count {count}"
        );
        for (name, help, value) in [
            ("tips_earned_lamports_total", "Lamports earned in crank tips.", self.tips_earned_lamports.get()),
            (
                "rewards_earned_atoms_total",
                "Stake-mint atoms earned as failover rewards.",
                self.rewards_earned_atoms.get(),
            ),
            ("reconnects_total", "Websocket reconnects.", self.reconnects.get()),
            ("resyncs_total", "Full reads of the program accounts.", self.resyncs.get()),
            ("rpc_failovers_total", "Switches to another RPC endpoint.", self.rpc_failovers.get()),
        ] {
            let _ = writeln!(out, "# HELP agx_keeper_{name} {help}\n# TYPE agx_keeper_{name} counter");
            let _ = writeln!(out, "agx_keeper_{name} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP agx_keeper_rpc_endpoint The RPC endpoint in use.\n# TYPE agx_keeper_rpc_endpoint gauge"
        );
        let _ = writeln!(
            out,
            "agx_keeper_rpc_endpoint{{url=\"{}\"}} 1",
            self.endpoint.lock().expect("metrics lock")
        );
        out
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` turns true.
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>, mut shutdown: watch::Receiver<bool>) {
    info!(addr = ?listener.local_addr().ok(), "metrics endpoint");
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut stream, _)) = accepted else { continue };
                let metrics = Arc::clone(&metrics);
                tokio::spawn(async move {
                    let mut request = [0u8; 1024];
                    let n = stream.read(&mut request).await.unwrap_or(0);
                    let line = String::from_utf8_lossy(&request[..n]);
                    let response = if line.starts_with("GET /metrics ") {
                        let body = metrics.render();
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                    } else {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
                    };
                    if let Err(e) = stream.write_all(response.as_bytes()).await {
                        debug!(error = %e, "metrics client went away");
                    }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
}

/// Binds the metrics endpoint (a bad or taken address is a start-up error).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_every_family_with_its_labels() {
        let m = Metrics::default();
        m.crank(Crank::Failover, CrankOutcome::Landed);
        m.crank(Crank::Failover, CrankOutcome::Landed);
        m.crank(Crank::Settle, CrankOutcome::Lost);
        m.latency(0);
        m.latency(2);
        m.latency(100);
        m.tips_earned_lamports.add(7);
        m.set_endpoint("http://a:1");
        m.set_tracked([("awarded".to_string(), 3)].into());
        m.cluster_slot.store(50, Ordering::Relaxed);
        m.tip_slot.store(48, Ordering::Relaxed);
        let text = m.render();
        for line in [
            "agx_keeper_cranks_total{kind=\"failover\",outcome=\"landed\"} 2",
            "agx_keeper_cranks_total{kind=\"settle\",outcome=\"lost\"} 1",
            "agx_keeper_crank_latency_slots_bucket{le=\"0\"} 1",
            "agx_keeper_crank_latency_slots_bucket{le=\"2\"} 2",
            "agx_keeper_crank_latency_slots_bucket{le=\"30\"} 2",
            "agx_keeper_crank_latency_slots_bucket{le=\"+Inf\"} 3",
            "agx_keeper_crank_latency_slots_sum 102",
            "agx_keeper_tips_earned_lamports_total 7",
            "agx_keeper_slots_behind 2",
            "agx_keeper_intents_tracked{state=\"awarded\"} 3",
            "agx_keeper_rpc_endpoint{url=\"http://a:1\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
        assert_eq!(m.cranks_total(CrankOutcome::Landed), 2);
    }
}
