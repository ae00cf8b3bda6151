//! What the demo watches and reports: every intent's course (read from the chain each slot,
//! with `verify_auction` recomputing its auction every time), and the final summary read back
//! from the chain with its accounting checks.
use std::collections::BTreeMap;
use std::time::Duration;

use agx_sdk::accounts::Intent;
use agx_sdk::chain::{token_balance, Chain};
use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
use agx_sdk::verify::verify_auction_with_bids;
use agx_sdk::{discover, pda, Pubkey};
use anyhow::Result;
use serde_json::json;

/// Where an intent sits in the coordinator story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A requester's intent of the plain market.
    Plain,
    /// The job a coordinator wins and buys in lots.
    Job,
    /// A lot of the job, posted by the coordinator from its budget.
    Lot,
    /// An intent only a coalition covers.
    Coalition,
    /// An intent asking a minimum reputation only a newcomer on probation bids under.
    Probation,
}

/// One intent the demo posted.
pub struct Tracked {
    pub index: usize,
    pub role: Role,
    /// The job a lot is a part of.
    pub parent: Option<Pubkey>,
    pub address: Pubkey,
    pub kind: AuctionKind,
    pub skill: &'static str,
    pub last: Option<Intent>,
    pub statuses: Vec<IntentStatus>,
    /// The slots the demo first saw it open, awarded and paid out (the load figures).
    pub posted_at: Option<u64>,
    pub awarded_at: Option<u64>,
    pub paid_at: Option<u64>,
    pub closed: bool,
    pub verified: u32,
    /// Bid accounts checked against the board (off-board ones included), over every read.
    pub bids_checked: u64,
    pub verify_errors: Vec<String>,
}

impl Tracked {
    pub fn new(index: usize, address: Pubkey, kind: AuctionKind, skill: &'static str) -> Self {
        Self {
            index,
            role: Role::Plain,
            parent: None,
            address,
            kind,
            skill,
            last: None,
            statuses: Vec::new(),
            posted_at: None,
            awarded_at: None,
            paid_at: None,
            closed: false,
            verified: 0,
            bids_checked: 0,
            verify_errors: Vec::new(),
        }
    }

    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    pub fn label(&self) -> String {
        let kind = match self.kind {
            AuctionKind::FirstPriceSealed => "first-price",
            AuctionKind::VickreySealed => "vickrey",
            AuctionKind::Continuous => "continuous",
            AuctionKind::Direct => "direct",
        };
        let role = match self.role {
            Role::Plain => "",
            Role::Job => " (job)",
            Role::Lot => " (lot)",
            Role::Coalition => " (coalition)",
            Role::Probation => " (probation)",
        };
        format!("#{:02} {kind:<11} {:<9}{role}", self.index, self.skill)
    }

    /// Records `status`, known from what the demo did (it accepted the result): on a cluster
    /// the keeper may close the intent before the next read sees it.
    pub fn saw(&mut self, status: IntentStatus, slot: u64) {
        if self.statuses.last() != Some(&status) {
            self.entered(status, slot);
        }
    }

    /// Appends `status` to the statuses seen, and notes the first slot each of open, awarded
    /// and paid out was seen.
    fn entered(&mut self, status: IntentStatus, slot: u64) {
        self.statuses.push(status);
        let at = match status {
            IntentStatus::Open => &mut self.posted_at,
            IntentStatus::Awarded => &mut self.awarded_at,
            IntentStatus::Completed => &mut self.paid_at,
            _ => return,
        };
        at.get_or_insert(slot);
    }

    fn had(&self, status: IntentStatus) -> bool {
        self.statuses.contains(&status)
    }

    /// The outcome it ended with.
    pub fn outcome(&self) -> &'static str {
        let last = self.statuses.last().copied();
        let failed_over = self.last.is_some_and(|i| i.failovers > 0);
        match last {
            Some(IntentStatus::Completed) if self.had(IntentStatus::Disputed) => "completed after a dispute",
            Some(IntentStatus::Completed) if failed_over => "completed after a failover",
            Some(IntentStatus::Completed) if self.last.is_some_and(|i| i.fulfilled_bps < 10_000) => {
                "completed in part"
            }
            Some(IntentStatus::Completed) => "completed",
            Some(IntentStatus::Expired) => "expired (no valid bid, refunded)",
            Some(IntentStatus::Failed) => "failed (every failover used, refunded)",
            Some(IntentStatus::Cancelled) => "cancelled",
            _ => "unfinished",
        }
    }
}

/// Reads every tracked intent; returns a line for each change, for the progress output.
pub fn observe(
    chain: &dyn Chain,
    tracked: &mut [Tracked],
    names: &BTreeMap<Pubkey, String>,
    slot: u64,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for t in tracked.iter_mut().filter(|t| !t.closed) {
        let Some(intent) = discover::intent(chain, &t.address)? else {
            if t.last.is_some() {
                t.closed = true;
                lines.push(format!("slot {slot:>4}  {}  closed: {}", t.label(), t.outcome()));
            }
            continue;
        };
        match verify_auction_with_bids(&intent, &discover::bids(chain, &t.address)?) {
            Ok(bids) => {
                t.verified += 1;
                t.bids_checked += bids as u64;
            }
            Err(e) => t.verify_errors.push(format!("slot {slot}: {e}")),
        }
        let status = intent.status().map_err(|e| anyhow::anyhow!("intent {}: {e}", t.address))?;
        let changed = t.statuses.last() != Some(&status);
        let new_winner =
            t.last.is_some_and(|l| l.winner_agent != intent.winner_agent) && status == IntentStatus::Awarded;
        if changed || new_winner {
            t.entered(status, slot);
            let name = |k: &Pubkey| names.get(k).cloned().unwrap_or_else(|| k.to_string());
            let detail = match status {
                IntentStatus::Open if intent.round > 0 => format!("re-auctioned (round {})", intent.round),
                IntentStatus::Open => format!("posted, up to {} atoms", intent.max_price),
                IntentStatus::Awarded if intent.failovers > 0 => {
                    format!(
                        "failed over to {} at {} (failover {})",
                        name(&intent.winner_agent),
                        intent.payment,
                        intent.failovers
                    )
                }
                IntentStatus::Awarded => {
                    format!(
                        "awarded to {} at {} ({} bids)",
                        name(&intent.winner_agent),
                        intent.payment,
                        intent.bid_count
                    )
                }
                IntentStatus::Submitted => {
                    format!("result submitted, {}% fulfilled", intent.fulfilled_bps / 100)
                }
                IntentStatus::Disputed => "disputed by the requester".into(),
                IntentStatus::Completed => "paid out".into(),
                IntentStatus::Expired => "expired: no valid bid".into(),
                IntentStatus::Failed => "failed: every failover used, refunded".into(),
                IntentStatus::Cancelled => "cancelled".into(),
            };
            // Posting is reported when it happens.
            if t.statuses.len() > 1 {
                lines.push(format!("slot {slot:>4}  {}  {detail}", t.label()));
            }
        }
        t.last = Some(intent);
    }
    Ok(lines)
}

/// An agent in the summary.
pub struct AgentLine {
    pub name: String,
    pub authority: Pubkey,
    pub agent: Pubkey,
    pub reputation_before: u16,
    pub deposited: u64,
}

/// What the demo reports, read back from the chain at the end.
pub struct Summary {
    pub json: serde_json::Value,
    pub text: String,
    /// Every check that failed (empty: the run is good).
    pub problems: Vec<String>,
}

/// The coordinator story's accounts: the budget its sponsor gave the coordinator.
pub struct Story {
    pub coordinator: String,
    /// The coordinator's authority: the lots' requester (its stake-mint account receives the
    /// compensation of a lot's failover).
    pub coordinator_authority: Pubkey,
    pub budget: Pubkey,
    /// What the sponsor put in the budget, and what revoking and closing it gave back.
    pub funded: u64,
    pub returned: u64,
}

pub struct Ledger<'a> {
    pub tracked: &'a [Tracked],
    pub story: &'a Story,
    pub coalitions: &'a [super::coalitions::CoalitionLine],
    /// The probation story's newcomer: its name and agent.
    pub newcomer: &'a (String, Pubkey),
    /// The config's probation bond multiplier.
    pub probation_multiplier: u16,
    pub agents: &'a [AgentLine],
    pub requesters: &'a [(Pubkey, Pubkey)],
    pub requester_funds: u64,
    /// The exchange's fee vault of the payment mint and its balance before the run.
    pub fee_vault: (Pubkey, u64),
    pub pay: agx_sdk::ix::registry::StakeToken,
    pub stake: agx_sdk::ix::registry::StakeToken,
    pub keeper: (&'static str, u64, u64),
    /// The keeper's lamports before it started and at the end: tips and rewards in, fees and
    /// rent out.
    pub keeper_lamports: (u64, u64),
    pub keeper_stake_tokens: Pubkey,
    pub slots: u64,
    pub wall: Duration,
    pub first_award: Option<Duration>,
    pub chain: String,
    pub seed: u64,
    /// The reply and stalled-progress stories (`super::trust`).
    pub trust: serde_json::Value,
}

/// The run as a load figure (`scripts/bench-load.sh`, `bench/load.json`): intents per second of
/// wall time and per slot, slots from posting to award and to payout, the keeper's cranks and
/// net lamports per intent.
fn load(l: &Ledger) -> serde_json::Value {
    let spans = |to: fn(&Tracked) -> Option<u64>| {
        let mut v: Vec<u64> =
            l.tracked.iter().filter_map(|t| Some(to(t)?.saturating_sub(t.posted_at?))).collect();
        v.sort_unstable();
        let at = |q: usize| v.get(v.len().saturating_sub(1) * q / 100).copied();
        json!({ "p50": at(50), "p95": at(95), "max": v.last(), "n": v.len() })
    };
    let intents = l.tracked.len() as f64;
    let (before, after) = l.keeper_lamports;
    let net = after as i128 - before as i128;
    let round = |x: f64| (x * 1_000.0).round() / 1_000.0;
    json!({
        "intents": l.tracked.len(),
        "slots": l.slots,
        "wall_s": round(l.wall.as_secs_f64()),
        "intents_per_wall_second": round(intents / l.wall.as_secs_f64().max(1e-9)),
        "intents_per_slot": round(intents / (l.slots.max(1) as f64)),
        "post_to_award_slots": spans(|t| t.awarded_at),
        "post_to_payout_slots": spans(|t| t.paid_at),
        "keeper_cranks_per_intent": round(l.keeper.1 as f64 / intents.max(1.0)),
        "keeper_lamports_net": net as i64,
        "keeper_lamports_net_per_intent": round(net as f64 / intents.max(1.0)),
    })
}

pub fn summarize(chain: &dyn Chain, l: &Ledger) -> Result<Summary> {
    let mut problems = Vec::new();
    let mut outcomes: BTreeMap<&str, u64> = BTreeMap::new();
    for t in l.tracked {
        *outcomes.entry(t.outcome()).or_default() += 1;
        if !t.closed {
            problems.push(format!("intent {} ({}) did not finish and close", t.index, t.address));
        }
        for e in &t.verify_errors {
            problems.push(format!("verify_auction failed on intent {}: {e}", t.index));
        }
    }
    let verified = l.tracked.iter().filter(|t| t.verified > 0 && t.verify_errors.is_empty()).count();
    // Payment mint: what the requesters spent is exactly what the agents were paid.
    let mut spent = 0u64;
    for (requester, tokens) in l.requesters {
        let _ = requester;
        spent += l.requester_funds - token_balance(chain, tokens)?;
    }
    let mut agents_json = Vec::new();
    let mut text_agents = String::new();
    let (mut earned_total, mut vaults, mut deposited, mut slashed_jobs) = (0u64, 0u64, 0u64, 0u32);
    for a in l.agents {
        let record =
            discover::agent(chain, &a.agent)?.ok_or_else(|| anyhow::anyhow!("agent {} is gone", a.name))?;
        let earned = token_balance(
            chain,
            &agx_sdk::token::associated_address(&a.authority, &l.pay.mint, &l.pay.program),
        )?;
        let vault = token_balance(chain, &pda::stake_vault(&a.agent).0)?;
        earned_total += earned;
        vaults += vault;
        deposited += a.deposited;
        slashed_jobs += record.slashed;
        if record.locked != 0 {
            problems.push(format!("{} still has {} atoms of stake locked", a.name, record.locked));
        }
        text_agents.push_str(&format!(
            "  {:<20} {:>9} {:>5} {:>5} {:>10} {:>6} -> {:<6}\n",
            a.name,
            earned,
            record.completed,
            record.failed,
            a.deposited - vault,
            a.reputation_before,
            record.reputation
        ));
        agents_json.push(json!({
            "name": a.name, "agent": a.agent.to_string(), "earned": earned, "completed": record.completed,
            "failed": record.failed, "slashed": record.slashed, "stake_lost": a.deposited - vault,
            "reputation_before": a.reputation_before, "reputation_after": record.reputation,
        }));
    }
    // The payment mint bears reputation, so each payout pays the exchange's reputation fee.
    let fees = token_balance(chain, &l.fee_vault.0)?.saturating_sub(l.fee_vault.1);
    if spent != earned_total + fees {
        problems.push(format!(
            "requesters spent {spent} atoms but agents were paid {earned_total} and fees {fees}"
        ));
    }
    // Stake mint: every atom deposited is in a vault, or went to a requester or the keeper.
    let keeper_rewards = token_balance(chain, &l.keeper_stake_tokens)?;
    let mut compensation = token_balance(
        chain,
        &agx_sdk::token::associated_address(&l.story.coordinator_authority, &l.stake.mint, &l.stake.program),
    )?;
    for (requester, _) in l.requesters {
        compensation += token_balance(
            chain,
            &agx_sdk::token::associated_address(requester, &l.stake.mint, &l.stake.program),
        )?;
    }
    if deposited != vaults + keeper_rewards + compensation {
        problems.push(format!(
            "stake: {deposited} deposited, but {vaults} in vaults + {keeper_rewards} keeper rewards + {compensation} compensation"
        ));
    }
    if chain.exists(&l.story.budget)? {
        problems.push(format!("the coordinator's budget {} is still open", l.story.budget));
    }
    let (tree_text, tree_json) = tree(l);
    let (coalitions_text, coalitions_json) = coalitions(l);
    let (probation_text, probation_json) = probation(l);
    for c in l.coalitions {
        if chain.exists(&c.address)? {
            problems.push(format!("coalition {} ({}) was not dissolved", c.name, c.address));
        }
    }
    let leftover_intents = discover::intents(chain, &[])?.len();
    if leftover_intents != 0 {
        problems.push(format!("{leftover_intents} intent accounts are still open"));
    }
    let (keeper_kind, keeper_landed, keeper_failed) = l.keeper;
    let json = json!({
        "chain": l.chain, "seed": l.seed, "stake_mint": l.stake.mint.to_string(), "pay_mint": l.pay.mint.to_string(), "slots": l.slots, "wall_ms": l.wall.as_millis() as u64,
        "first_award_ms": l.first_award.map(|d| d.as_millis() as u64),
        "intents": l.tracked.len(), "outcomes": outcomes,
        "failed_over": l.tracked.iter().filter(|t| t.last.is_some_and(|i| i.failovers > 0)).count(),
        "disputed": l.tracked.iter().filter(|t| t.had(IntentStatus::Disputed)).count(),
        "partial": l.tracked.iter().filter(|t| t.had(IntentStatus::Completed) && t.last.is_some_and(|i| i.fulfilled_bps < 10_000)).count(),
        "verified": verified,
        "bid_reads_verified": l.tracked.iter().map(|t| t.bids_checked).sum::<u64>(),
        "paid_to_agents": earned_total, "reputation_fees": fees, "spent_by_requesters": spent,
        "stake_slashed": keeper_rewards + compensation, "keeper_rewards": keeper_rewards,
        "requester_compensation": compensation, "slashed_jobs": slashed_jobs,
        "keeper": { "kind": keeper_kind, "landed": keeper_landed, "failed": keeper_failed },
        "load": load(l),
        "agents": agents_json,
        "coordinator": {
            "agent": l.story.coordinator, "budget": l.story.budget.to_string(),
            "budget_funded": l.story.funded, "budget_returned": l.story.returned,
            "spent_on_lots": l.story.funded - l.story.returned, "tree": tree_json,
        },
        "coalitions": coalitions_json,
        "probation": probation_json,
        "trust": l.trust,
        "problems": problems,
    });
    let mut text = String::new();
    text.push_str(&format!(
        "\nSummary ({}, seed {}): {} intents in {} slots, {:.1} s{}\n",
        l.chain,
        l.seed,
        l.tracked.len(),
        l.slots,
        l.wall.as_secs_f64(),
        l.first_award.map(|d| format!(", first award after {:.1} s", d.as_secs_f64())).unwrap_or_default()
    ));
    for (outcome, n) in &outcomes {
        text.push_str(&format!("  {n:>3}  {outcome}\n"));
    }
    text.push_str(&format!(
        "  paid to agents {earned_total} atoms + reputation fees {fees} = spent by requesters {spent}; stake slashed {} (keeper {keeper_rewards}, requesters {compensation})\n",
        keeper_rewards + compensation
    ));
    text.push_str(&format!(
        "  verify_auction passed for {verified} of {} intents ({} bid-account reads checked against the boards); keeper ({keeper_kind}): {keeper_landed} cranks landed, {keeper_failed} failed\n",
        l.tracked.len(),
        l.tracked.iter().map(|t| t.bids_checked).sum::<u64>()
    ));
    text.push_str(&format!(
        "\n  {:<20} {:>9} {:>5} {:>5} {:>10} {:>6}    {:<6}\n",
        "agent", "earned", "done", "fail", "stake lost", "rep", "after"
    ));
    text.push_str(&text_agents);
    text.push_str(&format!(
        "\n  {} bought its job in lots with a budget of {} atoms: {} spent on lots, {} returned to its sponsor\n",
        l.story.coordinator,
        l.story.funded,
        l.story.funded - l.story.returned,
        l.story.returned
    ));
    text.push_str(&tree_text);
    text.push_str(&coalitions_text);
    text.push_str(&probation_text);
    if problems.is_empty() {
        text.push_str("\nEvery atom accounted for; every account closed.\n");
    } else {
        text.push_str("\nPROBLEMS:\n");
        for p in &problems {
            text.push_str(&format!("  - {p}\n"));
        }
    }
    Ok(Summary { json, text, problems })
}

/// The jobs and their lots, as text lines and as JSON.
fn tree(l: &Ledger) -> (String, serde_json::Value) {
    let mut text = String::new();
    let mut jobs = Vec::new();
    for job in l.tracked.iter().filter(|t| t.role == Role::Job) {
        text.push_str(&format!("  {}  {}\n", job.label(), job.outcome()));
        let lots: Vec<&Tracked> = l.tracked.iter().filter(|t| t.parent == Some(job.address)).collect();
        let mut lots_json = Vec::new();
        for (i, lot) in lots.iter().enumerate() {
            let branch = if i + 1 == lots.len() { "└─" } else { "├─" };
            let paid = lot.last.map_or(0, |s| s.payment);
            text.push_str(&format!("    {branch} {}  {} (payment {paid})\n", lot.label(), lot.outcome()));
            lots_json.push(json!({
                "intent": lot.address.to_string(), "outcome": lot.outcome(), "payment": paid,
                "failovers": lot.last.map_or(0, |s| s.failovers),
            }));
        }
        jobs.push(json!({ "intent": job.address.to_string(), "outcome": job.outcome(), "lots": lots_json }));
    }
    (text, serde_json::Value::Array(jobs))
}

/// The coalitions, their members' shares, and the intents only a coalition covers with the
/// coalition that finally won each, as text lines and as JSON.
fn coalitions(l: &Ledger) -> (String, serde_json::Value) {
    let mut text = String::new();
    let name_of = |key: &Pubkey| l.coalitions.iter().find(|c| c.address == *key).map(|c| c.name.clone());
    let mut formed = Vec::new();
    for c in l.coalitions {
        let members: Vec<String> =
            c.members.iter().map(|(name, bps)| format!("{name} {}%", bps / 100)).collect();
        text.push_str(&format!("\n  coalition {}: {}", c.name, members.join(", ")));
        formed.push(json!({
            "name": c.name, "address": c.address.to_string(),
            "members": c.members.iter().map(|(name, bps)| json!({ "name": name, "share_bps": bps })).collect::<Vec<_>>(),
        }));
    }
    if !l.coalitions.is_empty() {
        text.push('\n');
    }
    let mut intents = Vec::new();
    for t in l.tracked.iter().filter(|t| t.role == Role::Coalition) {
        let winner = t.last.and_then(|s| name_of(&s.winner_agent));
        let failovers = t.last.map_or(0, |s| s.failovers);
        text.push_str(&format!(
            "    {}  {}, won by {}\n",
            t.label(),
            t.outcome(),
            winner.as_deref().unwrap_or("no coalition")
        ));
        intents.push(json!({
            "intent": t.address.to_string(), "outcome": t.outcome(), "winner": winner,
            "failovers": failovers, "payment": t.last.map_or(0, |s| s.payment),
        }));
    }
    (text, json!({ "formed": formed, "intents": intents }))
}

/// The probation story: the intent asking a minimum reputation, who won it (the newcomer, on
/// probation) and how it ended, as a text line and as JSON.
fn probation(l: &Ledger) -> (String, serde_json::Value) {
    let Some(t) = l.tracked.iter().find(|t| t.role == Role::Probation) else {
        return (String::new(), serde_json::Value::Null);
    };
    let (name, agent) = l.newcomer;
    let state = t.last;
    let won = state.is_some_and(|s| s.winner_agent == *agent);
    let min_reputation = state.map_or(0, |s| s.min_reputation);
    let bond = state.map_or(0, |s| s.bid_bond.saturating_mul(u64::from(l.probation_multiplier)));
    let text = format!(
        "\n  {name} (a newcomer, reputation 0) {} {} (minimum reputation {min_reputation}) on probation, bonding {bond} lamports ({}x): {}\n",
        if won { "won" } else { "did not win" },
        t.label(),
        l.probation_multiplier,
        t.outcome()
    );
    let json = json!({
        "intent": t.address.to_string(), "newcomer": name, "won_by_newcomer": won,
        "min_reputation": min_reputation, "probation_bond": bond, "outcome": t.outcome(),
    });
    (text, json)
}
