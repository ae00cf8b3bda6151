//! Property: any sequence of the transitions the instructions make on an `Intent` (bids placed,
//! ranked, disqualified and closed; award, submit, dispute, resolve, accept or finalize, fail
//! over, promote, re-auction, fail, expire, cancel; tips taken; the escrow paid out and the
//! intent closed), legal or not, leaves it valid: a refused step changes nothing (the runtime
//! reverts the transaction), `invariant()` holds after every step, the escrow account holds
//! exactly `escrowed` while the intent is live and nothing once it has ended, every atom that
//! left it went to the agent or back to the requester, and the tips paid plus the pool left are
//! the pool deposited. Runs the `Intent` methods on the host, on a zeroed struct.
#![allow(clippy::arithmetic_side_effects)] // test bookkeeping on bounded values

use anchor_lang::prelude::Pubkey;
use proptest::prelude::*;

use super::{AuctionKind, Intent, IntentStatus, LeaderboardEntry};

const MAX_PRICE: u64 = 1_000_000;
const TIP: u64 = 5_000;
const GRACE: u64 = 3;

#[derive(Clone, Copy, Debug)]
enum Step {
    /// A bid account opens and (scored `score`, asking `price`) takes its place on the board.
    Bid {
        score: u16,
        price: u64,
        latency: u64,
    },
    /// A bid account opens but its bid never ranks (unrevealed, or refused at reveal).
    BidUnranked,
    /// Settlement drops the entry at `index`, whose agent no longer qualifies.
    Disqualify {
        index: usize,
        window: u64,
    },
    /// Settlement awards the head (skipped, like the program, when the head cannot be paid).
    Award,
    Expire,
    Cancel,
    Submit {
        fulfilled_bps: u16,
    },
    Dispute,
    Resolve {
        share_bps: u16,
    },
    Accept,
    Finalize,
    /// The winner fails: promote, re-auction or fail, as `failover_trigger` does.
    Failover,
    Tip,
    CloseBid,
    Close,
    Wait {
        slots: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u16..=10_000, 0..=MAX_PRICE + 1, 0u64..50)
            .prop_map(|(score, price, latency)| Step::Bid { score, price, latency }),
        1 => Just(Step::BidUnranked),
        1 => (0usize..3, 0u64..20).prop_map(|(index, window)| Step::Disqualify { index, window }),
        3 => Just(Step::Award),
        1 => Just(Step::Expire),
        1 => Just(Step::Cancel),
        2 => (0u16..=10_001).prop_map(|fulfilled_bps| Step::Submit { fulfilled_bps }),
        1 => Just(Step::Dispute),
        1 => (0u16..=10_001).prop_map(|share_bps| Step::Resolve { share_bps }),
        1 => Just(Step::Accept),
        1 => Just(Step::Finalize),
        2 => Just(Step::Failover),
        2 => Just(Step::Tip),
        2 => Just(Step::CloseBid),
        1 => Just(Step::Close),
        3 => (0u64..60).prop_map(|slots| Step::Wait { slots }),
    ]
}

fn key(tag: u64, role: u8) -> Pubkey {
    let mut bytes = [role; 32];
    bytes[..8].copy_from_slice(&tag.to_le_bytes());
    Pubkey::new_from_array(bytes)
}

/// The intent and the money around it.
struct World {
    intent: Intent,
    now: u64,
    /// Atoms in the escrow token account.
    vault: u64,
    to_agent: u64,
    to_requester: u64,
    tips_paid: u64,
    tip_pool: u64,
    closed: bool,
    bids: u64,
}

impl World {
    fn new(kind: AuctionKind, max_failovers: u8) -> Self {
        let mut i: Intent = bytemuck::Zeroable::zeroed();
        i.version = Intent::VERSION;
        i.status = IntentStatus::Open.to_u8();
        i.auction_kind = kind.to_u8();
        i.max_price = MAX_PRICE;
        i.max_latency = 50;
        i.max_failovers = max_failovers;
        i.escrow_open = 1;
        i.escrowed = MAX_PRICE;
        i.refund_owner = key(0, 1);
        i.weights = [4_000, 3_000, 2_000, 1_000];
        i.tip_per_crank = TIP;
        i.tip_pool = Intent::tip_pool_for(TIP, max_failovers).unwrap();
        i.commit_end_slot = 10;
        i.reveal_end_slot = if kind.is_sealed() { 20 } else { 10 };
        i.invariant().unwrap();
        let tip_pool = i.tip_pool;
        World {
            intent: i,
            now: 0,
            vault: MAX_PRICE,
            to_agent: 0,
            to_requester: 0,
            tips_paid: 0,
            tip_pool,
            closed: false,
            bids: 0,
        }
    }

    /// Pays a terminal split out of the escrow and records the escrow's end.
    fn pay_out(&mut self, agent: u64, requester: u64) -> Result<(), String> {
        self.vault = self.vault.checked_sub(agent + requester).ok_or("paid more than the escrow holds")?;
        self.to_agent += agent;
        self.to_requester += requester;
        self.intent.record_escrow_end(0, true).map_err(|e| e.to_string())
    }

    fn apply(&mut self, step: Step) -> Result<(), String> {
        let now = self.now;
        let i = &mut self.intent;
        let open = i.status().map_err(|e| e.to_string())? == IntentStatus::Open;
        match step {
            Step::Bid { score, price, latency } => {
                // Bids are taken while the auction is open (the instructions check the phase).
                if !open {
                    return Err("not open".into());
                }
                i.open_bid().map_err(|e| e.to_string())?;
                self.bids += 1;
                let entry = LeaderboardEntry {
                    bid: key(self.bids, 7),
                    agent: key(self.bids, 8),
                    tiebreak: key(self.bids, 9).to_bytes(),
                    price,
                    latency,
                    score,
                    ..Default::default()
                };
                i.insert_ranked(entry).map_err(|e| e.to_string())?;
                i.reveal_count += 1;
            }
            Step::BidUnranked => {
                if !open {
                    return Err("not open".into());
                }
                i.open_bid().map_err(|e| e.to_string())?;
            }
            Step::Disqualify { index, window } => {
                i.disqualify(index, now, window).map_err(|e| e.to_string())?;
            }
            Step::Award => {
                let payment = i.head_award_payment(now, GRACE).ok_or("no awardable head")?;
                i.award(payment, key(1, 3), now, GRACE).map_err(|e| e.to_string())?;
            }
            Step::Expire => {
                let refund = i.expire(now).map_err(|e| e.to_string())?;
                self.pay_out(0, refund)?;
            }
            Step::Cancel => {
                let refund = i.cancel().map_err(|e| e.to_string())?;
                self.pay_out(0, refund)?;
            }
            Step::Submit { fulfilled_bps } => {
                i.submit([1; 32], fulfilled_bps, now, 10).map_err(|e| e.to_string())?;
            }
            Step::Dispute => i.open_dispute([2; 32], now, 10).map_err(|e| e.to_string())?,
            Step::Resolve { share_bps } => {
                let share = agx_core::Bps::new(share_bps).map_err(|e| format!("{e:?}"))?;
                let split = i.resolve_dispute(share).map_err(|e| e.to_string())?;
                self.pay_out(split.to_agent.0, split.to_requester.0)?;
            }
            Step::Accept | Step::Finalize => {
                let split = i.complete(now, matches!(step, Step::Finalize)).map_err(|e| e.to_string())?;
                self.pay_out(split.to_agent.0, split.to_requester.0)?;
            }
            Step::Failover => {
                i.fail_winner().map_err(|e| e.to_string())?;
                if i.failovers_end(now) {
                    let refund = i.fail().map_err(|e| e.to_string())?;
                    return self.pay_out(0, refund);
                }
                while !i.ranked().is_empty() {
                    if let Some(payment) = i.head_award_payment(now, GRACE) {
                        i.promote_head(payment, key(2, 3), now, GRACE).map_err(|e| e.to_string())?;
                        return Ok(());
                    }
                    i.pass_over_head().map_err(|e| e.to_string())?;
                }
                i.reauction(now, 10, 10).map_err(|e| e.to_string())?;
            }
            Step::Tip => self.tips_paid += i.take_tip(),
            Step::CloseBid => i.close_bid().map_err(|e| e.to_string())?,
            Step::Close => {
                i.require_closable().map_err(|e| e.to_string())?;
                self.closed = true;
            }
            Step::Wait { slots } => self.now += slots,
        }
        Ok(())
    }

    fn check(&self, step: Step) -> Result<(), String> {
        let i = &self.intent;
        i.invariant().map_err(|e| format!("invariant after {step:?}: {e}"))?;
        let ended = i.status().map_err(|e| e.to_string())?.is_terminal();
        if ended {
            prop_assert_eq_str(self.vault, 0, "an ended intent's escrow is empty")?;
        } else {
            prop_assert_eq_str(self.vault, i.escrowed, "the escrow holds what the intent says")?;
        }
        prop_assert_eq_str(self.to_agent + self.to_requester + self.vault, MAX_PRICE, "escrow conserved")?;
        if i.status().map_err(|e| e.to_string())? == IntentStatus::Completed {
            prop_assert_eq_str(self.to_agent <= i.payment, true, "the agent is paid at most its payment")?;
        }
        prop_assert_eq_str(self.tips_paid + i.tip_pool, self.tip_pool, "tips conserved")?;
        Ok(())
    }
}

fn prop_assert_eq_str<T: PartialEq + std::fmt::Debug>(a: T, b: T, what: &str) -> Result<(), String> {
    if a == b {
        Ok(())
    } else {
        Err(format!("{what}: {a:?} != {b:?}"))
    }
}

fn kind() -> impl Strategy<Value = AuctionKind> {
    prop_oneof![
        Just(AuctionKind::FirstPriceSealed),
        Just(AuctionKind::VickreySealed),
        Just(AuctionKind::Continuous)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn every_step_keeps_the_intent_valid_and_the_escrow_whole(
        kind in kind(),
        max_failovers in prop_oneof![Just(0u8), Just(1), Just(2), Just(8)],
        steps in proptest::collection::vec(step(), 1..60),
    ) {
        let mut world = World::new(kind, max_failovers);
        for step in steps {
            if world.closed {
                break;
            }
            let before = (world.intent, world.vault, world.to_agent, world.to_requester, world.tips_paid);
            if world.apply(step).is_err() {
                // The runtime reverts a failed transaction: the step never happened.
                (world.intent, world.vault, world.to_agent, world.to_requester, world.tips_paid) = before;
            }
            world.check(step).map_err(TestCaseError::fail)?;
        }
    }
}

/// The model itself: a plain run reaches each end with the money where it belongs.
#[test]
fn the_model_runs_an_intent_to_each_end() {
    let bid = Step::Bid { score: 9_000, price: 400_000, latency: 5 };
    let paid = [bid, Step::Wait { slots: 30 }, Step::Award, Step::Submit { fulfilled_bps: 10_000 }];
    let runs: [(&[Step], IntentStatus, u64); 4] = [
        (
            &[&paid[..], &[Step::Wait { slots: 30 }, Step::Finalize, Step::CloseBid, Step::Close]].concat(),
            IntentStatus::Completed,
            400_000,
        ),
        (
            &[&paid[..], &[Step::Dispute, Step::Resolve { share_bps: 5_000 }, Step::CloseBid, Step::Close]]
                .concat(),
            IntentStatus::Completed,
            200_000,
        ),
        (
            &[
                bid,
                Step::Wait { slots: 30 },
                Step::Award,
                Step::Wait { slots: 30 },
                Step::Failover,
                Step::CloseBid,
                Step::Close,
            ],
            IntentStatus::Failed,
            0,
        ),
        (&[Step::Wait { slots: 30 }, Step::Expire, Step::Close], IntentStatus::Expired, 0),
    ];
    for (steps, status, to_agent) in runs {
        let mut world = World::new(AuctionKind::FirstPriceSealed, 0);
        for step in steps {
            world.apply(*step).unwrap_or_else(|e| panic!("{step:?}: {e}"));
            world.check(*step).unwrap();
        }
        assert_eq!((world.intent.status().unwrap(), world.closed, world.to_agent), (status, true, to_agent));
        assert_eq!(world.to_requester, MAX_PRICE - to_agent);
    }
}
