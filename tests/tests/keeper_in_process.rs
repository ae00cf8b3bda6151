//! The keeper's decision core (`schedule`) and crank builder (`cranks`) driving the embedded
//! chain (LiteSVM with the real SBF programs): intents at every stage move on with no manual
//! crank — settled or expired, closed, failed over, finalized — and the keeper earns the tips.
//! The transport (account subscription, sender) is not under test here; the decisions are.
use agx_keeper::cranks::{instruction, KeeperAccounts};
use agx_keeper::schedule::{next_crank, DueIndex, Liveness};
use agx_sdk::accounts::{decode_zero_copy, Intent};
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::Pubkey;
use agx_tests::market::{opening, Market, MIN_STAKE, TIP};
use agx_tests::registry::HEARTBEAT_TIMEOUT;
use agx_tests::Signer;

struct Keeper {
    index: DueIndex,
    accounts: KeeperAccounts,
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
            self.index.set(*intent, next_crank(&state, winner));
        }
        let due: Vec<_> = self.index.due_at(m.r.slot()).collect();
        for (intent, crank) in due {
            let state = m.intent_state(intent);
            let ix = instruction(&crank, intent, &state, &self.accounts, m.requester_stake_tokens);
            let keeper = m.keeper.insecure_clone();
            match m.r.svm.send(&[ix], &[&keeper]) {
                Ok(_) => self.sent += 1,
                Err(_) => self.failed += 1,
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
        panic!("the keeper did not get there in 100 passes");
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
    keeper.run_until(&mut m, &intents, |m| {
        status(m, y) == Some(IntentStatus::Completed.to_u8())
            && status(m, z) == Some(IntentStatus::Completed.to_u8())
    });

    // Cranks: x settle + close, y settle + finalize, z settle + failover + finalize.
    assert_eq!((keeper.sent, keeper.failed), (7, 0));
    assert_eq!(m.r.svm.lamports(&keeper_key) - lamports_before, 7 * TIP, "every crank was paid");
    assert_eq!(m.r.balance(&m.keeper_stake_tokens), 5, "the failover reward: 10% of half the hold");
    assert_eq!(m.balance(&m.intent_state(y).winner_tokens), 300_000);
    assert_eq!(m.balance(&m.intent_state(z).winner_tokens), 600_000, "the standby is paid its ask");
    m.r.assert_accounted(&[&a, &b, &c]);
}
