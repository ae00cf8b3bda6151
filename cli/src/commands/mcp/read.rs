//! `agx mcp` (issue 27, first slice, work in progress): the market as tools for language-model
//! agents over the Model Context Protocol (`rmcp`), on stdio. This slice is read-only: what is
//! open, one intent with its board and its verification, one agent, the market's settings.
//! Still to come (see the issue): signing tools under configured limits, the sandbox market's
//! actors, resources and notifications, streamable HTTP.
use std::sync::Arc;

use agx_sdk::chain::Chain;
use agx_sdk::{discover, Pubkey};
use anyhow::{Context, Result};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::{tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Serve the embedded sandbox market (LiteSVM with the real programs, configured from a
    /// seed), so that a client can try the tools with nothing installed.
    #[arg(long)]
    sandbox: bool,
    /// The sandbox market's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// The MCP server: a chain, and the tools over it.
#[derive(Clone)]
pub struct Market {
    chain: Arc<dyn Chain>,
    tool_router: ToolRouter<Self>,
}

/// An intent or agent by its address.
#[derive(Deserialize, JsonSchema)]
pub struct AddressArgs {
    /// The account's address, base58.
    pub address: String,
}

/// Which open intents to list.
#[derive(Deserialize, JsonSchema)]
pub struct OpenArgs {
    /// Only intents an agent with these capabilities may bid on (a bit mask; 0: all).
    #[serde(default)]
    pub capabilities: u64,
}

fn address(text: &str) -> Result<Pubkey, CallToolResult> {
    text.parse().map_err(|_| refuse(format!("'{text}' is not a base58 address")))
}

fn refuse(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// A tool's result: structured content (MCP requires an object), or the refusal.
fn answer(result: Result<Value, CallToolResult>) -> CallToolResult {
    result.map(CallToolResult::structured).unwrap_or_else(|e| e)
}

fn chain_error(e: impl std::fmt::Display) -> CallToolResult {
    refuse(e.to_string())
}

#[tool_router]
impl Market {
    pub fn new(chain: Arc<dyn Chain>) -> Self {
        Self { chain, tool_router: Self::tool_router() }
    }

    #[tool(
        description = "The market now: the slot, the exchange's and the registry's settings (mints, windows, fees, stake rules)."
    )]
    async fn market_status(&self) -> CallToolResult {
        let chain = self.chain.as_ref();
        answer((|| {
            let slot = chain.slot().map_err(chain_error)?;
            let x = discover::exchange_config(chain).map_err(chain_error)?;
            let r = discover::registry_config(chain).map_err(chain_error)?;
            Ok(json!({
                "chain": chain.describe(), "slot": slot,
                "exchange": {"paused": x.paused, "arbitrator": x.arbitrator.to_string(),
                    "dispute_window_slots": x.dispute_window_slots, "execution_grace_slots": x.execution_grace_slots,
                    "reputation_fee_bps": x.reputation_fee_bps, "min_bid_bond": x.min_bid_bond,
                    "reply_window_slots": x.reply_window_slots},
                "registry": {"stake_mint": r.stake_mint.to_string(), "heartbeat_timeout_slots": r.heartbeat_timeout_slots,
                    "unstake_cooldown_slots": r.unstake_cooldown_slots},
            }))
        })())
    }

    #[tool(
        description = "Open intents an agent may bid on, with their terms (max price, latency, capabilities, windows)."
    )]
    async fn intents_open(&self, Parameters(args): Parameters<OpenArgs>) -> CallToolResult {
        answer(
            discover::open_intents(self.chain.as_ref(), args.capabilities)
                .map(|found| json!({"intents": found.iter().map(|(a, i)| super::intent::summary(a, i)).collect::<Vec<_>>()}))
                .map_err(chain_error),
        )
    }

    #[tool(
        description = "One intent: its terms and status, its board (each bid's price, quality, latency and score) and whether agx_core's recomputation agrees with the chain."
    )]
    async fn intent_show(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        answer((|| {
            let at = address(&args.address)?;
            let i = discover::intent(self.chain.as_ref(), &at).map_err(chain_error)?.ok_or_else(|| {
                refuse(format!("no intent at {at}: it was closed, or it is on another cluster"))
            })?;
            let mut v = super::intent::summary(&at, &i);
            v["leaderboard"] = json!(i
                .ranked()
                .iter()
                .map(|e| json!({"agent": e.agent.to_string(), "price": e.price,
                "quality_bps": e.quality_bps, "latency": e.latency, "score": e.score}))
                .collect::<Vec<_>>());
            v["verified"] =
                json!(agx_sdk::verify::verify_auction(&i).map_err(|e| e.to_string()).err().is_none());
            Ok(v)
        })())
    }

    #[tool(
        description = "Recompute an intent's auction with agx_core and every revealed bid's account: scores, ranking, winner and payment."
    )]
    async fn auction_verify(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        answer((|| {
            let at = address(&args.address)?;
            let chain = self.chain.as_ref();
            let i = discover::intent(chain, &at)
                .map_err(chain_error)?
                .ok_or_else(|| refuse(format!("no intent at {at}")))?;
            let bids = discover::bids(chain, &at).map_err(chain_error)?;
            agx_sdk::verify::verify_auction_with_bids(&i, &bids)
                .map(|checked| json!({"intent": at.to_string(), "verified": true, "bids_checked": checked}))
                .map_err(|e| refuse(format!("not verified: {e}")))
        })())
    }

    #[tool(
        description = "One registered agent: capabilities, stake (staked, locked), reputation, jobs completed and failed, last heartbeat."
    )]
    async fn agent_show(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        answer((|| {
            let at = address(&args.address)?;
            let a = discover::agent(self.chain.as_ref(), &at)
                .map_err(chain_error)?
                .ok_or_else(|| refuse(format!("no agent at {at}: register one first")))?;
            Ok(super::agent::record(&at, &a))
        })())
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Market {}

pub fn run(args: Args, url: Option<String>) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let chain: Arc<dyn Chain> = if args.sandbox {
        let keys = agx_sdk::sandbox::Keys::new(args.seed);
        let authority = keys.get("authority", 0);
        let chain = agx_sdk::chain::EmbeddedChain::new(
            &agx_sdk::program_dir(),
            solana_signer::Signer::pubkey(&authority),
            agx_sdk::chain::SlotClock::AsFastAsPossible,
        )?;
        agx_sdk::sandbox::open(&chain, &keys, &authority).context("open the sandbox market")?;
        Arc::new(chain)
    } else {
        let url = crate::chain::url(url)?;
        Arc::new(agx_sdk::chain::RpcChain::new(&url)?)
    };
    runtime.block_on(async move {
        let service =
            Market::new(chain).serve(rmcp::transport::stdio()).await.context("serve MCP on stdio")?;
        service.waiting().await.context("the MCP session")?;
        Ok(())
    })
}
