//! `bid_place` (continuous auctions) on the built `.so`, in LiteSVM.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::AuctionAwarded;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::{assert_error, Signer};

#[test]
fn bids_in_the_clear_are_ranked() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    let b = m.agent(MIN_STAKE);
    let ix = xix::bid_place(a.authority.pubkey(), intent, a.agent, 0, opening(600_000, 5_000, 50));
    m.r.svm.send_measured("exchange", "bid_place", &[ix], &[&a.authority]).unwrap();
    m.place(&b, intent, &opening(100_000, 9_000, 5)).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.leaderboard_len, i.leaderboard[0].agent, i.leaderboard[1].agent), (2, b.agent, a.agent));
    assert_eq!(i.status, IntentStatus::Open.to_u8(), "no threshold: the auction runs to its deadline");
    m.assert_accounted(&[intent]);
}

/// Issue 28: as with `bid_commit`, the bidder may create its bid account in the same
/// transaction; the bid is ranked the same, and the account holds rent and bond.
#[test]
fn a_bid_account_the_bidder_created_is_taken() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    let b = m.agent(MIN_STAKE);
    let meta = m.place_with_account(&a, intent, &opening(600_000, 5_000, 50)).unwrap();
    agx_tests::cu::record("exchange", "bid_place_bidder_creates_bid", meta.compute_units_consumed);
    m.place(&b, intent, &opening(100_000, 9_000, 5)).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.leaderboard_len, i.leaderboard[0].agent, i.leaderboard[1].agent), (2, b.agent, a.agent));
    let bid = agx_sdk::pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0);
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::accounts::Bid::SPACE);
    assert_eq!(m.r.svm.lamports(&bid), rent + i.bid_bond);
    assert_eq!(i.leaderboard[1].bid, bid);
    m.assert_accounted(&[intent]);
}

#[test]
fn the_first_bid_reaching_the_threshold_wins_at_once_and_locks_stake() {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::Continuous);
    args.score_threshold = 8_000;
    let intent = m.create(args).unwrap();
    let low = m.agent(MIN_STAKE);
    m.place(&low, intent, &opening(900_000, 5_000, 90)).unwrap();
    let winner = m.agent(MIN_STAKE * 3);
    let ix = xix::bid_place(winner.authority.pubkey(), intent, winner.agent, 0, opening(100_000, 9_500, 5));
    let meta = m.r.svm.send(&[ix], &[&winner.authority]).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.status, i.winner_agent, i.payment), (IntentStatus::Awarded.to_u8(), winner.agent, 100_000));
    assert_eq!(m.r.agent(&winner).locked, MIN_STAKE);
    let ev = &events::find::<AuctionAwarded>(&meta.logs)[0];
    assert_eq!((ev.payment, ev.stake_locked), (100_000, MIN_STAKE));
    // Nothing more is accepted.
    let late = m.agent(MIN_STAKE);
    assert_error(&m.place(&late, intent, &opening(1, 10_000, 1)), ExchangeError::IntentNotOpen);
    m.assert_accounted(&[intent]);
}

#[test]
fn only_for_continuous_auctions_within_the_window() {
    let mut m = Market::new();
    let sealed = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    assert_error(&m.place(&a, sealed, &opening(1, 1, 1)), ExchangeError::BidWrongAuctionKind);
    let intent = m.intent(AuctionKind::Continuous);
    m.to_reveal(intent);
    assert_error(&m.place(&a, intent, &opening(1, 1, 1)), ExchangeError::BidWindowClosed);
}

#[test]
fn limits_and_eligibility_apply() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    assert_error(&m.place(&a, intent, &opening(2_000_000, 1, 1)), ExchangeError::BidPriceAboveMax);
    let poor = m.agent(1);
    assert_error(&m.place(&poor, intent, &opening(1, 1, 1)), ExchangeError::BidStakeTooLow);
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

#[test]
fn the_bid_names_the_intents_current_round() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    // Round 1 while the intent is in round 0: refused, nothing opened.
    let ix = xix::bid_place(a.authority.pubkey(), intent, a.agent, 1, opening(500_000, 8_000, 10));
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::BidRoundMismatch);
    assert_eq!((m.intent_state(intent).bid_count, m.r.agent(&a).open_bids), (0, 0));
    m.place(&a, intent, &opening(500_000, 8_000, 10)).unwrap();
}
