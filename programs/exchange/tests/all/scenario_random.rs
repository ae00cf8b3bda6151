//! Issue 28: random sequences of every instruction a market's participants send: the intent
//! lifecycle's (post, commit, reveal, place, re-rank, settle, submit, accept, dispute, resolve,
//! finalize, failover, decline, cancel, contest, reply, escrow claim, close), the direct hires'
//! (post, accept, decline, hire from a standing offer), the budgets' (fund, pay, post from the
//! budget, revoke, close), the coalitions' (create, accept, leave, dissolve, bid as one, mark a
//! part done) and the registry's own (heartbeat, deposit, unstake request, withdraw,
//! deactivate), with tokens and lamports sent straight to escrows, vaults, intents and bid
//! addresses, by the right actor or the wrong one, in any order and at any slot (clock warps of
//! 0 to 60 slots, and past every window). Most steps of a random sequence are refused; whatever
//! lands, after every step every token of both mints is in a tracked account, every live escrow
//! and vault holds what its account records (at least that, once sent a donation), and every
//! lamport is in an account or was paid as a fee; at the end every intent still reaches a
//! terminal state and closes (its terminal path succeeds), leaving nothing of it open, no stake
//! stays locked, and the coalition and the budget can still be dissolved and closed.
//!
//! CI runs 200 sequences; `AGX_RANDOM_CASES=10000` is the long run (`docs/reliability.md`).
use agx_sdk::exchange::state::{IntentStatus, ReplyState};
use agx_sdk::exchange::{AuctionKind, BidOpening, HireTerms};
use agx_sdk::ix::exchange::{self as xix, budget as bix, coalition as cix};
use agx_sdk::ix::registry as rix;
use agx_sdk::token;
use agx_sdk::{pda, Instruction, Pubkey};
use agx_tests::market::{opening, Market, TestBudget, CAPABILITY, MAX_PRICE, MIN_STAKE};
use agx_tests::registry::{TestAgent, DECIMALS};
use agx_tests::{Keypair, Signer};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const OPEN: &[IntentStatus] = &[IntentStatus::Open];
const AWARDED: &[IntentStatus] = &[IntentStatus::Awarded];
const SUBMITTED: &[IntentStatus] = &[IntentStatus::Submitted];
const DISPUTED: &[IntentStatus] = &[IntentStatus::Disputed];
const DISPUTED_OR_SUBMITTED: &[IntentStatus] = &[IntentStatus::Disputed, IntentStatus::Submitted];
const ENDED: &[IntentStatus] =
    &[IntentStatus::Completed, IntentStatus::Expired, IntentStatus::Cancelled, IntentStatus::Failed];
const ANY: &[IntentStatus] = &[];

const AGENTS: usize = 3;
/// A bidder index: `0..AGENTS` are the agents, `COALITION` the coalition their first agent leads.
const COALITION: usize = AGENTS;
const INTENTS: usize = 4;
/// Each coalition member's stake contribution: one covers the fixture's minimum stake.
const CONTRIBUTION: u64 = MIN_STAKE;
const COALITION_ID: u64 = 1;
/// The budget's limits: children cost at most one spend each.
const PER_SPEND: u64 = 1_000;
const BUDGET_TOTAL: u64 = 4_000;

#[derive(Clone, Debug)]
enum Step {
    /// A post: 0 first-price sealed, 1 Vickrey sealed, 2 continuous (by the requester's wallet);
    /// 3 a direct hire of bidder `bidder`; 4 an intent paid from the coordinator's budget; 5 a
    /// post with a hire on agent `bidder`'s standing offer (only agent 0 has one).
    Post {
        kind: u8,
        bidder: usize,
    },
    Commit {
        intent: usize,
        bidder: usize,
        price: u64,
    },
    Reveal {
        intent: usize,
        bidder: usize,
    },
    Place {
        intent: usize,
        bidder: usize,
        price: u64,
    },
    Rerank {
        intent: usize,
        bidder: usize,
    },
    Settle {
        intent: usize,
        wrong_head: bool,
    },
    HireAccept {
        intent: usize,
        bidder: usize,
    },
    HireDecline {
        intent: usize,
        bidder: usize,
    },
    Submit {
        intent: usize,
        bidder: usize,
        fulfilled: u16,
    },
    PartDone {
        intent: usize,
        agent: usize,
    },
    Accept {
        intent: usize,
        rating: u16,
    },
    Dispute {
        intent: usize,
    },
    /// `dispute_resolve` by the arbitrator: the agent's share, and a slash of 1 atom or none.
    Resolve {
        intent: usize,
        share: u16,
        slash: bool,
    },
    Finalize {
        intent: usize,
    },
    Failover {
        intent: usize,
    },
    Decline {
        intent: usize,
        bidder: usize,
    },
    Cancel {
        intent: usize,
    },
    /// `rating_contest` by bidder `bidder`'s authority, then (a later step) the arbitrator's reply.
    Contest {
        intent: usize,
        bidder: usize,
    },
    Reply {
        intent: usize,
        rating: u16,
    },
    /// The winner closes the (empty) account it named for its payment, so the payout cannot
    /// land there and the escrow keeps it for `escrow_claim`.
    ClosePayout {
        intent: usize,
    },
    EscrowClaim {
        intent: usize,
    },
    CloseBid {
        intent: usize,
        bidder: usize,
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
    /// The coalition of agent 0 (lead) and the next `size - 1` agents, by the lead.
    CoalitionCreate {
        size: usize,
    },
    CoalitionAccept {
        agent: usize,
    },
    CoalitionLeave {
        agent: usize,
    },
    CoalitionDissolve,
    /// The honest way to a coalition: created by the lead, then accepted by every member.
    CoalitionForm {
        size: usize,
    },
    /// The budget: its owner funds, revokes or closes it; the coordinator pays agent `agent`.
    BudgetFund {
        amount: u64,
    },
    BudgetPay {
        agent: usize,
        amount: u64,
    },
    BudgetRevoke,
    BudgetClose,
    /// The move an honest keeper, winner or requester would make next (`World::advance`), so
    /// that sequences reach deep states too, interleaved with the rest.
    Advance {
        intent: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    // An intent index: below `INTENTS` any intent, above it one in a state the step acts on.
    let i = 0..2 * INTENTS;
    let a = 0..AGENTS;
    let b = 0..=COALITION;
    // Lifecycle steps weigh most; donations, the registry's, coalitions' and budgets' own
    // instructions and long warps come a few times a sequence.
    // Prices at the edges too: 0 and 1 (a job for nothing is allowed), the budget's cap, the
    // max price, one above it and `u64::MAX` (refused).
    let price = prop_oneof![
        Just(0u64),
        Just(1),
        Just(PER_SPEND),
        100_000..1_000_001u64,
        Just(1_000_001),
        Just(u64::MAX)
    ];
    let ib = (i.clone(), b.clone());
    prop_oneof![
        48 => i.clone().prop_map(|intent| Step::Advance { intent }),
        12 => (0u8..6, b.clone()).prop_map(|(kind, bidder)| Step::Post { kind, bidder }),
        4 => (ib.clone(), price.clone()).prop_map(|((intent, bidder), price)| Step::Commit { intent, bidder, price }),
        4 => ib.clone().prop_map(|(intent, bidder)| Step::Reveal { intent, bidder }),
        4 => (ib.clone(), price).prop_map(|((intent, bidder), price)| Step::Place { intent, bidder, price }),
        1 => ib.clone().prop_map(|(intent, bidder)| Step::Rerank { intent, bidder }),
        4 => (i.clone(), any::<bool>()).prop_map(|(intent, wrong_head)| Step::Settle { intent, wrong_head }),
        2 => ib.clone().prop_map(|(intent, bidder)| Step::HireAccept { intent, bidder }),
        1 => ib.clone().prop_map(|(intent, bidder)| Step::HireDecline { intent, bidder }),
        4 => (ib.clone(), prop_oneof![Just(0u16), Just(5_000), Just(10_000), Just(10_001)])
            .prop_map(|((intent, bidder), fulfilled)| Step::Submit { intent, bidder, fulfilled }),
        2 => (i.clone(), a.clone()).prop_map(|(intent, agent)| Step::PartDone { intent, agent }),
        4 => (i.clone(), prop_oneof![Just(0u16), Just(9_000), Just(10_000), Just(u16::MAX)])
            .prop_map(|(intent, rating)| Step::Accept { intent, rating }),
        4 => i.clone().prop_map(|intent| Step::Dispute { intent }),
        2 => (i.clone(), prop_oneof![Just(0u16), Just(5_000), Just(10_000), Just(10_001)], any::<bool>())
            .prop_map(|(intent, share, slash)| Step::Resolve { intent, share, slash }),
        4 => i.clone().prop_map(|intent| Step::Finalize { intent }),
        4 => i.clone().prop_map(|intent| Step::Failover { intent }),
        4 => ib.clone().prop_map(|(intent, bidder)| Step::Decline { intent, bidder }),
        2 => i.clone().prop_map(|intent| Step::Cancel { intent }),
        1 => ib.clone().prop_map(|(intent, bidder)| Step::Contest { intent, bidder }),
        1 => (i.clone(), prop_oneof![Just(0u16), Just(10_000), Just(10_001)])
            .prop_map(|(intent, rating)| Step::Reply { intent, rating }),
        1 => i.clone().prop_map(|intent| Step::ClosePayout { intent }),
        1 => i.clone().prop_map(|intent| Step::EscrowClaim { intent }),
        4 => ib.prop_map(|(intent, bidder)| Step::CloseBid { intent, bidder }),
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
        1 => a.clone().prop_map(|agent| Step::Deactivate { agent }),
        2 => (1..=AGENTS).prop_map(|size| Step::CoalitionCreate { size }),
        2 => a.clone().prop_map(|agent| Step::CoalitionAccept { agent }),
        1 => a.clone().prop_map(|agent| Step::CoalitionLeave { agent }),
        1 => Just(Step::CoalitionDissolve),
        2 => (2..=AGENTS).prop_map(|size| Step::CoalitionForm { size }),
        1 => amount().prop_map(|amount| Step::BudgetFund { amount }),
        1 => (a, prop_oneof![Just(0u64), Just(1), Just(PER_SPEND), Just(PER_SPEND + 1)])
            .prop_map(|(agent, amount)| Step::BudgetPay { agent, amount }),
        1 => Just(Step::BudgetRevoke),
        1 => Just(Step::BudgetClose),
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
    /// Each agent's authority's associated account of the payment mint: where a coalition
    /// member's share and a budget's payment to it land.
    paid_into: Vec<Pubkey>,
    /// The requester's wallet account (its posts are paid from it).
    wallet: Pubkey,
    /// The requester is also a registry agent (a coordinator) with a budget from an owner: the
    /// intents it posts from that budget join the sequence's intents, refunded into the vault.
    coordinator: TestAgent,
    budget: TestBudget,
    intents: Vec<Pubkey>,
    /// Each intent's escrow (the program's PDA, or one the requester created: `Step::Post`).
    escrows: Vec<Pubkey>,
    /// The bidder a direct hire names (`COALITION` for the coalition), per intent.
    hired: Vec<Option<usize>>,
    /// The opening each bidder committed to each intent (to reveal it).
    openings: Vec<Vec<Option<BidOpening>>>,
    /// The agents (indices, the lead first) of the coalition's terms while it exists.
    coalition: Option<Vec<usize>>,
    /// Lamports held plus fees paid: the same after every step.
    lamports: u128,
    /// How the intents that ended got there, by kind of intent (`World::ended`).
    outcomes: std::collections::BTreeMap<String, u64>,
}

impl World {
    fn new() -> Self {
        let mut m = Market::new();
        let agents: Vec<TestAgent> = (0..AGENTS).map(|_| m.agent(MIN_STAKE * 10)).collect();
        let paid_into = agents.iter().map(|a| m.associated_pay_account(a.authority.pubkey())).collect();
        // Agent 0 hires out on a standing offer at the max price.
        let offer = agx_sdk::agent_registry::Offer {
            capabilities: CAPABILITY,
            mint: m.pay.mint,
            price: MAX_PRICE,
            latency: 12,
            quality_bps: 9_500,
        };
        let ix = rix::agent_offers_set(agents[0].authority.pubkey(), vec![offer]);
        m.r.svm.send(&[ix], &[&agents[0].authority]).expect("agent_offers_set");
        // The requester registers as an agent (a capability no intent asks for) and is given a
        // budget: 1,000 atoms a spend, 4,000 in all, funded with 3,000.
        let requester = m.requester.insecure_clone();
        let agent = pda::agent(&requester.pubkey()).0;
        let coordinator = TestAgent {
            authority: requester.insecure_clone(),
            agent,
            vault: pda::stake_vault(&agent).0,
            tokens: m.requester_stake_tokens,
        };
        let ix = m.r.register_ix(&coordinator, 0b100);
        m.r.svm.send(&[ix], &[&requester]).expect("agent_register");
        m.r.token_accounts.push(coordinator.vault);
        let mut args = m.budget_args();
        (args.per_spend_cap, args.total_cap, args.expiry_slot) =
            (PER_SPEND, BUDGET_TOTAL, m.r.slot() + 50_000);
        let budget = m.budget(agent, args, 3_000);
        // Thousands of transactions: signatures are not verified, signers still enforced.
        m.r.svm.skip_signature_verification();
        let lamports = m.r.svm.lamports_held() + u128::from(m.r.svm.fees_paid);
        let wallet = m.requester_tokens;
        Self {
            m,
            agents,
            paid_into,
            wallet,
            coordinator,
            budget,
            intents: Vec::new(),
            escrows: Vec::new(),
            hired: Vec::new(),
            openings: Vec::new(),
            coalition: None,
            lamports,
            outcomes: Default::default(),
        }
    }

    /// A fresh world from the same start (a fork of `self`'s chain).
    fn fork(&self) -> Self {
        let b = &self.budget;
        Self {
            m: self.m.clone(),
            agents: self.agents.clone(),
            paid_into: self.paid_into.clone(),
            wallet: self.wallet,
            coordinator: self.coordinator.clone(),
            budget: TestBudget { owner: b.owner.insecure_clone(), ..*b },
            intents: self.intents.clone(),
            escrows: self.escrows.clone(),
            hired: self.hired.clone(),
            openings: self.openings.clone(),
            coalition: self.coalition.clone(),
            lamports: self.lamports,
            outcomes: Default::default(),
        }
    }

    /// The intent a step's index names: the sequence's intents in turn (index modulo how many
    /// were posted), if it is still open. The market's refund account becomes that intent's
    /// (the wallet's, or the budget's vault), for the builders that name it.
    fn intent(&mut self, i: usize) -> Option<Pubkey> {
        let i = i.checked_rem(self.intents.len())?;
        let x = Some(self.intents[i]).filter(|x| self.m.r.svm.opened(x))?;
        self.m.requester_tokens = self.m.intent_state(x).refund_tokens;
        Some(x)
    }

    /// The intent a lifecycle step's index names, and its position: below `INTENTS`, as
    /// [`World::intent`] (whatever its state); from `INTENTS` on, the sequence's open intents in
    /// one of the states `want` in turn, so that steps meet the states they act on more often than
    /// chance would have them.
    fn target(&mut self, i: usize, want: &[IntentStatus]) -> Option<(usize, Pubkey)> {
        if i < INTENTS {
            let x = self.intent(i)?;
            return Some((self.index(i), x));
        }
        let fits: Vec<usize> = (0..self.intents.len())
            .filter(|&k| self.status(self.intents[k]).is_some_and(|s| want.is_empty() || want.contains(&s)))
            .collect();
        let k = *fits.get((i - INTENTS) % fits.len().max(1))?;
        Some((k, self.intent(k)?))
    }

    /// The position in `intents` a step's index names.
    fn index(&self, i: usize) -> usize {
        i.checked_rem(self.intents.len()).unwrap_or(0)
    }

    fn coalition_address(&self) -> Pubkey {
        pda::coalition(&self.agents[0].agent, COALITION_ID).0
    }

    /// The registry address bidder `b` bids as: an agent's, or the coalition's.
    fn bidder(&self, b: usize) -> Pubkey {
        if b < AGENTS {
            self.agents[b].agent
        } else {
            self.coalition_address()
        }
    }

    /// Who signs for bidder `b`: the agent's authority, or the coalition's (its lead's).
    fn authority(&self, b: usize) -> Keypair {
        self.agents[if b < AGENTS { b } else { 0 }].authority.insecure_clone()
    }

    /// Bidder `b`'s bid on `intent` in `round`.
    fn bid_of(&self, b: usize, intent: &Pubkey, round: u8) -> Pubkey {
        pda::bid(&self.authority(b).pubkey(), intent, &self.bidder(b), round)
    }

    /// The member agents of the coalition's terms (none while there is no coalition).
    fn members(&self) -> Vec<Pubkey> {
        self.coalition.iter().flatten().map(|&a| self.agents[a].agent).collect()
    }

    /// `ix`, a bid or a hire by bidder `b`, with the members after it when `b` is the coalition.
    fn as_bidder(&self, b: usize, ix: Instruction) -> Instruction {
        if b == COALITION {
            cix::with_members(ix, &self.members())
        } else {
            ix
        }
    }

    /// `ix`, a payout of intent `x`, with each member's agent and account after it when the
    /// coalition holds the job.
    fn with_payouts(&self, x: Pubkey, ix: Instruction) -> Instruction {
        if !self.m.intent_state(x).held_by_coalition() {
            return ix;
        }
        let pairs: Vec<(Pubkey, Pubkey)> =
            self.coalition.iter().flatten().map(|&a| (self.agents[a].agent, self.paid_into[a])).collect();
        cix::payout_with_members(ix, &pairs)
    }

    /// `ix`, a failover or decline of intent `x`, with the members' agents and vaults when the
    /// coalition holds the job.
    fn with_failed(&self, x: Pubkey, ix: Instruction) -> Instruction {
        let state = self.m.intent_state(x);
        if state.held_by_coalition() {
            cix::with_failed_members(ix, &state, &self.members())
        } else {
            ix
        }
    }

    fn send(&mut self, ix: Instruction, signer: &Keypair) -> bool {
        self.m.r.svm.send(&[ix], &[signer]).is_ok()
    }

    fn send_by(&mut self, b: usize, ix: Instruction) -> bool {
        let signer = self.authority(b);
        self.send(ix, &signer)
    }

    fn commit(&mut self, x: Pubkey, b: usize, o: &BidOpening) -> bool {
        let round = self.m.intent_state(x).round;
        let (agent, authority) = (self.bidder(b), self.authority(b).pubkey());
        let ix = xix::bid_commit(authority, x, agent, round, xix::commitment(&x, &agent, o));
        let ix = self.as_bidder(b, ix);
        self.send_bid(x, b, o, ix)
    }

    /// Sends bid `ix` of bidder `b` on `x`; an agent bidding at an odd price creates its bid
    /// account itself in the same transaction (rent and the intent's bond), as the SDK's agents
    /// do, so both ways of opening a bid run in every sequence.
    fn send_bid(&mut self, x: Pubkey, b: usize, o: &BidOpening, ix: Instruction) -> bool {
        if b >= AGENTS || o.price.is_multiple_of(2) {
            return self.send_by(b, ix);
        }
        let create = self.m.bid_account_ix(&self.agents[b], x);
        let signer = self.authority(b);
        self.m.r.svm.send(&[create, ix], &[&signer]).is_ok()
    }

    fn reveal(&mut self, x: Pubkey, b: usize, o: &BidOpening) -> bool {
        let round = self.m.intent_state(x).round;
        let ix = xix::bid_reveal(self.authority(b).pubkey(), x, self.bidder(b), round, *o);
        self.send_by(b, self.as_bidder(b, ix))
    }

    fn place(&mut self, x: Pubkey, b: usize, o: &BidOpening) -> bool {
        let round = self.m.intent_state(x).round;
        let ix = xix::bid_place(self.authority(b).pubkey(), x, self.bidder(b), round, *o);
        let ix = self.as_bidder(b, ix);
        self.send_bid(x, b, o, ix)
    }

    fn hire_accept(&mut self, x: Pubkey, b: usize) -> bool {
        let state = self.m.intent_state(x);
        let terms = HireTerms { price: state.max_price, quality_bps: 9_000, latency: 20 };
        let ix = xix::hire_accept(self.authority(b).pubkey(), x, self.bidder(b), state.round, terms);
        self.send_by(b, self.as_bidder(b, ix))
    }

    /// `auction_settle` naming `head` as the board's head (the members after it for the
    /// coalition).
    fn settle(&mut self, x: Pubkey, head: Pubkey) -> bool {
        let ix = self.m.settle_ix(x, head);
        let ix =
            if head == self.coalition_address() { cix::settle_with_members(ix, &self.members()) } else { ix };
        let keeper = self.m.keeper.insecure_clone();
        self.send(ix, &keeper)
    }

    fn submit(&mut self, x: Pubkey, b: usize, fulfilled: u16) -> bool {
        let a = self.agents[if b < AGENTS { b } else { 0 }].clone();
        self.m.submit(&a, x, fulfilled).is_ok()
    }

    fn part_done(&mut self, x: Pubkey, a: usize) -> bool {
        let agent = &self.agents[a];
        let ix = cix::part_done(agent.authority.pubkey(), x, self.coalition_address(), agent.agent);
        self.send_by(a, ix)
    }

    fn accept(&mut self, x: Pubkey, rating: u16) -> bool {
        let tokens = self.m.intent_state(x).winner_tokens;
        let ix = self.with_payouts(x, self.m.accept_ix(x, tokens, rating));
        let requester = self.m.requester.insecure_clone();
        self.send(ix, &requester)
    }

    fn finalize(&mut self, x: Pubkey) -> bool {
        let state = self.m.intent_state(x);
        let keeper = self.m.keeper.insecure_clone();
        let ix = xix::intent_finalize(
            keeper.pubkey(),
            x,
            &state,
            self.m.pay,
            state.winner_tokens,
            self.m.requester_tokens,
        );
        let ix = self.with_payouts(x, ix);
        self.send(ix, &keeper)
    }

    fn failover(&mut self, x: Pubkey) -> bool {
        let ix = self.with_failed(x, self.m.failover_ix(x));
        let keeper = self.m.keeper.insecure_clone();
        self.send(ix, &keeper)
    }

    fn decline(&mut self, x: Pubkey, b: usize) -> bool {
        let state = self.m.intent_state(x);
        let ix = xix::award_decline(self.authority(b).pubkey(), x, &state, &self.m.failover_accounts());
        self.send_by(b, self.with_failed(x, ix))
    }

    /// `escrow_claim` of what an ended intent's escrow kept: the winner's share to its
    /// authority's associated account, the rest to the refund account.
    fn escrow_claim(&mut self, x: Pubkey) -> bool {
        let state = self.m.intent_state(x);
        let winner = self.agents.iter().position(|a| a.authority.pubkey() == state.winner_authority);
        let ix = xix::escrow_claim(x, &state, winner.map(|a| self.paid_into[a]), Some(state.refund_tokens));
        let payer = self.m.r.svm.payer.insecure_clone();
        self.send(ix, &payer)
    }

    /// `bid_close` of bidder `b`'s bid of `round` on the intent at `x` (open or not).
    fn close_bid(&mut self, x: Pubkey, b: usize, round: u8) -> bool {
        let keeper = self.m.keeper.insecure_clone();
        let (requester, authority) = (self.m.requester.pubkey(), self.authority(b).pubkey());
        let ix = xix::bid_close(keeper.pubkey(), x, self.bidder(b), round, authority, requester);
        self.send(ix, &keeper)
    }

    /// Posts an intent of `kind` (see [`Step::Post`]) naming bidder `b` where it names one.
    fn post(&mut self, kind: u8, b: usize) -> bool {
        if self.intents.len() >= INTENTS {
            return false;
        }
        let requester = self.m.requester.insecure_clone();
        let (ixs, hired) = match kind {
            0..=2 => {
                let kind =
                    [AuctionKind::FirstPriceSealed, AuctionKind::VickreySealed, AuctionKind::Continuous]
                        [usize::from(kind)];
                let args = self.m.args(kind);
                if b % 2 == 1 {
                    // The requester creates the escrow (and its record, the first time).
                    (self.m.create_ixs_with_escrow(args).0, None)
                } else {
                    (vec![self.m.create_ix(args)], None)
                }
            }
            3 => {
                let args = self.m.direct_args(self.bidder(b));
                (vec![self.m.create_ix(args)], Some(b))
            }
            4 => {
                // A first-price or continuous auction within one spend of the budget.
                let kind = [AuctionKind::FirstPriceSealed, AuctionKind::Continuous][b % 2];
                let mut args = self.m.args(kind);
                args.max_price = PER_SPEND;
                let ix = bix::intent_create(
                    requester.pubkey(),
                    self.coordinator.agent,
                    self.budget.address,
                    self.m.pay,
                    args,
                );
                (vec![ix], None)
            }
            _ => {
                let a = b % AGENTS;
                let args = self.m.direct_args(self.agents[a].agent);
                let intent = pda::intent(&requester.pubkey(), args.intent_id).0;
                let hire = xix::hire_from_offer(requester.pubkey(), intent, self.agents[a].agent, 0);
                (vec![self.m.create_ix(args), hire], Some(a))
            }
        };
        // Every post's intent is the one of the requester's `intent_create(_from_budget)`
        // instruction (after any the requester sends to create accounts).
        let post = ixs.iter().find(|ix| ix.program_id == agx_sdk::exchange::ID).expect("a post");
        let intent = post.accounts[2].pubkey;
        if self.m.r.svm.send(&ixs, &[&requester]).is_err() {
            return false;
        }
        let escrow = self.m.intent_state(intent).escrow;
        self.m.pay_accounts.push(escrow);
        self.intents.push(intent);
        self.escrows.push(escrow);
        self.hired.push(hired);
        self.openings.push(vec![None; AGENTS + 1]);
        true
    }

    /// Sends `step`; true when it landed (a refusal is an outcome like any other).
    fn apply(&mut self, step: &Step) -> bool {
        let landed = self.apply_step(step);
        self.m.requester_tokens = self.wallet;
        landed
    }

    fn apply_step(&mut self, step: &Step) -> bool {
        match *step {
            Step::Post { kind, bidder } => self.post(kind, bidder),
            Step::Commit { intent, bidder, price } => {
                let Some((i, x)) = self.target(intent, OPEN) else { return false };
                let o = opening(price, 9_000, 20);
                let landed = self.commit(x, bidder, &o);
                if landed {
                    self.openings[i][bidder] = Some(o);
                }
                landed
            }
            Step::Reveal { intent, bidder } => {
                let Some((i, x)) = self.target(intent, OPEN) else { return false };
                let Some(o) = self.openings[i][bidder] else { return false };
                self.reveal(x, bidder, &o)
            }
            Step::Place { intent, bidder, price } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                self.place(x, bidder, &opening(price, 9_000, 20))
            }
            Step::Rerank { intent, bidder } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                let round = self.m.intent_state(x).round;
                let payer = self.m.r.svm.payer.insecure_clone();
                self.send(
                    xix::bid_rerank(self.authority(bidder).pubkey(), x, self.bidder(bidder), round),
                    &payer,
                )
            }
            Step::Settle { intent, wrong_head } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                let ranked = self.m.intent_state(x).ranked().to_vec();
                match ranked.first() {
                    Some(head) if !wrong_head => self.settle(x, head.agent),
                    Some(_) => self.settle(x, self.agents[0].agent),
                    None => self.m.settle_expired(x).is_ok(),
                }
            }
            Step::HireAccept { intent, bidder } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                self.hire_accept(x, bidder)
            }
            Step::HireDecline { intent, bidder } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                let ix = xix::hire_decline(self.authority(bidder).pubkey(), x, self.bidder(bidder));
                self.send_by(bidder, ix)
            }
            Step::Submit { intent, bidder, fulfilled } => {
                let Some((_, x)) = self.target(intent, AWARDED) else { return false };
                self.submit(x, bidder, fulfilled)
            }
            Step::PartDone { intent, agent } => {
                let Some((_, x)) = self.target(intent, AWARDED) else { return false };
                self.part_done(x, agent)
            }
            Step::Accept { intent, rating } => {
                let Some((_, x)) = self.target(intent, SUBMITTED) else { return false };
                self.accept(x, rating)
            }
            Step::Dispute { intent } => {
                let Some((_, x)) = self.target(intent, SUBMITTED) else { return false };
                self.m.dispute(x).is_ok()
            }
            Step::Resolve { intent, share, slash } => {
                let Some((_, x)) = self.target(intent, DISPUTED) else { return false };
                let tokens = self.m.intent_state(x).winner_tokens;
                let slash = slash.then_some((self.m.requester_stake_tokens, 1));
                let ix = self.with_payouts(x, self.m.resolve_ix(x, tokens, share, slash));
                let arbitrator = self.m.arbitrator.insecure_clone();
                self.send(ix, &arbitrator)
            }
            Step::Finalize { intent } => {
                let Some((_, x)) = self.target(intent, DISPUTED_OR_SUBMITTED) else { return false };
                self.finalize(x)
            }
            Step::Failover { intent } => {
                let Some((_, x)) = self.target(intent, AWARDED) else { return false };
                self.failover(x)
            }
            Step::Decline { intent, bidder } => {
                let Some((_, x)) = self.target(intent, AWARDED) else { return false };
                self.decline(x, bidder)
            }
            Step::Cancel { intent } => {
                let Some((_, x)) = self.target(intent, OPEN) else { return false };
                let state = self.m.intent_state(x);
                let requester = self.m.requester.insecure_clone();
                let mut ix = xix::intent_cancel_with_escrow(
                    requester.pubkey(),
                    x,
                    state.escrow,
                    self.m.pay,
                    state.refund_tokens,
                );
                ix.accounts.extend(xix::links(&state));
                self.send(ix, &requester)
            }
            Step::Contest { intent, bidder } => {
                let Some((_, x)) = self.target(intent, ENDED) else { return false };
                let ix = xix::rating_contest(self.authority(bidder).pubkey(), x, 10_000);
                self.send_by(bidder, ix)
            }
            Step::Reply { intent, rating } => {
                let Some((_, x)) = self.target(intent, ENDED) else { return false };
                let arbitrator = self.m.arbitrator.insecure_clone();
                self.m.resolve_reply(&arbitrator, x, rating).is_ok()
            }
            Step::ClosePayout { intent } => {
                let Some((_, x)) = self.target(intent, DISPUTED_OR_SUBMITTED) else { return false };
                let state = self.m.intent_state(x);
                let Some(a) = self.agents.iter().position(|a| a.authority.pubkey() == state.winner_authority)
                else {
                    return false;
                };
                let owner = self.authority(a);
                let ix = token::close_account(
                    self.m.pay.program,
                    state.winner_tokens,
                    owner.pubkey(),
                    owner.pubkey(),
                );
                self.send(ix, &owner)
            }
            Step::EscrowClaim { intent } => {
                let Some((_, x)) = self.target(intent, ENDED) else { return false };
                self.escrow_claim(x)
            }
            Step::CloseBid { intent, bidder } => {
                let Some(&x) = self.intents.get(self.index(intent)) else { return false };
                // A closed intent's bids (if any were left) are of its last round or earlier.
                let round = if self.m.r.svm.opened(&x) { self.m.intent_state(x).round } else { 0 };
                self.close_bid(x, bidder, round)
            }
            Step::CloseIntent { intent } => {
                let Some((_, x)) = self.target(intent, ENDED) else { return false };
                self.m.close_intent(x).is_ok()
            }
            Step::DonateToEscrow { intent, amount } => {
                let Some((i, _)) = self.target(intent, ANY) else { return false };
                let escrow = self.escrows[i];
                let m = &mut self.m;
                let ix = token::transfer_checked(
                    m.pay.program,
                    self.wallet,
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
                    1 => self.escrows[self.index(intent)],
                    _ => {
                        let round = if self.m.r.svm.opened(&x) { self.m.intent_state(x).round } else { 0 };
                        self.bid_of(agent, &x, round)
                    }
                };
                let payer = self.m.r.svm.payer.insecure_clone();
                let ix = solana_system_interface::instruction::transfer(&payer.pubkey(), &to, 1_000_000);
                self.send(ix, &payer)
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
                let ix = rix::stake_unstake_request(self.agents[agent].authority.pubkey(), amount);
                self.send_by(agent, ix)
            }
            Step::Withdraw { agent } => {
                let a = &self.agents[agent];
                let ix = rix::stake_withdraw(a.authority.pubkey(), a.tokens, self.m.r.stake);
                self.send_by(agent, ix)
            }
            Step::Deactivate { agent } => {
                let ix = rix::agent_deactivate(self.agents[agent].authority.pubkey());
                self.send_by(agent, ix)
            }
            Step::CoalitionCreate { size } => {
                let members: Vec<usize> = (0..size).collect();
                let refs: Vec<&TestAgent> = members.iter().map(|&a| &self.agents[a]).collect();
                let terms = agx_tests::coalition::terms(&refs, CONTRIBUTION);
                let lead = self.agents[0].clone();
                let landed = self.m.coalition_create(&lead, COALITION_ID, terms).is_ok();
                if landed {
                    self.coalition = Some(members);
                }
                landed
            }
            Step::CoalitionAccept { agent } => {
                if !self.m.r.svm.opened(&self.coalition_address()) {
                    return false;
                }
                let (a, coalition) = (self.agents[agent].clone(), self.coalition_address());
                self.m.coalition_accept(&a, coalition).is_ok()
            }
            Step::CoalitionLeave { agent } => {
                let a = &self.agents[agent];
                let ix = cix::leave(a.authority.pubkey(), self.coalition_address(), a.agent);
                self.send_by(agent, ix)
            }
            Step::CoalitionDissolve => self.dissolve(),
            Step::CoalitionForm { size } => {
                if !self.apply_step(&Step::CoalitionCreate { size }) {
                    return false;
                }
                (1..size).all(|agent| self.apply_step(&Step::CoalitionAccept { agent }))
            }
            Step::BudgetFund { amount } => {
                let b = &self.budget;
                let ix = bix::fund(b.owner.pubkey(), b.address, self.m.pay, b.owner_tokens, amount);
                let owner = b.owner.insecure_clone();
                self.send(ix, &owner)
            }
            Step::BudgetPay { agent, amount } => {
                let spender = self.coordinator.authority.insecure_clone();
                let ix = self.m.budget_pay_ix(
                    &spender,
                    &self.budget,
                    self.paid_into[agent],
                    Some(self.agents[agent].agent),
                    amount,
                );
                self.send(ix, &spender)
            }
            Step::BudgetRevoke => {
                let b = &self.budget;
                let ix = bix::revoke(b.owner.pubkey(), b.address, self.m.pay, b.owner_tokens);
                let owner = b.owner.insecure_clone();
                self.send(ix, &owner)
            }
            Step::BudgetClose => {
                let b = &self.budget;
                let ix = bix::close(b.owner.pubkey(), b.address, self.m.pay, b.owner_tokens);
                let owner = b.owner.insecure_clone();
                self.send(ix, &owner)
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

    /// `coalition_dissolve` by the lead; the coalition is gone when it lands.
    fn dissolve(&mut self) -> bool {
        let coalition = self.coalition_address();
        if !self.m.r.svm.opened(&coalition) {
            return false;
        }
        let lead = self.authority(0);
        let landed = self.m.coalition_dissolve(&lead, coalition).is_ok();
        if landed {
            self.coalition = None;
        }
        landed
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
        let mut agents: Vec<&TestAgent> = self.agents.iter().collect();
        agents.push(&self.coordinator);
        self.m.r.assert_accounted(&agents);
    }

    /// Drives every intent to its end by the moves a keeper, the winner and the requester would
    /// make, and closes it; every intent must be gone afterwards, no stake locked, and the
    /// coalition and the budget must still dissolve and close.
    fn finish(&mut self) {
        for i in 0..self.intents.len() {
            for _ in 0..24 {
                let Some(x) = self.intent(i) else { break };
                self.advance(i, x);
                self.m.requester_tokens = self.wallet;
                self.check();
            }
            // `advance` closes an intent's bids before the intent (the program requires it);
            // none may be left, and one of a closed intent could not be closed any more.
            let x = self.intents[i];
            for b in 0..=COALITION {
                let left = (0..=3).any(|r| self.m.r.svm.opened(&self.bid_of(b, &x, r)));
                assert!(!left, "a bid of intent #{i} by bidder {b} stays open after its end");
            }
            assert!(!self.m.r.svm.opened(&x), "intent #{i} never closed: {:?}", self.status(x));
            assert!(!self.m.r.svm.opened(&self.escrows[i]), "intent #{i}'s escrow stays open");
        }
        for a in &self.agents {
            assert_eq!(self.m.r.agent(a).locked, 0, "stake stays locked after every job ended");
        }
        if self.m.r.svm.opened(&self.coalition_address()) {
            assert!(self.dissolve(), "an idle coalition cannot dissolve");
        }
        if self.m.r.svm.opened(&self.budget.address) {
            let b = &self.budget;
            let owner = b.owner.insecure_clone();
            let revoke = bix::revoke(owner.pubkey(), b.address, self.m.pay, b.owner_tokens);
            let close = bix::close(owner.pubkey(), b.address, self.m.pay, b.owner_tokens);
            // Revoking an already revoked budget only sweeps its vault again.
            self.m.r.svm.send(&[revoke, close], &[&owner]).expect("a budget without live intents closes");
            assert!(!self.m.r.svm.opened(&self.budget.vault), "the budget's vault stays open");
        }
        self.check();
    }

    /// Counts what befell intent `i` (`state` before the move), by kind: a coalition's job, a
    /// direct hire, a budget's child or a wallet's auction.
    fn ended(&mut self, i: usize, state: &agx_sdk::accounts::Intent, what: &str) {
        let kind = if state.held_by_coalition() {
            "coalition's job"
        } else if self.hired[i].is_some() {
            "hire"
        } else if state.refund_owner != state.requester {
            "budget's intent"
        } else {
            "auction"
        };
        self.count(&format!("{what}: {kind}"));
    }

    fn count(&mut self, outcome: &str) {
        *self.outcomes.entry(outcome.to_string()).or_default() += 1;
    }

    fn status(&self, x: Pubkey) -> Option<IntentStatus> {
        self.m.r.svm.opened(&x).then(|| IntentStatus::from_u8(self.m.intent_state(x).status).unwrap())
    }

    /// One move towards the end of intent `i` at `x`.
    fn advance(&mut self, i: usize, x: Pubkey) {
        let state = self.m.intent_state(x);
        match IntentStatus::from_u8(state.status).unwrap() {
            IntentStatus::Open => {
                // A direct hire (until declined or failed over: then it is re-auctioned): the
                // named bidder takes it, or its window runs out.
                let direct = state.auction_kind == AuctionKind::Direct as u8;
                if let Some(b) = self.hired[i].filter(|_| direct) {
                    if self.m.r.slot() < state.commit_end_slot && self.hire_accept(x, b) {
                        return;
                    }
                    self.m.warp_to(state.commit_end_slot + 1);
                    let _ = self.m.settle_expired(x);
                    return;
                }
                // In the bidding window: the next bidder without a bid bids (sealed or in the clear),
                // the agents at 30%, 40%, 50% of the max price.
                let sealed = state.reveal_end_slot > state.commit_end_slot;
                if self.m.r.slot() < state.commit_end_slot {
                    // The coalition (while there is one) tries first, at 20%.
                    let bidders = self.coalition.iter().map(|_| COALITION).chain(0..AGENTS);
                    let fresh: Vec<usize> =
                        bidders.filter(|&b| !self.m.r.svm.opened(&self.bid_of(b, &x, state.round))).collect();
                    for b in fresh {
                        let tenths = if b == COALITION { 2 } else { 3 + b as u64 };
                        let o = opening(state.max_price / 10 * tenths, 9_000, 20);
                        let landed = if sealed { self.commit(x, b, &o) } else { self.place(x, b, &o) };
                        if landed {
                            if b == COALITION {
                                self.count("bid by the coalition (honest)");
                            }
                            self.openings[i][b] = Some(o);
                            return;
                        }
                    }
                    self.m.warp_to(state.commit_end_slot);
                    return;
                }
                // Reveal what was committed, then settle once the windows are over.
                for b in 0..=COALITION {
                    if let Some(o) = self.openings[i][b] {
                        self.reveal(x, b, &o);
                    }
                }
                self.m.warp_to(state.reveal_end_slot.max(state.commit_end_slot) + 1);
                let head = self.m.intent_state(x).ranked().first().map(|h| h.agent);
                let settled = match head {
                    Some(agent) => self.settle(x, agent),
                    None => self.m.settle_expired(x).is_ok(),
                };
                if !settled {
                    // A re-rank window, or a bid that must be closed first: time moves on.
                    self.m.r.warp(50);
                }
            }
            IntentStatus::Awarded => {
                let delivered = if state.held_by_coalition() {
                    self.count("awarded to the coalition");
                    for a in self.coalition.clone().unwrap_or_default() {
                        self.part_done(x, a);
                    }
                    self.submit(x, COALITION, 10_000)
                } else {
                    let winner = self.agents.iter().position(|a| a.agent == state.winner_agent);
                    winner.is_some_and(|a| self.submit(x, a, 10_000))
                };
                if !delivered {
                    self.m.r.warp(400);
                    if self.failover(x) {
                        self.ended(i, &state, "failed over");
                    }
                }
            }
            IntentStatus::Submitted => {
                // Rated below the promised 9,000 bps: the winner may contest it (a random step).
                if self.accept(x, 8_000) {
                    self.ended(i, &state, "paid");
                }
            }
            IntentStatus::Disputed => {
                self.m.r.warp(2_000);
                self.finalize(x);
            }
            _ => {
                if state.escrow_open == 1 && self.escrow_claim(x) {
                    self.count("escrow claimed (honest)");
                }
                // A rating below the promise: the winner of every other intent contests it, and
                // the arbitrator decides between the two.
                let winner = self.agents.iter().position(|a| a.authority.pubkey() == state.winner_authority);
                if let (Some(w), true) = (winner, i.is_multiple_of(2)) {
                    if state.reply_state == ReplyState::Open.to_u8() {
                        let ix = xix::rating_contest(self.authority(w).pubkey(), x, 9_000);
                        if self.send_by(w, ix) {
                            self.count("rating contested (honest)");
                            return;
                        }
                    }
                    if state.reply_state == ReplyState::Contested.to_u8() {
                        let arbitrator = self.m.arbitrator.insecure_clone();
                        if self.m.resolve_reply(&arbitrator, x, 8_500).is_ok() {
                            self.count("rating decided (honest)");
                            return;
                        }
                    }
                }
                for b in 0..=COALITION {
                    for round in 0..=state.round {
                        if self.m.r.svm.opened(&self.bid_of(b, &x, round)) {
                            self.close_bid(x, b, round);
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
    let sequences = proptest::collection::vec(step(), 1..80);
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
            let mut tally = tally.borrow_mut();
            for (outcome, n) in world.outcomes {
                tally.entry(outcome).or_default().1 += n;
            }
            Ok(())
        })
        .unwrap();
    let tally = tally.into_inner();
    eprintln!("{cases} sequences; steps sent / landed by kind: {tally:?}");
    // The sequences reach past posting: bids land, and so do the economy's own steps.
    let landed = |kind: &str| tally.get(kind).map_or(0, |t| t.1);
    assert!(landed("Post") > 0 && landed("Commit") + landed("Place") > 0, "{tally:?}");
    let outcomes = [
        "paid: coalition's job",
        "paid: hire",
        "paid: budget's intent",
        "paid: auction",
        "rating decided (honest)",
    ];
    for outcome in outcomes {
        assert!(landed(outcome) > 0, "no {outcome} in {tally:?}");
    }
}
