//! `agx intent`: list, show and verify intents; post, accept, dispute and cancel them.
use agx_sdk::accounts::Intent;
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use agx_sdk::verify::{verify_auction, verify_auction_with_bids};
use agx_sdk::{discover, Pubkey};
use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde_json::json;

use crate::{chain, Output};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Kind {
    FirstPrice,
    Vickrey,
    Continuous,
}

#[derive(Subcommand)]
pub enum Command {
    /// Intents on the cluster (all, or by status or requester).
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        requester: Option<Pubkey>,
    },
    /// One intent: terms, windows, leaderboard, and whether its auction verifies.
    Show { intent: Pubkey },
    /// The bids still open on an intent (sealed ones show their terms once revealed).
    Bids { intent: Pubkey },
    /// Recomputes the intent's auction from chain data with agx-core; fails if it differs.
    Verify { intent: Pubkey },
    /// Posts an intent paid in `--mint` from the signer's associated account (escrowing --max-price).
    Post {
        #[arg(long)]
        mint: Pubkey,
        /// Capability bits an agent must have.
        #[arg(long)]
        capabilities: u64,
        #[arg(long)]
        max_price: u64,
        #[arg(long, default_value_t = 100)]
        max_latency: u64,
        #[arg(long, value_enum, default_value_t = Kind::Vickrey)]
        kind: Kind,
        #[arg(long, default_value_t = 0)]
        min_stake: u64,
        #[arg(long, default_value = "")]
        context_uri: String,
    },
    /// Accepts the submitted result, rating it (bps).
    Accept {
        intent: Pubkey,
        #[arg(long, default_value_t = 8_000)]
        rating: u16,
    },
    /// Disputes the submitted result; the reason's sha256 goes on-chain.
    Dispute {
        intent: Pubkey,
        #[arg(long)]
        reason: String,
    },
    /// Cancels an intent nobody has bid on; the escrow comes back.
    Cancel { intent: Pubkey },
    /// Claims what an ended intent's escrow kept for the signer (the winner's payment or the
    /// refund, when the account stored for it could not receive it), into the signer's
    /// associated account of the intent's mint.
    Claim { intent: Pubkey },
}

fn status_name(i: &Intent) -> String {
    i.status().map(|s| format!("{s:?}")).unwrap_or_else(|_| "unknown".into())
}

fn kind_name(i: &Intent) -> String {
    i.kind().map(|k| format!("{k:?}")).unwrap_or_else(|_| "unknown".into())
}

fn summary(address: &Pubkey, i: &Intent) -> serde_json::Value {
    json!({
        "address": address.to_string(), "status": status_name(i), "kind": kind_name(i),
        "requester": i.requester.to_string(), "intent_id": i.intent_id, "mint": i.mint.to_string(),
        "max_price": i.max_price, "max_latency": i.max_latency,
        "required_capabilities": i.required_capabilities, "commit_end_slot": i.commit_end_slot,
        "reveal_end_slot": i.reveal_end_slot, "bids": i.bid_count, "round": i.round,
        "winner_agent": (i.winner_agent != Pubkey::default()).then(|| i.winner_agent.to_string()),
        "payment": i.payment, "failovers": i.failovers, "fulfilled_bps": i.fulfilled_bps,
        "vickrey_premium_cap_bps": i.vickrey_premium_cap_bps,
        "escrow_open": i.escrow_open == 1, "agent_claim": i.agent_claim,
    })
}

/// The intent at `address`, or an error that says where it looked.
fn load(chain: &dyn Chain, address: &Pubkey) -> Result<Intent> {
    discover::intent(chain, address)?.with_context(|| {
        format!("no intent at {address} on {}: wrong cluster (--url), or it was closed", chain.describe())
    })
}

fn requester(chain: &dyn Chain, keypair: Option<std::path::PathBuf>, mint: Pubkey) -> Result<Requester> {
    let key = chain::signer(keypair)?;
    let account =
        chain.account(&mint)?.with_context(|| format!("no mint at {mint} on {}", chain.describe()))?;
    Ok(Requester::new(chain, key, StakeToken { mint, program: account.owner })?)
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url))?;
    match command {
        Command::List { status, requester } => {
            let mut filters = Vec::new();
            if let Some(s) = status {
                let wanted = (0..=u8::MAX)
                    .filter_map(|n| IntentStatus::from_u8(n).ok())
                    .find(|st| format!("{st:?}").eq_ignore_ascii_case(&s))
                    .with_context(|| format!("unknown status '{s}' (open, awarded, submitted, disputed, completed, expired, cancelled, failed)"))?;
                filters.push(discover::intent_status_filter(wanted));
            }
            if let Some(r) = requester {
                filters.push(discover::intent_requester_filter(&r));
            }
            let found = discover::intents(&chain, &filters)?;
            let text: String = found
                .iter()
                .map(|(a, i)| {
                    format!(
                        "{a}  {:<10} {:<17} max {:>12}  bids {}\n",
                        status_name(i),
                        kind_name(i),
                        i.max_price,
                        i.bid_count
                    )
                })
                .collect();
            out.result(
                &format!("{text}{} intents\n", found.len()),
                &json!(found.iter().map(|(a, i)| summary(a, i)).collect::<Vec<_>>()),
            );
        }
        Command::Show { intent } => {
            let i = load(&chain, &intent)?;
            let mut v = summary(&intent, &i);
            let board: Vec<_> = i
                .ranked()
                .iter()
                .map(|e| json!({"agent": e.agent.to_string(), "price": e.price, "quality_bps": e.quality_bps, "latency": e.latency, "score": e.score}))
                .collect();
            v["leaderboard"] = json!(board);
            v["verified"] = json!(verify_auction(&i).is_ok());
            out.result(&format!("{}\n", serde_json::to_string_pretty(&v)?), &v);
        }
        Command::Bids { intent } => {
            load(&chain, &intent)?;
            let bids = discover::bids(&chain, &intent)?;
            let rows: Vec<_> = bids
                .iter()
                .map(|(a, b)| json!({"bid": a.to_string(), "agent": b.agent.to_string(), "round": b.round, "status": format!("{:?}", b.status), "bond": b.bond, "price": b.price, "quality_bps": b.quality_bps, "latency": b.latency, "score": b.score}))
                .collect();
            let text: String = bids
                .iter()
                .map(|(_, b)| {
                    format!(
                        "{}  round {}  {:<12} price {:>12}  score {:>5}\n",
                        b.agent,
                        b.round,
                        format!("{:?}", b.status),
                        b.price,
                        b.score
                    )
                })
                .collect();
            out.result(&format!("{text}{} bids\n", bids.len()), &json!(rows));
        }
        Command::Verify { intent } => {
            let i = load(&chain, &intent)?;
            match verify_auction_with_bids(&i, &discover::bids(&chain, &intent)?) {
                Ok(bids) => out.result(
                    &format!(
                        "intent {intent}: its auction recomputes exactly ({} on the board, {bids} revealed bid accounts checked)\n",
                        i.ranked().len()
                    ),
                    &json!({"intent": intent.to_string(), "verified": true, "bids_checked": bids}),
                ),
                Err(e) => bail!("intent {intent}: its auction does not recompute: {e}"),
            }
        }
        Command::Post { mint, capabilities, max_price, max_latency, kind, min_stake, context_uri } => {
            let mut r = requester(&chain, keypair, mint)?;
            let kind = match kind {
                Kind::FirstPrice => AuctionKind::FirstPriceSealed,
                Kind::Vickrey => AuctionKind::VickreySealed,
                Kind::Continuous => AuctionKind::Continuous,
            };
            let context_hash = <agx_core::commitment::SoftwareSha256 as agx_core::commitment::Sha256>::sha256(
                context_uri.as_bytes(),
            );
            let want =
                Want { capabilities, max_price, max_latency, kind, min_stake, context_uri, context_hash };
            let args = r.args(&chain, &want)?;
            let address = r.post(&chain, args)?;
            out.result(&format!("posted intent {address}\n"), &json!({"intent": address.to_string()}));
        }
        Command::Accept { intent, rating } => {
            let i = load(&chain, &intent)?;
            requester(&chain, keypair, i.mint)?.accept(&chain, &intent, rating)?;
            out.result(
                &format!("accepted {intent}\n"),
                &json!({"intent": intent.to_string(), "accepted": true}),
            );
        }
        Command::Dispute { intent, reason } => {
            let i = load(&chain, &intent)?;
            let hash = <agx_core::commitment::SoftwareSha256 as agx_core::commitment::Sha256>::sha256(
                reason.as_bytes(),
            );
            requester(&chain, keypair, i.mint)?.dispute(&chain, &intent, hash)?;
            out.result(
                &format!("disputed {intent}\n"),
                &json!({"intent": intent.to_string(), "disputed": true}),
            );
        }
        Command::Cancel { intent } => {
            let i = load(&chain, &intent)?;
            requester(&chain, keypair, i.mint)?.cancel(&chain, &intent)?;
            out.result(
                &format!("cancelled {intent}\n"),
                &json!({"intent": intent.to_string(), "cancelled": true}),
            );
        }
        Command::Claim { intent } => {
            load(&chain, &intent)?;
            let claimed = agx_sdk::claim::claim(&chain, &chain::signer(keypair)?, &intent)?;
            out.result(
                &format!(
                    "claimed {} atoms from {intent} into {}{}\n",
                    claimed.amount,
                    claimed.to,
                    if claimed.escrow_closed { "; its escrow is closed" } else { "" }
                ),
                &json!({"intent": intent.to_string(), "claimed": claimed.amount, "to": claimed.to.to_string(), "escrow_closed": claimed.escrow_closed}),
            );
        }
    }
    Ok(())
}
