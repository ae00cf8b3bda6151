//! `bid_close` on the built `.so`, in LiteSVM: bonds back to revealed bids, forfeited to the
//! requester by unrevealed ones, rent always back to the bidder.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BidClosed;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, BOND, MIN_STAKE};
use agx_tests::{assert_error, EditAccounts, Signer};

#[test]
fn bonds_follow_the_reveal() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let winner = m.agent(MIN_STAKE);
    let loser = m.agent(MIN_STAKE);
    let silent = m.agent(MIN_STAKE);
    let (ow, ol) = (opening(100, 9_000, 1), opening(900_000, 1_000, 90));
    m.commit(&winner, intent, &ow).unwrap();
    m.commit(&loser, intent, &ol).unwrap();
    m.commit(&silent, intent, &opening(5, 5, 5)).unwrap();
    m.to_reveal(intent);
    m.reveal(&winner, intent, &ow).unwrap();
    m.reveal(&loser, intent, &ol).unwrap();
    let caller = m.keeper.insecure_clone();
    let requester = m.requester.pubkey();
    let close = |a: &agx_tests::registry::TestAgent| {
        xix::bid_close(caller.pubkey(), intent, a.agent, 0, a.authority.pubkey(), requester)
    };
    assert_error(&m.r.svm.send(&[close(&loser)], &[&caller]), ExchangeError::BidCloseTooEarly);
    m.to_settle(intent);
    // Before settlement revealed bids stay (settlement may need them); the silent one may go.
    assert_error(&m.r.svm.send(&[close(&loser)], &[&caller]), ExchangeError::BidCloseTooEarly);
    let (silent_bid, silent_lamports) = (
        pda::bid(&silent.authority.pubkey(), &intent, &silent.agent, 0),
        m.r.svm.lamports(&pda::bid(&silent.authority.pubkey(), &intent, &silent.agent, 0)),
    );
    let (requester_before, silent_before) =
        (m.r.svm.lamports(&requester), m.r.svm.lamports(&silent.authority.pubkey()));
    let meta = m.r.svm.send_measured("exchange", "bid_close", &[close(&silent)], &[&caller]).unwrap();
    assert_eq!(m.r.svm.lamports(&requester), requester_before + BOND, "unrevealed bond to the requester");
    assert_eq!(
        m.r.svm.lamports(&silent.authority.pubkey()),
        silent_before + silent_lamports - BOND,
        "rent to the bidder"
    );
    assert!(m.r.svm.account(&silent_bid).is_none());
    assert_eq!(events::find::<BidClosed>(&meta.logs)[0].bond_forfeited, BOND);

    m.settle(intent, winner.agent).unwrap();
    assert_error(&m.r.svm.send(&[close(&winner)], &[&caller]), ExchangeError::BidIsWinner);
    // The loser is the next on the board: a failover would promote it, so it stays until the
    // result is in.
    assert_error(&m.r.svm.send(&[close(&loser)], &[&caller]), ExchangeError::BidIsFailoverCandidate);
    m.submit(&winner, intent, 10_000).unwrap();
    let loser_bid = pda::bid(&loser.authority.pubkey(), &intent, &loser.agent, 0);
    let (loser_lamports, loser_before) =
        (m.r.svm.lamports(&loser_bid), m.r.svm.lamports(&loser.authority.pubkey()));
    m.r.svm.send(&[close(&loser)], &[&caller]).unwrap();
    assert_eq!(
        m.r.svm.lamports(&loser.authority.pubkey()),
        loser_before + loser_lamports,
        "revealed: bond and rent back"
    );
    // A closed bid cannot be closed (or used) again.
    assert!(m.r.svm.send(&[close(&loser)], &[&caller]).is_err());
}

#[test]
fn lamports_go_only_to_the_recorded_parties() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    m.commit(&a, intent, &opening(5, 5, 5)).unwrap();
    m.to_settle(intent);
    let thief = m.keeper.insecure_clone();
    // The builder names the bid of the bidder it is given: the real bid is passed instead.
    let mut ix = xix::bid_close(thief.pubkey(), intent, a.agent, 0, thief.pubkey(), m.requester.pubkey());
    ix.retarget(
        pda::bid(&thief.pubkey(), &intent, &a.agent, 0),
        pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0),
    );
    assert_error(&m.r.svm.send(&[ix], &[&thief]), ExchangeError::BidNotBidder);
    let ix = xix::bid_close(thief.pubkey(), intent, a.agent, 0, a.authority.pubkey(), thief.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&thief]), ExchangeError::RequesterMismatch);
}

/// Found by the random sequences (`scenario_random`): a candidate's bid closed while the winner
/// held the job, then the winner went silent and the failover promoted that candidate, whose
/// bid no longer existed: the job could neither be delivered nor failed over again, and its
/// escrow stayed locked. A candidate's bid now stays open while the job is held, and the one
/// promoted delivers.
#[test]
fn a_failover_candidates_bid_stays_open_while_the_job_is_held() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let (winner, second, third) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let bids = [
        (&winner, opening(300_000, 9_000, 20)),
        (&second, opening(400_000, 9_000, 20)),
        (&third, opening(500_000, 9_000, 20)),
    ];
    m.commit_and_reveal(intent, &bids);
    m.to_settle(intent);
    m.settle(intent, winner.agent).unwrap();
    for candidate in [&second, &third] {
        assert_error(&m.close_bid(candidate, intent), ExchangeError::BidIsFailoverCandidate);
    }
    // The winner goes silent; the failover promotes the next candidate, whose bid is there.
    let award = m.intent_state(intent).award_slot;
    m.warp_to(award + agx_tests::registry::HEARTBEAT_TIMEOUT + 1);
    m.heartbeat(&second).unwrap();
    m.heartbeat(&third).unwrap();
    m.failover(intent).unwrap();
    let state = m.intent_state(intent);
    assert_eq!(
        (state.winner_agent, state.winner_bid),
        (second.agent, pda::bid(&second.authority.pubkey(), &intent, &second.agent, 0))
    );
    assert_error(&m.close_bid(&third, intent), ExchangeError::BidIsFailoverCandidate);
    m.submit(&second, intent, 10_000).unwrap();
    // With the result in, the remaining candidate's bid closes; the failed winner's too.
    m.close_bid(&third, intent).unwrap();
    let tokens = m.intent_state(intent).winner_tokens;
    m.accept(intent, tokens, 10_000).unwrap();
    for a in [&winner, &second] {
        m.close_bid(a, intent).unwrap();
    }
    m.close_intent(intent).unwrap();
    m.assert_accounted(&[intent]);
}
