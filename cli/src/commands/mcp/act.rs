//! The tools that sign, with the server's one key, each checked against the server's limits
//! before anything is sent, and each transaction logged with its signature (`Wallet::logged`).
//! What the programs refuse comes back as a tool error naming the rule
//! (`exchange::BidAboveMaxPrice (…): …`).
use agx_sdk::agent::{os_salt, SealedBid};
use agx_sdk::chain::{token_balance, Chain};
use agx_sdk::exchange::state::AuctionKind;
use agx_sdk::exchange::BidOpening;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::{self as rix, StakeToken};
use agx_sdk::requester::{self, Want};
use agx_sdk::{discover, pda, token, Pubkey};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::wallet::Wallet;
use super::{address, chain_error, refuse, Market};

type Answer = Result<Value, CallToolResult>;

fn capabilities(text: &str) -> Result<u64, CallToolResult> {
    agx_sdk::capabilities::parse(text).map_err(refuse)
}

fn limited(r: Result<(), super::limits::Refusal>) -> Result<(), CallToolResult> {
    r.map_err(|refusal| refuse(refusal.to_string()))
}

fn intent_at(chain: &dyn Chain, text: &str) -> Result<(Pubkey, agx_sdk::accounts::Intent), CallToolResult> {
    let at = address(text)?;
    let i = discover::intent(chain, &at)
        .map_err(chain_error)?
        .ok_or_else(|| refuse(format!("no intent at {at}: it was closed, or it is on another cluster")))?;
    Ok((at, i))
}

/// An intent the server's key posted.
fn posted_by(
    chain: &dyn Chain,
    w: &Wallet,
    text: &str,
) -> Result<(Pubkey, agx_sdk::accounts::Intent), CallToolResult> {
    let (intent, state) = intent_at(chain, text)?;
    if state.requester != w.pubkey() {
        return Err(refuse(format!(
            "intent {intent} was posted by {}, not by this server's key",
            state.requester
        )));
    }
    Ok((intent, state))
}

/// Sends `ixs` signed by the server's key, logged as `tool`'s.
fn send(
    chain: &dyn Chain,
    w: &Wallet,
    tool: &'static str,
    ixs: &[agx_sdk::Instruction],
) -> Result<agx_sdk::chain::Landed, CallToolResult> {
    w.logged(chain, tool).send(ixs, w.keypair(), &[]).map_err(chain_error)
}

/// The server's agent, which must be registered.
fn registered(chain: &dyn Chain, w: &Wallet) -> Result<agx_sdk::accounts::Agent, CallToolResult> {
    discover::agent(chain, &w.agent())
        .map_err(chain_error)?
        .ok_or_else(|| refuse(format!("{} is not an agent yet: call agent_register first", w.pubkey())))
}

fn stake_token(chain: &dyn Chain) -> Result<StakeToken, CallToolResult> {
    Ok(StakeToken::of(&discover::registry_config(chain).map_err(chain_error)?))
}

#[derive(Deserialize, JsonSchema)]
pub struct RegisterArgs {
    /// What the agent can do: names separated by commas (summarize, translate, code, research,
    /// data, image, audio, web; bitN for others) or a bit mask.
    pub capabilities: String,
    /// Where the agent describes itself.
    #[serde(default)]
    pub metadata_uri: String,
    /// Atoms of the stake mint to stake at once (0: none yet).
    #[serde(default)]
    pub stake: u64,
}

#[derive(Deserialize, JsonSchema)]
pub struct StakeArgs {
    /// Atoms of the stake mint to add to the agent's stake.
    pub amount: u64,
}

#[derive(Deserialize, JsonSchema)]
pub struct BidArgs {
    /// The intent's address.
    pub intent: String,
    /// What you ask, atoms of the intent's mint (at most its max price).
    pub price: u64,
    /// The quality you promise, basis points (0-10000): the requester's rating is held to it.
    pub quality_bps: u16,
    /// Slots from award to your result (at most the intent's max latency).
    pub latency: u64,
}

#[derive(Deserialize, JsonSchema)]
pub struct HeartbeatArgs {
    /// How far along the job is, basis points (0-10000).
    pub progress_bps: u16,
}

#[derive(Deserialize, JsonSchema)]
pub struct SubmitArgs {
    /// The intent whose job your agent holds.
    pub intent: String,
    /// Where the result is (its sha256 goes on chain).
    pub result_uri: String,
    /// How much of the job is done, basis points (payment is pro rata); default all.
    #[serde(default = "all")]
    pub fulfilled_bps: u16,
}

fn all() -> u16 {
    10_000
}

fn default_latency() -> u64 {
    100
}

/// How the winner is chosen and paid.
#[derive(Deserialize, JsonSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Sealed bids; the best score wins and is paid what the runner-up's score is worth (capped).
    #[default]
    Vickrey,
    /// Sealed bids; the best score wins and is paid its ask.
    FirstPrice,
    /// Bids in the clear as they come; the best score at the end wins at its ask.
    Continuous,
}

#[derive(Deserialize, JsonSchema)]
pub struct PostArgs {
    /// Capabilities an agent must all have: names separated by commas or a bit mask.
    pub capabilities: String,
    /// The most you pay, atoms of the payment mint (escrowed now; what is not paid comes back).
    pub max_price: u64,
    /// The most slots from award to result you accept.
    #[serde(default = "default_latency")]
    pub max_latency: u64,
    #[serde(default)]
    pub kind: Kind,
    /// Free stake a bidder must have, atoms of the stake mint.
    #[serde(default)]
    pub min_stake: u64,
    /// Where the job's details are (its sha256 goes on chain).
    #[serde(default)]
    pub context_uri: String,
    /// Slots during which bids are taken (default ~8 s of slots).
    #[serde(default)]
    pub bid_window_slots: Option<u64>,
    /// Sealed auctions: slots during which bids are revealed (default ~8 s of slots).
    #[serde(default)]
    pub reveal_window_slots: Option<u64>,
    /// Who judges a dispute first (a key other than the server's).
    #[serde(default)]
    pub evaluator: Option<String>,
    /// Atoms escrowed beside the max price for the evaluator, paid if it decides a dispute.
    #[serde(default)]
    pub evaluator_fee: u64,
    /// The payment mint (default: the exchange's first reputation-bearing mint).
    #[serde(default)]
    pub mint: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct AcceptArgs {
    /// The intent whose result you accept.
    pub intent: String,
    /// Your rating of the result, basis points (0-10000), held against the quality promised.
    pub rating_bps: u16,
}

#[derive(Deserialize, JsonSchema)]
pub struct DisputeArgs {
    /// The intent whose result you dispute.
    pub intent: String,
    /// Why (its sha256 goes on chain; the judge reads it from you).
    pub reason: String,
}

#[tool_router(router = act_router, vis = "pub(super)")]
impl Market {
    #[tool(
        description = "Register this server's key as an agent with its capabilities, staking `stake` atoms at once. Refused outside --capabilities or over --max-stake."
    )]
    async fn agent_register(&self, Parameters(args): Parameters<RegisterArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let caps = capabilities(&args.capabilities)?;
            limited(w.limits.capabilities_allowed(caps))?;
            limited(w.limits.stake_allowed(0, args.stake))?;
            let me = w.pubkey();
            if chain.exists(&w.agent()).map_err(chain_error)? {
                return Err(refuse(format!(
                    "{me} is already an agent ({}): use stake_deposit to add stake",
                    w.agent()
                )));
            }
            let stake = stake_token(chain)?;
            let profile = agx_sdk::agent_registry::state::AgentProfile {
                capabilities: caps,
                capability_hash: [0; 32],
                metadata_uri: args.metadata_uri,
            };
            let mut ixs = vec![rix::agent_register(me, me, stake, profile)];
            if args.stake > 0 {
                ixs.push(rix::stake_deposit(me, me, stake.associated(&me), stake, args.stake));
            }
            let landed = send(chain, w, "agent_register", &ixs)?;
            Ok(json!({"agent": w.agent().to_string(), "authority": me.to_string(), "capabilities": caps,
                "staked": args.stake, "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Add `amount` atoms of the stake mint to this server's agent's stake (bidders need free stake; a failed job costs part of it). Refused over --max-stake."
    )]
    async fn stake_deposit(&self, Parameters(args): Parameters<StakeArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let agent = registered(chain, w)?;
            limited(w.limits.stake_allowed(agent.staked, args.amount))?;
            let stake = stake_token(chain)?;
            let me = w.pubkey();
            let ix = rix::stake_deposit(me, me, stake.associated(&me), stake, args.amount);
            let landed = send(chain, w, "stake_deposit", &[ix])?;
            Ok(json!({"agent": w.agent().to_string(), "staked": agent.staked.saturating_add(args.amount),
                "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Bid on an intent. Sealed auctions: commits now (the salt is written to disk first) and the server reveals it itself when the reveal window opens, even after a restart. Continuous auctions: places the bid in the clear. Refused outside --capabilities."
    )]
    async fn bid_submit(&self, Parameters(args): Parameters<BidArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            registered(chain, w)?;
            let (intent, state) = intent_at(chain, &args.intent)?;
            limited(w.limits.capabilities_allowed(state.required_capabilities))?;
            let kind = state.kind().map_err(chain_error)?;
            let opening = BidOpening {
                price: args.price,
                quality_bps: args.quality_bps,
                latency: args.latency,
                plan_hash: [0; 32],
                salt: os_salt(),
            };
            let (me, agent) = (w.pubkey(), w.agent());
            match kind {
                AuctionKind::Direct => Err(refuse(format!(
                    "{intent} is a direct hire offered to one agent, not an auction: it takes no bids"
                ))),
                AuctionKind::Continuous => {
                    let ix = xix::bid_place(me, intent, agent, state.round, opening);
                    let landed =
                        send(chain, w, "bid_submit", &[ix])?;
                    Ok(json!({"intent": intent.to_string(), "placed": true, "round": state.round,
                        "bids_close_slot": state.commit_end_slot, "signature": landed.signature}))
                }
                _ => {
                    let slot = chain.slot().map_err(chain_error)?;
                    let stage = state.stage(slot).map_err(chain_error)?;
                    if stage != agx_core::lifecycle::Stage::Bidding {
                        return Err(refuse(format!(
                            "intent {intent} takes no commits now (stage {stage:?}, slot {slot}; commits end at slot {})",
                            state.commit_end_slot
                        )));
                    }
                    // On disk before it is sent: a commit that cannot be opened forfeits its bond.
                    let mut salts = w.salts();
                    salts
                        .put(SealedBid { intent, round: state.round, opening })
                        .map_err(chain_error)?;
                    let commitment = xix::commitment(&intent, &agent, &opening);
                    let ix = xix::bid_commit(me, intent, agent, state.round, commitment);
                    match w.logged(chain, "bid_submit").send(&[ix], w.keypair(), &[]) {
                        Ok(landed) => Ok(json!({"intent": intent.to_string(), "committed": true,
                            "round": state.round, "bond_lamports": state.bid_bond,
                            "reveal_from_slot": state.commit_end_slot, "reveal_until_slot": state.reveal_end_slot,
                            "salt_store": w.salts_path().display().to_string(),
                            "signature": landed.signature,
                            "next": "the server reveals this bid itself when the reveal window opens"})),
                        Err(e) => {
                            let _ = salts.remove(&intent, state.round);
                            Err(chain_error(e))
                        }
                    }
                }
            }
        })
        .await
    }

    #[tool(
        description = "Report progress on the job your agent holds (a heartbeat). Between calls the server keeps heartbeating with the last progress reported, so the job is not failed over for silence."
    )]
    async fn heartbeat(&self, Parameters(args): Parameters<HeartbeatArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            registered(chain, w)?;
            let slot = chain.slot().map_err(chain_error)?;
            let ix = rix::agent_heartbeat(w.pubkey(), args.progress_bps);
            let landed = send(chain, w, "heartbeat", &[ix])?;
            w.beat(args.progress_bps, slot);
            Ok(json!({"agent": w.agent().to_string(), "progress_bps": args.progress_bps, "slot": slot,
                "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Submit the result of a job your agent won (or a coalition it leads won); paid pro rata to fulfilled_bps when the requester accepts."
    )]
    async fn result_submit(&self, Parameters(args): Parameters<SubmitArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let (intent, state) = intent_at(chain, &args.intent)?;
            let me = w.pubkey();
            let lead = state.held_by_coalition() && state.winner_authority == me;
            if state.winner_agent != w.agent() && !lead {
                return Err(refuse(format!(
                    "intent {intent} is not awarded to this server's agent {}, nor to a coalition it leads",
                    w.agent()
                )));
            }
            let payout = token::associated_address(&me, &state.mint, &state.token_program);
            let hash = agx_core::commitment::sha256(args.result_uri.as_bytes());
            let ixs = [
                token::create_associated_idempotent(me, me, state.mint, state.token_program),
                xix::result_submit(me, intent, payout, hash, args.result_uri, args.fulfilled_bps),
            ];
            let landed = send(chain, w, "result_submit", &ixs)?;
            Ok(json!({"intent": intent.to_string(), "submitted": true, "fulfilled_bps": args.fulfilled_bps,
                "payout_account": payout.to_string(), "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Post work: an intent paid from this server's key, escrowing max_price (plus any evaluator fee) now. Refused over --max-price or --max-spend-per-hour, or outside --capabilities."
    )]
    async fn intent_post(&self, Parameters(args): Parameters<PostArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let caps = capabilities(&args.capabilities)?;
            limited(w.limits.capabilities_allowed(caps))?;
            let escrow = args.max_price.saturating_add(args.evaluator_fee);
            limited(w.limits.price_allowed(escrow))?;
            limited(w.spend_allowed(escrow))?;
            let pay = match &args.mint {
                Some(text) => crate::chain::token_of(chain, &address(text)?).map_err(chain_error)?,
                None => m.pay.ok_or_else(|| refuse("no payment mint: name one with `mint`"))?,
            };
            let me = w.pubkey();
            let tokens = pay.associated(&me);
            let held = token_balance(chain, &tokens).unwrap_or(0);
            if held < escrow {
                return Err(refuse(format!(
                    "{me}'s account {tokens} of {} holds {held} atoms; posting escrows {escrow}",
                    pay.mint
                )));
            }
            let kind = match args.kind {
                Kind::Vickrey => AuctionKind::VickreySealed,
                Kind::FirstPrice => AuctionKind::FirstPriceSealed,
                Kind::Continuous => AuctionKind::Continuous,
            };
            let context_hash = agx_core::commitment::sha256(args.context_uri.as_bytes());
            let want = Want {
                capabilities: caps,
                max_price: args.max_price,
                max_latency: args.max_latency,
                kind,
                min_stake: args.min_stake,
                context_uri: args.context_uri,
                context_hash,
            };
            let intent_id = discover::next_intent_id(chain, &me).map_err(chain_error)?;
            let mut terms = requester::args_for(chain, &want, intent_id).map_err(chain_error)?;
            if let Some(slots) = args.bid_window_slots {
                terms.bid_window_slots = slots;
            }
            if let (Some(slots), true) = (args.reveal_window_slots, kind.is_sealed()) {
                terms.reveal_window_slots = slots;
            }
            if let Some(text) = &args.evaluator {
                (terms.evaluator, terms.evaluator_fee) = (address(text)?, args.evaluator_fee);
            }
            let intent = pda::intent(&me, intent_id).0;
            let ix = xix::intent_create(me, pay, tokens, terms.clone());
            let landed = send(chain, w, "intent_post", &[ix])?;
            w.spent(escrow);
            Ok(json!({"intent": intent.to_string(), "escrowed": escrow, "mint": pay.mint.to_string(),
                "bids_close_slot": chain.slot().unwrap_or(0).saturating_add(terms.bid_window_slots),
                "bid_window_slots": terms.bid_window_slots, "reveal_window_slots": terms.reveal_window_slots,
                "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Accept the submitted result of an intent you posted, rating it: the winner is paid, the rest of the escrow comes back, and the rating goes to the winner's reputation."
    )]
    async fn result_accept(&self, Parameters(args): Parameters<AcceptArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let (intent, state) = posted_by(chain, w, &args.intent)?;
            let ix = requester::accept_instruction(chain, &intent, &state, args.rating_bps)
                .map_err(chain_error)?;
            let landed = send(chain, w, "result_accept", &[ix])?;
            let after = discover::intent(chain, &intent).ok().flatten();
            Ok(json!({"intent": intent.to_string(), "accepted": true, "rating_bps": args.rating_bps,
                "paid": after.as_ref().map(|i| i.payment), "winner": state.winner_agent.to_string(),
                "signature": landed.signature}))
        })
        .await
    }

    #[tool(
        description = "Dispute the submitted result of an intent you posted, with your reason: the intent's evaluator, else the exchange's arbitrator, decides."
    )]
    async fn dispute_open(&self, Parameters(args): Parameters<DisputeArgs>) -> CallToolResult {
        self.blocking(move |m| -> Answer {
            let w = m.wallet()?;
            let chain = m.chain.as_ref();
            let (intent, _) = posted_by(chain, w, &args.intent)?;
            let reason_hash = agx_core::commitment::sha256(args.reason.as_bytes());
            let ix = xix::dispute_open(w.pubkey(), intent, reason_hash);
            let landed = send(chain, w, "dispute_open", &[ix])?;
            Ok(json!({"intent": intent.to_string(), "disputed": true, "signature": landed.signature}))
        })
        .await
    }
}
