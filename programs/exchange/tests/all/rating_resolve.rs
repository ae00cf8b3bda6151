//! `rating_resolve` on the built `.so`, in LiteSVM: the judge upholds or corrects a contested
//! rating; the loser's bond goes to the winner, to the lamport; a corrected rating replaces the
//! recorded one in the agent's reputation; an undecided reply lapses when the intent closes.
use agx_core::reputation::accountable_rating;
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::RatingReplyEnded;
use agx_sdk::exchange::state::ReplyState;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::Pubkey;
use agx_tests::market::Market;
use agx_tests::registry::TestAgent;
use agx_tests::{assert_error, Signer};

use crate::rating_contest::{rated, PROMISED, RATED};

/// A contested rating: `a` claims `claim` against [`RATED`].
fn contested(m: &mut Market, claim: u16) -> (Pubkey, TestAgent, TestAgent) {
    let (intent, a, b) = rated(m, RATED);
    m.contest(&a, intent, claim).unwrap();
    (intent, a, b)
}

#[test]
fn upheld_the_agents_bond_goes_to_the_requester_and_the_rating_stands() {
    let mut m = Market::new();
    let (intent, a, _) = contested(&mut m, 8_000);
    let before = m.r.agent(&a);
    let requester = m.requester.pubkey();
    let (requester_before, intent_before) = (m.r.svm.lamports(&requester), m.r.svm.lamports(&intent));
    let bond = m.intent_state(intent).reply_bond;
    let arbitrator = m.arbitrator.insecure_clone();
    let ix = xix::rating_resolve(arbitrator.pubkey(), intent, &m.intent_state(intent), RATED);
    let meta = m.r.svm.send_measured("exchange", "rating_resolve_upheld", &[ix], &[&arbitrator]).unwrap();
    assert_eq!(m.r.svm.lamports(&requester), requester_before + bond);
    assert_eq!(m.r.svm.lamports(&intent), intent_before - bond);
    let ev = &events::find::<RatingReplyEnded>(&meta.logs)[0];
    assert_eq!((ev.corrected, ev.bond, ev.bond_to, ev.judge), (false, bond, requester, arbitrator.pubkey()));
    let after = m.r.agent(&a);
    assert_eq!((after.rating_value_sum, after.reputation), (before.rating_value_sum, before.reputation));
    assert_eq!(m.intent_state(intent).reply_state, ReplyState::Decided.to_u8());
    assert_error(&m.resolve_reply(&arbitrator, intent, RATED), ExchangeError::ReplyNotContested);
}

#[test]
fn corrected_the_bond_goes_back_and_the_reputation_takes_the_new_rating() {
    let mut m = Market::new();
    let (intent, a, _) = contested(&mut m, 8_000);
    let state = m.intent_state(intent);
    let before = m.r.agent(&a);
    let authority = a.authority.pubkey();
    let authority_before = m.r.svm.lamports(&authority);
    let arbitrator = m.arbitrator.insecure_clone();
    let ix = xix::rating_resolve(arbitrator.pubkey(), intent, &state, 7_000);
    let meta = m.r.svm.send_measured("exchange", "rating_resolve_corrected", &[ix], &[&arbitrator]).unwrap();
    assert_eq!(m.r.svm.lamports(&authority), authority_before + state.reply_bond);
    let ev = &events::find::<RatingReplyEnded>(&meta.logs)[0];
    assert_eq!((ev.corrected, ev.rating_bps, ev.bond_to), (true, 7_000, authority));
    let after = m.r.agent(&a);
    let (old, new) =
        (accountable_rating(PROMISED, RATED).unwrap(), accountable_rating(PROMISED, 7_000).unwrap());
    let value = u128::from(state.rated_value);
    assert_eq!(
        after.rating_value_sum,
        before.rating_value_sum - u128::from(old) * value + u128::from(new) * value
    );
    assert!(after.reputation > before.reputation, "{} > {}", after.reputation, before.reputation);
}

#[test]
fn the_decision_lies_between_the_rating_and_the_claim_and_only_the_judge_makes_it() {
    let mut m = Market::new();
    let (intent, a, _) = contested(&mut m, 8_000);
    let arbitrator = m.arbitrator.insecure_clone();
    for rating in [RATED - 1, 8_001] {
        assert_error(&m.resolve_reply(&arbitrator, intent, rating), ExchangeError::ReplyRatingOutOfRange);
    }
    let stranger = m.r.svm.funded_keypair();
    assert_error(&m.resolve_reply(&stranger, intent, 8_000), ExchangeError::DisputeNotArbitrator);
    let own = a.authority.insecure_clone();
    assert_error(&m.resolve_reply(&own, intent, 8_000), ExchangeError::DisputeNotArbitrator);
    let mut ix = xix::rating_resolve(arbitrator.pubkey(), intent, &m.intent_state(intent), 8_000);
    agx_tests::EditAccounts::retarget(&mut ix, m.requester.pubkey(), a.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&arbitrator]), ExchangeError::RequesterMismatch);
}

/// The intent's evaluator judges the reply in its window, the arbitrator after it.
#[test]
fn the_evaluator_judges_a_reply_first() {
    let mut m = Market::new();
    let evaluator = m.r.svm.funded_keypair();
    let mut args = m.args(AuctionKind::VickreySealed);
    args.evaluator = evaluator.pubkey();
    let (intent, a, _) = m.awarded_from(args);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    m.accept(intent, paid_to, RATED).unwrap();
    m.contest(&a, intent, 8_000).unwrap();
    let state = m.intent_state(intent);
    assert_eq!(state.reply_end_slot, state.contest_slot + 2 * m.settings.reply_window_slots, "two windows");
    let arbitrator = m.arbitrator.insecure_clone();
    assert_error(&m.resolve_reply(&arbitrator, intent, 8_000), ExchangeError::JudgeNotEvaluator);
    m.resolve_reply(&evaluator, intent, 8_000).unwrap();
    assert_eq!(m.intent_state(intent).reply_state, ReplyState::Decided.to_u8());
}

/// Nobody decided in the judges' windows: the intent closes, the bond goes back to the agent
/// and the rating stands. Without the winner's authority the close is refused.
#[test]
fn an_undecided_reply_lapses_at_close_with_the_bond_back() {
    let mut m = Market::new();
    let (intent, a, b) = contested(&mut m, 8_000);
    let reputation = m.r.agent(&a).reputation;
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    let state = m.intent_state(intent);
    m.warp_to(state.reply_end_slot);
    let keeper = m.keeper.insecure_clone();
    let bare = xix::intent_close(keeper.pubkey(), intent, state.requester);
    assert_error(&m.r.svm.send(&[bare], &[&keeper]), ExchangeError::ReplyBondRecipientMissing);
    let authority_before = m.r.svm.lamports(&a.authority.pubkey());
    let meta = m.close_intent(intent).unwrap();
    assert_eq!(m.r.svm.lamports(&a.authority.pubkey()), authority_before + state.reply_bond);
    let ev = &events::find::<RatingReplyEnded>(&meta.logs)[0];
    assert_eq!((ev.corrected, ev.judge, ev.bond), (false, Pubkey::default(), state.reply_bond));
    assert_eq!(m.r.agent(&a).reputation, reputation);
}
