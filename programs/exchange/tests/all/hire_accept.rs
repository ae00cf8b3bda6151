//! `hire_accept` on the built `.so`, in LiteSVM: the agent a direct hire names takes the job at
//! its max price, awarded at once with its stake locked; nobody else can, and not on other terms.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::AuctionAwarded;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, HireTerms};
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, MAX_PRICE, MIN_STAKE};
use agx_tests::registry::HEARTBEAT_TIMEOUT;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn the_named_agent_takes_the_job_at_the_max_price_and_delivers() {
    let mut m = Market::new();
    let a = m.agent(MIN_STAKE);
    let args = m.direct_args(a.agent);
    let intent = m.create(args).unwrap();
    let ix = m.hire_accept_ix(&a, intent, 9_000, 10);
    let meta = m.r.svm.send_measured("exchange", "hire_accept", &[ix], &[&a.authority]).unwrap();
    let awarded = events::find::<AuctionAwarded>(&meta.logs).remove(0);
    assert_eq!((awarded.agent, awarded.payment, awarded.stake_locked), (a.agent, MAX_PRICE, MIN_STAKE));
    let state = m.intent_state(intent);
    assert_eq!(state.status().unwrap(), IntentStatus::Awarded);
    assert_eq!(
        (state.winner_agent, state.winner_authority, state.payment),
        (a.agent, a.authority.pubkey(), MAX_PRICE)
    );
    // No bid account: the intent's own address stands for the bid, and the agent is engaged
    // (it cannot close) with its stake locked, in one registry call.
    assert_eq!((state.winner_bid, state.ranked()[0].bid, state.bids_open), (intent, intent, 0));
    assert_eq!(m.r.svm.lamports(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0)), 0);
    assert_eq!((m.r.agent(&a).locked, m.r.agent(&a).open_bids), (MIN_STAKE, 1));
    // From here it is any job: delivered, accepted, paid; the engagement ends with the outcome,
    // and the intent closes with no bid to close first.
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.intent_state(intent).winner_tokens;
    m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!((m.balance(&paid_to), m.r.agent(&a).locked, m.r.agent(&a).open_bids), (MAX_PRICE, 0, 0));
    m.close_intent(intent).unwrap();
    m.assert_accounted(&[]);
}

#[test]
fn a_silent_hire_is_failed_over_to_a_continuous_auction_and_released() {
    let mut m = Market::new();
    let a = m.agent(MIN_STAKE);
    let args = m.direct_args(a.agent);
    let intent = m.create(args).unwrap();
    let ix = m.hire_accept_ix(&a, intent, 9_000, 10);
    m.r.svm.send(&[ix], &[&a.authority]).unwrap();
    let award = m.intent_state(intent).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
    // The keeper's failover names no failed bid (the SDK leaves it out for a hire); naming one
    // is refused.
    let mut as_if_bid = m.intent_state(intent);
    (as_if_bid.auction_kind, as_if_bid.winner_bid) =
        (AuctionKind::Continuous.to_u8(), pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0));
    let keeper = m.keeper.insecure_clone();
    let named = xix::failover_trigger(
        keeper.pubkey(),
        Some(m.keeper_stake_tokens),
        intent,
        &as_if_bid,
        &m.failover_accounts(),
    );
    assert_error(&m.r.svm.send(&[named], &[&keeper]), ExchangeError::FailoverBidMismatch);
    m.failover(intent).unwrap();
    let state = m.intent_state(intent);
    assert_eq!(
        (state.status().unwrap(), state.kind().unwrap(), state.round, state.excluded[0]),
        (IntentStatus::Open, AuctionKind::Continuous, 1, a.agent)
    );
    let failed = m.r.agent(&a);
    assert_eq!((failed.locked, failed.open_bids, failed.failed), (0, 0, 1));
    assert!(failed.staked < MIN_STAKE, "the silent hire is slashed");
    // A fresh agent wins the re-auction in the usual way.
    let b = m.agent(MIN_STAKE);
    m.place(&b, intent, &opening(MAX_PRICE, 9_000, 10)).unwrap();
    assert_eq!(m.intent_state(intent).ranked()[0].agent, b.agent);
}

#[test]
fn only_the_named_agent_within_the_window_at_the_max_price() {
    let mut m = Market::new();
    let (a, other) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let args = m.direct_args(a.agent);
    let intent = m.create(args).unwrap();
    // Another agent, with its own keys.
    let ix = m.hire_accept_ix(&other, intent, 9_000, 10);
    assert_error(&m.r.svm.send(&[ix], &[&other.authority]), ExchangeError::HireNotOffered);
    // The named agent's account, signed by another authority.
    let mut ix = m.hire_accept_ix(&a, intent, 9_000, 10);
    ix.retarget(a.authority.pubkey(), other.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&other.authority]), ExchangeError::BidNotBidder);
    // Unsigned.
    let mut ix = m.hire_accept_ix(&a, intent, 9_000, 10);
    ix.unsign(a.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // Another price, or a latency past the intent's.
    let state = m.intent_state(intent);
    let cheaper = xix::hire_accept(
        a.authority.pubkey(),
        intent,
        a.agent,
        0,
        HireTerms { price: MAX_PRICE - 1, quality_bps: 9_000, latency: 10 },
    );
    assert_error(&m.r.svm.send(&[cheaper], &[&a.authority]), ExchangeError::HirePriceNotOffered);
    let slow = m.hire_accept_ix(&a, intent, 9_000, state.max_latency + 1);
    assert_error(&m.r.svm.send(&[slow], &[&a.authority]), ExchangeError::BidLatencyAboveMax);
    // Not a direct hire: an auction's intent.
    let auction = m.intent(AuctionKind::Continuous);
    let ix = m.hire_accept_ix(&a, auction, 9_000, 10);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::HireNotOffered);
    // No bid in the clear on a direct hire, and no sealed one.
    let place = xix::bid_place(other.authority.pubkey(), intent, other.agent, 0, opening(10, 9_000, 10));
    assert_error(&m.r.svm.send(&[place], &[&other.authority]), ExchangeError::BidWrongAuctionKind);
    // The window closes at its end slot.
    m.to_settle(intent);
    let late = m.hire_accept_ix(&a, intent, 9_000, 10);
    assert_error(&m.r.svm.send(&[late], &[&a.authority]), ExchangeError::BidWindowClosed);
    assert_eq!(m.intent_state(intent).status().unwrap(), IntentStatus::Open);
    m.assert_accounted(&[intent, auction]);
}

#[test]
fn an_unqualified_agent_cannot_accept_and_the_offer_expires_to_a_full_refund() {
    let mut m = Market::new();
    let poor = m.agent(MIN_STAKE - 1);
    let args = m.direct_args(poor.agent);
    let intent = m.create(args).unwrap();
    let ix = m.hire_accept_ix(&poor, intent, 9_000, 10);
    assert_error(&m.r.svm.send(&[ix], &[&poor.authority]), ExchangeError::BidStakeTooLow);
    // The window passes: a keeper expires it; the requester has everything back.
    m.to_settle(intent);
    m.settle_expired(intent).unwrap();
    assert_eq!(m.intent_state(intent).status().unwrap(), IntentStatus::Expired);
    assert_eq!(m.balance(&m.requester_tokens), agx_tests::market::REQUESTER_FUNDS);
    m.close_intent(intent).unwrap();
    m.assert_accounted(&[]);
}

fn post(m: &mut Market, args: agx_sdk::exchange::IntentCreateArgs) -> agx_tests::svm::TxResult {
    let requester = m.requester.insecure_clone();
    m.r.svm.send(&[m.create_ix(args)], &[&requester])
}

#[test]
fn a_direct_hire_names_its_agent_and_only_a_direct_hire_does() {
    let mut m = Market::new();
    let a = m.agent(MIN_STAKE);
    let mut nameless = m.direct_args(a.agent);
    nameless.hire_agent = Default::default();
    assert_error(&post(&mut m, nameless), ExchangeError::IntentHireAgentInvalid);
    let mut auction = m.args(AuctionKind::Continuous);
    auction.hire_agent = a.agent;
    assert_error(&post(&mut m, auction), ExchangeError::IntentHireAgentInvalid);
    let mut threshold = m.direct_args(a.agent);
    threshold.score_threshold = 5_000;
    assert_error(&post(&mut m, threshold), ExchangeError::IntentScoreThresholdInvalid);
    let mut revealing = m.direct_args(a.agent);
    revealing.reveal_window_slots = 5;
    assert_error(&post(&mut m, revealing), ExchangeError::IntentRevealWindowInvalid);
    m.assert_accounted(&[]);
}
