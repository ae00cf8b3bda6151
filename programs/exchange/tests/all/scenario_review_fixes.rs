//! Regression scenarios for the outside review of the auctions (issue: security fixes): each
//! fails on the code before the fix and passes after. Every token and bond is accounted for.
use agent_registry::error::RegistryError;
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{AuctionAwarded, BidDisqualified};
use agx_sdk::exchange::state::{BidStatus, IntentStatus, DEFAULT_RERANK_WINDOW_SLOTS, LEADERBOARD_LEN};
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::{exchange as xix, registry as rix};
use agx_sdk::pda;
use agx_tests::market::{opening, Market, BOND, MAX_LATENCY, MAX_PRICE, MIN_STAKE, TIP};
use agx_tests::registry::{TestAgent, COOLDOWN};
use agx_tests::{assert_error, Signer};

fn close_agent(m: &mut Market, a: &TestAgent) -> agx_tests::TxResult {
    let ix = rix::agent_close(a.authority.pubkey(), m.r.svm.payer.pubkey(), m.r.stake, None);
    m.r.svm.send(&[ix], &[&a.authority])
}

/// Closes `a`'s disqualified bid: its bond goes to the requester.
fn close_forfeiting(m: &mut Market, a: &TestAgent, intent: agx_sdk::Pubkey) {
    let before = m.r.svm.lamports(&m.requester.pubkey());
    m.close_bid(a, intent).unwrap();
    assert_eq!(m.r.svm.lamports(&m.requester.pubkey()), before + BOND, "the bond goes to the requester");
}

/// Review finding 1: an agent that heads an intent closes its registry account. The fix then
/// counted every bid in the registry so that the agent could not close; since issue 28 bids are
/// not counted there (a registry CPI on every bid and close), and the finding stays fixed the
/// other way: nothing waits on the vanished agent. Settlement drops it, the runner-up wins, its
/// bid closes with the bond forfeited, and every atom is accounted for.
#[test]
fn an_agent_that_closes_under_its_leading_bid_is_dropped_and_freezes_nothing() {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::FirstPriceSealed);
    args.min_stake = 0;
    let intent = m.create(args).unwrap();
    let bare = m.r.register_agent(0b1011);
    let honest = m.agent(MIN_STAKE);
    let (ob, oh) = (opening(1, 10_000, 1), opening(500_000, 5_000, 50));
    m.commit(&bare, intent, &ob).unwrap();
    m.commit(&honest, intent, &oh).unwrap();
    m.to_reveal(intent);
    m.reveal(&bare, intent, &ob).unwrap();
    m.reveal(&honest, intent, &oh).unwrap();
    assert_eq!(m.r.agent(&bare).open_bids, 0, "a bid is not counted in the registry");
    close_agent(&mut m, &bare).unwrap();
    assert!(m.r.svm.account(&bare.agent).is_none(), "the head's agent is gone");

    m.to_settle(intent);
    let meta = m.settle(intent, bare.agent).unwrap();
    let ev = &events::find::<BidDisqualified>(&meta.logs)[0];
    assert_eq!((ev.agent, ev.agent_gone, ev.position), (bare.agent, true, 0));
    m.settle(intent, honest.agent).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.status, i.winner_agent), (IntentStatus::Awarded.to_u8(), honest.agent));
    // Its bid still closes; the bond is forfeited.
    close_forfeiting(&mut m, &bare, intent);
    m.assert_accounted(&[intent]);
}

/// An agent that unstakes, withdraws and closes under a live bid in the clear: settlement drops
/// the vanished head and the intent expires with a full refund; the bid's bond is forfeited.
#[test]
fn an_agent_that_unstakes_withdraws_and_closes_under_a_live_bid_is_dropped() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    m.place(&a, intent, &opening(1, 10_000, 1)).unwrap();
    m.r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), MIN_STAKE)], &[&a.authority]).unwrap();
    m.r.warp(COOLDOWN);
    m.r.svm.send(&[rix::stake_withdraw(a.authority.pubkey(), a.tokens, m.r.stake)], &[&a.authority]).unwrap();
    close_agent(&mut m, &a).unwrap();
    let meta = m.settle(intent, a.agent).unwrap();
    assert!(events::find::<BidDisqualified>(&meta.logs)[0].agent_gone);
    m.settle_expired(intent).unwrap();
    assert!(m.bid_state(intent, &a).is(BidStatus::Disqualified));
    close_forfeiting(&mut m, &a, intent);
    m.assert_accounted(&[intent]);
}

/// Review finding 4: sybils push the honest bid off the board, then drop out.
#[test]
fn sybils_that_drop_out_forfeit_their_bonds_and_the_honest_bid_off_the_board_still_wins() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let sybils: Vec<TestAgent> = (0..LEADERBOARD_LEN).map(|_| m.agent(MIN_STAKE)).collect();
    let honest = m.agent(MIN_STAKE);
    let (os, oh) = (opening(1, 10_000, 1), opening(600_000, 6_000, 40));
    for s in &sybils {
        m.commit(s, intent, &os).unwrap();
    }
    m.commit(&honest, intent, &oh).unwrap();
    m.to_reveal(intent);
    for s in &sybils {
        m.reveal(s, intent, &os).unwrap();
    }
    m.reveal(&honest, intent, &oh).unwrap();
    let i = m.intent_state(intent);
    assert!(
        !i.is_ranked(&pda::bid(&honest.authority.pubkey(), &intent, &honest.agent, 0)),
        "pushed off the board"
    );
    assert_eq!(i.off_board, 1);
    for s in &sybils {
        m.r.svm.send(&[rix::agent_deactivate(s.authority.pubkey())], &[&s.authority]).unwrap();
    }
    m.to_settle(intent);
    let head = |m: &Market| m.intent_state(intent).ranked()[0].agent;
    let meta = m.settle(intent, head(&m)).unwrap();
    let window_end = events::find::<BidDisqualified>(&meta.logs)[0].rerank_end_slot;
    assert_eq!(window_end, m.r.slot() + DEFAULT_RERANK_WINDOW_SLOTS);
    for _ in 1..sybils.len() {
        m.settle(intent, head(&m)).unwrap();
    }
    // The board is empty, but a valid bid waits off it: no expiry inside the window.
    assert_error(&m.settle_expired(intent), ExchangeError::AuctionRerankWindowOpen);
    m.rerank(&honest, intent).unwrap();
    assert_error(&m.rerank(&honest, intent), ExchangeError::BidAlreadyOnBoard);
    assert_error(&m.settle(intent, honest.agent), ExchangeError::AuctionRerankWindowOpen);
    m.warp_to(window_end);
    let meta = m.settle(intent, honest.agent).unwrap();
    assert_eq!(events::find::<AuctionAwarded>(&meta.logs)[0].agent, honest.agent);
    assert_eq!(m.intent_state(intent).payment, 600_000);
    // Each sybil forfeits its bond to the requester and carries a recorded failure.
    for s in &sybils {
        assert_eq!(m.r.agent(s).failed, 1);
        close_forfeiting(&mut m, s, intent);
    }
    m.assert_accounted(&[intent]);
}

/// Review finding 5: a throwaway runner-up sets a lone Vickrey winner's price.
#[test]
fn the_price_setting_runner_up_is_locked_as_standby() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let winner = m.agent(MIN_STAKE);
    let shill = m.agent(MIN_STAKE);
    let (ow, os) = (opening(200_000, 8_000, 10), opening(MAX_PRICE, 0, MAX_LATENCY));
    m.commit_and_reveal(intent, &[(&winner, ow), (&shill, os)]);
    m.to_settle(intent);
    let (ix, keeper) = (m.settle_ix(intent, winner.agent), m.keeper.insecure_clone());
    let meta = m.r.svm.send_measured("exchange", "auction_settle_with_standby", &[ix], &[&keeper]).unwrap();
    let i = m.intent_state(intent);
    assert_eq!(
        (i.standby_agent, i.standby_bid),
        (shill.agent, pda::bid(&shill.authority.pubkey(), &intent, &shill.agent, 0))
    );
    assert_eq!(events::find::<AuctionAwarded>(&meta.logs)[0].standby_agent, Some(shill.agent));
    assert_eq!((m.r.agent(&winner).locked, m.r.agent(&shill).locked), (MIN_STAKE, MIN_STAKE));
    // The shill's stake and bond stay at risk while the job runs.
    assert_error(&m.close_bid(&shill, intent), ExchangeError::BidIsStandby);
    let ix = rix::stake_unstake_request(shill.authority.pubkey(), 1);
    assert_error(&m.r.svm.send(&[ix], &[&shill.authority]), RegistryError::StakeInsufficientFree);
}

#[test]
fn a_runner_up_without_the_stake_is_dropped_and_the_lone_winner_is_paid_its_ask() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let winner = m.agent(MIN_STAKE);
    let shill = m.agent(MIN_STAKE);
    let (ow, os) = (opening(200_000, 8_000, 10), opening(MAX_PRICE, 0, MAX_LATENCY));
    m.commit_and_reveal(intent, &[(&winner, ow), (&shill, os)]);
    m.r.svm.send(&[rix::stake_unstake_request(shill.authority.pubkey(), 1)], &[&shill.authority]).unwrap();
    m.to_settle(intent);
    let keeper = m.keeper.insecure_clone();
    // Without the runner-up's accounts, a Vickrey award is refused.
    let ix = xix::auction_settle(keeper.pubkey(), intent, m.intent_state(intent).ranked().first(), None);
    assert_error(&m.r.svm.send(&[ix], &[&keeper]), ExchangeError::AuctionRunnerUpMismatch);
    let meta = m.settle(intent, winner.agent).unwrap();
    let ev = &events::find::<BidDisqualified>(&meta.logs)[0];
    assert_eq!((ev.agent, ev.position), (shill.agent, 1));
    m.settle(intent, winner.agent).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.winner_agent, i.payment, i.standby_agent), (winner.agent, 200_000, Default::default()));
    close_forfeiting(&mut m, &shill, intent);
    m.assert_accounted(&[intent]);
}

/// Review finding 7: an expired intent kept its rent for good.
#[test]
fn an_expired_intent_closes_once_its_bids_are_closed() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let silent = m.agent(MIN_STAKE);
    m.commit(&silent, intent, &opening(1, 1, 1)).unwrap();
    let requester = m.requester.pubkey();
    assert_error(&m.close_intent(intent), ExchangeError::IntentNotClosable);
    m.to_settle(intent);
    m.settle_expired(intent).unwrap();
    assert_error(&m.close_intent(intent), ExchangeError::IntentHasOpenBids);
    m.close_bid(&silent, intent).unwrap();
    let keeper = m.keeper.insecure_clone();
    let thief = keeper.pubkey();
    let ix = xix::intent_close(keeper.pubkey(), intent, thief);
    assert_error(&m.r.svm.send(&[ix], &[&keeper]), ExchangeError::RequesterMismatch);
    let (held, before, keeper_before) =
        (m.r.svm.lamports(&intent), m.r.svm.lamports(&requester), m.r.svm.lamports(&keeper.pubkey()));
    let ix = xix::intent_close(keeper.pubkey(), intent, requester);
    let meta = m.r.svm.send_measured("exchange", "intent_close", &[ix], &[&keeper]).unwrap();
    assert!(m.r.svm.account(&intent).is_none());
    // Settle and close were paid from the pool; the requester gets the rent and the rest.
    assert_eq!(m.r.svm.lamports(&keeper.pubkey()), keeper_before + TIP, "the closing crank is paid");
    assert_eq!(m.r.svm.lamports(&requester), before + held - TIP);
    let ev = &events::find::<agx_sdk::exchange::events::IntentClosed>(&meta.logs)[0];
    assert_eq!((ev.status, ev.lamports, ev.tip), (IntentStatus::Expired, held - TIP, TIP), "how it ended");
    // The silent agent is free to leave now that its bid is closed.
    assert_eq!(m.r.agent(&silent).open_bids, 0);
}
