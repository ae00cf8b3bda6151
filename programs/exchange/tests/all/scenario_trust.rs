//! Trust that routes work (issue 25) on the built `.so`, in LiteSVM: an agent's record is kept
//! per capability, and a bid is judged (`min_reputation`, and the reputation it is scored with)
//! on the agent's figure for the capabilities the intent asks for.
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::Pubkey;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::registry::{TestAgent, HEARTBEAT_TIMEOUT};
use agx_tests::{assert_error, Signer};

/// A continuous intent asking for `capabilities`, won at once by `a`'s bid.
fn won(m: &mut Market, a: &TestAgent, capabilities: u64) -> Pubkey {
    let mut args = m.args(AuctionKind::Continuous);
    (args.required_capabilities, args.score_threshold) = (capabilities, 1);
    let intent = m.create(args).unwrap();
    m.place(a, intent, &opening(500_000, 9_000, 10)).unwrap();
    assert_eq!(m.intent_state(intent).winner_agent, a.agent);
    intent
}

#[test]
fn a_bid_is_judged_on_the_agents_record_in_the_capabilities_the_intent_asks_for() {
    let mut m = Market::new();
    let a = m.r.register_agent(0b11);
    m.r.deposit(&a, 10 * MIN_STAKE).unwrap();
    // Delivered in capability 0 (rated in full), failed in capability 1.
    let done = won(&mut m, &a, 0b01);
    m.submit(&a, done, 10_000).unwrap();
    let paid_to = m.intent_state(done).winner_tokens;
    m.accept(done, paid_to, 10_000).unwrap();
    let failed = won(&mut m, &a, 0b10);
    let award = m.intent_state(failed).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
    m.failover(failed).unwrap();
    let view = AgentView::from(&m.r.agent(&a));
    let (good, bad, overall) = (view.reputation_for(0b01), view.reputation_for(0b10), view.reputation);
    assert!(good > overall && overall > bad, "capability 0: {good}, overall {overall}, capability 1: {bad}");

    // min_reputation at its overall figure: refused where it failed (and on an intent needing
    // both: its weakest skill), admitted where it delivered, and scored with that figure.
    for (capabilities, admitted) in [(0b10, false), (0b11, false), (0b01, true)] {
        let mut args = m.args(AuctionKind::Continuous);
        (args.required_capabilities, args.min_reputation) = (capabilities, overall);
        let intent = m.create(args).unwrap();
        let placed = m.place(&a, intent, &opening(500_000, 9_000, 10));
        if admitted {
            placed.unwrap();
            assert_eq!(m.intent_state(intent).ranked()[0].reputation, good, "scored with its figure there");
        } else {
            assert_error(&placed, ExchangeError::BidReputationTooLow);
        }
    }
}

/// Probation: a newcomer below an intent's minimum reputation bids with the configured multiple
/// of the bid bond; an agent with a failure does not; a probation bond that falls short of the
/// probation in force at the reveal is refused; the admin's bound on the multiplier holds.
#[test]
fn a_newcomer_below_the_minimum_reputation_bids_on_probation_with_a_larger_bond() {
    let mut m = Market::new();
    let multiplier = u64::from(m.settings.probation_bond_multiplier);
    assert!(multiplier > 1 && m.settings.probation_max_completed > 0, "on by default");
    let newcomer = m.agent(MIN_STAKE);
    let mut args = m.args(AuctionKind::Continuous);
    args.min_reputation = 1;
    let intent = m.create(args.clone()).unwrap();
    let bond = m.intent_state(intent).bid_bond;
    m.place(&newcomer, intent, &opening(500_000, 9_000, 10)).unwrap();
    assert_eq!(m.bid_state(intent, &newcomer).bond, bond * multiplier);

    // An agent that failed a job is no newcomer: the minimum holds for it.
    let failing = m.r.register_agent(agx_tests::market::CAPABILITY);
    m.r.deposit(&failing, 10 * MIN_STAKE).unwrap();
    let lost = won(&mut m, &failing, agx_tests::market::CAPABILITY);
    let award = m.intent_state(lost).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
    m.failover(lost).unwrap();
    assert_eq!(m.r.agent(&failing).reputation, 0, "still below the minimum");
    let again =
        m.create(agx_sdk::exchange::IntentCreateArgs { intent_id: args.intent_id + 100, ..args }).unwrap();
    assert_error(&m.place(&failing, again, &opening(500_000, 9_000, 10)), ExchangeError::BidReputationTooLow);

    // Sealed: committed on probation at 5x; the admin raises probation before the reveal.
    let mut sealed = m.args(AuctionKind::FirstPriceSealed);
    sealed.min_reputation = 1;
    let sealed = m.create(sealed).unwrap();
    let late = m.agent(MIN_STAKE);
    let o = opening(400_000, 9_000, 10);
    m.commit(&late, sealed, &o).unwrap();
    assert_eq!(m.bid_state(sealed, &late).bond, bond * multiplier);
    let raised = u16::try_from(multiplier + 1).unwrap();
    m.update_settings(|s| s.probation_bond_multiplier = raised).unwrap();
    m.to_reveal(sealed);
    assert_error(&m.reveal(&late, sealed, &o), ExchangeError::BidProbationBondTooLow);
    assert_error(
        &m.update_settings(|s| s.probation_bond_multiplier = 101),
        ExchangeError::ConfigProbationInvalid,
    );
}

/// Reliability from delivery: a result after the latency the winner promised (inside the
/// execution grace) is still paid in full, but its completion counts as late in the agent's
/// record and scores below the same job delivered on time.
#[test]
fn a_result_after_the_promised_latency_counts_as_late() {
    let mut scores = Vec::new();
    for late in [false, true] {
        let mut m = Market::new();
        let (intent, a, _) = m.awarded(AuctionKind::VickreySealed);
        let state = m.intent_state(intent);
        // `Market::awarded`'s winner promised 10 slots.
        let promised_by = state.award_slot + 10;
        m.warp_to(if late { promised_by + 1 } else { promised_by });
        m.submit(&a, intent, 10_000).unwrap();
        assert_eq!(m.intent_state(intent).submitted_late, u8::from(late));
        let paid_to = m.pay_account(a.authority.pubkey());
        m.accept(intent, paid_to, 9_000).unwrap();
        assert_eq!(m.balance(&paid_to), state.payment, "paid in full either way");
        let agent = m.r.agent(&a);
        assert_eq!((agent.late_results, agent.value_late > 0), (u32::from(late), late));
        scores.push(agent.reputation);
    }
    assert!(scores[1] < scores[0], "late {} < on time {}", scores[1], scores[0]);
}
