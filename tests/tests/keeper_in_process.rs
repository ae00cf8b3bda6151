//! The keeper's decision core (`schedule`) and crank builder (`cranks`) driving the embedded
//! chain (LiteSVM with the real SBF programs): intents at every stage move on with no manual
//! crank — settled or expired, failed over, finalized, their bids closed, closed — and the keeper
//! earns the tips. The transport (subscriptions, sender) is not under test here; the decisions
//! are: the same `schedule`, `cranks` and `economics` the service runs on a cluster.
use agx_core::lifecycle::Crank;
use agx_keeper::cranks::{instructions, Compensation, KeeperAccounts, Lookups, OpenBid};
use agx_keeper::schedule::{next_crank, DueIndex, Liveness, Snapshot};
use agx_sdk::accounts::{decode_zero_copy, Intent};
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::{pda, Pubkey};
use agx_tests::market::{opening, Market, MIN_STAKE, TIP};
use agx_tests::registry::HEARTBEAT_TIMEOUT;
use agx_tests::Signer;

struct Keeper {
    index: DueIndex,
    accounts: KeeperAccounts,
    /// Every bid placed, as (intent, agent, bidder): what `getProgramAccounts` finds on a cluster.
    bids: Vec<(Pubkey, Pubkey, Pubkey)>,
    sent: usize,
    failed: usize,
}

impl Keeper {
    /// One pass at the current slot: refresh what each intent needs from its account, then send
    /// every crank that is due.
    fn tick(&mut self, m: &mut Market, intents: &[Pubkey]) {
        for intent in intents {
            let Some(account) = m.r.svm.account(intent) else {
                self.index.remove(intent);
                continue;
            };
            let state: Intent = decode_zero_copy(&account.data).expect("intent");
            let winner = (state.status == IntentStatus::Awarded.to_u8())
                .then(|| m.r.svm.account(&state.winner_agent))
                .flatten()
                .and_then(|agent| AgentView::read(&agent.data))
                .map(|agent| Liveness {
                    last_heartbeat_slot: agent.last_heartbeat_slot,
                    heartbeat_timeout: HEARTBEAT_TIMEOUT,
                });
            self.index.set(*intent, next_crank(&Snapshot::of(&state).expect("known status"), winner));
        }
        let due: Vec<_> = self.index.due_at(m.r.slot()).collect();
        for (intent, crank) in due {
            let state = m.intent_state(intent);
            // The requester's stake-mint account, which can receive the compensation.
            let lookups = Lookups {
                compensation: Some(Compensation::Existing(m.requester_stake_tokens)),
                open_bids: self
                    .bids
                    .iter()
                    .filter(|(i, agent, _)| {
                        *i == intent && m.r.svm.account(&pda::bid(i, agent, 0).0).is_some()
                    })
                    .map(|&(_, agent, bidder)| OpenBid { agent, round: 0, bidder })
                    .collect(),
            };
            let ixs = instructions(&crank, intent, &state, &self.accounts, &lookups);
            let keeper = m.keeper.insecure_clone();
            match m.r.svm.send(&ixs, &[&keeper]) {
                Ok(_) => self.sent += 1,
                Err(e) => {
                    eprintln!("{:?} on {intent} failed: {:?}", crank.crank, e.err);
                    self.failed += 1
                }
            }
        }
    }

    /// Ticks, sleeping until the next due slot between passes, until `done` holds.
    fn run_until(&mut self, m: &mut Market, intents: &[Pubkey], done: impl Fn(&Market) -> bool) {
        for _ in 0..100 {
            self.tick(m, intents);
            if done(m) {
                return;
            }
            let next = self.index.next_slot().unwrap_or(m.r.slot() + 1).max(m.r.slot() + 1);
            m.warp_to(next);
        }
        let due: Vec<_> = self.index.due_at(u64::MAX).collect();
        let states: Vec<_> = intents.iter().map(|i| status(m, *i)).collect();
        panic!(
            "the keeper did not get there in 100 passes; due: {due:?}, statuses {states:?}, sent {}",
            self.sent
        );
    }
}

fn status(m: &Market, intent: Pubkey) -> Option<u8> {
    m.r.svm.account(&intent).map(|_| m.intent_state(intent).status)
}

#[test]
fn the_keeper_moves_every_intent_on_and_earns_the_tips() {
    let mut m = Market::new();
    let keeper_key = m.keeper.pubkey();
    let mut keeper = Keeper {
        index: DueIndex::default(),
        accounts: KeeperAccounts {
            caller: keeper_key,
            caller_stake_tokens: m.keeper_stake_tokens,
            stake: m.r.stake,
        },
        bids: Vec::new(),
        sent: 0,
        failed: 0,
    };
    let lamports_before = m.r.svm.lamports(&keeper_key);
    // x: nobody bids. y: a lone first-price bid. z: a Vickrey auction whose winner goes silent.
    let x = m.intent(AuctionKind::FirstPriceSealed);
    let y = m.intent(AuctionKind::FirstPriceSealed);
    let z = m.intent(AuctionKind::VickreySealed);
    let (a, b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let bids = [
        (y, &a, opening(300_000, 9_000, 10)),
        (z, &b, opening(200_000, 9_000, 10)),
        (z, &c, opening(600_000, 5_000, 40)),
    ];
    for (intent, agent, o) in &bids {
        m.commit(agent, *intent, o).unwrap();
        keeper.bids.push((*intent, agent.agent, agent.authority.pubkey()));
    }
    m.to_reveal(z);
    for (intent, agent, o) in &bids {
        m.reveal(agent, *intent, o).unwrap();
    }
    let intents = [x, y, z];

    // Settlement: x expires and closes, y and z are awarded.
    keeper.run_until(&mut m, &intents, |m| {
        status(m, x).is_none()
            && status(m, y) == Some(IntentStatus::Awarded.to_u8())
            && status(m, z) == Some(IntentStatus::Awarded.to_u8())
    });
    assert_eq!(m.intent_state(z).winner_agent, b.agent);
    // y's winner delivers; z's winner stays silent and is failed over to the standby, which
    // delivers too; then both are finalized once their dispute windows pass.
    m.submit(&a, y, 10_000).unwrap();
    keeper.run_until(&mut m, &intents, |m| m.intent_state(z).winner_agent == c.agent);
    m.submit(&c, z, 10_000).unwrap();
    let (y_paid_to, z_paid_to) = (m.intent_state(y).winner_tokens, m.intent_state(z).winner_tokens);
    // Both are finalized once their dispute windows pass; their bids are closed (rent and bonds
    // back to the bidders), then the intents.
    keeper.run_until(&mut m, &intents, |m| status(m, y).is_none() && status(m, z).is_none());
    assert_eq!(m.balance(&y_paid_to), 300_000);
    assert_eq!(m.balance(&z_paid_to), 600_000, "the standby is paid its ask");
    for (intent, agent, _) in &keeper.bids {
        assert!(m.r.svm.account(&pda::bid(intent, agent, 0).0).is_none(), "every bid closed");
    }
    // x settle + close; y settle, finalize, close-bids, close; z settle, failover, finalize,
    // close-bids, close. Every crank but the bid closes paid a tip.
    assert_eq!((keeper.sent, keeper.failed), (11, 0));
    assert_eq!(m.r.svm.lamports(&keeper_key) - lamports_before, 9 * TIP, "every crank was paid");
    assert_eq!(m.r.balance(&m.keeper_stake_tokens), 5, "the failover reward: 10% of half the hold");
    m.r.assert_accounted(&[&a, &b, &c]);
}

#[test]
fn the_failover_crank_pays_compensation_to_the_requesters_associated_account_it_creates() {
    let mut m = Market::new();
    let z = m.intent(AuctionKind::VickreySealed);
    let (b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let (ob, oc) = (opening(200_000, 9_000, 10), opening(600_000, 5_000, 40));
    m.commit(&b, z, &ob).unwrap();
    m.commit(&c, z, &oc).unwrap();
    m.to_reveal(z);
    m.reveal(&b, z, &ob).unwrap();
    m.reveal(&c, z, &oc).unwrap();
    m.warp_to(m.intent_state(z).reveal_end_slot);
    m.settle(z, b.agent).unwrap();
    let state = m.intent_state(z);
    m.warp_to(state.execution_deadline_slot);
    let stake = m.r.stake;
    let associated = agx_sdk::token::associated_address(&state.requester, &stake.mint, &stake.program);
    assert!(m.r.svm.account(&associated).is_none());
    let accounts =
        KeeperAccounts { caller: m.keeper.pubkey(), caller_stake_tokens: m.keeper_stake_tokens, stake };
    let due = next_crank(&Snapshot::of(&state).unwrap(), None).unwrap();
    assert_eq!(due.crank, Crank::Failover);
    // The requester has no associated stake-mint account: the keeper creates it.
    let lookups = Lookups { compensation: Some(Compensation::CreateAssociated), open_bids: vec![] };
    let ixs = instructions(&due, z, &state, &accounts, &lookups);
    assert_eq!(ixs.len(), 2, "create-idempotent, then the failover");
    let keeper = m.keeper.insecure_clone();
    m.r.svm.send(&ixs, &[&keeper]).unwrap();
    assert_eq!(m.r.balance(&associated), 45, "half the 100-atom hold, less the keeper's 10%");
    assert_eq!(m.intent_state(z).winner_agent, c.agent);
}
