//! `auction_settle` on the built `.so`, in LiteSVM.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{AuctionAwarded, AuctionExpired, BidDisqualified};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, MAX_PRICE, MIN_STAKE, REQUESTER_FUNDS, TIP};
use agx_tests::{assert_error, Signer};

#[test]
fn first_price_pays_the_ask_locks_stake_and_tips_the_keeper() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE * 2);
    let b = m.agent(MIN_STAKE);
    let (oa, ob) = (opening(300_000, 9_000, 10), opening(200_000, 5_000, 50));
    m.commit(&a, intent, &oa).unwrap();
    m.commit(&b, intent, &ob).unwrap();
    m.to_reveal(intent);
    m.reveal(&a, intent, &oa).unwrap();
    m.reveal(&b, intent, &ob).unwrap();
    assert_error(&m.settle(intent, a.agent), ExchangeError::AuctionNotClosed);
    m.to_settle(intent);
    let keeper_before = m.r.svm.lamports(&m.keeper.pubkey());
    let keeper = m.keeper.insecure_clone();
    let ix = m.settle_ix(intent, a.agent);
    let meta = m.r.svm.send_measured("exchange", "auction_settle", &[ix], &[&keeper]).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.status, i.winner_agent, i.payment), (IntentStatus::Awarded.to_u8(), a.agent, 300_000));
    assert_eq!(m.r.agent(&a).locked, MIN_STAKE);
    assert_eq!(
        m.r.svm.lamports(&keeper.pubkey()),
        keeper_before + TIP,
        "the keeper earns the tip (fee paid by the harness)"
    );
    assert_eq!(i.tip_pool, 4 * TIP, "one crank tip of the pool (3 + 2 failovers) is paid");
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::exchange::state::Intent::SPACE);
    assert_eq!(m.r.svm.lamports(&intent), rent + i.tip_pool, "the intent keeps its rent and the pool");
    assert_eq!(events::find::<AuctionAwarded>(&meta.logs)[0].payment, 300_000);
    assert_eq!(m.balance(&pda::escrow(&intent).0), MAX_PRICE, "the escrow is kept for the job");
    assert_error(&m.settle(intent, a.agent), ExchangeError::IntentNotOpen);
    m.assert_accounted(&[intent]);
    m.r.assert_accounted(&[&a, &b]);
}

#[test]
fn only_the_head_can_be_awarded() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let b = m.agent(MIN_STAKE);
    let (oa, ob) = (opening(100, 9_000, 1), opening(900_000, 1_000, 90));
    m.commit(&a, intent, &oa).unwrap();
    m.commit(&b, intent, &ob).unwrap();
    m.to_reveal(intent);
    m.reveal(&a, intent, &oa).unwrap();
    m.reveal(&b, intent, &ob).unwrap();
    m.to_settle(intent);
    assert_error(&m.settle(intent, b.agent), ExchangeError::AuctionWinnerMismatch);
    assert_error(&m.settle_expired(intent), ExchangeError::AuctionHasValidBids);
}

#[test]
fn no_valid_bid_expires_and_refunds_in_full() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let silent = m.agent(MIN_STAKE);
    m.commit(&silent, intent, &opening(1, 1, 1)).unwrap();
    m.to_settle(intent);
    let requester_lamports = m.r.svm.lamports(&m.requester.pubkey());
    let escrow_rent = m.r.svm.lamports(&pda::escrow(&intent).0);
    let keeper_before = m.r.svm.lamports(&m.keeper.pubkey());
    let meta = m.settle_expired(intent).unwrap();
    assert_eq!(m.intent_state(intent).status, IntentStatus::Expired.to_u8());
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
    assert!(m.r.svm.account(&pda::escrow(&intent).0).is_none(), "the empty escrow is closed");
    assert_eq!(m.r.svm.lamports(&m.requester.pubkey()), requester_lamports + escrow_rent);
    assert_eq!(m.r.svm.lamports(&m.keeper.pubkey()), keeper_before + TIP);
    assert_eq!(m.intent_state(intent).tip_pool, 4 * TIP, "one crank tip is paid");
    assert_eq!(events::find::<AuctionExpired>(&meta.logs)[0].refunded, MAX_PRICE);
    m.pay_accounts.retain(|a| *a != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn a_head_without_the_stake_anymore_is_skipped() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let flaky = m.agent(MIN_STAKE);
    let steady = m.agent(MIN_STAKE);
    let (of, os) = (opening(100, 9_000, 1), opening(500_000, 5_000, 50));
    m.commit(&flaky, intent, &of).unwrap();
    m.commit(&steady, intent, &os).unwrap();
    m.to_reveal(intent);
    m.reveal(&flaky, intent, &of).unwrap();
    m.reveal(&steady, intent, &os).unwrap();
    // The head starts unstaking after revealing: it no longer qualifies at settlement.
    m.r.svm.send(&[rix::stake_unstake_request(flaky.authority.pubkey(), 1)], &[&flaky.authority]).unwrap();
    m.to_settle(intent);
    let meta = m.settle(intent, flaky.agent).unwrap();
    assert_eq!(events::find::<BidDisqualified>(&meta.logs)[0].agent, flaky.agent);
    assert_eq!(m.intent_state(intent).status, IntentStatus::Open.to_u8());
    m.settle(intent, steady.agent).unwrap();
    let i = m.intent_state(intent);
    assert_eq!((i.status, i.winner_agent, i.payment), (IntentStatus::Awarded.to_u8(), steady.agent, 500_000));
}

#[test]
fn a_wrong_registry_program_is_refused() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(100, 9_000, 1);
    m.commit(&a, intent, &o).unwrap();
    m.to_reveal(intent);
    m.reveal(&a, intent, &o).unwrap();
    m.to_settle(intent);
    let keeper = m.keeper.insecure_clone();
    let mut ix = m.settle_ix(intent, a.agent);
    let at = ix.accounts.iter().position(|x| x.pubkey == agx_sdk::agent_registry::ID).unwrap();
    ix.accounts[at].pubkey = agx_tests::token::TOKEN;
    assert!(m.r.svm.send(&[ix], &[&keeper]).is_err(), "an arbitrary CPI target must be refused");
    // A substitute for the exchange authority cannot sign the stake lock.
    let mut ix = m.settle_ix(intent, a.agent);
    let at = ix.accounts.iter().position(|x| x.pubkey == pda::exchange_authority().0).unwrap();
    ix.accounts[at].pubkey = keeper.pubkey();
    assert!(m.r.svm.send(&[ix], &[&keeper]).is_err(), "the registry accepts only the exchange authority PDA");
    assert_eq!(m.r.agent(&a).locked, 0);
    assert_eq!(m.intent_state(intent).status, IntentStatus::Open.to_u8());
}

#[test]
fn an_expiry_refund_goes_only_to_the_requester() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    m.to_settle(intent);
    let thief = m.r.new_authority();
    let thief_tokens =
        agx_tests::token::create_account(&mut m.r.svm, m.pay.program, m.pay.mint, thief.authority.pubkey());
    m.pay_accounts.push(thief_tokens);
    let keeper = m.keeper.insecure_clone();
    // The thief's token account as the refund target.
    let ix = xix::auction_settle_expire(keeper.pubkey(), intent, m.requester.pubkey(), m.pay, thief_tokens);
    assert!(m.r.svm.send(&[ix], &[&keeper]).is_err());
    // The thief as the rent receiver.
    let ix = xix::auction_settle_expire(
        keeper.pubkey(),
        intent,
        thief.authority.pubkey(),
        m.pay,
        m.requester_tokens,
    );
    assert_error(&m.r.svm.send(&[ix], &[&keeper]), ExchangeError::RequesterMismatch);
    assert_eq!(m.balance(&thief_tokens), 0);
    m.assert_accounted(&[intent]);
}
