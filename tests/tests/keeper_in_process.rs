//! The keeper's `PollingKeeper` (the same `schedule`, `cranks::reads`/`cranks::prepare` and tip
//! rule the service runs on a cluster) driving the SDK's embedded chain over a test market:
//! intents at every stage move on with no manual crank (settled or expired, failed over,
//! finalized, their bids closed, closed) and the keeper earns the tips and the failover reward.
//! The transport (subscriptions, sender) is not under test here; the decisions are.
use agx_core::lifecycle::Crank;
use agx_keeper::poll::{Cranked, PollingKeeper};
use agx_sdk::chain::EmbeddedChain;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::{pda, token, Pubkey};
use agx_tests::market::{opening, Market, MIN_STAKE, TIP};
use agx_tests::Signer;

/// Runs `f` with the market's LiteSVM seen as the SDK's embedded chain, then hands it back.
fn on_chain<T>(m: &mut Market, f: impl FnOnce(&EmbeddedChain) -> T) -> T {
    let chain = EmbeddedChain::from_svm(std::mem::take(&mut m.r.svm.svm));
    let out = f(&chain);
    m.r.svm.svm = chain.into_svm();
    out
}

/// The market's keeper key as a `PollingKeeper`; its stake-mint account is counted with the
/// market's tokens.
fn start_keeper(m: &mut Market) -> PollingKeeper {
    let keypair = m.keeper.insecure_clone();
    let keeper = on_chain(m, |chain| PollingKeeper::start(chain, keypair)).expect("keeper starts");
    m.r.token_accounts.push(keeper.stake_tokens());
    keeper
}

/// Ticks, moving the clock to the next due slot between passes, until `done` holds; returns
/// every crank sent.
fn run_until(keeper: &mut PollingKeeper, m: &mut Market, done: impl Fn(&Market) -> bool) -> Vec<Cranked> {
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent.extend(on_chain(m, |chain| keeper.tick(chain)).expect("tick"));
        if done(m) {
            return sent;
        }
        let next = keeper.next_slot().unwrap_or(m.r.slot() + 1).max(m.r.slot() + 1);
        m.warp_to(next);
    }
    panic!("the keeper did not get there in 100 passes; sent {sent:?}");
}

fn status(m: &Market, intent: Pubkey) -> Option<u8> {
    m.r.svm.account(&intent).map(|_| m.intent_state(intent).status)
}

#[test]
fn the_keeper_moves_every_intent_on_and_earns_the_tips() {
    let mut m = Market::new();
    let mut keeper = start_keeper(&mut m);
    let lamports_before = m.r.svm.lamports(&keeper.pubkey());
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
    let requester = m.intent_state(z).requester;

    // Settlement: x expires and closes, y and z are awarded.
    let mut sent = run_until(&mut keeper, &mut m, |m| {
        status(m, x).is_none()
            && status(m, y) == Some(IntentStatus::Awarded.to_u8())
            && status(m, z) == Some(IntentStatus::Awarded.to_u8())
    });
    assert_eq!(m.intent_state(z).winner_agent, b.agent);
    // y's winner delivers; z's winner stays silent and is failed over to the standby, which
    // delivers too.
    m.submit(&a, y, 10_000).unwrap();
    sent.extend(run_until(&mut keeper, &mut m, |m| m.intent_state(z).winner_agent == c.agent));
    m.submit(&c, z, 10_000).unwrap();
    let (y_paid_to, z_paid_to) = (m.intent_state(y).winner_tokens, m.intent_state(z).winner_tokens);
    // Both are finalized once their dispute windows pass; their bids are closed (rent and bonds
    // back to the bidders), then the intents.
    sent.extend(run_until(&mut keeper, &mut m, |m| status(m, y).is_none() && status(m, z).is_none()));
    assert_eq!(m.balance(&y_paid_to), 300_000);
    assert_eq!(m.balance(&z_paid_to), 600_000, "the standby is paid its ask");
    for (intent, agent, _) in &bids {
        assert!(
            m.r.svm.account(&pda::bid(&agent.authority.pubkey(), intent, &agent.agent, 0)).is_none(),
            "every bid closed"
        );
    }
    // x settle + close; y settle, finalize, close-bids, close; z settle, failover, finalize,
    // close-bids, close. Every crank but the bid closes paid a tip.
    let kinds =
        |intent: Pubkey| sent.iter().filter(|c| c.intent == intent).map(|c| c.crank).collect::<Vec<_>>();
    assert_eq!(kinds(x), [Crank::Settle, Crank::Close]);
    assert_eq!(kinds(y), [Crank::Settle, Crank::Finalize, Crank::CloseBids, Crank::Close]);
    assert_eq!(kinds(z), [Crank::Settle, Crank::Failover, Crank::Finalize, Crank::CloseBids, Crank::Close]);
    assert!(sent.iter().all(|c| c.error.is_none()), "{sent:?}");
    assert_eq!(keeper.totals().landed, 11);
    // The keeper also paid the rent of the requester's associated stake-mint account, which the
    // failover created for the compensation (the requester holds none).
    let requester_associated = token::associated_address(&requester, &m.r.stake.mint, &m.r.stake.program);
    let rent = m.r.svm.lamports(&requester_associated);
    assert!(rent > 0);
    // LiteSVM's fee: 5,000 lamports a signature, one signature a transaction.
    let fees = 5_000 * sent.len() as u64;
    assert_eq!(
        m.r.svm.lamports(&keeper.pubkey()) + rent + fees - lamports_before,
        9 * TIP,
        "every crank was paid"
    );
    assert_eq!(m.r.balance(&keeper.stake_tokens()), 5, "the failover reward: 10% of half the hold");
    assert_eq!(m.r.balance(&requester_associated), 45, "the rest of the slash");
    m.r.token_accounts.push(requester_associated);
    m.r.assert_accounted(&[&a, &b, &c]);
}

#[test]
fn the_failover_pays_compensation_to_the_requesters_own_account_when_it_has_one() {
    let mut m = Market::new();
    let mut keeper = start_keeper(&mut m);
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
    // The requester opens its associated stake-mint account before the deadline.
    let stake = m.r.stake;
    let associated = token::associated_address(&state.requester, &stake.mint, &stake.program);
    let payer = m.keeper.insecure_clone();
    let create =
        token::create_associated_idempotent(payer.pubkey(), state.requester, stake.mint, stake.program);
    m.r.svm.send(&[create], &[&payer]).unwrap();
    m.r.token_accounts.push(associated);
    m.warp_to(state.execution_deadline_slot);
    let sent = on_chain(&mut m, |chain| keeper.tick(chain)).unwrap();
    assert_eq!(
        sent.iter().map(|c| (c.crank, c.error.is_none())).collect::<Vec<_>>(),
        [(Crank::Failover, true)]
    );
    assert_eq!(m.r.balance(&associated), 45, "half the 100-atom hold, less the keeper's 10%");
    assert_eq!(m.intent_state(z).winner_agent, c.agent);
    m.r.assert_accounted(&[&b, &c]);
}

/// A winner that keeps heartbeating the same progress is flagged stalled after the keeper's
/// threshold (once), and moving again once its progress changes (issue 25).
#[test]
fn the_keeper_flags_a_job_whose_progress_stopped_moving() {
    use agx_keeper::stalls::{Change, Stall};
    let mut m = Market::new();
    let mut keeper = start_keeper(&mut m).with_stall_heartbeats(2);
    let (intent, a, _) = m.awarded(AuctionKind::VickreySealed);
    let beat = |m: &mut Market, progress| {
        m.r.svm
            .send(&[agx_sdk::ix::registry::agent_heartbeat(a.authority.pubkey(), progress)], &[&a.authority])
            .unwrap();
        m.warp_to(m.r.slot() + 1);
    };
    beat(&mut m, 3_000);
    beat(&mut m, 3_000);
    on_chain(&mut m, |chain| keeper.tick(chain)).unwrap();
    assert_eq!(keeper.take_stall_changes(), [], "one beat without progress is not a stall");
    beat(&mut m, 3_000);
    on_chain(&mut m, |chain| keeper.tick(chain)).unwrap();
    let stall = Stall { agent: a.agent, progress_bps: 3_000, beats: 2 };
    assert_eq!(keeper.take_stall_changes(), [(intent, Change::Stalled(stall))]);
    on_chain(&mut m, |chain| keeper.tick(chain)).unwrap();
    assert_eq!(keeper.take_stall_changes(), [], "flagged once");
    beat(&mut m, 4_000);
    on_chain(&mut m, |chain| keeper.tick(chain)).unwrap();
    assert_eq!(keeper.take_stall_changes(), [(intent, Change::Moving(a.agent))]);
}

/// A coalition of eight members goes silent on the job it holds: its failover names two
/// accounts a member. Here it fits a legacy transaction (1,130 bytes: no standby, no refund
/// account); with every optional account present it would not (`agx_keeper::cranks`' packet
/// test), so the keeper is told to send anything over 1,000 bytes as it would those: it makes an
/// address lookup table, extends it with the crank's accounts, waits a slot and sends the
/// failover as a v0 transaction through it (issue 28).
#[test]
fn an_eight_member_coalition_is_failed_over_through_a_lookup_table() {
    use agx_sdk::ix::exchange::{self as xix, coalition as cix};
    use agx_tests::registry::TestAgent;
    let mut m = Market::new();
    let mut keeper = start_keeper(&mut m).tables_above(1_000);
    let agents = m.specialists(8);
    let refs: Vec<&TestAgent> = agents.iter().collect();
    let coalition = m.coalition(&refs, 100);
    let members: Vec<Pubkey> = agents.iter().map(|a| a.agent).collect();
    let mut args = m.args(AuctionKind::Continuous);
    (args.required_capabilities, args.min_stake) = (0xff, 800);
    let intent = m.create(args).unwrap();
    let lead = &agents[0];
    let round = m.intent_state(intent).round;
    let ix = xix::bid_place(lead.authority.pubkey(), intent, coalition, round, opening(400_000, 9_000, 10));
    m.r.svm.send(&[cix::with_members(ix, &members)], &[&lead.authority]).unwrap();

    // The keeper settles the auction, then fails the silent coalition over.
    let sent = run_until(&mut keeper, &mut m, |m| {
        let state = m.intent_state(intent);
        state.round == 1 || status(m, intent) == Some(IntentStatus::Failed.to_u8())
    });
    let failover = sent.iter().find(|c| c.crank == Crank::Failover).expect("a failover was sent");
    assert_eq!(failover.error, None, "the failover landed: {sent:?}");
    let state = m.intent_state(intent);
    assert_eq!(state.excluded[0], coalition, "the coalition is out of the next round");
    assert!(agents.iter().all(|a| m.r.agent(a).locked == 0), "every member's contribution released");
    // Through a table: one the keeper made, holding the accounts the failover named.
    let tables = keeper.lookup_tables();
    assert_eq!(tables.len(), 1, "one table");
    let table = m.r.svm.account(&tables[0].key).expect("the table account");
    assert_eq!(table.owner, solana_address_lookup_table_interface::program::ID);
    let held = agx_sdk::lookup::addresses(&table.data).expect("a table");
    assert!(members.iter().all(|agent| held.contains(agent)), "every member's agent is looked up");
    // The slash compensation went to the requester's associated account, which the failover
    // created.
    let compensation = token::associated_address(&m.requester.pubkey(), &m.r.stake.mint, &m.r.stake.program);
    assert!(m.r.balance(&compensation) > 0, "the requester is compensated");
    m.r.token_accounts.push(compensation);
    m.assert_accounted(&[intent]);
    m.r.assert_accounted(&refs);
}
