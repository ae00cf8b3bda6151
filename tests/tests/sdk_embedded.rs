//! The SDK's chain behaviour suite on the embedded chain (LiteSVM with the built programs).
use agx_sdk::chain::{EmbeddedChain, SlotClock};
use agx_tests::{Keypair, Signer};

#[test]
fn the_sdk_behaves_on_the_embedded_chain() {
    let authority = Keypair::new();
    let chain =
        EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible).unwrap();
    let dir = tempfile::tempdir().unwrap();
    agx_tests::chain_suite::run(&chain, &authority, dir.path()).unwrap();
}

#[test]
fn the_real_time_clock_moves_by_itself() {
    use agx_sdk::chain::Chain;
    let slot_time = std::time::Duration::from_millis(20);
    let chain = EmbeddedChain::new(
        &agx_sdk::program_dir(),
        Keypair::new().pubkey(),
        SlotClock::RealTime { slot_time },
    )
    .unwrap();
    let first = chain.slot().unwrap();
    std::thread::sleep(slot_time * 5);
    assert!(chain.slot().unwrap() > first, "slots pass with the wall clock");
    assert!(chain.wait_for_slot(first + 10).unwrap() >= first + 10);
}

/// The example agent (`sdk/examples/agent.rs`), compiled here as a module so that its embedded
/// run is a test.
#[path = "../../sdk/examples/agent.rs"]
#[allow(dead_code)]
mod example_agent;

#[test]
fn the_example_agent_bids_delivers_and_is_paid() {
    let paid = example_agent::run_embedded().unwrap();
    assert_eq!(paid.price, 900_000, "90% of the ceiling, won at once");
    assert_eq!(paid.fee, 18_000, "the sandbox's 2% reputation fee");
    assert_eq!((paid.paid, paid.completed), (paid.price - paid.fee, 1));
}

/// A requester that closed its refund account: the keeper expires its intent all the same, the
/// refund waits in the escrow, and `agx_sdk::claim` pays it into a new associated account.
#[test]
fn a_refund_the_escrow_kept_is_claimed_with_the_sdk() {
    use agx_sdk::chain::{token_balance, Chain};
    use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
    use agx_sdk::requester::{Requester, Want};
    use agx_sdk::sandbox::{self, Keys};
    use agx_sdk::{discover, token};

    let authority = Keypair::new();
    let chain =
        EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible).unwrap();
    let keys = Keys::new(7);
    let market = sandbox::open(&chain, &keys, &authority).unwrap();
    let (requester_key, keeper_key) = (keys.get("requester", 0), keys.get("keeper", 0));
    sandbox::fund(&chain, &authority, &[requester_key.pubkey(), keeper_key.pubkey()]).unwrap();
    let funds = sandbox::tokens(&chain, &authority, market.pay, requester_key.pubkey(), 5_000_000).unwrap();
    let signer = requester_key.insecure_clone();
    let mut requester = Requester::new(&chain, requester_key, market.pay).unwrap();
    let want = Want {
        capabilities: 1,
        max_price: 1_000_000,
        max_latency: 20,
        kind: AuctionKind::Continuous,
        min_stake: 0,
        context_uri: "https://intents.example/claim".into(),
        context_hash: [1; 32],
    };
    let args = requester.args(&chain, &want).unwrap();
    let intent = requester.post(&chain, args).unwrap();
    // It moves its tokens away and closes the account the intent stored for refunds.
    let elsewhere = Keypair::new();
    let (program, mint) = (market.pay.program, market.pay.mint);
    let holder = agx_sdk::chain::TokenSetup { chain: &chain, payer: &authority };
    let parked = holder.associated(market.pay, elsewhere.pubkey()).unwrap();
    let rest = token_balance(&chain, &funds).unwrap();
    let ixs = [
        token::transfer_checked(program, funds, mint, parked, signer.pubkey(), rest, 6),
        token::close_account(program, funds, signer.pubkey(), signer.pubkey()),
    ];
    chain.send(&ixs, &signer, &[]).unwrap();
    // Nobody bids; the keeper expires the intent, and does not try to close it.
    let mut keeper = agx_keeper::poll::PollingKeeper::start(&chain, keeper_key).unwrap();
    for _ in 0..200 {
        keeper.tick(&chain).unwrap();
        let state = discover::intent(&chain, &intent).unwrap().unwrap();
        if state.status().unwrap() == IntentStatus::Expired {
            break;
        }
        chain.wait_for_slot(chain.slot().unwrap() + 1).unwrap();
    }
    let state = discover::intent(&chain, &intent).unwrap().unwrap();
    assert_eq!((state.status().unwrap(), state.escrow_open), (IntentStatus::Expired, 1));
    assert_eq!(keeper.totals().failed, 0, "no crank fails on the parked refund");
    // The requester claims: a new associated account is created and receives the whole refund.
    let claimed = agx_sdk::claim::claim(&chain, &signer, &intent).unwrap();
    assert_eq!((claimed.to, claimed.amount, claimed.escrow_closed), (funds, 1_000_000, true));
    assert!(agx_sdk::claim::claim(&chain, &signer, &intent).is_err(), "nothing left to claim");
    // Now the keeper closes the intent.
    for _ in 0..20 {
        keeper.tick(&chain).unwrap();
        if !chain.exists(&intent).unwrap() {
            break;
        }
        chain.wait_for_slot(chain.slot().unwrap() + 1).unwrap();
    }
    assert!(!chain.exists(&intent).unwrap(), "closed once the refund was claimed");
}

/// An owner funds a budget for an agent with the SDK; the agent pays an API provider from it; a
/// spend past the per-spend cap is refused before it is sent (no fee, the rule named); the owner
/// revokes and gets the rest back.
#[test]
fn a_budget_is_made_spent_and_revoked_with_the_sdk() {
    use agx_sdk::chain::{token_balance, Chain};
    use agx_sdk::ix::registry as rix;
    use agx_sdk::sandbox::{self, Keys};
    use agx_sdk::{budget, pda, Error};

    let authority = Keypair::new();
    let chain =
        EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible).unwrap();
    let keys = Keys::new(11);
    let market = sandbox::open(&chain, &keys, &authority).unwrap();
    let (owner, agent_key, api) = (keys.get("owner", 0), keys.get("agent", 0), keys.get("api", 0));
    sandbox::fund(&chain, &authority, &[owner.pubkey(), agent_key.pubkey()]).unwrap();
    let owner_tokens = sandbox::tokens(&chain, &authority, market.pay, owner.pubkey(), 10_000).unwrap();
    let api_tokens = sandbox::tokens(&chain, &authority, market.pay, api.pubkey(), 0).unwrap();
    let profile = agx_sdk::agent_registry::state::AgentProfile {
        capabilities: 1,
        capability_hash: [0; 32],
        metadata_uri: "https://agent.example".into(),
    };
    let register = rix::agent_register(agent_key.pubkey(), agent_key.pubkey(), market.stake, profile);
    chain.send(&[register], &agent_key, &[]).unwrap();
    let agent = pda::agent(&agent_key.pubkey()).0;

    let args = agx_sdk::exchange::BudgetCreateArgs {
        budget_id: 0,
        per_spend_cap: 1_000,
        total_cap: 3_000,
        expiry_slot: chain.slot().unwrap() + 10_000,
        allowlist: vec![api.pubkey()],
    };
    let address = budget::create(&chain, &owner, agent, market.pay, args).unwrap();
    budget::fund(&chain, &owner, &address, owner_tokens, 4_000).unwrap();
    assert_eq!(budget::pay(&chain, &agent_key, &address, api_tokens, None, 800, [1; 32]).unwrap(), 800);
    let fees_before = chain.account(&agent_key.pubkey()).unwrap().unwrap().lamports;
    match budget::pay(&chain, &agent_key, &address, api_tokens, None, 1_001, [2; 32]) {
        Err(Error::BudgetRefused { rule, .. }) => assert!(rule.contains("per-spend cap"), "{rule}"),
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
    assert_eq!(chain.account(&agent_key.pubkey()).unwrap().unwrap().lamports, fees_before, "nothing sent");
    assert_eq!(budget::revoke(&chain, &owner, &address, owner_tokens).unwrap(), 3_200);
    assert_eq!(token_balance(&chain, &owner_tokens).unwrap(), 10_000 - 800);
    assert_eq!(token_balance(&chain, &api_tokens).unwrap(), 800);
    budget::close(&chain, &owner, &address, owner_tokens).unwrap();
    assert!(budget::read(&chain, &address).unwrap().is_none());
}

/// A direct hire with the SDK: the runner of the named agent accepts an offer at or above its
/// own quote (awarded at once), delivers and is paid the price; an offer below its quote it
/// declines, and the requester cancels it at once.
#[test]
fn a_runner_answers_direct_hires_by_its_own_quote() {
    use agx_sdk::agent::{
        Activity, AgentRunner, Delivery, Job, Quote, Registration, SaltStore, Strategy, Work, Worker,
    };
    use agx_sdk::chain::token_balance;
    use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
    use agx_sdk::requester::{Requester, Want};
    use agx_sdk::sandbox::{self, Keys};
    use agx_sdk::{discover, token, Pubkey};

    /// Asks 700,000 for anything, promising 9,000 bps in 5 slots.
    struct Asks;
    impl Strategy for Asks {
        fn quote(&mut self, _: &Pubkey, _: &agx_sdk::accounts::Intent) -> Option<Quote> {
            Some(Quote { price: 700_000, quality_bps: 9_000, latency: 5, plan_hash: [3; 32] })
        }
    }
    /// Delivers at once.
    struct Done;
    impl Worker for Done {
        fn work(&mut self, job: &Job, _: u64) -> Work {
            let result_uri = format!("https://r.example/{}", job.intent);
            Work::Done(Delivery { result_hash: [4; 32], result_uri, fulfilled_bps: 10_000 })
        }
    }

    let authority = Keypair::new();
    let chain =
        EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible).unwrap();
    let keys = Keys::new(13);
    let market = sandbox::open(&chain, &keys, &authority).unwrap();
    let (requester_key, agent_key) = (keys.get("requester", 0), keys.get("agent", 0));
    sandbox::fund(&chain, &authority, &[requester_key.pubkey(), agent_key.pubkey()]).unwrap();
    let funds = sandbox::tokens(&chain, &authority, market.pay, requester_key.pubkey(), 5_000_000).unwrap();
    let stake_source = sandbox::tokens(&chain, &authority, market.stake, agent_key.pubkey(), 1_000).unwrap();
    let registration = Registration {
        capabilities: 1,
        metadata_uri: "https://a.example".into(),
        stake: 1_000,
        stake_source,
    };
    let dir = tempfile::tempdir().unwrap();
    let store = SaltStore::open(dir.path().join("salts.json")).unwrap();
    let mut runner =
        AgentRunner::start(&chain, agent_key, market.stake, &registration, Asks, Done, store).unwrap();
    let mut requester = Requester::new(&chain, requester_key, market.pay).unwrap();
    let offer = |requester: &mut Requester, runner: &mut AgentRunner<Asks, Done>, price: u64| {
        let want = Want {
            capabilities: 1,
            max_price: price,
            max_latency: 20,
            kind: AuctionKind::Direct,
            min_stake: 1_000,
            context_uri: String::new(),
            context_hash: [0; 32],
        };
        let mut args = requester.args(&chain, &want).unwrap();
        (args.reveal_window_slots, args.hire_agent) = (0, runner.agent());
        let intent = requester.post(&chain, args).unwrap();
        (intent, runner.step(&chain).unwrap())
    };
    // Below its quote: declined; the requester cancels and has it all back.
    let (low, acts) = offer(&mut requester, &mut runner, 600_000);
    assert!(acts.contains(&Activity::HireDeclined { intent: low }), "{acts:?}");
    requester.cancel(&chain, &low).unwrap();
    assert_eq!(token_balance(&chain, &funds).unwrap(), 5_000_000);
    // At its quote or above: accepted at the price, and (the worker being quick) delivered in the
    // same step.
    let (high, acts) = offer(&mut requester, &mut runner, 800_000);
    assert!(acts.contains(&Activity::HireAccepted { intent: high, price: 800_000 }), "{acts:?}");
    assert!(
        acts.iter().any(|a| matches!(a, Activity::Submitted { intent, .. } if *intent == high)),
        "{acts:?}"
    );
    let state = discover::intent(&chain, &high).unwrap().unwrap();
    assert_eq!(
        (state.status().unwrap(), state.payment, state.winner_agent),
        (IntentStatus::Submitted, 800_000, runner.agent())
    );
    requester.accept(&chain, &high, 9_000).unwrap();
    let paid = token::associated_address(&runner.authority(), &market.pay.mint, &market.pay.program);
    let fee = 800_000 * u64::from(discover::exchange_config(&chain).unwrap().reputation_fee_bps) / 10_000;
    assert_eq!(token_balance(&chain, &paid).unwrap(), 800_000 - fee);
}

/// An `AgentRunner` whose revealed bid fell off a full board brings it back when a drop at
/// settlement frees a place (the head's agent deactivated): the re-rank window opens and the
/// runner's next step sends `bid_rerank`. Without it the bid would not be considered.
#[test]
fn an_agent_runner_brings_its_bid_back_when_a_drop_frees_a_place() {
    use agx_sdk::agent::{AgentRunner, Job, Quote, Registration, SaltStore, Strategy, Work, Worker};
    use agx_sdk::exchange::state::{AuctionKind, LEADERBOARD_LEN};
    use agx_tests::market::{opening, Market, MIN_STAKE};
    use agx_tests::registry::TestAgent;

    /// Asks a lot for little: ninth behind eight strong bids.
    struct Weak;
    impl Strategy for Weak {
        fn quote(&mut self, _: &agx_sdk::Pubkey, _: &agx_sdk::accounts::Intent) -> Option<Quote> {
            Some(Quote { price: 700_000, quality_bps: 2_000, latency: 90, plan_hash: [3; 32] })
        }
    }
    struct Idle;
    impl Worker for Idle {
        fn work(&mut self, _: &Job, _: u64) -> Work {
            Work::InProgress { progress_bps: 0 }
        }
    }
    fn on_chain<T>(m: &mut Market, f: impl FnOnce(&EmbeddedChain) -> T) -> T {
        let chain = EmbeddedChain::from_svm(std::mem::take(&mut m.r.svm.svm));
        let out = f(&chain);
        m.r.svm.svm = chain.into_svm();
        out
    }

    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let strong: Vec<TestAgent> = (0..LEADERBOARD_LEN).map(|_| m.agent(MIN_STAKE)).collect();
    let weak = m.r.new_authority();
    let registration = Registration {
        capabilities: 0b1011,
        metadata_uri: "https://weak.example".into(),
        stake: MIN_STAKE,
        stake_source: weak.tokens,
    };
    let dir = tempfile::tempdir().unwrap();
    let store = SaltStore::open(dir.path().join("salts.json")).unwrap();
    let (stake, key) = (m.r.stake, weak.authority.insecure_clone());
    let mut runner =
        on_chain(&mut m, |chain| AgentRunner::start(chain, key, stake, &registration, Weak, Idle, store))
            .unwrap();
    let strong_opening = opening(10, 9_000, 5);
    for a in &strong {
        m.commit(a, intent, &strong_opening).unwrap();
    }
    on_chain(&mut m, |chain| runner.step(chain)).unwrap();
    m.to_reveal(intent);
    for a in &strong {
        m.reveal(a, intent, &strong_opening).unwrap();
    }
    on_chain(&mut m, |chain| runner.step(chain)).unwrap();
    let bid = agx_sdk::pda::bid(&runner.authority(), &intent, &runner.agent(), 0);
    let state = m.intent_state(intent);
    assert_eq!(
        (usize::from(state.leaderboard_len), state.off_board),
        (LEADERBOARD_LEN, 1),
        "revealed, off the board"
    );
    assert!(state.ranked().iter().all(|e| e.bid != bid));
    // The head's agent deactivates; settlement drops it, and a re-rank window opens.
    m.to_settle(intent);
    let head = state.ranked()[0].agent;
    let owner = strong.iter().find(|a| a.agent == head).unwrap();
    let ix = agx_sdk::ix::registry::agent_deactivate(owner.authority.pubkey());
    m.r.svm.send(&[ix], &[&owner.authority]).unwrap();
    m.settle(intent, head).unwrap();
    assert!(m.r.slot() < m.intent_state(intent).rerank_end_slot, "the window is open");
    let acts = on_chain(&mut m, |chain| runner.step(chain)).unwrap();
    assert!(acts.contains(&agx_sdk::agent::Activity::Reranked { intent }), "{acts:?}");
    assert!(m.intent_state(intent).ranked().iter().any(|e| e.bid == bid), "back on the board");
}
