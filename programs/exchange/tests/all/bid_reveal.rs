//! `bid_reveal` on the built `.so`, in LiteSVM.
use agx_core::score::{score_bid, BidTerms, Weights};
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BidRevealed;
use agx_sdk::exchange::state::BidStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{opening, Market, MAX_LATENCY, MAX_PRICE, MIN_STAKE};
use agx_tests::{assert_error, EditAccounts, Signer};

#[test]
fn scores_with_core_and_ranks() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(250_000, 8_000, 10);
    m.commit(&a, intent, &o).unwrap();
    m.to_reveal(intent);
    let ix = xix::bid_reveal(a.authority.pubkey(), intent, a.agent, 0, o);
    let meta = m.r.svm.send_measured("exchange", "bid_reveal", &[ix], &[&a.authority]).unwrap();
    let limits = agx_core::score::Limits { max_price: MAX_PRICE, max_latency: MAX_LATENCY };
    let expected = score_bid(
        &Weights::DEFAULT,
        &limits,
        &BidTerms { price: 250_000, quality_bps: 8_000, latency: 10 },
        0,
    )
    .unwrap();
    // A newcomer's reputation is 0 (no paid work yet).
    assert_eq!(expected, 7_250);
    let bid = m.bid_state(intent, &a);
    assert_eq!(
        (bid.status, bid.score, bid.price, bid.reputation),
        (BidStatus::Revealed.to_u8(), expected, 250_000, 0)
    );
    let i = m.intent_state(intent);
    assert_eq!(
        (i.leaderboard_len, i.leaderboard[0].agent, i.leaderboard[0].score, i.reveal_count),
        (1, a.agent, expected, 1)
    );
    let ev = &events::find::<BidRevealed>(&meta.logs)[0];
    assert_eq!((ev.score, ev.rank), (expected, Some(0)));
}

#[test]
fn a_changed_opening_does_not_match_the_commitment() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(250_000, 8_000, 10);
    m.commit(&a, intent, &o).unwrap();
    m.to_reveal(intent);
    for changed in [
        agx_sdk::exchange::BidOpening { price: 249_999, ..o },
        agx_sdk::exchange::BidOpening { quality_bps: 8_001, ..o },
        agx_sdk::exchange::BidOpening { latency: 9, ..o },
        agx_sdk::exchange::BidOpening { salt: [0; 32], ..o },
        agx_sdk::exchange::BidOpening { plan_hash: [0; 32], ..o },
    ] {
        assert_error(&m.reveal(&a, intent, &changed), ExchangeError::BidCommitmentMismatch);
    }
    assert_eq!(m.intent_state(intent).leaderboard_len, 0);
    m.reveal(&a, intent, &o).unwrap();
    assert_error(&m.reveal(&a, intent, &o), ExchangeError::BidAlreadyRevealed);
}

#[test]
fn only_during_the_reveal_window() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(1, 1, 1);
    m.commit(&a, intent, &o).unwrap();
    assert_error(&m.reveal(&a, intent, &o), ExchangeError::BidRevealWindowNotOpen);
    m.to_settle(intent);
    assert_error(&m.reveal(&a, intent, &o), ExchangeError::BidRevealWindowNotOpen);
    assert!(m.bid_state(intent, &a).is(BidStatus::Committed));
}

#[test]
fn a_reveal_that_breaks_a_limit_fails_with_its_rule() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let cases = [
        (opening(MAX_PRICE + 1, 1, 1), ExchangeError::BidPriceAboveMax),
        (opening(1, 1, MAX_LATENCY + 1), ExchangeError::BidLatencyAboveMax),
        (opening(1, 10_001, 1), ExchangeError::BidQualityOutOfRange),
    ];
    let mut bidders = Vec::new();
    for (o, _) in &cases {
        let a = m.agent(MIN_STAKE);
        m.commit(&a, intent, o).unwrap();
        bidders.push(a);
    }
    m.to_reveal(intent);
    for ((o, err), a) in cases.iter().zip(&bidders) {
        assert_error(&m.reveal(a, intent, o), *err);
    }
    assert_eq!(m.intent_state(intent).reveal_count, 0);
}

#[test]
fn only_the_bidder_reveals() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let b = m.agent(MIN_STAKE);
    let o = opening(1, 1, 1);
    m.commit(&a, intent, &o).unwrap();
    m.to_reveal(intent);
    // The builder names the bid of the bidder it is given: `a`'s bid is passed instead.
    let mut ix = xix::bid_reveal(b.authority.pubkey(), intent, a.agent, 0, o);
    let bid = |who: &agx_tests::registry::TestAgent| {
        agx_sdk::pda::bid(&who.authority.pubkey(), &intent, &a.agent, 0)
    };
    ix.retarget(bid(&b), bid(&a));
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::BidNotBidder);
}

/// The tie-break seed comes from the real `SlotHashes` sysvar only: a substitute account is
/// refused, and an empty sysvar (never the case on a cluster) leaves no seed to fix.
#[test]
fn the_tiebreak_seed_is_read_from_the_slot_hashes_sysvar_only() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(250_000, 8_000, 10);
    m.commit(&a, intent, &o).unwrap();
    m.to_reveal(intent);
    let mut ix = xix::bid_reveal(a.authority.pubkey(), intent, a.agent, 0, o);
    let fake = m.r.svm.funded_keypair().pubkey();
    *ix.accounts.last_mut().unwrap() =
        anchor_lang::solana_program::instruction::AccountMeta::new_readonly(fake, false);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), agx_tests::anchor_codes::CONSTRAINT_ADDRESS);
    let mut empty = m.r.svm.account(&agx_sdk::exchange::SLOT_HASHES_SYSVAR).unwrap();
    empty.data = vec![0; 8];
    m.r.svm.svm.set_account(agx_sdk::exchange::SLOT_HASHES_SYSVAR, empty).unwrap();
    assert_error(&m.reveal(&a, intent, &o), ExchangeError::BidTiebreakSeedUnavailable);
    assert_eq!(m.intent_state(intent).tiebreak_seeded, 0);
}
