//! `agx intent`: list, show and verify intents; post, accept, dispute, cancel and claim them.
use agx_sdk::accounts::Intent;
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::state::{AuctionKind, IntentStatus, DEFAULT_VICKREY_PREMIUM_CAP_BPS};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use agx_sdk::verify::{verify_auction, verify_auction_with_bids};
use agx_sdk::{discover, Pubkey};
use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Kind {
    FirstPrice,
    Vickrey,
    Continuous,
}
// A direct hire is posted with `agx hire offer`, which names the agent.

#[derive(Subcommand)]
pub enum Command {
    /// Intents on the cluster (all, or by status or requester).
    List {
        /// open, awarded, submitted, disputed, completed, expired, cancelled or failed.
        #[arg(long)]
        status: Option<String>,
        /// Only this requester's (a wallet address).
        #[arg(long)]
        requester: Option<Pubkey>,
    },
    /// One intent: terms, windows, leaderboard, and whether its auction verifies.
    Show {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// The bids still open on an intent (sealed ones show their terms once revealed).
    Bids {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// Recomputes the intent's auction from chain data with agx-core; fails if it differs.
    Verify {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// Posts an intent paid in `--mint` from the signer's associated account (escrowing --max-price).
    Post {
        /// The payment mint (a localnet's is its "pay mint"; `agx faucet pay` mints it).
        #[arg(long)]
        mint: Pubkey,
        /// Capabilities an agent must all have: names separated by commas (summarize, translate,
        /// code, research, data, image, audio, web; bitN for others) or a bit mask (3, 0b11, 0x3).
        #[arg(long, value_parser = chain::capabilities)]
        capabilities: u64,
        /// The most you pay, in atoms of --mint (escrowed now; what the winner is not paid
        /// comes back at the end).
        #[arg(long)]
        max_price: u64,
        /// The most slots from award to result you accept (a slot is ~0.4 s).
        #[arg(long, default_value_t = 100)]
        max_latency: u64,
        /// How the winner is chosen and paid.
        #[arg(long, value_enum, default_value_t = Kind::Vickrey)]
        kind: Kind,
        /// Free stake a bidder must have, atoms of the registry's stake mint (the winner's is
        /// locked for the job, and is what failing costs it).
        #[arg(long, default_value_t = 0)]
        min_stake: u64,
        /// Where the job's details are (its sha256 goes on chain).
        #[arg(long, default_value = "")]
        context_uri: String,
        /// Slots during which bids are taken (sealed: commits); default ~8 s.
        #[arg(long)]
        commit_window: Option<u64>,
        /// Slots during which sealed bids are revealed, after the commits; default ~8 s (not for
        /// --kind continuous).
        #[arg(long)]
        reveal_window: Option<u64>,
        /// Vickrey: the most the winner's payment may exceed its ask, bps of the ask.
        #[arg(long, default_value_t = DEFAULT_VICKREY_PREMIUM_CAP_BPS)]
        vickrey_cap_bps: u16,
        /// Pay the escrow from this budget (you sign as its agent's authority; refunds go back
        /// to the budget) instead of your wallet.
        #[arg(long)]
        budget: Option<Pubkey>,
        /// Post it as a part of this job, which your agent holds (a sub-intent: the job cannot
        /// be submitted until this one is closed).
        #[arg(long)]
        parent: Option<Pubkey>,
        /// Who judges this intent's dispute, and a contested rating, before the exchange's
        /// arbitrator (a key other than yours; default: the arbitrator alone).
        #[arg(long)]
        evaluator: Option<Pubkey>,
        /// Atoms of --mint escrowed beside the max price for the evaluator: paid to it when it
        /// decides a dispute, refunded otherwise.
        #[arg(long, default_value_t = 0, requires = "evaluator")]
        evaluator_fee: u64,
        /// The whole intent's deadline, in slots from now, across failovers and re-auctions: a
        /// failover after it fails the intent and refunds you in full (default: none).
        #[arg(long)]
        deadline: Option<u64>,
    },
    /// The parts of a job (its sub-intents not closed yet).
    Children {
        /// The job's address.
        intent: Pubkey,
    },
    /// Accepts the submitted result, rating it.
    Accept {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// Your rating of the result, bps (0-10000); your agent's reputation records it against
        /// the quality it promised.
        #[arg(long, default_value_t = 8_000)]
        rating: u16,
        /// A result delivered in part: in the same transaction, post the unfinished rest as a new
        /// intent funded by the refund (same requirements, the refund as its max price, its
        /// context bound to this one).
        #[arg(long)]
        repost_rest: bool,
    },
    /// Disputes the submitted result (the exchange's arbitrator decides); the reason's sha256
    /// goes on chain.
    Dispute {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// Why (kept off chain; its hash is stored).
        #[arg(long)]
        reason: String,
    },
    /// Cancels an intent nobody has bid on; the escrow comes back.
    Cancel {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// Claims what an ended intent's escrow kept for the signer (the winner's payment or the
    /// refund, when the account stored for it could not receive it), into the signer's
    /// associated account of the intent's mint.
    Claim {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// The judge (the signer: the intent's evaluator within its window, else the exchange's
    /// arbitrator) ends a dispute: the agent's share of its payment, and an optional slash of its
    /// held stake to the requester (the arbitrator's only: an evaluator decides the share). A paid evaluator gets its fee in its
    /// associated account of the intent's mint.
    Resolve {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// The agent's share of its payment, bps (0-10000); the rest goes back to the requester.
        #[arg(long)]
        agent_share_bps: u16,
        /// Atoms of the winner's held stake paid to the requester (at most the intent's min
        /// stake); the requester's associated stake-mint account is created if missing.
        #[arg(long, default_value_t = 0)]
        slash: u64,
    },
    /// The winning agent (its authority signs) contests a rating below its promise, claiming
    /// the rating it deserves and bonding the exchange's reply bond (lamports): back to it if the
    /// judge corrects the rating, to the requester if the judge upholds it.
    ContestRating {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// The rating claimed, bps: above the requester's, at most the promised quality.
        #[arg(long)]
        claim_bps: u16,
    },
    /// The judge (the signer: the intent's evaluator within its window, else the exchange's
    /// arbitrator) decides a contested rating: the requester's rating upholds it, anything up to
    /// the agent's claim corrects the agent's reputation.
    ResolveRating {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// The rating that stands, bps.
        #[arg(long)]
        rating_bps: u16,
    },
    /// Waits until the intent reaches a stage (for scripts, and for people who would rather
    /// not poll by hand); fails after --timeout.
    Wait {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// bidding, revealing, settling, awarded, submitted, finalizable, disputed, completed,
        /// expired, failed, or closed (the account is gone).
        #[arg(long)]
        until: String,
        /// Seconds to wait at most.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
}

fn status_name(i: &Intent) -> String {
    i.status().map(|s| format!("{s:?}")).unwrap_or_else(|_| "unknown".into())
}

fn kind_name(i: &Intent) -> String {
    i.kind().map(|k| format!("{k:?}")).unwrap_or_else(|_| "unknown".into())
}

pub(crate) fn summary(address: &Pubkey, i: &Intent) -> serde_json::Value {
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
        "parent": i.parent().map(|p| p.to_string()),
        "live_children": i.live_children,
        "hire_agent": (i.hire_agent != Pubkey::default()).then(|| i.hire_agent.to_string()),
        "deadline_slot": (i.deadline_slot != 0).then_some(i.deadline_slot),
        "evaluator": (i.evaluator != Pubkey::default()).then(|| i.evaluator.to_string()),
        "evaluator_fee": i.evaluator_fee,
        "reply": reply_json(i),
        "budget": i.funding_budget().map(|b| b.to_string()),
    })
}

/// Where the reply to the job's rating stands (`null` when there is none).
fn reply_json(i: &Intent) -> serde_json::Value {
    use agx_sdk::exchange::state::ReplyState;
    let state = agx_sdk::reply::state_of(i);
    if state == ReplyState::None {
        return serde_json::Value::Null;
    }
    json!({
        "state": format!("{state:?}").to_lowercase(), "rating_bps": i.rating_bps,
        "promised_bps": i.promised_bps, "claimed_bps": (i.claimed_rating_bps != 0).then_some(i.claimed_rating_bps),
        "ends_slot": (i.reply_end_slot != 0).then_some(i.reply_end_slot), "bond_lamports": i.reply_bond,
    })
}

/// The intent at `address`, or an error that says what is there instead.
pub fn load(chain: &dyn Chain, address: &Pubkey) -> Result<Intent> {
    let account = chain.account(address)?.with_context(|| {
        format!("no intent at {address} on {}: wrong cluster (--url), or it was closed", chain.describe())
    })?;
    if account.owner != agx_sdk::exchange::ID {
        let what = if account.owner == agx_sdk::Pubkey::default() {
            "a wallet (system account)".to_string()
        } else {
            format!("an account of program {}", account.owner)
        };
        bail!("{address} is not an intent: it is {what}; intent addresses are printed by `agx intent post` and `agx intent list`");
    }
    agx_sdk::accounts::decode_zero_copy::<Intent>(&account.data)
        .map_err(|e| anyhow::anyhow!("{address} is an exchange account but not an intent ({e})"))
}

/// Requires the signer to be the intent's requester, saying whose key is needed otherwise.
fn require_requester(signer: &Pubkey, intent: &Pubkey, i: &Intent) -> Result<()> {
    if *signer != i.requester {
        bail!(
            "this intent's requester is {}; pass --keypair for {} (you signed as {signer}) [{intent}]",
            i.requester,
            i.requester
        );
    }
    Ok(())
}

/// Where an intent is: its phase, and the slots (and seconds) of each window from `now`.
fn timing(chain: &dyn Chain, i: &Intent, now: u64) -> (String, serde_json::Value) {
    let at = |slot| chain::when(slot, now, chain.slot_time());
    let stage = i.stage(now).map(|s| format!("{s:?}")).unwrap_or_else(|_| "unknown".into());
    let mut text = format!("  stage {stage} at slot {now}\n");
    let sealed = i.kind().is_ok_and(|k| k.is_sealed());
    if i.status().ok() == Some(IntentStatus::Open) {
        let verb = if sealed { "commits" } else { "bids" };
        text.push_str(&format!("  {verb} until {}\n", at(i.commit_end_slot)));
        if sealed {
            text.push_str(&format!(
                "  reveals from slot {} until {}\n",
                i.commit_end_slot,
                at(i.reveal_end_slot)
            ));
        }
        text.push_str(&format!(
            "  settles from {} (by a keeper: `agx keeper`, or `agx localnet --keeper`)\n",
            at(i.timeline().settle_from())
        ));
    }
    if i.status().ok() == Some(IntentStatus::Awarded) {
        text.push_str(&format!("  result due before {}\n", at(i.execution_deadline_slot)));
    }
    if matches!(i.status().ok(), Some(IntentStatus::Submitted | IntentStatus::Disputed)) {
        text.push_str(&format!("  finalizable from {}\n", at(i.dispute_end_slot)));
    }
    if i.escrow_open == 1 && i.status().is_ok_and(|s| s.is_terminal()) {
        text.push_str("  its escrow keeps a share a party's account could not receive: `agx intent claim`\n");
    }
    let secs = |slot: u64| slot.saturating_sub(now) as f64 * chain.slot_time().as_secs_f64();
    let json = json!({
        "stage": stage, "slot": now,
        "commit_end_slot": i.commit_end_slot, "commit_end_in_seconds": secs(i.commit_end_slot),
        "reveal_end_slot": i.reveal_end_slot, "reveal_end_in_seconds": secs(i.reveal_end_slot),
        "execution_deadline_slot": i.execution_deadline_slot, "dispute_end_slot": i.dispute_end_slot,
    });
    (text, json)
}

fn requester(chain: &dyn Chain, keypair: Option<std::path::PathBuf>, mint: Pubkey) -> Result<Requester> {
    let key = chain::signer(keypair)?;
    Ok(Requester::new(chain, key, chain::token_of(chain, &mint)?)?)
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
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
            let (when, timing) = timing(&chain, &i, chain.slot()?);
            v["timing"] = timing;
            out.result(&format!("{}\n{when}", serde_json::to_string_pretty(&v)?), &v);
        }
        Command::Children { intent } => {
            let job = load(&chain, &intent)?;
            let children = discover::children(&chain, &intent)?;
            let text: String = children
                .iter()
                .map(|(a, i)| {
                    format!("{a}  {:<10} {:<17} max {:>12}\n", status_name(i), kind_name(i), i.max_price)
                })
                .collect();
            out.result(
                &format!("{text}{} parts open ({} counted by the job)\n", children.len(), job.live_children),
                &json!({
                    "intent": intent.to_string(), "live_children": job.live_children,
                    "children": children.iter().map(|(a, i)| summary(a, i)).collect::<Vec<_>>(),
                }),
            );
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
        Command::Post {
            mint,
            capabilities,
            max_price,
            max_latency,
            kind,
            min_stake,
            context_uri,
            commit_window,
            reveal_window,
            vickrey_cap_bps,
            budget,
            parent,
            evaluator,
            evaluator_fee,
            deadline,
        } => {
            let mut r = requester(&chain, keypair.clone(), mint)?;
            let kind = match kind {
                Kind::FirstPrice => AuctionKind::FirstPriceSealed,
                Kind::Vickrey => AuctionKind::VickreySealed,
                Kind::Continuous => AuctionKind::Continuous,
            };
            if !kind.is_sealed() && reveal_window.is_some_and(|w| w > 0) {
                bail!(
                    "--reveal-window is for sealed auctions; a continuous auction has bids in the clear only"
                );
            }
            let held = agx_sdk::chain::token_balance(&chain, &r.tokens())?;
            if budget.is_none() && held < max_price.saturating_add(evaluator_fee) {
                bail!(
                    "your account {} of {mint} holds {held} atoms; --max-price {max_price} is escrowed at posting: get more (on a localnet `agx faucet pay {max_price}`) or ask less",
                    r.tokens()
                );
            }
            let context_hash = agx_core::commitment::sha256(context_uri.as_bytes());
            let want =
                Want { capabilities, max_price, max_latency, kind, min_stake, context_uri, context_hash };
            let mut args = r.args(&chain, &want)?;
            if let Some(w) = commit_window {
                args.bid_window_slots = w;
            }
            if let Some(w) = reveal_window {
                args.reveal_window_slots = w;
            }
            args.vickrey_premium_cap_bps = vickrey_cap_bps;
            if let Some(e) = evaluator {
                if e == r.pubkey() {
                    bail!("--evaluator {e} is you, the requester: name someone who judges your disputes for both sides");
                }
                (args.evaluator, args.evaluator_fee) = (e, evaluator_fee);
            }
            if let Some(d) = deadline {
                let first_round = args.bid_window_slots.saturating_add(args.reveal_window_slots);
                if d <= first_round {
                    bail!("--deadline {d} ends before the auction does ({first_round} slots): give the job time after it");
                }
                args.deadline_slot = chain.slot()?.saturating_add(d);
            }
            if let Some(p) = parent {
                let job = load(&chain, &p)?;
                if job.winner_authority != r.pubkey() || job.status().ok() != Some(IntentStatus::Awarded) {
                    bail!("{p} is not a job your agent holds (it must be awarded to the agent of the key you sign with)");
                }
            }
            let address = match budget {
                Some(b) => {
                    let key = chain::signer(keypair)?;
                    agx_sdk::budget::post_intent(&chain, &key, &b, args.clone(), parent)?
                }
                None if parent.is_none() => r.post(&chain, args.clone())?,
                None => {
                    // The post and the link in one transaction: the link needs the part bid-free.
                    let key = chain::signer(keypair)?;
                    let address = agx_sdk::pda::intent(&key.pubkey(), args.intent_id).0;
                    let pay = StakeToken { mint, program: chain.account(&mint)?.context("mint")?.owner };
                    let ixs = [
                        agx_sdk::ix::exchange::intent_create(key.pubkey(), pay, r.tokens(), args.clone()),
                        agx_sdk::ix::exchange::intent_link_parent(
                            key.pubkey(),
                            parent.unwrap_or_default(),
                            address,
                        ),
                    ];
                    chain.send(&ixs, &key, &[])?;
                    address
                }
            };
            let i = load(&chain, &address)?;
            let (when, timing) = timing(&chain, &i, chain.slot()?);
            out.result(
                &format!("posted intent {address} (id {})\n{when}", args.intent_id),
                &json!({"intent": address.to_string(), "intent_id": args.intent_id, "timing": timing}),
            );
        }
        Command::Accept { intent, rating, repost_rest } => {
            let i = load(&chain, &intent)?;
            let mut r = requester(&chain, keypair, i.mint)?;
            require_requester(&r.pubkey(), &intent, &i)?;
            if repost_rest {
                let rest = r.accept_and_repost(&chain, &intent, rating)?;
                out.result(
                    &format!("accepted {intent}; its unfinished rest is posted as {rest}\n"),
                    &json!({"intent": intent.to_string(), "accepted": true, "rest": rest.to_string()}),
                );
            } else {
                r.accept(&chain, &intent, rating)?;
                out.result(
                    &format!("accepted {intent}\n"),
                    &json!({"intent": intent.to_string(), "accepted": true}),
                );
            }
        }
        Command::Dispute { intent, reason } => {
            let i = load(&chain, &intent)?;
            let hash = agx_core::commitment::sha256(reason.as_bytes());
            let r = requester(&chain, keypair, i.mint)?;
            require_requester(&r.pubkey(), &intent, &i)?;
            r.dispute(&chain, &intent, hash)?;
            out.result(
                &format!("disputed {intent}\n"),
                &json!({"intent": intent.to_string(), "disputed": true}),
            );
        }
        Command::Cancel { intent } => {
            let i = load(&chain, &intent)?;
            let r = requester(&chain, keypair, i.mint)?;
            require_requester(&r.pubkey(), &intent, &i)?;
            r.cancel(&chain, &intent)?;
            out.result(
                &format!("cancelled {intent}\n"),
                &json!({"intent": intent.to_string(), "cancelled": true}),
            );
        }
        Command::Resolve { intent, agent_share_bps, slash } => {
            let i = load(&chain, &intent)?;
            let arbitrator = chain::signer(keypair)?;
            let config = discover::exchange_config(&chain)?;
            let judge =
                agx_sdk::reply::judge_of(&i, &config, agx_sdk::reply::Question::Dispute, chain.slot()?);
            if judge != Some(arbitrator.pubkey()) {
                bail!(
                    "the judge of this dispute now is {}; pass --keypair for it (you signed as {})",
                    judge.map_or("nobody".into(), |j| j.to_string()),
                    arbitrator.pubkey()
                );
            }
            let pay = StakeToken::of_intent(&i);
            let stake = StakeToken::of(&discover::registry_config(&chain)?);
            let requester_stake = stake.associated(&i.requester);
            let mut ixs = Vec::new();
            if arbitrator.pubkey() == i.evaluator && i.evaluator_fee > 0 {
                ixs.push(agx_sdk::token::create_associated_idempotent(
                    arbitrator.pubkey(),
                    arbitrator.pubkey(),
                    pay.mint,
                    pay.program,
                ));
            }
            let slash_to = (slash > 0).then(|| {
                ixs.push(agx_sdk::token::create_associated_idempotent(
                    arbitrator.pubkey(),
                    i.requester,
                    stake.mint,
                    stake.program,
                ));
                agx_sdk::ix::exchange::DisputeSlash {
                    stake,
                    requester_stake_tokens: requester_stake,
                    amount: slash,
                }
            });
            ixs.push(agx_sdk::ix::exchange::dispute_resolve(
                arbitrator.pubkey(),
                intent,
                &i,
                pay,
                i.winner_tokens,
                i.refund_tokens,
                agent_share_bps,
                slash_to,
            ));
            let landed = chain.send(&ixs, &arbitrator, &[])?;
            out.result(
                &format!(
                    "resolved {intent}: agent share {agent_share_bps} bps, slash {slash} ({})\n",
                    landed.signature
                ),
                &json!({"intent": intent.to_string(), "resolved": true, "signature": landed.signature}),
            );
        }
        Command::ContestRating { intent, claim_bps } => {
            let key = chain::signer(keypair)?;
            let bond = agx_sdk::reply::contest(&chain, &key, &intent, claim_bps)?;
            let i = load(&chain, &intent)?;
            out.result(
                &format!(
                    "contested the rating of {intent}: {} bps claimed against {}, {bond} lamports bonded; the judges decide before slot {}\n",
                    claim_bps, i.rating_bps, i.reply_end_slot
                ),
                &json!({"intent": intent.to_string(), "contested": true, "bond_lamports": bond, "reply": reply_json(&i)}),
            );
        }
        Command::ResolveRating { intent, rating_bps } => {
            let i = load(&chain, &intent)?;
            let key = chain::signer(keypair)?;
            let config = discover::exchange_config(&chain)?;
            let judge = agx_sdk::reply::judge_of(&i, &config, agx_sdk::reply::Question::Reply, chain.slot()?);
            if judge != Some(key.pubkey()) {
                bail!(
                    "the judge of this reply now is {}; pass --keypair for it (you signed as {})",
                    judge.map_or("nobody".into(), |j| j.to_string()),
                    key.pubkey()
                );
            }
            let landed = agx_sdk::reply::resolve(&chain, &key, &intent, rating_bps)?;
            let corrected = rating_bps > i.rating_bps;
            out.result(
                &format!(
                    "{} the rating of {intent} at {rating_bps} bps ({})\n",
                    if corrected { "corrected" } else { "upheld" },
                    landed.signature
                ),
                &json!({"intent": intent.to_string(), "corrected": corrected, "rating_bps": rating_bps, "signature": landed.signature}),
            );
        }
        Command::Wait { intent, until, timeout } => {
            let wanted = until.to_ascii_lowercase();
            let known = [
                "bidding",
                "revealing",
                "reranking",
                "settling",
                "awarded",
                "submitted",
                "finalizable",
                "disputed",
                "completed",
                "expired",
                "cancelled",
                "failed",
                "closed",
            ];
            if !known.contains(&wanted.as_str()) {
                bail!("unknown stage '{until}': one of {}", known.join(", "));
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(timeout);
            loop {
                let now = chain.slot()?;
                let stage = match discover::intent(&chain, &intent)? {
                    Some(i) => format!("{:?}", i.stage(now)?).to_ascii_lowercase(),
                    None => "closed".to_string(),
                };
                if stage == wanted {
                    out.result(
                        &format!("{intent} is {stage} at slot {now}\n"),
                        &json!({"intent": intent.to_string(), "stage": stage, "slot": now}),
                    );
                    break;
                }
                if std::time::Instant::now() > deadline {
                    bail!("{intent} is still {stage} after {timeout} s (waiting for {wanted}; is a keeper running?)");
                }
                std::thread::sleep(chain.slot_time());
            }
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
