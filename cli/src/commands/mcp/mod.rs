//! `agx mcp`: the market as tools for language-model agents over the Model Context Protocol
//! (`rmcp`, the official Rust SDK), on stdio or streamable HTTP. Read tools (`read`) answer
//! from the chain; signing tools (`act`) sign with the one configured key, within the limits
//! it was started with (`limits`), logging every transaction (`wallet`). Intents and agents are
//! resources too, and a client subscribed to an intent is told when it changes phase. With
//! `--sandbox` the chain is the embedded one with a house market around the caller (`house`).
mod act;
mod house;
mod limits;
mod read;
mod wallet;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agx_sdk::chain::{Chain, EmbeddedChain, SlotClock};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{discover, Pubkey};
use anyhow::{Context, Result};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    CallToolResult, ContentBlock, ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource, ResourceContents,
    ResourceTemplate, ResourceUpdatedNotificationParam, ServerCapabilities, ServerConfig,
    SubscribeRequestParams, UnsubscribeRequestParams,
};
use rmcp::service::RequestContext;
use rmcp::{tool_handler, ErrorData, Peer, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;
use solana_signer::Signer;

use crate::chain;
use limits::Limits;
use wallet::Wallet;

#[derive(clap::Args)]
pub struct Args {
    /// Serve the embedded sandbox market (LiteSVM with the real programs, configured from a
    /// seed, with a house requester, agent and keeper around you), so that a client can try
    /// every tool with nothing installed. Without --keypair you get a funded key of the seed's.
    #[arg(long)]
    sandbox: bool,
    /// The sandbox market's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Sandbox: how long a slot lasts, in milliseconds (the sandbox's clock follows the wall's).
    #[arg(long, default_value_t = 400)]
    slot_ms: u64,
    /// Sandbox: slots each window of the house's auctions lasts (bids, then reveals).
    #[arg(long, default_value_t = 150)]
    window_slots: u64,
    /// Serve MCP over streamable HTTP at this address (at the path /mcp) instead of stdio.
    #[arg(long)]
    http: Option<SocketAddr>,
    /// Sign nothing: only the reading tools work.
    #[arg(long)]
    read_only: bool,
    /// The most an intent posted through the server may escrow (max price plus evaluator fee),
    /// atoms of its mint.
    #[arg(long)]
    max_price: Option<u64>,
    /// The most stake the server's agent may hold, atoms of the stake mint.
    #[arg(long)]
    max_stake: Option<u64>,
    /// The most the server may escrow for intents in any hour, atoms.
    #[arg(long)]
    max_spend_per_hour: Option<u64>,
    /// The only capabilities the server may register, post or bid for: names separated by
    /// commas (summarize, translate, code, research, data, image, audio, web) or a bit mask.
    #[arg(long, value_parser = chain::capabilities)]
    capabilities: Option<u64>,
    /// The file that keeps the salts of sealed bids until they are revealed (default: the CLI's
    /// store for the key, ~/.config/agx/salts-<key>.json; in the sandbox a temporary file).
    #[arg(long)]
    salts: Option<PathBuf>,
    /// Also append every transaction the server sends, with its signature, to this file (JSON
    /// lines); they always go to stderr.
    #[arg(long)]
    log: Option<PathBuf>,
}

/// The intents clients subscribed to, with the phase each was last seen in.
#[derive(Default)]
struct Follows {
    by_uri: BTreeMap<String, Follow>,
}

struct Follow {
    intent: Pubkey,
    seen: String,
    peers: Vec<Peer<RoleServer>>,
}

/// The MCP server: a chain, the key it signs with (none when read-only), and the tools.
#[derive(Clone)]
pub struct Market {
    chain: Arc<dyn Chain>,
    wallet: Option<Arc<Wallet>>,
    /// The mint an intent is paid in unless the caller names one: the exchange's first
    /// reputation-bearing mint (the sandbox's payment mint).
    pay: Option<StakeToken>,
    follows: Arc<Mutex<Follows>>,
    tool_router: ToolRouter<Self>,
}

pub(crate) fn refuse(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A tool's result: structured content (MCP requires an object), or the refusal.
fn answer(result: Result<Value, CallToolResult>) -> CallToolResult {
    result.map(CallToolResult::structured).unwrap_or_else(|e| e)
}

/// A failure of the chain or the SDK, as a tool error; a program's refusal reads
/// `exchange::BidAboveMaxPrice (6012): ...`.
pub(crate) fn chain_error(e: impl std::fmt::Display) -> CallToolResult {
    refuse(e.to_string())
}

pub(crate) fn address(text: &str) -> Result<Pubkey, CallToolResult> {
    text.parse().map_err(|_| refuse(format!("'{text}' is not a base58 address")))
}

/// An intent's phase for subscribers: its stage (`agx_core::lifecycle::stage`, the rule the
/// programs and the keeper use).
fn phase_of(intent: &agx_sdk::accounts::Intent, slot: u64) -> String {
    intent.stage(slot).map(|s| format!("{s:?}")).unwrap_or_else(|_| "Unknown".into())
}

impl Market {
    fn new(chain: Arc<dyn Chain>, wallet: Option<Arc<Wallet>>, pay: Option<StakeToken>) -> Self {
        Self {
            chain,
            wallet,
            pay,
            follows: Arc::default(),
            tool_router: Self::read_router() + Self::act_router(),
        }
    }

    /// Runs `work` on a blocking thread (the chain's clients block) and answers with it.
    async fn blocking(
        &self,
        work: impl FnOnce(&Market) -> Result<Value, CallToolResult> + Send + 'static,
    ) -> CallToolResult {
        let market = self.clone();
        match tokio::task::spawn_blocking(move || work(&market)).await {
            Ok(result) => answer(result),
            Err(e) => refuse(format!("the tool stopped: {e}")),
        }
    }

    /// The signing key, when the server may sign.
    fn wallet(&self) -> Result<&Wallet, CallToolResult> {
        let wallet =
            self.wallet.as_deref().ok_or_else(|| refuse(limits::Refusal::read_only().to_string()))?;
        wallet.limits.may_sign().map_err(|r| refuse(r.to_string()))?;
        Ok(wallet)
    }

    /// Tells each subscriber of an intent whose phase changed.
    async fn notify_changes(&self) {
        let watched: Vec<(String, Pubkey)> = {
            let follows = self.follows.lock().unwrap_or_else(|e| e.into_inner());
            follows.by_uri.iter().map(|(uri, f)| (uri.clone(), f.intent)).collect()
        };
        if watched.is_empty() {
            return;
        }
        let chain = self.chain.clone();
        let phases = tokio::task::spawn_blocking(move || {
            let slot = chain.slot().ok()?;
            Some(
                watched
                    .into_iter()
                    .map(|(uri, at)| {
                        let phase = match discover::intent(chain.as_ref(), &at) {
                            Ok(Some(i)) => phase_of(&i, slot),
                            Ok(None) => "Closed".to_string(),
                            Err(_) => return (uri, None),
                        };
                        (uri, Some(phase))
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
        let mut to_tell = Vec::new();
        {
            let mut follows = self.follows.lock().unwrap_or_else(|e| e.into_inner());
            for (uri, phase) in phases {
                let (Some(phase), Some(follow)) = (phase, follows.by_uri.get_mut(&uri)) else { continue };
                if follow.seen != phase {
                    follow.seen = phase;
                    follow.peers.retain(|p| !p.is_transport_closed());
                    to_tell.extend(follow.peers.iter().map(|p| (p.clone(), uri.clone())));
                }
            }
        }
        for (peer, uri) in to_tell {
            let _ = peer.notify_resource_updated(ResourceUpdatedNotificationParam::new(uri)).await;
        }
    }
}

const INTENT_URI: &str = "agx://intent/";
const AGENT_URI: &str = "agx://agent/";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Market {
    fn get_info(&self) -> ServerConfig {
        let who = match &self.wallet {
            Some(w) if !w.limits.read_only => {
                format!("It signs as {} (agent account {}).", w.pubkey(), w.agent())
            }
            _ => "It is read-only.".to_string(),
        };
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_resources_subscribe()
                .build(),
        )
        .with_instructions(format!(
            "An agent exchange on Solana ({}). Find work with intents_open, bid with bid_submit, \
             deliver with heartbeat and result_submit; or post work with intent_post and judge it \
             with result_accept or dispute_open. Amounts are atoms of a mint; times are slots. {who} \
             Subscribe to agx://intent/<address> to hear when it changes phase.",
            self.chain.describe()
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{INTENT_URI}{{address}}"), "intent")
                .with_description("An intent: terms, status, board and verification (as intent_show)")
                .with_mime_type("application/json"),
            ResourceTemplate::new(format!("{AGENT_URI}{{address}}"), "agent")
                .with_description("A registered agent (as agent_show)")
                .with_mime_type("application/json"),
        ]))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let chain = self.chain.clone();
        let own_agent = self.wallet.as_ref().map(|w| w.agent());
        let found = tokio::task::spawn_blocking(move || {
            let mut found: Vec<Resource> = discover::open_intents(chain.as_ref(), 0)
                .unwrap_or_default()
                .into_iter()
                .map(|(a, _)| Resource::new(format!("{INTENT_URI}{a}"), format!("open intent {a}")))
                .collect();
            if let Some(agent) = own_agent.filter(|a| chain.exists(a).unwrap_or(false)) {
                found.push(Resource::new(format!("{AGENT_URI}{agent}"), "this server's agent"));
            }
            found
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(ListResourcesResult::with_all_items(found))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.clone();
        let chain = self.chain.clone();
        let read = tokio::task::spawn_blocking(move || -> Result<Value, String> {
            let (kind, text) = uri
                .strip_prefix(INTENT_URI)
                .map(|a| ("intent", a))
                .or_else(|| uri.strip_prefix(AGENT_URI).map(|a| ("agent", a)))
                .ok_or_else(|| {
                    format!("unknown resource {uri}: agx://intent/<address> or agx://agent/<address>")
                })?;
            let at: Pubkey = text.parse().map_err(|_| format!("'{text}' is not a base58 address"))?;
            match kind {
                "intent" => read::intent_view(chain.as_ref(), &at),
                _ => read::agent_view(chain.as_ref(), &at),
            }
            .map_err(|e| format!("{:?}", e.content))
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        match read {
            Ok(v) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(v.to_string(), request.uri).with_mime_type("application/json")
            ])
            .into()),
            Err(e) => Err(ErrorData::resource_not_found(e, None)),
        }
    }

    #[allow(deprecated)]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let text = request.uri.strip_prefix(INTENT_URI).ok_or_else(|| {
            ErrorData::invalid_params(format!("only intents are followed: {INTENT_URI}<address>"), None)
        })?;
        let intent: Pubkey = text
            .parse()
            .map_err(|_| ErrorData::invalid_params(format!("'{text}' is not a base58 address"), None))?;
        let chain = self.chain.clone();
        let seen = tokio::task::spawn_blocking(move || {
            let slot = chain.slot().map_err(|e| e.to_string())?;
            discover::intent(chain.as_ref(), &intent)
                .map_err(|e| e.to_string())?
                .map(|i| phase_of(&i, slot))
                .ok_or_else(|| format!("no intent at {intent}"))
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
        .map_err(|e| ErrorData::resource_not_found(e, None))?;
        let mut follows = self.follows.lock().unwrap_or_else(|e| e.into_inner());
        let follow = follows.by_uri.entry(request.uri).or_insert(Follow { intent, seen, peers: Vec::new() });
        follow.peers.push(context.peer);
        Ok(())
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.follows.lock().unwrap_or_else(|e| e.into_inner()).by_uri.remove(&request.uri);
        Ok(())
    }
}

fn limits(args: &Args) -> Limits {
    Limits {
        read_only: args.read_only,
        max_price: args.max_price,
        max_stake: args.max_stake,
        max_spend_per_hour: args.max_spend_per_hour,
        capabilities: args.capabilities,
    }
}

pub fn run(args: Args, url: Option<String>, keypair: Option<PathBuf>) -> Result<()> {
    let limits = limits(&args);
    let (chain, signer, house, tick): (Arc<dyn Chain>, _, _, _) = if args.sandbox {
        let keys = agx_sdk::sandbox::Keys::new(args.seed);
        let authority = keys.get("authority", 0);
        let slot_time = Duration::from_millis(args.slot_ms.max(1));
        let chain = EmbeddedChain::new(
            &agx_sdk::program_dir(),
            authority.pubkey(),
            SlotClock::RealTime { slot_time },
        )?;
        let signer = match &keypair {
            Some(path) => chain::read_keypair(path)?,
            None => house::caller_key(&keys),
        };
        let house = house::House::open(&chain, &keys, signer.pubkey(), args.window_slots)?;
        (Arc::new(chain), Some(signer), Some(house), slot_time.max(Duration::from_millis(20)))
    } else {
        let url = chain::url(url)?;
        let chain = agx_sdk::chain::RpcChain::new(&url)?;
        let signer = match args.read_only {
            true => None,
            false => {
                Some(chain::signer(keypair).context("agx mcp signs with one key (or pass --read-only)")?)
            }
        };
        let tick = chain.slot_time();
        (Arc::new(chain), signer, None, tick)
    };
    let pay = match &house {
        Some(h) => Some(h.pay),
        None => discover::exchange_config(chain.as_ref())
            .ok()
            .and_then(|c| c.reputation_mints.first().map(|m| m.mint))
            .and_then(|mint| chain::token_of(chain.as_ref(), &mint).ok()),
    };
    let wallet = match signer {
        Some(signer) => {
            let salts = match (&args.salts, args.sandbox) {
                (Some(path), _) => path.clone(),
                (None, true) => {
                    std::env::temp_dir().join(format!("agx-mcp-sandbox-{}-salts.json", std::process::id()))
                }
                (None, false) => super::bid::store_path(None, &signer.pubkey())?,
            };
            Some(Arc::new(Wallet::open(signer, limits, salts, args.log.clone())?))
        }
        None => None,
    };
    upkeep(chain.clone(), wallet.clone(), house, tick)?;
    let market = Market::new(chain, wallet, pay);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let watcher = market.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                watcher.notify_changes().await;
            }
        });
        match args.http {
            Some(at) => serve_http(market, at).await,
            None => {
                let service = market.serve(rmcp::transport::stdio()).await.context("serve MCP on stdio")?;
                service.waiting().await.context("the MCP session")?;
                Ok(())
            }
        }
    })
}

/// The work between calls, on its own thread, every `tick`: the sandbox's house, and the
/// wallet's reveals and keep-alive heartbeats. It lives as long as the process.
fn upkeep(
    chain: Arc<dyn Chain>,
    wallet: Option<Arc<Wallet>>,
    mut house: Option<house::House>,
    tick: Duration,
) -> Result<()> {
    let timeout = discover::registry_config(chain.as_ref()).map(|c| c.heartbeat_timeout_slots).unwrap_or(0);
    std::thread::Builder::new().name("agx-mcp-upkeep".into()).spawn(move || loop {
        std::thread::sleep(tick);
        let mut problems = house.as_mut().map(|h| h.step(chain.as_ref())).unwrap_or_default();
        if let (Some(w), Ok(slot)) = (&wallet, chain.slot()) {
            if !w.limits.read_only {
                problems.extend(w.tend(chain.as_ref(), slot, timeout));
            }
        }
        for p in problems {
            eprintln!("agx mcp: {p}");
        }
    })?;
    Ok(())
}

async fn serve_http(market: Market, at: SocketAddr) -> Result<()> {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
    let service: StreamableHttpService<Market, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(market.clone()),
        Default::default(),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind(at).await.with_context(|| format!("bind {at}"))?;
    eprintln!("agx mcp: serving MCP over streamable HTTP at http://{}/mcp", listener.local_addr()?);
    axum::serve(listener, router).await.context("the MCP HTTP server")?;
    Ok(())
}
