//! The keeper's Prometheus metrics: a `prometheus-client` registry (counters, gauges and the
//! crank-latency histogram, in slots) served on `GET /metrics` by `axum`, in the OpenMetrics text
//! format.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use agx_core::lifecycle::Crank;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{info, warn};

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
const LATENCY_BUCKETS: [f64; 7] = [0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CrankLabels {
    kind: &'static str,
    outcome: &'static str,
}

impl CrankLabels {
    fn of(crank: Crank, outcome: CrankOutcome) -> Self {
        Self { kind: crank_label(crank), outcome: outcome.label() }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UrlLabel {
    url: String,
}

#[derive(Debug)]
pub struct Metrics {
    /// The slot the keeper last acted on, and the cluster's (their gap is exported).
    pub tip_slot: AtomicU64,
    pub cluster_slot: AtomicU64,
    /// The slot the RPC endpoint last gave (the poller's), and when the websocket last gave one
    /// and when either source last did (unix milliseconds).
    pub rpc_slot: AtomicU64,
    pub ws_slot_at_ms: AtomicU64,
    pub chain_seen_at_ms: AtomicU64,
    pub reconnects: Counter,
    pub resyncs: Counter,
    pub rpc_failovers: Counter,
    /// Other keepers known from the chain (they take turns with this one).
    pub peers: Gauge,
    /// Winners whose jobs are stalled (no progress for the configured heartbeats).
    pub stalled_jobs: Gauge,
    pub tips_earned_lamports: Counter,
    pub rewards_earned_atoms: Counter,
    cranks: Family<CrankLabels, Counter>,
    latency: Histogram,
    /// The latest latencies themselves (at most [`LATENCY_SAMPLES`]), for percentiles.
    latency_samples: Mutex<std::collections::VecDeque<u64>>,
    slot: Gauge,
    slots_behind: Gauge,
    tracked: Family<StateLabel, Gauge>,
    endpoint: Family<UrlLabel, Gauge>,
    registry: Registry,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("agx_keeper");
        let m = Metrics {
            tip_slot: AtomicU64::new(0),
            cluster_slot: AtomicU64::new(0),
            rpc_slot: AtomicU64::new(0),
            ws_slot_at_ms: AtomicU64::new(0),
            chain_seen_at_ms: AtomicU64::new(0),
            reconnects: Counter::default(),
            resyncs: Counter::default(),
            rpc_failovers: Counter::default(),
            peers: Gauge::default(),
            stalled_jobs: Gauge::default(),
            tips_earned_lamports: Counter::default(),
            rewards_earned_atoms: Counter::default(),
            cranks: Family::default(),
            latency: Histogram::new(LATENCY_BUCKETS),
            latency_samples: Mutex::default(),
            slot: Gauge::default(),
            slots_behind: Gauge::default(),
            tracked: Family::default(),
            endpoint: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "slots_behind",
            "Cluster slot minus the slot the keeper last acted on",
            m.slots_behind.clone(),
        );
        registry.register("slot", "The slot the keeper last acted on", m.slot.clone());
        registry.register("intents_tracked", "Intents tracked, by status", m.tracked.clone());
        registry.register("cranks", "Cranks by kind and outcome", m.cranks.clone());
        registry.register("crank_latency_slots", "Slots from due to landed", m.latency.clone());
        registry.register(
            "tips_earned_lamports",
            "Lamports earned in crank tips",
            m.tips_earned_lamports.clone(),
        );
        registry.register(
            "rewards_earned_atoms",
            "Stake-mint atoms earned as failover rewards",
            m.rewards_earned_atoms.clone(),
        );
        registry.register("reconnects", "Websocket reconnects", m.reconnects.clone());
        registry.register("resyncs", "Full reads of the program accounts", m.resyncs.clone());
        registry.register("rpc_failovers", "Switches to another RPC endpoint", m.rpc_failovers.clone());
        registry.register(
            "peers",
            "Other keepers seen cranking, that take turns with this one",
            m.peers.clone(),
        );
        registry.register(
            "stalled_jobs",
            "Winners whose heartbeats reported no progress for the configured number in a row",
            m.stalled_jobs.clone(),
        );
        registry.register("rpc_endpoint", "The RPC endpoint in use", m.endpoint.clone());
        Metrics { registry, ..m }
    }
}

impl Metrics {
    pub fn crank(&self, crank: Crank, outcome: CrankOutcome) {
        self.cranks.get_or_create(&CrankLabels::of(crank, outcome)).inc();
    }

    pub fn cranks(&self, crank: Crank, outcome: CrankOutcome) -> u64 {
        self.cranks.get_or_create(&CrankLabels::of(crank, outcome)).get()
    }

    /// Total of `outcome` over every crank kind.
    pub fn cranks_total(&self, outcome: CrankOutcome) -> u64 {
        Crank::ALL.iter().map(|c| self.cranks(*c, outcome)).sum()
    }

    pub fn latency(&self, slots: u64) {
        #[allow(clippy::cast_precision_loss)] // slot gaps are far below 2^53
        self.latency.observe(slots as f64);
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

    pub fn set_tracked(&self, by_state: std::collections::BTreeMap<String, usize>) {
        self.tracked.clear();
        for (state, n) in by_state {
            self.tracked.get_or_create(&StateLabel { state }).set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    pub fn set_endpoint(&self, url: &str) {
        self.endpoint.clear();
        self.endpoint.get_or_create(&UrlLabel { url: url.to_string() }).set(1);
    }

    /// Whether the keeper can see the chain at `now_ms`: a slot from the websocket or from RPC
    /// within [`HEALTH_STALE`], and at most [`HEALTH_BEHIND_SLOTS`] behind the cluster. The error
    /// says which.
    pub fn health(&self, now_ms: u64) -> Result<String, String> {
        let seen = self.chain_seen_at_ms.load(Ordering::Relaxed);
        let silent_ms = now_ms.saturating_sub(seen);
        if seen == 0 || silent_ms > u64::try_from(HEALTH_STALE.as_millis()).unwrap_or(u64::MAX) {
            return Err(match seen {
                0 => "no slot from the websocket or RPC yet".to_string(),
                _ => format!("no slot from the websocket or RPC for {} s", silent_ms / 1_000),
            });
        }
        let tip = self.tip_slot.load(Ordering::Relaxed);
        let behind = self.cluster_slot.load(Ordering::Relaxed).saturating_sub(tip);
        if behind > HEALTH_BEHIND_SLOTS {
            return Err(format!("{behind} slots behind the cluster (at slot {tip})"));
        }
        Ok(format!("ok: slot {tip}, {behind} behind the cluster"))
    }

    /// The OpenMetrics text exposition of every metric.
    pub fn render(&self) -> String {
        let tip = self.tip_slot.load(Ordering::Relaxed);
        let cluster = self.cluster_slot.load(Ordering::Relaxed);
        self.slot.set(i64::try_from(tip).unwrap_or(i64::MAX));
        self.slots_behind.set(i64::try_from(cluster.saturating_sub(tip)).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// How long without a slot from any source before the keeper is unhealthy.
pub const HEALTH_STALE: std::time::Duration = std::time::Duration::from_secs(15);
/// How far behind the cluster the keeper may act before it is unhealthy (about a minute).
pub const HEALTH_BEHIND_SLOTS: u64 = 150;

/// Milliseconds since the unix epoch.
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The OpenMetrics text format's content type.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Serves `GET /metrics` and `GET /healthz` (200 while the keeper sees the chain, 503 with the
/// reason otherwise) on `listener` until `shutdown` turns true.
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>, mut shutdown: watch::Receiver<bool>) {
    use axum::http::StatusCode;
    use axum::routing::get;
    info!(addr = ?listener.local_addr().ok(), "metrics endpoint");
    let for_health = Arc::clone(&metrics);
    let app = axum::Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = Arc::clone(&metrics);
                async move { ([(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render()) }
            }),
        )
        .route(
            "/healthz",
            get(move || {
                let metrics = Arc::clone(&for_health);
                async move {
                    match metrics.health(unix_millis()) {
                        Ok(ok) => (StatusCode::OK, ok),
                        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, why),
                    }
                }
            }),
        );
    let stop = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
        warn!(error = %e, "metrics endpoint stopped");
    }
}

/// Binds the metrics endpoint (a bad or taken address is a start-up error).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Arc<Metrics> {
        let m = Metrics::default();
        m.crank(Crank::Failover, CrankOutcome::Landed);
        m.crank(Crank::Failover, CrankOutcome::Landed);
        m.crank(Crank::Settle, CrankOutcome::Lost);
        m.latency(0);
        m.latency(2);
        m.latency(100);
        m.tips_earned_lamports.inc_by(7);
        m.set_endpoint("http://a:1");
        m.set_tracked([("awarded".to_string(), 3)].into());
        m.cluster_slot.store(50, Ordering::Relaxed);
        m.tip_slot.store(48, Ordering::Relaxed);
        Arc::new(m)
    }

    const EXPECTED: [&str; 13] = [
        "agx_keeper_cranks_total{kind=\"failover\",outcome=\"landed\"} 2",
        "agx_keeper_cranks_total{kind=\"settle\",outcome=\"lost\"} 1",
        "# TYPE agx_keeper_crank_latency_slots histogram",
        "agx_keeper_crank_latency_slots_bucket{le=\"0.0\"} 1",
        "agx_keeper_crank_latency_slots_bucket{le=\"2.0\"} 2",
        "agx_keeper_crank_latency_slots_bucket{le=\"30.0\"} 2",
        "agx_keeper_crank_latency_slots_bucket{le=\"+Inf\"} 3",
        "agx_keeper_crank_latency_slots_sum 102.0",
        "agx_keeper_tips_earned_lamports_total 7",
        "agx_keeper_slots_behind 2",
        "agx_keeper_intents_tracked{state=\"awarded\"} 3",
        "agx_keeper_rpc_endpoint{url=\"http://a:1\"} 1",
        "# EOF",
    ];

    #[test]
    fn the_exposition_has_every_family_with_its_labels() {
        let m = sample();
        let text = m.render();
        for line in EXPECTED {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
        assert_eq!(m.cranks_total(CrankOutcome::Landed), 2);
        m.set_endpoint("http://b:2");
        let text = m.render();
        assert!(
            !text.contains("http://a:1") && text.contains("url=\"http://b:2\"} 1"),
            "one endpoint at a time"
        );
    }

    #[test]
    fn the_keeper_is_healthy_while_it_sees_the_chain_and_keeps_up() {
        let m = Metrics::default();
        assert!(m.health(1_000_000).is_err(), "nothing seen yet");
        m.chain_seen_at_ms.store(1_000_000, Ordering::Relaxed);
        m.cluster_slot.store(500, Ordering::Relaxed);
        m.tip_slot.store(499, Ordering::Relaxed);
        assert_eq!(m.health(1_010_000), Ok("ok: slot 499, 1 behind the cluster".into()));
        assert_eq!(m.health(1_020_000), Err("no slot from the websocket or RPC for 20 s".into()));
        m.chain_seen_at_ms.store(1_020_000, Ordering::Relaxed);
        m.cluster_slot.store(700, Ordering::Relaxed);
        assert_eq!(m.health(1_020_000), Err("201 slots behind the cluster (at slot 499)".into()));
    }

    /// A real HTTP client scrapes the endpoint; other paths are 404; shutdown stops the server.
    #[tokio::test]
    async fn the_endpoint_serves_the_exposition_to_an_http_client() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, shutdown) = watch::channel(false);
        let server = tokio::spawn(serve(listener, sample(), shutdown));
        let client = reqwest::Client::new();
        let response = client.get(format!("http://{addr}/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], CONTENT_TYPE);
        let body = response.text().await.unwrap();
        for line in EXPECTED {
            assert!(body.lines().any(|l| l == line), "missing {line} in\n{body}");
        }
        let missing = client.get(format!("http://{addr}/other")).send().await.unwrap();
        assert_eq!(missing.status(), 404);
        // The sample saw no slot from any source: unhealthy, and says so.
        let health = client.get(format!("http://{addr}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 503);
        assert_eq!(health.text().await.unwrap(), "no slot from the websocket or RPC yet");
        stop.send(true).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(5), server).await.unwrap().unwrap();
    }
}
