//! The tools that only read: the market's settings and the caller's standing, what is open,
//! one intent (board, phase, countdown, verification), one agent, budgets, an auction
//! recomputed.
use agx_core::lifecycle::Stage;
use agx_core::score::{components, BidTerms};
use agx_sdk::chain::{token_balance, Chain};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{budget, discover, Pubkey};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{address, chain_error, refuse, Market};

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

/// Whose budgets to show.
#[derive(Deserialize, JsonSchema)]
pub struct BudgetArgs {
    /// One budget's address; without it, the budgets whose agent is this server's.
    #[serde(default)]
    pub address: Option<String>,
}

/// One intent as the tools and resources show it: its summary, its phase and the slots left in
/// it, its board with each score, and whether agx_core's recomputation agrees.
pub fn intent_view(chain: &dyn Chain, at: &Pubkey) -> Result<Value, CallToolResult> {
    let i = discover::intent(chain, at)
        .map_err(chain_error)?
        .ok_or_else(|| refuse(format!("no intent at {at}: it was closed, or it is on another cluster")))?;
    let slot = chain.slot().map_err(chain_error)?;
    let mut v = crate::commands::intent::summary(at, &i);
    // The open auction's window, by the intent's stage (`agx_core::lifecycle`, the programs' rule).
    let window = match i.stage(slot).ok() {
        Some(Stage::Bidding) => Some(("bidding", i.commit_end_slot)),
        Some(Stage::Revealing) => Some(("revealing", i.reveal_end_slot)),
        Some(Stage::Reranking | Stage::Settling) => Some(("awaiting award", i.reveal_end_slot)),
        _ => None,
    };
    if let Some((phase, ends)) = window {
        v["phase"] = json!(phase);
        v["phase_ends_slot"] = json!(ends);
        v["slots_left"] = json!(ends.saturating_sub(slot));
    }
    v["slot"] = json!(slot);
    // Each score's four parts, recomputed with agx_core from the entry's terms: what a bidder
    // needs to see why it ranks where it does.
    let limits = i.limits();
    let w = i.weights();
    v["weights"] =
        json!({"quality": w.quality, "cost": w.cost, "speed": w.speed, "reputation": w.reputation});
    v["leaderboard"] = json!(i
        .ranked()
        .iter()
        .map(|e| {
            let terms = BidTerms { price: e.price, quality_bps: e.quality_bps, latency: e.latency };
            let parts = components(&limits, &terms, e.reputation).ok().map(|c| {
                json!({"quality": c.quality, "cost": c.cost, "speed": c.speed, "reputation": c.reputation})
            });
            json!({"agent": e.agent.to_string(), "price": e.price, "quality_bps": e.quality_bps,
                "latency": e.latency, "reputation": e.reputation, "score": e.score, "parts": parts})
        })
        .collect::<Vec<_>>());
    v["verified"] = json!(agx_sdk::verify::verify_auction(&i).is_ok());
    Ok(v)
}

/// One agent, by its account or its authority (`chain::agent_named`).
pub fn agent_view(chain: &dyn Chain, at: &Pubkey) -> Result<Value, CallToolResult> {
    let address = crate::chain::agent_named(chain, at).map_err(chain_error)?;
    let a = discover::agent(chain, &address)
        .map_err(chain_error)?
        .ok_or_else(|| refuse(format!("no agent at {address}")))?;
    Ok(crate::commands::agent::record(&address, &a))
}

fn balance_of(chain: &dyn Chain, token: StakeToken, owner: &Pubkey) -> u64 {
    token_balance(chain, &token.associated(owner)).unwrap_or(0)
}

#[tool_router(router = read_router, vis = "pub(super)")]
impl Market {
    #[tool(
        description = "The market now: the slot, the exchange's and the registry's settings (mints, windows, fees, stake rules), and this server's key: its agent, balances, limits and what it spent in the last hour."
    )]
    async fn market_status(&self) -> CallToolResult {
        self.blocking(|m| {
            let chain = m.chain.as_ref();
            let slot = chain.slot().map_err(chain_error)?;
            let x = discover::exchange_config(chain).map_err(chain_error)?;
            let r = discover::registry_config(chain).map_err(chain_error)?;
            let stake = StakeToken::of(&r);
            let signer = match &m.wallet {
                None => json!({"read_only": true}),
                Some(w) => {
                    let me = w.pubkey();
                    let l = &w.limits;
                    json!({
                        "key": me.to_string(), "agent": w.agent().to_string(), "read_only": l.read_only,
                        "registered": chain.exists(&w.agent()).unwrap_or(false),
                        "lamports": chain.lamports(&me).unwrap_or(0),
                        "stake_tokens": balance_of(chain, stake, &me),
                        "pay_tokens": m.pay.map(|p| balance_of(chain, p, &me)),
                        "salt_store": w.salts_path().display().to_string(),
                        "sealed_bids_unrevealed": w.salts().len(),
                        "spent_last_hour": w.spent_last_hour(),
                        "limits": {"read_only": l.read_only, "max_price": l.max_price, "max_stake": l.max_stake,
                            "max_spend_per_hour": l.max_spend_per_hour, "capabilities": l.capabilities},
                    })
                }
            };
            Ok(json!({
                "chain": chain.describe(), "slot": slot,
                "pay_mint": m.pay.map(|p| p.mint.to_string()),
                "exchange": {"paused": x.is_paused(), "arbitrator": x.arbitrator.to_string(),
                    "dispute_window_slots": x.dispute_window_slots, "execution_grace_slots": x.execution_grace_slots,
                    "reputation_fee_bps": x.reputation_fee_bps, "min_bid_bond": x.min_bid_bond,
                    "reply_window_slots": x.reply_window_slots},
                "registry": {"stake_mint": r.stake_mint.to_string(), "heartbeat_timeout_slots": r.heartbeat_timeout_slots,
                    "unstake_cooldown_slots": r.unstake_cooldown_slots},
                "signer": signer,
            }))
        })
        .await
    }

    #[tool(
        description = "Open intents an agent may bid on, with their terms (max price, latency, capabilities, windows)."
    )]
    async fn intents_open(&self, Parameters(args): Parameters<OpenArgs>) -> CallToolResult {
        self.blocking(move |m| {
            discover::open_intents(m.chain.as_ref(), args.capabilities)
                .map(|found| {
                    json!({"intents": found.iter().map(|(a, i)| crate::commands::intent::summary(a, i)).collect::<Vec<_>>()})
                })
                .map_err(chain_error)
        })
        .await
    }

    #[tool(
        description = "One intent: its terms and status, its phase and the slots left in it, its board (each bid's price, quality, latency and score) and whether agx_core's recomputation agrees with the chain."
    )]
    async fn intent_show(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        self.blocking(move |m| intent_view(m.chain.as_ref(), &address(&args.address)?)).await
    }

    #[tool(
        description = "Recompute an intent's auction with agx_core and every revealed bid's account: scores, ranking, winner and payment."
    )]
    async fn auction_verify(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        self.blocking(move |m| {
            let at = address(&args.address)?;
            let chain = m.chain.as_ref();
            let i = discover::intent(chain, &at)
                .map_err(chain_error)?
                .ok_or_else(|| refuse(format!("no intent at {at}")))?;
            let bids = discover::bids(chain, &at).map_err(chain_error)?;
            agx_sdk::verify::verify_auction_with_bids(&i, &bids)
                .map(|checked| json!({"intent": at.to_string(), "verified": true, "bids_checked": checked}))
                .map_err(|e| refuse(format!("not verified: {e}")))
        })
        .await
    }

    #[tool(
        description = "One registered agent (by its account or its authority's key): capabilities, stake (staked, locked), reputation, jobs completed and failed, last heartbeat."
    )]
    async fn agent_show(&self, Parameters(args): Parameters<AddressArgs>) -> CallToolResult {
        self.blocking(move |m| agent_view(m.chain.as_ref(), &address(&args.address)?)).await
    }

    #[tool(
        description = "Budgets: one by address, or those whose agent is this server's (what a sponsor lets the agent spend: caps, spent, balance, expiry, allowlist)."
    )]
    async fn budget_show(&self, Parameters(args): Parameters<BudgetArgs>) -> CallToolResult {
        self.blocking(move |m| {
            let chain = m.chain.as_ref();
            let found = match &args.address {
                Some(text) => {
                    let at = address(text)?;
                    let b = budget::read(chain, &at)
                        .map_err(chain_error)?
                        .ok_or_else(|| refuse(format!("no budget at {at}")))?;
                    vec![(at, b)]
                }
                None => {
                    let w = m
                        .wallet
                        .as_ref()
                        .ok_or_else(|| refuse("a read-only server has no agent: pass an address"))?;
                    budget::list(chain, None, Some(&w.agent())).map_err(chain_error)?
                }
            };
            let budgets: Vec<Value> = found
                .iter()
                .map(|(a, b)| {
                    crate::commands::budget::view(a, b, token_balance(chain, &b.vault).unwrap_or(0))
                })
                .collect();
            Ok(json!({"budgets": budgets}))
        })
        .await
    }
}
