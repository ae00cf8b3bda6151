//! The whole life of a sealed Vickrey intent with three bidders, each transaction's compute
//! units summed into `lifecycle::sealed_total` (`bench/cu.json`; issue 28 sets it a goal): post,
//! three commits, three reveals, settle (winner and standby), submit, accept, three bid closes,
//! intent close; the escrow and the bids created by their payers, as the SDK does. At the end no account of the intent is left open, so all its rent is back with
//! whoever paid it, and every token is accounted for.
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::pda;
use agx_tests::litesvm::types::TransactionMetadata;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::Signer;

#[test]
fn a_sealed_vickrey_lifecycle_with_three_bidders_is_summed_and_leaves_nothing_open() {
    let mut m = Market::new();
    let mut steps: Vec<(&str, u64)> = Vec::new();
    let mut step = |name: &'static str, meta: TransactionMetadata| {
        if std::env::var_os("AGX_CU_LOGS").is_some() {
            eprintln!("== {name} {}\n{}", meta.compute_units_consumed, meta.logs.join("\n"));
        }
        steps.push((name, meta.compute_units_consumed))
    };

    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    let requester = m.requester.insecure_clone();
    // Every account is created as the SDK's agents and requesters can: the escrow and the bids
    // by their payers in the same transaction (`docs/compute.md`).
    let (post, escrow) = m.create_ixs_with_escrow(args);
    step("intent_create", m.r.svm.send(&post, &[&requester]).unwrap());
    m.pay_accounts.push(escrow);
    assert_eq!(m.intent_state(intent).escrow, escrow);

    let agents = [m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE)];
    let openings = [opening(300_000, 9_000, 20), opening(350_000, 9_000, 20), opening(420_000, 8_000, 30)];
    for (a, o) in agents.iter().zip(&openings) {
        step("bid_commit", m.commit_with_account(a, intent, o).unwrap());
    }
    m.to_reveal(intent);
    for (a, o) in agents.iter().zip(&openings) {
        step("bid_reveal", m.reveal(a, intent, o).unwrap());
    }
    m.to_settle(intent);
    let head = m.intent_state(intent).ranked()[0].agent;
    step("auction_settle", m.settle(intent, head).unwrap());
    let awarded = m.intent_state(intent);
    assert_eq!(awarded.status, IntentStatus::Awarded.to_u8());
    assert_ne!(awarded.standby_agent, Default::default(), "Vickrey keeps the runner-up as standby");
    let winner = agents.iter().find(|a| a.agent == head).unwrap();
    step("result_submit", m.submit(winner, intent, 10_000).unwrap());
    let paid_to = m.intent_state(intent).winner_tokens;
    step("result_accept", m.accept(intent, paid_to, 9_000).unwrap());
    assert_eq!(m.intent_state(intent).status, IntentStatus::Completed.to_u8());
    for a in &agents {
        step("bid_close", m.close_bid(a, intent).unwrap());
    }
    step("intent_close", m.close_intent(intent).unwrap());

    // Nothing of the intent is left open: its rent (intent, escrow, bids) is back.
    assert!(m.r.svm.account(&intent).is_none(), "the intent is closed");
    assert!(m.r.svm.account(&escrow).is_none(), "the escrow is closed");
    for a in &agents {
        let bid = pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0);
        assert!(m.r.svm.account(&bid).is_none(), "a bid stays open");
        assert_eq!(m.r.agent(a).open_bids, 0);
    }
    m.pay_accounts.retain(|x| *x != escrow);
    m.assert_accounted(&[]);
    m.r.assert_accounted(&agents.iter().collect::<Vec<_>>());

    assert_eq!(steps.len(), 14, "{steps:?}");
    let total: u64 = steps.iter().map(|(_, units)| units).sum();
    agx_tests::cu::record("lifecycle", "sealed_total", total);
}
