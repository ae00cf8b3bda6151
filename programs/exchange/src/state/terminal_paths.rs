//! Property: whatever terms and bids an intent is given, at the edges of every type (0, 1, the
//! documented maxima and one past them, `MAX`), either the intent is refused at creation or some
//! terminal path of it succeeds: every transition the permissionless cranks and the parties make
//! (settle or drop, award, submit and complete, dispute and resolve, fail over, promote,
//! re-auction, fail, expire) works on it, its invariant holds after each step, and the escrow
//! is conserved to the atom. Runs the `Intent` methods the instructions call, on the host.
#![allow(clippy::arithmetic_side_effects)] // test bookkeeping on bounded values

use anchor_lang::prelude::Pubkey;
use proptest::prelude::*;

use super::{
    AuctionKind, Intent, IntentStatus, LeaderboardEntry, MAX_AUCTION_WINDOW_SLOTS, MAX_LATENCY_SLOTS,
};
use crate::instructions::intent_create::{IntentCreateArgs, Placement};
use crate::state::MAX_CONFIG_WINDOW_SLOTS;

fn edge_u64(max: u64) -> impl Strategy<Value = u64> {
    prop_oneof![Just(0), Just(1), Just(max), Just(max.saturating_add(1)), Just(u64::MAX), 0..=max]
}

fn edge_u16(max: u16) -> impl Strategy<Value = u16> {
    prop_oneof![Just(0), Just(1), Just(max), Just(max.saturating_add(1)), Just(u16::MAX), 0..=max]
}

fn weights() -> impl Strategy<Value = [u16; 4]> {
    prop_oneof![
        Just([4_000, 3_000, 2_000, 1_000]),
        Just([10_000, 0, 0, 0]),
        Just([0, 10_000, 0, 0]),
        Just([0, 0, 10_000, 0]),
        Just([0, 0, 0, 10_000]),
        Just([u16::MAX, 0, 0, 0]),
        Just([0, 0, 0, 0]),
        Just([2_500, 2_500, 2_500, 2_500]),
    ]
}

fn kind() -> impl Strategy<Value = AuctionKind> {
    prop_oneof![
        Just(AuctionKind::FirstPriceSealed),
        Just(AuctionKind::VickreySealed),
        Just(AuctionKind::Continuous)
    ]
}

prop_compose! {
    fn args()(
        kind in kind(),
        weights in weights(),
        max_price in edge_u64(u64::MAX),
        max_latency in edge_u64(MAX_LATENCY_SLOTS),
        bid_window in edge_u64(MAX_AUCTION_WINDOW_SLOTS),
        reveal_window in edge_u64(MAX_AUCTION_WINDOW_SLOTS),
        min_stake in edge_u64(u64::MAX),
        min_reputation in edge_u16(10_000),
        score_threshold in edge_u16(10_000),
        max_failovers in prop_oneof![Just(0u8), Just(1), Just(8), Just(9), Just(u8::MAX)],
        tip_per_crank in edge_u64(u64::MAX / 11),
        bid_bond in edge_u64(u64::MAX),
        cap in edge_u16(10_000),
    ) -> IntentCreateArgs {
        IntentCreateArgs {
            intent_id: 1,
            required_capabilities: 1,
            min_stake,
            min_reputation,
            weights,
            max_price,
            max_latency,
            context_hash: [1; 32],
            context_uri: String::new(),
            success_criteria_hash: [2; 32],
            auction_kind: kind,
            bid_window_slots: bid_window,
            reveal_window_slots: reveal_window,
            bid_bond,
            score_threshold,
            max_failovers,
            tip_per_crank,
            vickrey_premium_cap_bps: cap,
            hire_agent: Default::default(),
            deadline_slot: 0,
            evaluator: Pubkey::default(),
            evaluator_fee: 0,
        }
    }
}

/// The config's windows, at their edges (the config refuses 0 for all but the grace).
#[derive(Clone, Copy, Debug)]
struct Windows {
    grace: u64,
    dispute: u64,
    arbitration: u64,
    rerank: u64,
    reauction_bid: u64,
    reauction_reveal: u64,
}

fn window() -> impl Strategy<Value = u64> {
    prop_oneof![Just(1u64), Just(MAX_CONFIG_WINDOW_SLOTS), 1..=MAX_CONFIG_WINDOW_SLOTS]
}

prop_compose! {
    fn windows()(
        grace in prop_oneof![Just(0u64), window()],
        dispute in window(), arbitration in window(), rerank in window(),
        reauction_bid in window(), reauction_reveal in window(),
    ) -> Windows {
        Windows { grace, dispute, arbitration, rerank, reauction_bid, reauction_reveal }
    }
}

/// (price, quality, latency, reputation) of a bid, at the edges.
fn bid() -> impl Strategy<Value = (u64, u16, u64, u16)> {
    (edge_u64(u64::MAX), edge_u16(10_000), edge_u64(MAX_LATENCY_SLOTS), edge_u16(10_000))
}

/// What the parties do once a winner holds the job.
#[derive(Clone, Copy, Debug)]
enum Then {
    Deliver { fulfilled_bps: u16 },
    Dispute { share_bps: u16 },
    Fail,
}

fn then() -> impl Strategy<Value = Then> {
    prop_oneof![
        edge_u16(10_000).prop_map(|f| Then::Deliver { fulfilled_bps: f.clamp(1, 10_000) }),
        edge_u16(10_000).prop_map(|s| Then::Dispute { share_bps: s.min(10_000) }),
        Just(Then::Fail),
    ]
}

fn key(tag: u64, role: u8) -> Pubkey {
    let mut bytes = [role; 32];
    bytes[..8].copy_from_slice(&tag.to_le_bytes());
    Pubkey::new_from_array(bytes)
}

/// `failover_trigger` at `now`: the winner fails; the next awardable candidate takes the job, or
/// the intent re-auctions, or (allowance used up) fails with a full refund.
fn fail_over(intent: &mut Intent, now: u64, w: Windows, out: &mut u64) -> Result<(), String> {
    intent.fail_winner().map_err(|e| format!("fail_winner: {e}"))?;
    if intent.failovers_end(now) {
        *out += intent.fail().map_err(|e| format!("fail: {e}"))?;
        return Ok(());
    }
    while !intent.ranked().is_empty() {
        if let Some(payment) = intent.head_award_payment(now, w.grace) {
            return intent
                .promote_head(payment, key(2, 10), now, w.grace)
                .map(|_| ())
                .map_err(|e| format!("promote: {e}"));
        }
        intent.pass_over_head().map_err(|e| format!("skip: {e}"))?;
    }
    intent.reauction(now, w.reauction_bid, w.reauction_reveal).map_err(|e| format!("reauction: {e}"))
}

/// Runs the intent to its end; returns the atoms that left the escrow.
fn run(
    args: &IntentCreateArgs,
    bids: &[(u64, u16, u64, u16)],
    w: Windows,
    start: u64,
    script: &[Then],
) -> Result<Option<u64>, String> {
    if args.validate().is_err() {
        return Ok(None);
    }
    let Ok(tip_pool) = Intent::tip_pool_for(args.tip_per_crank, args.max_failovers) else { return Ok(None) };
    let mut intent: Intent = bytemuck::Zeroable::zeroed();
    let placement = Placement {
        address: key(0, 1),
        bump: 255,
        requester: key(0, 2),
        mint: key(0, 3),
        mint_decimals: 6,
        token_program: key(0, 4),
        escrow: key(0, 5),
        escrow_bump: 254,
        refund_owner: key(0, 2),
        refund_tokens: key(0, 6),
    };
    args.fill(&mut intent, &placement, tip_pool, start).map_err(|e| format!("fill: {e}"))?;
    let check = |i: &Intent, step: &str| i.invariant().map_err(|e| format!("invariant after {step}: {e}"));
    for (n, &(price, quality, latency, reputation)) in bids.iter().enumerate() {
        intent.open_bid().map_err(|e| format!("open_bid: {e}"))?;
        // A bid breaking a limit is refused at reveal (its own error): it never ranks.
        let Ok(score) = crate::bidding::score(&intent, price, quality, latency, reputation) else { continue };
        let entry = LeaderboardEntry {
            bid: key(n as u64, 7),
            agent: key(n as u64, 8),
            tiebreak: key(n as u64, 9).to_bytes(),
            price,
            latency,
            score,
            reputation,
            quality_bps: quality,
            ..Default::default()
        };
        intent.insert_ranked(entry).map_err(|e| format!("insert: {e}"))?;
        intent.reveal_count += 1;
        check(&intent, "a reveal")?;
    }
    let mut now = intent.reveal_end_slot;
    let mut script = script.iter().cycle();
    let mut out = 0u64;
    for _ in 0..64 {
        let status = intent.status().map_err(|e| e.to_string())?;
        if status.is_terminal() {
            return Ok(Some(out));
        }
        match status {
            IntentStatus::Open => {
                now = now.max(intent.reveal_end_slot).max(intent.rerank_end_slot);
                if intent.ranked().is_empty() {
                    out += intent.expire(now).map_err(|e| format!("expire: {e}"))?;
                } else if let Some(payment) = intent.head_award_payment(now, w.grace) {
                    intent.award(payment, key(1, 10), now, w.grace).map_err(|e| format!("award: {e}"))?;
                } else {
                    intent.disqualify(0, now, w.rerank).map_err(|e| format!("drop: {e}"))?;
                }
            }
            // A job due at its own award slot (latency 0, no grace) cannot be delivered: only
            // its failover ends it.
            IntentStatus::Awarded => match *script.next().expect("a script") {
                Then::Deliver { .. } | Then::Dispute { .. }
                    if intent.award_slot >= intent.execution_deadline_slot =>
                {
                    now = intent.execution_deadline_slot;
                    fail_over(&mut intent, now, w, &mut out)?;
                }
                Then::Deliver { fulfilled_bps } => {
                    now = intent.award_slot;
                    intent
                        .submit([3; 32], fulfilled_bps, now, w.dispute)
                        .map_err(|e| format!("submit: {e}"))?;
                    check(&intent, "submit")?;
                    now = intent.dispute_end_slot;
                    let escrowed = intent.escrowed;
                    let split = intent.complete(now, true).map_err(|e| format!("finalize: {e}"))?;
                    if split.to_agent.0 + split.to_requester.0 != escrowed {
                        return Err("the split does not conserve the escrow".into());
                    }
                    out += escrowed;
                }
                Then::Dispute { share_bps } => {
                    now = intent.award_slot;
                    intent.submit([3; 32], 10_000, now, w.dispute).map_err(|e| format!("submit: {e}"))?;
                    intent.open_dispute([4; 32], now, w.arbitration).map_err(|e| format!("dispute: {e}"))?;
                    check(&intent, "dispute")?;
                    let escrowed = intent.escrowed;
                    let share = agx_core::Bps::new(share_bps).map_err(|e| e.to_string())?;
                    let split = intent.resolve_dispute(share).map_err(|e| format!("resolve: {e}"))?;
                    if split.to_agent.0 + split.to_requester.0 != escrowed {
                        return Err("the dispute split does not conserve the escrow".into());
                    }
                    out += escrowed;
                }
                Then::Fail => {
                    now = intent.execution_deadline_slot;
                    fail_over(&mut intent, now, w, &mut out)?;
                }
            },
            other => return Err(format!("unexpected status {other:?}")),
        }
        check(&intent, "a step")?;
        if intent.escrowed > intent.max_price {
            return Err("the escrow grew".into());
        }
    }
    Err("no terminal status after 64 steps".into())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn some_terminal_path_always_succeeds(
        args in args(),
        bids in proptest::collection::vec(bid(), 0..12),
        w in windows(),
        start in prop_oneof![Just(0u64), Just(1), Just(1u64 << 40), 0..(1u64 << 40)],
        script in proptest::collection::vec(then(), 1..6),
    ) {
        match run(&args, &bids, w, start, &script) {
            Ok(None) => {}
            Ok(Some(out)) => prop_assert_eq!(out, args.max_price, "every escrowed atom left once"),
            Err(e) => prop_assert!(false, "{}: {:?} {:?} {:?} {:?}", e, args, bids, w, script),
        }
    }
}
