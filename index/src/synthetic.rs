//! A synthetic market for benchmarks and tests (feature `testing`): each intent's life as the
//! programs log it (their own event types, base64 in `Program data:` lines), with scores
//! computed by `agx_core` as the chain computes them, so that [`crate::verify`] agrees.
//!
//! One intent (first-price sealed, three bids) is 12 transactions and 17 events: posted, three
//! commits, three reveals, settled (award and the winner's stake lock), a heartbeat, the result,
//! the accept (payment and the agent's outcome), the close and its three bid closes.
use agx_sdk::agent_registry::events::{AgentHeartbeat, AgentRegistered, OutcomeSettled, StakeLocked};
use agx_sdk::agent_registry::state::OutcomeKind;
use agx_sdk::chain::Taped;
use agx_sdk::exchange::events::{
    AuctionAwarded, BidClosed, BidCommitted, BidRevealed, IntentClosed, IntentCreated, JobCompleted,
    ResultSubmitted,
};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, IntentCreateArgs};
use agx_sdk::Pubkey;
use anchor_lang::Event;
use base64::Engine;

/// Agents in the synthetic market.
pub const AGENTS: u64 = 50;
/// Events in one intent's life.
pub const EVENTS_PER_INTENT: u64 = 17;
/// The keeper that sends every crank.
pub const KEEPER: &str = "Keeper1111111111111111111111111111111111111";

/// Intent `n`'s address.
pub fn intent_address(n: u64) -> Pubkey {
    key(1, n)
}

/// Agent `a`'s registry address (0 to [`AGENTS`] - 1).
pub fn agent_address(a: u64) -> Pubkey {
    key(2, a)
}

fn key(role: u8, n: u64) -> Pubkey {
    let mut bytes = [role; 32];
    bytes[1..9].copy_from_slice(&n.to_le_bytes());
    Pubkey::new_from_array(bytes)
}

fn tx(slot: u64, name: &str, n: u64, program: Pubkey, payloads: &[Vec<u8>]) -> Taped {
    let mut logs = vec![format!("Program {program} invoke [1]")];
    logs.extend(
        payloads
            .iter()
            .map(|p| format!("Program data: {}", base64::engine::general_purpose::STANDARD.encode(p))),
    );
    logs.push(format!("Program {program} success"));
    Taped { slot, signature: format!("{name}-{n}"), payer: Some(KEEPER.to_owned()), logs }
}

/// A transaction of the exchange that calls the registry (which logs `inner`).
fn with_cpi(slot: u64, name: &str, n: u64, outer: &[Vec<u8>], inner: &[Vec<u8>]) -> Taped {
    let (x, r) = (agx_sdk::exchange::ID, agx_sdk::agent_registry::ID);
    let mut t = tx(slot, name, n, x, outer);
    let done = t.logs.pop().unwrap_or_default();
    let mut called = tx(slot, name, n, r, inner).logs;
    if let Some(first) = called.first_mut() {
        *first = format!("Program {r} invoke [2]");
    }
    t.logs.extend(called);
    t.logs.push(done);
    t
}

/// The registrations of the market's agents.
pub fn agents() -> Vec<Taped> {
    (0..AGENTS)
        .map(|a| {
            let registered = AgentRegistered {
                agent: agent_address(a),
                authority: key(3, a),
                vault: key(4, a),
                capabilities: 1 << (a % 8),
                capability_hash: [0; 32],
                metadata_uri: format!("https://agents.example/{a}"),
                reputation: 0,
                slot: 1,
            };
            tx(1, "register", a, agx_sdk::agent_registry::ID, &[registered.data()])
        })
        .collect()
}

/// Intent `n`'s whole life, its transactions in order.
pub fn intent_life(n: u64) -> Vec<Taped> {
    let (x, r) = (agx_sdk::exchange::ID, agx_sdk::agent_registry::ID);
    let intent = intent_address(n);
    let start = 10 + n;
    let max_price = 1_000_000 + (n % 7) * 100_000;
    let terms = IntentCreateArgs {
        intent_id: n,
        required_capabilities: 1 << (n % 8),
        min_stake: 0,
        min_reputation: 0,
        weights: [4_000, 3_000, 2_000, 1_000],
        max_price,
        max_latency: 100,
        context_hash: [1; 32],
        context_uri: format!("https://intents.example/{n}.json"),
        success_criteria_hash: [2; 32],
        auction_kind: AuctionKind::FirstPriceSealed,
        bid_window_slots: 20,
        reveal_window_slots: 20,
        bid_bond: 1_000_000,
        score_threshold: 0,
        max_failovers: 2,
        tip_per_crank: 5_000,
        vickrey_premium_cap_bps: 2_500,
        hire_agent: Pubkey::default(),
        deadline_slot: 0,
        evaluator: Pubkey::default(),
        evaluator_fee: 0,
    };
    let weights = agx_core::score::Weights { quality: 4_000, cost: 3_000, speed: 2_000, reputation: 1_000 };
    let limits = agx_core::score::Limits { max_price, max_latency: 100 };
    let created = IntentCreated {
        intent,
        requester: key(5, n % 97),
        intent_id: n,
        mint: key(6, 0),
        escrowed: max_price,
        tip_per_crank: 5_000,
        tip_pool: 25_000,
        auction_kind: 0,
        commit_end_slot: start + 20,
        reveal_end_slot: start + 40,
        vickrey_premium_cap_bps: 2_500,
        terms,
        refund_owner: key(5, n % 97),
        created_slot: start,
    };
    let mut out = vec![tx(start, "post", n, x, &[created.data()])];
    // Three bids from three agents; the cheapest (same quality and latency) wins.
    let bidders: Vec<(Pubkey, Pubkey, u64)> = (0..3)
        .map(|b| (key(7, n * 3 + b), agent_address((n + b * 17) % AGENTS), max_price / 2 + b * 50_000))
        .collect();
    for (b, (bid, agent, _)) in bidders.iter().enumerate() {
        let committed =
            BidCommitted { intent, bid: *bid, agent: *agent, commitment: [b as u8; 32], bond: 1_000_000 };
        out.push(tx(start + 1 + b as u64, "commit", n * 3 + b as u64, x, &[committed.data()]));
    }
    for (b, (bid, agent, price)) in bidders.iter().enumerate() {
        let bid_terms = agx_core::score::BidTerms { price: *price, quality_bps: 9_000, latency: 20 };
        let score = agx_core::score::score_bid(&weights, &limits, &bid_terms, 0).unwrap_or(0);
        let revealed = BidRevealed {
            intent,
            bid: *bid,
            agent: *agent,
            price: *price,
            quality_bps: 9_000,
            latency: 20,
            reputation: 0,
            score,
            rank: Some(b as u8),
        };
        out.push(tx(start + 21 + b as u64, "reveal", n * 3 + b as u64, x, &[revealed.data()]));
    }
    let (win_bid, winner, price) = bidders[0];
    let awarded = AuctionAwarded {
        intent,
        bid: win_bid,
        agent: winner,
        payment: price,
        stake_locked: 0,
        slot: start + 40,
        standby_agent: None,
    };
    let locked = StakeLocked { agent: winner, amount: 0, locked: 0 };
    out.push(with_cpi(start + 40, "settle", n, &[awarded.data()], &[locked.data()]));
    let beat = AgentHeartbeat {
        agent: winner,
        slot: start + 45,
        progress_bps: 5_000,
        stalled_beats: 0,
        missed_heartbeats: 0,
    };
    out.push(tx(start + 45, "beat", n, r, &[beat.data()]));
    let submitted = ResultSubmitted {
        intent,
        agent: winner,
        result_hash: [8; 32],
        result_uri: format!("https://results.example/{n}"),
        fulfilled_bps: 10_000,
        dispute_end_slot: start + 90,
    };
    out.push(tx(start + 50, "submit", n, x, &[submitted.data()]));
    let completed = JobCompleted {
        intent,
        agent: winner,
        paid: price,
        refunded: max_price - price,
        fulfilled_bps: 10_000,
        rating_bps: 9_000,
        reputation_rating_bps: 9_000,
        reputation_value: price,
        finalized: false,
    };
    let outcome = OutcomeSettled {
        agent: winner,
        standby: Pubkey::default(),
        successor: Pubkey::default(),
        released: 0,
        standby_released: 0,
        slashed: 0,
        kind: OutcomeKind::Completed,
        value: price,
        counted_value: price,
        requester: key(5, n % 97),
        rating_bps: Some(9_000),
        locked: 0,
        reputation: 5_000,
        open_bids: 0,
        recorded: true,
    };
    out.push(with_cpi(start + 55, "accept", n, &[completed.data()], &[outcome.data()]));
    let mut close =
        vec![IntentClosed { intent, status: IntentStatus::Completed, lamports: 0, tip: 5_000 }.data()];
    close.extend(bidders.iter().map(|(bid, _, _)| {
        BidClosed { intent, bid: *bid, bond_returned: 1_000_000, bond_forfeited: 0 }.data()
    }));
    out.push(tx(start + 60, "close", n, x, &close));
    out
}
