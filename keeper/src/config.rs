//! The keeper's settings: clap flags, each with an env var, over an optional TOML file, over the
//! Solana CLI's config file (`~/.config/solana/cli/config.yml`: `json_rpc_url`, `websocket_url`,
//! `keypair_path`), over defaults. Every mistake is one clear line (`ConfigError`), which the
//! binary prints before exiting with code 2.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;
use solana_keypair::Keypair;

pub const DEFAULT_URL: &str = "http://127.0.0.1:8899";

/// Workers by default: a burst of 64 deadlines in one slot goes out at once.
pub const DEFAULT_CONCURRENCY: usize = 64;

#[derive(Parser, Debug, Default)]
#[command(
    name = "agx-keeper",
    version,
    about = "Agent Exchange keeper: sends every crank the protocol needs"
)]
pub struct Args {
    /// JSON-RPC endpoint; repeat for fallbacks, used in order ([default: the Solana CLI config's,
    /// else http://127.0.0.1:8899]; `localhost`, `devnet`, `testnet`, `mainnet-beta` accepted).
    #[arg(long = "url", short = 'u', env = "AGX_URL", value_delimiter = ',')]
    pub urls: Vec<String>,
    /// Websocket endpoint; repeat for fallbacks, used in turn when one fails [default: one per
    /// --url, port + 1 as the Solana CLI does].
    #[arg(long = "ws-url", env = "AGX_WS_URL", value_delimiter = ',')]
    pub ws_urls: Vec<String>,
    /// Keypair that signs and pays for cranks and earns their tips [default: the Solana CLI
    /// config's, else ~/.config/solana/id.json].
    #[arg(long, short = 'k', env = "AGX_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Address of the Prometheus `/metrics` endpoint (e.g. 127.0.0.1:9464); none when unset.
    #[arg(long, env = "AGX_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// Highest priority fee, micro-lamports per compute unit [default: 100000].
    #[arg(long, env = "AGX_MAX_PRIORITY_FEE")]
    pub max_priority_fee: Option<u64>,
    /// Cranks prepared and in flight at once [default: 64]. A worker mostly waits for its
    /// transaction's confirmation; N deadlines in one slot land in it with N workers (and an RPC
    /// endpoint that takes ~4 reads per crank at once).
    #[arg(long, env = "AGX_CONCURRENCY")]
    pub concurrency: Option<usize>,
    /// Send cranks even when what they pay does not cover their fees (a requester running its
    /// own keeper).
    #[arg(long, env = "AGX_CRANK_UNPROFITABLE")]
    pub crank_unprofitable: bool,
    /// What a failover's stake-mint reward is worth to you, in lamports per 1,000,000 stake-mint
    /// atoms [default: nothing: cranks are weighed by their tips alone].
    #[arg(long, env = "AGX_STAKE_REWARD_PRICE")]
    pub stake_reward_price: Option<u64>,
    /// Flag a job whose winner's heartbeats reported no progress this many times in a row
    /// [default: 3; 0: never].
    #[arg(long, env = "AGX_STALL_HEARTBEATS")]
    pub stall_heartbeats: Option<u16>,
    /// Logs as JSON lines.
    #[arg(long, env = "AGX_LOG_JSON")]
    pub log_json: bool,
    /// TOML file with any of the settings above (snake_case keys); flags and env vars win.
    #[arg(long, env = "AGX_KEEPER_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The TOML file's keys: the flags' names in snake_case.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub urls: Option<Vec<String>>,
    pub ws_url: Option<String>,
    pub ws_urls: Option<Vec<String>>,
    pub keypair: Option<PathBuf>,
    pub metrics_addr: Option<String>,
    pub max_priority_fee: Option<u64>,
    pub concurrency: Option<usize>,
    pub crank_unprofitable: Option<bool>,
    pub stake_reward_price: Option<u64>,
    pub stall_heartbeats: Option<u16>,
    pub log_json: Option<bool>,
}

/// Settings after merging and checking.
#[derive(Debug)]
pub struct Config {
    pub urls: Vec<String>,
    /// Websocket endpoints, tried in turn (the watcher moves to the next when one fails).
    pub ws_urls: Vec<String>,
    pub keypair: Keypair,
    pub keypair_path: PathBuf,
    pub metrics_addr: Option<SocketAddr>,
    pub max_priority_fee: u64,
    pub concurrency: usize,
    pub crank_unprofitable: bool,
    /// Lamports per 1,000,000 stake-mint atoms a reward is worth (`None`: nothing).
    pub stake_reward_price: Option<u64>,
    /// Heartbeats without progress after which a job is flagged (0: never).
    pub stall_heartbeats: u16,
    pub log_json: bool,
    /// How long each endpoint gets to answer at start-up before it counts as unreachable.
    pub connect_timeout: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("config file {0}: {1}")]
    File(PathBuf, String),
    #[error("invalid --url '{0}': expected http(s)://host[:port] or a moniker (localhost, devnet, testnet, mainnet-beta)")]
    Url(String),
    #[error("invalid --ws-url '{0}': expected ws(s)://host[:port]")]
    WsUrl(String),
    #[error("keypair {0}: file not found (create one with `solana-keygen new -o {0}` or pass --keypair)")]
    KeypairMissing(PathBuf),
    #[error("keypair {0}: not a keypair file (a JSON array of 64 bytes): {1}")]
    KeypairInvalid(PathBuf, String),
    #[error("invalid --metrics-addr '{0}': expected host:port, e.g. 127.0.0.1:9464")]
    MetricsAddr(String),
    #[error("--concurrency must be at least 1")]
    Concurrency,
    #[error("no RPC endpoint answered within {1:?}: {0} (is the validator running?)")]
    Unreachable(String, Duration),
}

/// What the Solana CLI's own config file says, when there is one.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CliDefaults {
    pub json_rpc_url: Option<String>,
    pub websocket_url: Option<String>,
    pub keypair_path: Option<PathBuf>,
}

impl CliDefaults {
    /// Reads `~/.config/solana/cli/config.yml` (or `$SOLANA_CLI_CONFIG`); absent means none.
    pub fn load() -> Self {
        let path = std::env::var_os("SOLANA_CLI_CONFIG").map(PathBuf::from).or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".config/solana/cli/config.yml"))
        });
        path.and_then(|p| std::fs::read_to_string(p).ok()).map(|t| Self::parse(&t)).unwrap_or_default()
    }

    /// The three flat `key: value` lines this keeper needs (the file is YAML, but flat).
    pub fn parse(text: &str) -> Self {
        let mut out = Self::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else { continue };
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
            if value.is_empty() {
                continue;
            }
            match key.trim() {
                "json_rpc_url" => out.json_rpc_url = Some(value),
                "websocket_url" => out.websocket_url = Some(value),
                "keypair_path" => out.keypair_path = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        out
    }
}

/// A cluster moniker's URL, or the URL itself.
pub fn resolve_url(url: &str) -> String {
    match url {
        "localhost" | "l" => DEFAULT_URL.into(),
        "devnet" | "d" => "https://api.devnet.solana.com".into(),
        "testnet" | "t" => "https://api.testnet.solana.com".into(),
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com".into(),
        other => other.into(),
    }
}

/// The websocket URL the Solana CLI derives from an RPC URL: ws(s), port + 1 when one is given.
pub fn websocket_url_for(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let ws_scheme = match scheme {
        "http" => "ws",
        "https" => "wss",
        _ => return None,
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = match authority.rsplit_once(':') {
        Some((host, port)) => format!("{host}:{}", port.parse::<u16>().ok()?.checked_add(1)?),
        None => authority.to_string(),
    };
    if authority.is_empty() {
        return None;
    }
    Some(format!("{ws_scheme}://{authority}/{path}").trim_end_matches('/').to_string())
}

fn valid_http(url: &str) -> bool {
    websocket_url_for(url).is_some()
}

fn valid_ws(url: &str) -> bool {
    url.split_once("://").is_some_and(|(s, rest)| (s == "ws" || s == "wss") && !rest.is_empty())
}

impl Args {
    /// Merges flags/env, the TOML file and the Solana CLI's defaults, and checks every value
    /// that can be checked offline (reachability is checked by [`crate::rpc::RpcPool::connect`]).
    pub fn resolve(self, cli: &CliDefaults) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::File(path.clone(), e.to_string()))?;
                toml::from_str::<FileSettings>(&text)
                    .map_err(|e| ConfigError::File(path.clone(), toml_error(&text, &e)))?
            }
            None => FileSettings::default(),
        };
        let urls: Vec<String> = if !self.urls.is_empty() {
            self.urls
        } else if let Some(urls) = file.urls {
            urls
        } else {
            vec![cli.json_rpc_url.clone().unwrap_or_else(|| DEFAULT_URL.into())]
        };
        let urls: Vec<String> = urls.iter().map(|u| resolve_url(u.trim())).collect();
        if let Some(bad) = urls.iter().find(|u| !valid_http(u)) {
            return Err(ConfigError::Url(bad.clone()));
        }
        let given: Vec<String> = if !self.ws_urls.is_empty() {
            self.ws_urls
        } else {
            file.ws_urls.unwrap_or_default().into_iter().chain(file.ws_url).collect()
        };
        // Without one given, each RPC endpoint's own websocket (the Solana CLI config's for its
        // RPC URL): a dead first endpoint must not leave the keeper without notifications.
        let ws_urls: Vec<String> = if !given.is_empty() {
            given
        } else {
            let from_cli = self.config.is_none() && urls.first() == cli.json_rpc_url.as_ref();
            urls.iter()
                .enumerate()
                .map(|(i, url)| match (i, from_cli, &cli.websocket_url) {
                    (0, true, Some(ws)) => ws.clone(),
                    _ => websocket_url_for(url).unwrap_or_default(),
                })
                .collect()
        };
        if let Some(bad) = ws_urls.iter().find(|ws| !valid_ws(ws)) {
            return Err(ConfigError::WsUrl(bad.clone()));
        }
        let keypair_path =
            self.keypair.or(file.keypair).or_else(|| cli.keypair_path.clone()).unwrap_or_else(|| {
                std::env::var_os("HOME")
                    .map(|h| Path::new(&h).join(".config/solana/id.json"))
                    .unwrap_or_else(|| PathBuf::from("id.json"))
            });
        let keypair = read_keypair(&keypair_path)?;
        let metrics_addr = match self.metrics_addr.or(file.metrics_addr) {
            Some(addr) => Some(addr.parse().map_err(|_| ConfigError::MetricsAddr(addr))?),
            None => None,
        };
        let concurrency = self.concurrency.or(file.concurrency).unwrap_or(DEFAULT_CONCURRENCY);
        if concurrency == 0 {
            return Err(ConfigError::Concurrency);
        }
        Ok(Config {
            urls,
            ws_urls,
            keypair,
            keypair_path,
            metrics_addr,
            max_priority_fee: self.max_priority_fee.or(file.max_priority_fee).unwrap_or(100_000),
            concurrency,
            crank_unprofitable: self.crank_unprofitable || file.crank_unprofitable.unwrap_or(false),
            stake_reward_price: self.stake_reward_price.or(file.stake_reward_price),
            stall_heartbeats: self
                .stall_heartbeats
                .or(file.stall_heartbeats)
                .unwrap_or(crate::stalls::DEFAULT_STALL_HEARTBEATS),
            log_json: self.log_json || file.log_json.unwrap_or(false),
            connect_timeout: Duration::from_secs(5),
        })
    }
}

/// A TOML error on one line: where it is, and what is wrong.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {what}")
        }
        None => what,
    }
}

/// A Solana CLI keypair file: a JSON array of 64 bytes.
pub fn read_keypair(path: &Path) -> Result<Keypair, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ConfigError::KeypairMissing(path.to_path_buf()),
        _ => ConfigError::KeypairInvalid(path.to_path_buf(), e.to_string()),
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text)
        .map_err(|e| ConfigError::KeypairInvalid(path.to_path_buf(), e.to_string()))?;
    Keypair::try_from(bytes.as_slice())
        .map_err(|e| ConfigError::KeypairInvalid(path.to_path_buf(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair_file(dir: &Path) -> PathBuf {
        let path = dir.join("id.json");
        let bytes = Keypair::new().to_bytes().to_vec();
        std::fs::write(&path, serde_json::to_string(&bytes).unwrap()).unwrap();
        path
    }

    fn args(list: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("agx-keeper").chain(list.iter().copied())).unwrap()
    }

    #[test]
    fn the_websocket_url_follows_the_rpc_url_as_the_solana_cli_derives_it() {
        assert_eq!(websocket_url_for("http://127.0.0.1:8899").as_deref(), Some("ws://127.0.0.1:8900"));
        assert_eq!(
            websocket_url_for("https://api.devnet.solana.com").as_deref(),
            Some("wss://api.devnet.solana.com")
        );
        assert_eq!(websocket_url_for("ftp://x"), None);
        assert_eq!(websocket_url_for("http://host:notaport"), None);
        assert_eq!(resolve_url("localhost"), DEFAULT_URL);
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_the_solana_cli_config() {
        let dir = tempfile::tempdir().unwrap();
        let keypair = keypair_file(dir.path());
        let file = dir.path().join("keeper.toml");
        std::fs::write(
            &file,
            format!(
                "urls = [\"http://10.0.0.1:8899\"]\nconcurrency = 3\nkeypair = \"{}\"\nmetrics_addr = \"127.0.0.1:9\"\n",
                keypair.display()
            ),
        )
        .unwrap();
        let cli = CliDefaults::parse("json_rpc_url: \"http://10.9.9.9:8899\"\nwebsocket_url: ''\n");
        let config = args(&["--config", file.to_str().unwrap(), "--concurrency", "5"]).resolve(&cli).unwrap();
        assert_eq!(config.urls, vec!["http://10.0.0.1:8899"]);
        assert_eq!(config.ws_urls, vec!["ws://10.0.0.1:8900"]);
        assert_eq!(config.concurrency, 5);
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9".parse().unwrap()));
        let config = args(&["-k", keypair.to_str().unwrap(), "-u", "localhost", "-u", "http://h:1"])
            .resolve(&cli)
            .unwrap();
        assert_eq!(config.urls, vec![DEFAULT_URL.to_string(), "http://h:1".into()]);
        assert_eq!(
            config.ws_urls,
            vec!["ws://127.0.0.1:8900".to_string(), "ws://h:2".into()],
            "one per --url"
        );
        let config = args(&["-k", keypair.to_str().unwrap()]).resolve(&cli).unwrap();
        assert_eq!(config.urls, vec!["http://10.9.9.9:8899"], "the Solana CLI's cluster");
    }

    #[test]
    fn each_bad_setting_has_its_own_message() {
        let dir = tempfile::tempdir().unwrap();
        let keypair = keypair_file(dir.path());
        let k = keypair.to_str().unwrap();
        let cli = CliDefaults::default();
        let missing = dir.path().join("nope.json");
        let err = args(&["-k", missing.to_str().unwrap()]).resolve(&cli).unwrap_err();
        assert_eq!(err, ConfigError::KeypairMissing(missing));
        assert!(err.to_string().contains("solana-keygen new"));
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, "[1,2,3]").unwrap();
        assert!(matches!(
            args(&["-k", garbage.to_str().unwrap()]).resolve(&cli),
            Err(ConfigError::KeypairInvalid(..))
        ));
        assert_eq!(
            args(&["-k", k, "-u", "not a url"]).resolve(&cli).unwrap_err(),
            ConfigError::Url("not a url".into())
        );
        assert_eq!(
            args(&["-k", k, "--ws-url", "http://x:1"]).resolve(&cli).unwrap_err(),
            ConfigError::WsUrl("http://x:1".into())
        );
        assert_eq!(
            args(&["-k", k, "--metrics-addr", "localhost"]).resolve(&cli).unwrap_err(),
            ConfigError::MetricsAddr("localhost".into())
        );
        assert_eq!(
            args(&["-k", k, "--concurrency", "0"]).resolve(&cli).unwrap_err(),
            ConfigError::Concurrency
        );
        let bad_file = dir.path().join("bad.toml");
        std::fs::write(&bad_file, "colour = \"red\"\n").unwrap();
        let err = args(&["-k", k, "--config", bad_file.to_str().unwrap()]).resolve(&cli).unwrap_err();
        assert!(matches!(&err, ConfigError::File(_, m) if m.contains("colour")), "{err}");
        // Malformed TOML: one line, which says where.
        std::fs::write(&bad_file, "log_json = true\nconcurrency = = 4\nurls = []\n").unwrap();
        let err = args(&["-k", k, "--config", bad_file.to_str().unwrap()]).resolve(&cli).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains('\n') && text.contains("line 2"), "{text}");
        std::fs::write(&bad_file, "stake_reward_price = 2000\n").unwrap();
        let config = args(&["-k", k, "--config", bad_file.to_str().unwrap()]).resolve(&cli).unwrap();
        assert_eq!(config.stake_reward_price, Some(2_000));
    }
}
