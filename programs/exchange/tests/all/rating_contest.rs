//! `rating_contest` on the built `.so`, in LiteSVM: the agent's right of reply (issue 25). A
//! rating below the winner's promise opens a reply window; the winner contests it with a claim
//! and a bond; the intent cannot close while the reply is pending.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{RatingContested, RatingReplyOpened};
use agx_sdk::exchange::state::ReplyState;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::Pubkey;
use agx_tests::market::Market;
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

/// The winner of a Vickrey job promised 9,000 bps (`Market::awarded`).
pub const PROMISED: u16 = 9_000;
/// The requester's rating in these tests: below the promise.
pub const RATED: u16 = 4_000;

/// A job `a` delivered in full and the requester accepted at `rating`; `b` was the standby.
pub fn rated(m: &mut Market, rating: u16) -> (Pubkey, TestAgent, TestAgent) {
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    m.accept(intent, paid_to, rating).unwrap();
    (intent, a, b)
}

#[test]
fn a_rating_below_the_promise_opens_a_reply_and_one_at_it_does_not() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::VickreySealed);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    let ix = m.accept_ix(intent, paid_to, RATED);
    let requester = m.requester.insecure_clone();
    let meta =
        m.r.svm.send_measured("exchange", "result_accept_opening_reply", &[ix], &[&requester]).unwrap();
    let opened = &events::find::<RatingReplyOpened>(&meta.logs)[0];
    let state = m.intent_state(intent);
    assert_eq!((opened.rating_bps, opened.promised_bps), (RATED, PROMISED));
    assert_eq!(state.reply_state, ReplyState::Open.to_u8());
    assert_eq!(state.reply_end_slot, m.r.slot() + m.settings.reply_window_slots);
    assert_eq!(state.rated_value, state.payment, "a first job from this requester counts in full");

    let (at_promise, a2, _) = rated(&mut m, PROMISED);
    assert_eq!(m.intent_state(at_promise).reply_state, ReplyState::None.to_u8());
    assert_error(&m.contest(&a2, at_promise, PROMISED), ExchangeError::ReplyNotOpen);
}

#[test]
fn the_winner_contests_with_a_claim_and_a_bond() {
    let mut m = Market::new();
    let (intent, a, _) = rated(&mut m, RATED);
    let (authority_before, intent_before) =
        (m.r.svm.lamports(&a.authority.pubkey()), m.r.svm.lamports(&intent));
    let ix = xix::rating_contest(a.authority.pubkey(), intent, 8_500);
    let meta = m.r.svm.send_measured("exchange", "rating_contest", &[ix], &[&a.authority]).unwrap();
    let bond = m.settings.reply_bond;
    assert!(bond > 0);
    assert_eq!(m.r.svm.lamports(&a.authority.pubkey()), authority_before - bond);
    assert_eq!(m.r.svm.lamports(&intent), intent_before + bond);
    let state = m.intent_state(intent);
    assert_eq!(
        (state.reply_state, state.claimed_rating_bps, state.reply_bond),
        (ReplyState::Contested.to_u8(), 8_500, bond)
    );
    let ev = &events::find::<RatingContested>(&meta.logs)[0];
    assert_eq!((ev.rating_bps, ev.claimed_rating_bps, ev.bond), (RATED, 8_500, bond));
    assert_eq!(ev.decision_end_slot, m.r.slot() + m.settings.reply_window_slots, "the arbitrator's window");
    assert_error(&m.contest(&a, intent, 8_000), ExchangeError::ReplyNotOpen);
}

#[test]
fn the_claim_lies_above_the_rating_and_at_most_the_promise() {
    let mut m = Market::new();
    let (intent, a, _) = rated(&mut m, RATED);
    for claim in [RATED, RATED - 1, PROMISED + 1] {
        assert_error(&m.contest(&a, intent, claim), ExchangeError::ReplyClaimInvalid);
    }
    m.contest(&a, intent, PROMISED).unwrap();
}

#[test]
fn only_the_winner_replies_and_only_in_its_window() {
    let mut m = Market::new();
    let (intent, a, b) = rated(&mut m, RATED);
    let mut ix = xix::rating_contest(b.authority.pubkey(), intent, 8_000);
    assert_error(&m.r.svm.send(&[ix.clone()], &[&b.authority]), ExchangeError::ReplyNotWinner);
    ix = xix::rating_contest(a.authority.pubkey(), intent, 8_000);
    ix.unsign(a.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let mut ix = xix::rating_contest(a.authority.pubkey(), intent, 8_000);
    let fake = m.r.svm.plant_copy(&agx_sdk::pda::exchange_config().0);
    ix.retarget(agx_sdk::pda::exchange_config().0, fake);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::ConfigAccountInvalid);
    m.warp_to(m.intent_state(intent).reply_end_slot);
    assert_error(&m.contest(&a, intent, 8_000), ExchangeError::ReplyWindowClosed);
}

#[test]
fn with_no_judge_there_is_no_reply() {
    let mut m = Market::new();
    let (intent, a, _) = rated(&mut m, RATED);
    m.update_settings(|s| s.arbitrator = Pubkey::default()).unwrap();
    assert_error(&m.contest(&a, intent, 8_000), ExchangeError::ReplyNoJudge);
}

/// The intent stays open while the agent may reply and while a reply may be decided; the keeper
/// schedules its close for the end of the reply.
#[test]
fn the_intent_cannot_close_while_a_reply_is_pending() {
    let mut m = Market::new();
    let (intent, a, b) = rated(&mut m, RATED);
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    assert_error(&m.close_intent(intent), ExchangeError::IntentReplyPending);
    let state = m.intent_state(intent);
    assert_eq!(state.timeline().reply_end, state.reply_end_slot, "the keeper waits for it");
    m.contest(&a, intent, 8_000).unwrap();
    assert_error(&m.close_intent(intent), ExchangeError::IntentReplyPending);
}

/// An agent never contested: the reply window passes and the intent closes as usual.
#[test]
fn an_uncontested_rating_stands_and_the_intent_closes_after_the_window() {
    let mut m = Market::new();
    let (intent, a, b) = rated(&mut m, RATED);
    let reputation = m.r.agent(&a).reputation;
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    m.warp_to(m.intent_state(intent).reply_end_slot);
    m.close_intent(intent).unwrap();
    assert!(m.r.svm.account(&intent).is_none());
    assert_eq!(m.r.agent(&a).reputation, reputation);
}

/// Type cosplay and closed-account revival: another account in the intent's place is refused by
/// its discriminator, and a closed intent cannot be replied to.
#[test]
fn only_a_live_intent_takes_a_reply() {
    let mut m = Market::new();
    let (intent, a, b) = rated(&mut m, RATED);
    let mut ix = xix::rating_contest(a.authority.pubkey(), intent, 8_000);
    ix.retarget(intent, agx_sdk::pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0));
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    m.warp_to(m.intent_state(intent).reply_end_slot);
    m.close_intent(intent).unwrap();
    // Closed: the address holds nothing the exchange owns.
    assert_error(&m.contest(&a, intent, 8_000), anchor_codes::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
}
