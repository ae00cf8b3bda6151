//! `intent_cancel` on the built `.so`, in LiteSVM.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::IntentCancelled;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, MIN_STAKE, REQUESTER_FUNDS};
use agx_tests::{assert_error, Signer};

#[test]
fn refunds_everything_and_closes() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let requester = m.requester.insecure_clone();
    let lamports_before = m.r.svm.lamports(&requester.pubkey());
    let locked_lamports = m.r.svm.lamports(&intent) + m.r.svm.lamports(&pda::escrow(&intent).0);
    let ix = xix::intent_cancel(requester.pubkey(), intent, m.pay, m.requester_tokens);
    let meta = m.r.svm.send_measured("exchange", "intent_cancel", &[ix], &[&requester]).unwrap();
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
    assert!(m.r.svm.account(&intent).is_none() && m.r.svm.account(&pda::escrow(&intent).0).is_none());
    // Rent of both accounts and the tip come back (the harness payer paid the fee).
    assert_eq!(m.r.svm.lamports(&requester.pubkey()), lamports_before + locked_lamports);
    assert_eq!(events::find::<IntentCancelled>(&meta.logs)[0].refunded, agx_tests::market::MAX_PRICE);
    m.pay_accounts.retain(|a| *a != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn not_after_a_bid() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    m.commit(&a, intent, &opening(10, 10, 10)).unwrap();
    let requester = m.requester.insecure_clone();
    let ix = xix::intent_cancel(requester.pubkey(), intent, m.pay, m.requester_tokens);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::IntentHasBids);
    m.assert_accounted(&[intent]);
}

#[test]
fn only_the_requester_cancels() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let thief = m.r.new_authority();
    let tokens =
        agx_tests::token::create_account(&mut m.r.svm, m.pay.program, m.pay.mint, thief.authority.pubkey());
    let ix = xix::intent_cancel(thief.authority.pubkey(), intent, m.pay, tokens);
    assert_error(&m.r.svm.send(&[ix], &[&thief.authority]), ExchangeError::RequesterMismatch);
    m.assert_accounted(&[intent]);
}

#[test]
fn the_refund_goes_only_to_the_requesters_account_of_the_intents_mint() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let requester = m.requester.insecure_clone();
    // Another mint (and its token account) cannot stand in for the intent's.
    let other = agx_tests::token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let other_tokens =
        agx_tests::token::create_account(&mut m.r.svm, m.pay.program, other, requester.pubkey());
    let mut wrong = m.pay;
    wrong.mint = other;
    let ix = xix::intent_cancel(requester.pubkey(), intent, wrong, other_tokens);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::EscrowMintMismatch);
    // The other token program cannot stand in for the intent's.
    let mut wrong = m.pay;
    wrong.program = agx_tests::token::TOKEN_2022;
    let ix = xix::intent_cancel(requester.pubkey(), intent, wrong, m.requester_tokens);
    assert!(m.r.svm.send(&[ix], &[&requester]).is_err());
    // A token account of someone else is refused.
    let stranger = agx_tests::token::create_account(
        &mut m.r.svm,
        m.pay.program,
        m.pay.mint,
        agx_sdk::Pubkey::new_unique(),
    );
    let ix = xix::intent_cancel(requester.pubkey(), intent, m.pay, stranger);
    assert!(m.r.svm.send(&[ix], &[&requester]).is_err());
    m.assert_accounted(&[intent]);
}
