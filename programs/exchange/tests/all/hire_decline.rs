//! `hire_decline` on the built `.so`, in LiteSVM: the named agent turns a direct hire down, the
//! window ends at once, and the requester cancels or a keeper expires it; a failed hire is
//! re-auctioned in the clear.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::HireDeclined;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{opening, Market, MIN_STAKE, REQUESTER_FUNDS};
use agx_tests::{assert_error, Signer};

#[test]
fn the_named_agent_declines_and_the_requester_has_its_escrow_back_at_once() {
    let mut m = Market::new();
    let (a, other) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let args = m.direct_args(a.agent);
    let intent = m.create(args).unwrap();
    let stranger = xix::hire_decline(other.authority.pubkey(), intent, other.agent);
    assert_error(&m.r.svm.send(&[stranger], &[&other.authority]), ExchangeError::HireNotOffered);
    let forged = xix::hire_decline(other.authority.pubkey(), intent, a.agent);
    assert_error(&m.r.svm.send(&[forged], &[&other.authority]), ExchangeError::BidNotBidder);
    let ix = xix::hire_decline(a.authority.pubkey(), intent, a.agent);
    let meta = m.r.svm.send_measured("exchange", "hire_decline", &[ix], &[&a.authority]).unwrap();
    assert_eq!(events::find::<HireDeclined>(&meta.logs).remove(0).agent, a.agent);
    // The window is over: no accepting after declining, and the keeper may expire it now.
    let late = m.hire_accept_ix(&a, intent, 9_000, 10);
    assert_error(&m.r.svm.send(&[late], &[&a.authority]), ExchangeError::BidWindowClosed);
    m.settle_expired(intent).unwrap();
    assert_eq!(m.intent_state(intent).status().unwrap(), IntentStatus::Expired);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
    m.assert_accounted(&[intent]);
}

#[test]
fn a_hire_whose_agent_goes_silent_is_reauctioned_in_the_clear() {
    let mut m = Market::new();
    let (a, b) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let args = m.direct_args(a.agent);
    let intent = m.create(args).unwrap();
    let ix = m.hire_accept_ix(&a, intent, 9_000, 10);
    m.r.svm.send(&[ix], &[&a.authority]).unwrap();
    // No runner-up: the failover reopens the job as a continuous auction, a cut off.
    let deadline = m.intent_state(intent).execution_deadline_slot;
    m.warp_to(deadline);
    m.failover(intent).unwrap();
    let state = m.intent_state(intent);
    assert_eq!(
        (state.status().unwrap(), state.kind().unwrap(), state.round),
        (IntentStatus::Open, AuctionKind::Continuous, 1)
    );
    assert!(m.r.agent(&a).locked == 0 && state.is_excluded(&a.agent));
    assert_error(&m.place(&a, intent, &opening(500_000, 9_000, 10)), ExchangeError::BidAgentCutOff);
    m.place(&b, intent, &opening(500_000, 9_000, 10)).unwrap();
    m.to_settle(intent);
    m.settle(intent, b.agent).unwrap();
    m.submit(&b, intent, 10_000).unwrap();
    let paid_to = m.intent_state(intent).winner_tokens;
    m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!(m.balance(&paid_to), 500_000);
    m.assert_accounted(&[intent]);
}
