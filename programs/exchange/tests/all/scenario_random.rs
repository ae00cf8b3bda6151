//! Issue 28: random sequences of the intent lifecycle's instructions (post, commit, reveal,
//! place, settle, submit, accept, dispute, finalize, failover, decline, close) and the
//! registry's own (heartbeat, deposit, unstake request, withdraw, deactivate), with tokens and
//! lamports sent straight to escrows, vaults, intents and bid addresses, by the right actor or
//! the wrong one, in any order and at any slot (clock warps of 0 to 60 slots, and past every
//! window). Most steps of a random sequence are refused; whatever lands, after every step every
//! token of both mints is in a tracked account, every live escrow and vault holds what its
//! account records (at least that, once sent a donation), and every lamport is in an account or
//! was paid as a fee; at the end every intent still reaches a terminal state and closes (its
//! terminal path succeeds), leaving nothing of it open.
//!
//! CI runs 200 sequences; `AGX_RANDOM_CASES=10000` is the long run (`docs/reliability.md`).
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, BidOpening};
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_sdk::token;
use agx_sdk::Pubkey;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::registry::{TestAgent, DECIMALS};
use agx_tests::Signer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const AGENTS: usize = 3;
const INTENTS: usize = 3;

#[derive(Clone, Debug)]
enum Step {
    Post(u8),
    Commit {
        intent: usize,
        agent: usize,
        price: u64,
    },
    Reveal {
        intent: usize,
        agent: usize,
    },
    Place {
        intent: usize,
        agent: usize,
        price: u64,
    },
    Settle {
        intent: usize,
        wrong_head: bool,
    },
    Submit {
        intent: usize,
        agent: usize,
        fulfilled: u16,
    },
    Accept {
        intent: usize,
        rating: u16,
    },
    Dispute {
        intent: usize,
    },
    Finalize {
        intent: usize,
    },
    Failover {
        intent: usize,
    },
    Decline {
        intent: usize,
        agent: usize,
    },
    CloseBid {
        intent: usize,
        agent: usize,
    },
    CloseIntent {
        intent: usize,
    },
    Warp(u64),
    /// Tokens sent straight to an intent's escrow, from the requester's account.
    DonateToEscrow {
        intent: usize,
        amount: u64,
    },
    /// Tokens sent straight to an agent's stake vault, from the agent's own account.
    DonateToVault {
        agent: usize,
        amount: u64,
    },
    /// Lamports sent straight to an intent (0), its escrow (1) or an agent's bid address (2),
    /// whether that account exists yet or not.
    DonateLamports {
        intent: usize,
        agent: usize,
        target: u8,
    },
    /// The registry's own instructions, by the agent's authority.
    Heartbeat {
        agent: usize,
    },
    Deposit {
        agent: usize,
        amount: u64,
    },
    UnstakeRequest {
        agent: usize,
        amount: u64,
    },
    Withdraw {
        agent: usize,
    },
    Deactivate {
        agent: usize,
    },
    /// The move an honest keeper, winner or requester would make next (`World::advance`), so
    /// that sequences reach deep states too, interleaved with the rest.
    Advance {
        intent: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let i = 0..INTENTS;
    let a = 0..AGENTS;
    // Lifecycle steps weigh most; donations, the registry's own instructions and long warps
    // (past every window and an unstake's cooldown) come a few times a sequence.
    // Prices at the edges too: 0, 1 and above the max price are refused; the max price is not.
    let price = prop_oneof![Just(0u64), Just(1), 100_000..1_000_001u64, Just(1_000_001), Just(u64::MAX)];
    prop_oneof![
        24 => (0..INTENTS).prop_map(|intent| Step::Advance { intent }),
        12 => (0u8..3).prop_map(Step::Post),
        4 => (i.clone(), a.clone(), price.clone()).prop_map(|(intent, agent, price)| Step::Commit { intent, agent, price }),
        4 => (i.clone(), a.clone()).prop_map(|(intent, agent)| Step::Reveal { intent, agent }),
        4 => (i.clone(), a.clone(), price).prop_map(|(intent, agent, price)| Step::Place { intent, agent, price }),
        4 => (i.clone(), any::<bool>()).prop_map(|(intent, wrong_head)| Step::Settle { intent, wrong_head }),
        4 => (i.clone(), a.clone(), prop_oneof![Just(0u16), Just(5_000), Just(10_000), Just(10_001)])
            .prop_map(|(intent, agent, fulfilled)| Step::Submit { intent, agent, fulfilled }),
        4 => (i.clone(), prop_oneof![Just(0u16), Just(9_000), Just(10_000), Just(u16::MAX)])
            .prop_map(|(intent, rating)| Step::Accept { intent, rating }),
        4 => i.clone().prop_map(|intent| Step::Dispute { intent }),
        4 => i.clone().prop_map(|intent| Step::Finalize { intent }),
        4 => i.clone().prop_map(|intent| Step::Failover { intent }),
        4 => (i.clone(), a.clone()).prop_map(|(intent, agent)| Step::Decline { intent, agent }),
        4 => (i.clone(), a.clone()).prop_map(|(intent, agent)| Step::CloseBid { intent, agent }),
        4 => i.clone().prop_map(|intent| Step::CloseIntent { intent }),
        4 => prop_oneof![4 => prop_oneof![Just(0u64), Just(1), 2..61u64], 1 => Just(1_000u64)].prop_map(Step::Warp),
        1 => (i.clone(), amount()).prop_map(|(intent, amount)| Step::DonateToEscrow { intent, amount }),
        1 => (a.clone(), amount()).prop_map(|(agent, amount)| Step::DonateToVault { agent, amount }),
        1 => (i, a.clone(), 0u8..3)
            .prop_map(|(intent, agent, target)| Step::DonateLamports { intent, agent, target }),
        2 => a.clone().prop_map(|agent| Step::Heartbeat { agent }),
        1 => (a.clone(), amount()).prop_map(|(agent, amount)| Step::Deposit { agent, amount }),
        1 => (a.clone(), prop_oneof![Just(1u64), Just(MIN_STAKE * 9 + 1), Just(MIN_STAKE * 10), Just(u64::MAX)])
            .prop_map(|(agent, amount)| Step::UnstakeRequest { agent, amount }),
        1 => a.clone().prop_map(|agent| Step::Withdraw { agent }),
        1 => a.prop_map(|agent| Step::Deactivate { agent }),
    ]
}

/// Token amounts at the edges: 0 and more than any account holds are refused.
fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(1), 2..1_000u64, Just(u64::MAX)]
}

/// The market under test and what the sequence has done to it.
struct World {
    m: Market,
    agents: Vec<TestAgent>,
    intents: Vec<Pubkey>,
    /// The opening each agent committed to each intent (to reveal it).
    openings: Vec<Vec<Option<BidOpening>>>,
    /// Lamports held plus fees paid: the same after every step.
    lamports: u128,
}

impl World {
    fn new() -> Self {
        let mut m = Market::new();
        let agents = (0..AGENTS).map(|_| m.agent(MIN_STAKE * 10)).collect();
        // Thousands of transactions: signatures are not verified, signers still enforced.
        m.r.svm.skip_signature_verification();
        let lamports = m.r.svm.lamports_held() + u128::from(m.r.svm.fees_paid);
        Self { m, agents, intents: Vec::new(), openings: Vec::new(), lamports }
    }

    /// A fresh world from the same start (a fork of `self`'s chain).
    fn fork(&self) -> Self {
        Self {
            m: self.m.clone(),
            agents: self.agents.clone(),
            intents: self.intents.clone(),
            openings: self.openings.clone(),
            lamports: self.lamports,
        }
    }

    /// The intent a step's index names: the sequence's intents in turn (index modulo how many
    /// were posted), if it is still open.
    fn intent(&self, i: usize) -> Option<Pubkey> {
        let i = i.checked_rem(self.intents.len())?;
        Some(self.intents[i]).filter(|x| self.m.r.svm.opened(x))
    }

    /// The position in `intents` a step's index names.
    fn index(&self, i: usize) -> usize {
        i.checked_rem(self.intents.len()).unwrap_or(0)
    }

    /// Sends `step`; true when it landed (a refusal is an outcome like any other).
    fn apply(&mut self, step: &Step) -> bool {
        match *step {
            Step::Post(kind) => {
                if self.intents.len() >= INTENTS {
                    return false;
                }
                let kind =
                    [AuctionKind::FirstPriceSealed, AuctionKind::VickreySealed, AuctionKind::Continuous]
                        [usize::from(kind)];
                let args = self.m.args(kind);
                let Ok(intent) = self.m.create(args) else { return false };
                self.intents.push(intent);
                self.openings.push(vec![None; AGENTS]);
                true
            }
            Step::Commit { intent, agent, price } => {
                let Some(x) = self.intent(intent) else { return false };
                let o = opening(price, 9_000, 20);
                let landed = self.m.commit(&self.agents[agent], x, &o).is_ok();
                if landed {
                    let i = self.index(intent);
                    self.openings[i][agent] = Some(o);
                }
                landed
            }
            Step::Reveal { intent, agent } => {
                let (Some(x), Some(o)) =
                    (self.intent(intent), self.openings.get(self.index(intent)).and_then(|v| v[agent]))
                else {
                    return false;
                };
                self.m.reveal(&self.agents[agent], x, &o).is_ok()
            }
            Step::Place { intent, agent, price } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.place(&self.agents[agent], x, &opening(price, 9_000, 20)).is_ok()
            }
            Step::Settle { intent, wrong_head } => {
                let Some(x) = self.intent(intent) else { return false };
                let ranked = self.m.intent_state(x).ranked().to_vec();
                match ranked.first() {
                    Some(head) if !wrong_head => self.m.settle(x, head.agent).is_ok(),
                    Some(_) => self.m.settle(x, self.agents[0].agent).is_ok(),
                    None => self.m.settle_expired(x).is_ok(),
                }
            }
            Step::Submit { intent, agent, fulfilled } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.submit(&self.agents[agent], x, fulfilled).is_ok()
            }
            Step::Accept { intent, rating } => {
                let Some(x) = self.intent(intent) else { return false };
                let tokens = self.m.intent_state(x).winner_tokens;
                self.m.accept(x, tokens, rating).is_ok()
            }
            Step::Dispute { intent } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.dispute(x).is_ok()
            }
            Step::Finalize { intent } => {
                let Some(x) = self.intent(intent) else { return false };
                let tokens = self.m.intent_state(x).winner_tokens;
                self.m.finalize(x, tokens).is_ok()
            }
            Step::Failover { intent } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.failover(x).is_ok()
            }
            Step::Decline { intent, agent } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.decline(&self.agents[agent], x).is_ok()
            }
            Step::CloseBid { intent, agent } => {
                let Some(&x) = self.intents.get(self.index(intent)) else { return false };
                // A closed intent's bids (if any were left) are of its last round or earlier.
                match self.m.r.svm.opened(&x) {
                    true => self.m.close_bid(&self.agents[agent], x).is_ok(),
                    false => self.m.close_bid_in(&self.agents[agent], x, 0).is_ok(),
                }
            }
            Step::CloseIntent { intent } => {
                let Some(x) = self.intent(intent) else { return false };
                self.m.close_intent(x).is_ok()
            }
            Step::DonateToEscrow { intent, amount } => {
                let Some(x) = self.intent(intent) else { return false };
                let escrow = pda::escrow(&x).0;
                let m = &mut self.m;
                let ix = token::transfer_checked(
                    m.pay.program,
                    m.requester_tokens,
                    m.pay.mint,
                    escrow,
                    m.requester.pubkey(),
                    amount,
                    DECIMALS,
                );
                let requester = m.requester.insecure_clone();
                let landed = m.r.svm.send(&[ix], &[&requester]).is_ok();
                if landed {
                    m.surplus.push(escrow);
                }
                landed
            }
            Step::DonateToVault { agent, amount } => {
                let a = &self.agents[agent];
                let r = &mut self.m.r;
                let ix = token::transfer_checked(
                    r.stake.program,
                    a.tokens,
                    r.stake.mint,
                    a.vault,
                    a.authority.pubkey(),
                    amount,
                    DECIMALS,
                );
                let landed = r.svm.send(&[ix], &[&a.authority]).is_ok();
                if landed {
                    r.surplus.push(a.vault);
                }
                landed
            }
            Step::DonateLamports { intent, agent, target } => {
                let Some(&x) = self.intents.get(self.index(intent)) else { return false };
                let to = match target {
                    0 => x,
                    1 => pda::escrow(&x).0,
                    _ => {
                        let round = if self.m.r.svm.opened(&x) { self.m.intent_state(x).round } else { 0 };
                        pda::bid(&x, &self.agents[agent].agent, round).0
                    }
                };
                let payer = self.m.r.svm.payer.insecure_clone();
                let ix = solana_system_interface::instruction::transfer(&payer.pubkey(), &to, 1_000_000);
                self.m.r.svm.send(&[ix], &[&payer]).is_ok()
            }
            Step::Heartbeat { agent } => {
                let a = self.agents[agent].clone();
                self.m.heartbeat(&a).is_ok()
            }
            Step::Deposit { agent, amount } => {
                let a = self.agents[agent].clone();
                self.m.r.deposit(&a, amount).is_ok()
            }
            Step::UnstakeRequest { agent, amount } => {
                let a = &self.agents[agent];
                let ix = rix::stake_unstake_request(a.authority.pubkey(), amount);
                self.m.r.svm.send(&[ix], &[&a.authority]).is_ok()
            }
            Step::Withdraw { agent } => {
                let a = &self.agents[agent];
                let ix = rix::stake_withdraw(a.authority.pubkey(), a.tokens, self.m.r.stake);
                self.m.r.svm.send(&[ix], &[&a.authority]).is_ok()
            }
            Step::Deactivate { agent } => {
                let a = &self.agents[agent];
                let ix = rix::agent_deactivate(a.authority.pubkey());
                self.m.r.svm.send(&[ix], &[&a.authority]).is_ok()
            }
            Step::Warp(slots) => {
                self.m.r.warp(slots);
                true
            }
            Step::Advance { intent } => {
                let Some(x) = self.intent(intent) else { return false };
                let before = self.m.intent_state(x).status;
                self.advance(self.index(intent), x);
                !self.m.r.svm.opened(&x) || self.m.intent_state(x).status != before
            }
        }
    }

    /// After every step: every token of both mints is where the accounts say, and every lamport
    /// is still in an account or was paid as a fee (rent, bonds, tips and refunds move them).
    fn check(&self) {
        let svm = &self.m.r.svm;
        assert_eq!(
            svm.lamports_held() + u128::from(svm.fees_paid),
            self.lamports,
            "lamports created or lost"
        );
        self.m.assert_accounted(&self.intents);
        self.m.r.assert_accounted(&self.agents.iter().collect::<Vec<_>>());
    }

    /// Drives every intent to its end by the moves a keeper, the winner and the requester would
    /// make, and closes it; every intent must be gone afterwards.
    fn finish(&mut self) {
        for i in 0..self.intents.len() {
            for _ in 0..24 {
                let Some(x) = self.intent(i) else { break };
                self.advance(i, x);
                self.check();
            }
            // `advance` closes an intent's bids before the intent (the program requires it);
            // none may be left, and one of a closed intent could not be closed any more.
            let x = self.intents[i];
            for agent in &self.agents {
                let left = (0..=3).any(|r| self.m.r.svm.opened(&pda::bid(&x, &agent.agent, r).0));
                assert!(!left, "a bid of intent #{i} stays open after its end");
            }
            assert!(!self.m.r.svm.opened(&x), "intent #{i} never closed: {:?}", self.status(x));
            assert!(!self.m.r.svm.opened(&pda::escrow(&x).0), "intent #{i}'s escrow stays open");
        }
        self.check();
    }

    fn status(&self, x: Pubkey) -> Option<IntentStatus> {
        self.m.r.svm.opened(&x).then(|| IntentStatus::from_u8(self.m.intent_state(x).status).unwrap())
    }

    /// One move towards the end of intent `i` at `x`.
    fn advance(&mut self, i: usize, x: Pubkey) {
        let state = self.m.intent_state(x);
        match IntentStatus::from_u8(state.status).unwrap() {
            IntentStatus::Open => {
                // In the bidding window: the next agent without a bid bids (sealed or in the clear).
                let sealed = state.reveal_end_slot > state.commit_end_slot;
                if self.m.r.slot() < state.commit_end_slot {
                    let fresh = (0..AGENTS)
                        .find(|a| !self.m.r.svm.opened(&pda::bid(&x, &self.agents[*a].agent, state.round).0));
                    if let Some(a) = fresh {
                        let o = opening(300_000 + 50_000 * a as u64, 9_000, 20);
                        let landed = if sealed {
                            self.m.commit(&self.agents[a], x, &o).is_ok()
                        } else {
                            self.m.place(&self.agents[a], x, &o).is_ok()
                        };
                        if landed {
                            self.openings[i][a] = Some(o);
                            return;
                        }
                    }
                    self.m.warp_to(state.commit_end_slot);
                    return;
                }
                // Reveal what was committed, then settle once the windows are over.
                for a in 0..AGENTS {
                    if let Some(o) = self.openings[i][a] {
                        let _ = self.m.reveal(&self.agents[a], x, &o);
                    }
                }
                self.m.warp_to(state.reveal_end_slot.max(state.commit_end_slot) + 1);
                let head = self.m.intent_state(x).ranked().first().map(|h| h.agent);
                let settled = match head {
                    Some(agent) => self.m.settle(x, agent),
                    None => self.m.settle_expired(x),
                };
                if settled.is_err() {
                    // A re-rank window, or a bid that must be closed first: time moves on.
                    self.m.r.warp(50);
                }
            }
            IntentStatus::Awarded => {
                let winner = self.agents.iter().position(|a| a.agent == state.winner_agent);
                let delivered = winner.is_some_and(|a| self.m.submit(&self.agents[a], x, 10_000).is_ok());
                if !delivered {
                    self.m.r.warp(400);
                    let _ = self.m.failover(x);
                }
            }
            IntentStatus::Submitted => {
                let _ = self.m.accept(x, state.winner_tokens, 10_000);
            }
            IntentStatus::Disputed => {
                self.m.r.warp(2_000);
                let _ = self.m.finalize(x, state.winner_tokens);
            }
            _ => {
                for a in 0..AGENTS {
                    for round in 0..=state.round {
                        let agent = &self.agents[a];
                        if self.m.r.svm.opened(&pda::bid(&x, &agent.agent, round).0) {
                            let _ = self.m.close_bid_in(agent, x, round);
                        }
                    }
                }
                if self.m.close_intent(x).is_err() {
                    // A rating still open to the agent's reply: its window passes.
                    self.m.r.warp(2_000);
                }
            }
        }
    }
}

#[test]
fn random_sequences_conserve_every_token_and_every_intent_can_still_end() {
    let cases = std::env::var("AGX_RANDOM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let sequences = proptest::collection::vec(step(), 1..40);
    let start = World::new();
    // Steps sent and landed, by kind, over the whole run.
    let tally = std::cell::RefCell::new(std::collections::BTreeMap::<String, (u64, u64)>::new());
    runner
        .run(&sequences, |steps| {
            let mut world = start.fork();
            for s in &steps {
                let landed = world.apply(s);
                let kind = format!("{s:?}").split([' ', '(']).next().unwrap_or("?").to_string();
                let mut tally = tally.borrow_mut();
                let entry = tally.entry(kind).or_default();
                entry.0 += 1;
                entry.1 += u64::from(landed);
                drop(tally);
                world.check();
            }
            world.finish();
            Ok(())
        })
        .unwrap();
    let tally = tally.into_inner();
    eprintln!("{cases} sequences; steps sent / landed by kind: {tally:?}");
    // The sequences reach past posting: bids land, not just refusals.
    let landed = |kind: &str| tally.get(kind).map_or(0, |t| t.1);
    assert!(landed("Post") > 0 && landed("Commit") + landed("Place") > 0, "{tally:?}");
}
