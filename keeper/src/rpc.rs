//! Several JSON-RPC endpoints used as one: calls go to the endpoint in use and move on to the
//! next when it cannot be reached (a transport error, not an answer the cluster gave), so one
//! dead provider does not stop the cranks.
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::RpcTransactionConfig;
use solana_transaction_status_client_types::UiTransactionEncoding;
use tracing::warn;

use crate::config::ConfigError;
use crate::metrics::Metrics;

pub struct RpcPool {
    endpoints: Vec<(String, RpcClient)>,
    current: AtomicUsize,
    metrics: Arc<Metrics>,
    /// Calls in flight at once: hundreds of workers in a burst would otherwise open as many
    /// connections, and an endpoint that refuses some reads as unreachable.
    in_flight: tokio::sync::Semaphore,
}

/// At most this many calls wait on the endpoints at once.
const CALLS_IN_FLIGHT: usize = 64;

/// How the keeper reads a landed transaction back (`getTransaction`): base64, so it decodes to a
/// `VersionedTransaction`, with metadata, at `confirmed`.
pub fn transaction_config() -> RpcTransactionConfig {
    RpcTransactionConfig {
        encoding: Some(UiTransactionEncoding::Base64),
        commitment: Some(CommitmentConfig::confirmed()),
        max_supported_transaction_version: Some(0),
    }
}

/// A transport failure (the endpoint did not answer), as opposed to an answer.
pub fn unreachable(err: &ClientError) -> bool {
    matches!(err.kind(), ErrorKind::Io(_) | ErrorKind::Reqwest(_) | ErrorKind::Middleware(_))
}

impl RpcPool {
    /// Clients for `urls` at `confirmed` commitment; fails with [`ConfigError::Unreachable`] when
    /// none answers `getHealth` within `timeout`. The first that answers is used first.
    pub async fn connect(
        urls: &[String],
        timeout: Duration,
        metrics: Arc<Metrics>,
    ) -> Result<Self, ConfigError> {
        let endpoints: Vec<(String, RpcClient)> = urls
            .iter()
            .map(|url| {
                let client = RpcClient::new_with_timeout_and_commitment(
                    url.clone(),
                    Duration::from_secs(10),
                    CommitmentConfig::confirmed(),
                );
                (url.clone(), client)
            })
            .collect();
        let mut first = None;
        for (i, (url, client)) in endpoints.iter().enumerate() {
            match tokio::time::timeout(timeout, client.get_health()).await {
                Ok(Ok(())) => {
                    first = Some(i);
                    break;
                }
                Ok(Err(e)) => warn!(url, error = %e, "RPC endpoint not usable"),
                Err(_) => warn!(url, "RPC endpoint did not answer"),
            }
        }
        let first = first.ok_or_else(|| ConfigError::Unreachable(urls.join(", "), timeout))?;
        let pool = Self {
            endpoints,
            current: AtomicUsize::new(first),
            metrics,
            in_flight: tokio::sync::Semaphore::new(CALLS_IN_FLIGHT),
        };
        pool.metrics.set_endpoint(pool.url());
        Ok(pool)
    }

    /// The endpoint in use.
    pub fn url(&self) -> &str {
        &self.endpoints[self.current.load(Ordering::Relaxed)].0
    }

    pub fn client(&self) -> &RpcClient {
        &self.endpoints[self.current.load(Ordering::Relaxed)].1
    }

    /// Runs `call` on the endpoint in use, then on each other one in turn while they cannot be
    /// reached; the first that answers becomes the endpoint in use.
    pub async fn call<'a, T, F, Fut>(&'a self, call: F) -> Result<T, ClientError>
    where
        F: Fn(&'a RpcClient) -> Fut,
        Fut: Future<Output = Result<T, ClientError>> + 'a,
    {
        // Never closed, so acquiring only waits.
        let _permit = self.in_flight.acquire().await.ok();
        let start = self.current.load(Ordering::Relaxed);
        let n = self.endpoints.len();
        let mut last = None;
        for step in 0..n {
            let i = (start + step) % n;
            match call(&self.endpoints[i].1).await {
                Err(e) if unreachable(&e) => {
                    warn!(url = self.endpoints[i].0, error = %e, "RPC endpoint unreachable; trying the next");
                    last = Some(e);
                }
                answer => {
                    if i != start && self.current.swap(i, Ordering::Relaxed) != i {
                        self.metrics.set_endpoint(&self.endpoints[i].0);
                        self.metrics.rpc_failovers.inc();
                    }
                    return answer;
                }
            }
        }
        Err(last.unwrap_or_else(|| ErrorKind::Custom("no RPC endpoint".into()).into()))
    }
}
