//! Delivering work and getting paid, on the built `.so` in LiteSVM: submit, accept with a
//! rating, partial fulfilment, optimistic finalize, and every account of the intent closed
//! afterwards with each token and lamport back where it belongs.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{JobCompleted, ResultSubmitted};
use agx_sdk::exchange::state::{IntentStatus, DEFAULT_DISPUTE_WINDOW_SLOTS, DEFAULT_NEUTRAL_RATING_BPS};
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, MAX_PRICE, MIN_STAKE, REQUESTER_FUNDS, TIP};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn submit_accept_with_rating_then_every_account_closes() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::FirstPriceSealed);
    let paid_to = m.pay_account(a.authority.pubkey());
    let foreign = m.pay_account(m.keeper.pubkey());
    let ix = xix::result_submit(a.authority.pubkey(), intent, foreign, [9; 32], "ipfs://r".into(), 10_000);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::PayoutAccountMismatch);
    let ix = xix::result_submit(a.authority.pubkey(), intent, paid_to, [9; 32], "ipfs://r".into(), 10_000);
    let meta = m.r.svm.send_measured("exchange", "result_submit", &[ix], &[&a.authority]).unwrap();
    assert_eq!(events::find::<ResultSubmitted>(&meta.logs)[0].fulfilled_bps, 10_000);
    let submitted = m.intent_state(intent);
    assert_eq!((submitted.status, submitted.winner_tokens), (IntentStatus::Submitted.to_u8(), paid_to));
    assert_eq!(
        submitted.refund_tokens, m.requester_tokens,
        "the funding account is the default refund account"
    );
    assert_error(&m.submit(&a, intent, 10_000), ExchangeError::ResultNotAwarded);

    let escrow_rent = m.r.svm.lamports(&pda::escrow(&intent).0);
    let requester_before = m.r.svm.lamports(&m.requester.pubkey());
    let (ix, requester) = (m.accept_ix(intent, paid_to, 9_000), m.requester.insecure_clone());
    let meta = m.r.svm.send_measured("exchange", "result_accept", &[ix], &[&requester]).unwrap();
    let ev = &events::find::<JobCompleted>(&meta.logs)[0];
    assert_eq!(
        (ev.paid, ev.refunded, ev.rating_bps, ev.finalized),
        (300_000, MAX_PRICE - 300_000, 9_000, false)
    );
    assert_eq!(ev.reputation_rating_bps, 9_000, "promised 9,000, rated 9,000: the promise was kept");
    assert_eq!(m.balance(&paid_to), 300_000);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - 300_000);
    assert!(m.r.svm.account(&pda::escrow(&intent).0).is_none(), "the escrow is closed");
    assert_eq!(m.r.svm.lamports(&m.requester.pubkey()), requester_before + escrow_rent, "escrow rent back");
    let agent = m.r.agent(&a);
    assert_eq!((agent.locked, agent.completed, agent.value_completed), (0, 1, 300_000));
    assert!(agent.reputation > 0, "paid, rated work earns reputation");
    assert_eq!(m.intent_state(intent).status, IntentStatus::Completed.to_u8());
    // A second accept fails with its own error (the escrow is gone, too).
    assert_error(&m.accept(intent, paid_to, 9_000), ExchangeError::ResultNotSubmitted);

    // Nothing of the finished intent stays open; rent goes back to whoever paid it.
    assert_error(&m.close_intent(intent), ExchangeError::IntentHasOpenBids);
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    let held = m.r.svm.lamports(&intent);
    let before = m.r.svm.lamports(&m.requester.pubkey());
    m.close_intent(intent).unwrap();
    // Only settle and close were cranked; accepting pays no tip, so the rest of the pool returns.
    assert_eq!(m.r.svm.lamports(&m.requester.pubkey()), before + held - TIP);
    assert_eq!(
        held - m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::exchange::state::Intent::SPACE),
        4 * TIP
    );
    assert_eq!((m.r.agent(&a).open_bids, m.r.agent(&b).open_bids), (0, 0));
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
    m.r.assert_accounted(&[&a, &b]);
}

#[test]
fn partial_fulfilment_pays_pro_rata_and_releases_the_standby() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    let i = m.intent_state(intent);
    assert_eq!(i.standby_agent, b.agent);
    assert_eq!(m.r.agent(&b).locked, MIN_STAKE);
    let payment = i.payment;
    let paid_to = m.pay_account(a.authority.pubkey());
    m.submit(&a, intent, 6_000).unwrap();
    let meta = m.accept(intent, paid_to, 7_000).unwrap();
    // Promised 9,000, rated 7,000: the 2,000 shortfall counts once more in reputation.
    assert_eq!(events::find::<JobCompleted>(&meta.logs)[0].reputation_rating_bps, 5_000);
    assert_eq!(m.r.agent(&a).rating_value_sum, 5_000 * u128::from(payment * 6_000 / 10_000));
    let expected = payment * 6_000 / 10_000;
    assert_eq!(m.balance(&paid_to), expected);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - expected);
    assert_eq!((m.r.agent(&a).locked, m.r.agent(&b).locked), (0, 0), "winner and standby released");
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn an_unanswered_result_is_finalized_by_anyone_after_the_dispute_window() {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::Continuous);
    args.score_threshold = 5_000;
    let intent = m.create(args).unwrap();
    let a = m.agent(MIN_STAKE);
    m.place(&a, intent, &opening(100_000, 9_000, 5)).unwrap();
    assert_eq!(m.intent_state(intent).tip_pool, 5 * TIP, "an immediate award pays no settle crank");
    let paid_to = m.pay_account(a.authority.pubkey());
    m.submit(&a, intent, 10_000).unwrap();
    assert_error(&m.finalize(intent, paid_to), ExchangeError::FinalizeTooEarly);
    m.r.warp(DEFAULT_DISPUTE_WINDOW_SLOTS);
    let keeper_before = m.r.svm.lamports(&m.keeper.pubkey());
    let state = m.intent_state(intent);
    let keeper = m.keeper.insecure_clone();
    // The keeper needs nothing but the intent: it pays into the accounts the intent names.
    let ix = xix::intent_finalize_stored(keeper.pubkey(), intent, &state);
    let meta = m.r.svm.send_measured("exchange", "intent_finalize", &[ix], &[&keeper]).unwrap();
    assert_eq!(m.balance(&state.winner_tokens), 100_000, "paid into the account named at submission");
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - 100_000);
    let ev = &events::find::<JobCompleted>(&meta.logs)[0];
    assert_eq!((ev.paid, ev.rating_bps, ev.finalized), (100_000, DEFAULT_NEUTRAL_RATING_BPS, true));
    assert_eq!(m.r.svm.lamports(&keeper.pubkey()), keeper_before + TIP, "the cranking keeper earns the tip");
    // A second finalize (a keeper that lost the race) fails with its own error.
    assert_error(&m.finalize(intent, paid_to), ExchangeError::ResultNotSubmitted);
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn only_the_winner_submits_in_time_and_only_the_requester_accepts_into_the_winners_account() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    assert_error(&m.submit(&b, intent, 10_000), ExchangeError::ResultNotWinner);
    assert_error(&m.submit(&a, intent, 0), ExchangeError::ResultFulfilledOutOfRange);
    assert_error(&m.submit(&a, intent, 10_001), ExchangeError::ResultFulfilledOutOfRange);
    let paid_to = m.pay_account(a.authority.pubkey());
    assert_error(&m.accept(intent, paid_to, 9_000), ExchangeError::ResultNotSubmitted);
    m.submit(&a, intent, 10_000).unwrap();

    // Not the requester.
    let thief = m.keeper.insecure_clone();
    let mut ix = m.accept_ix(intent, paid_to, 9_000);
    ix.retarget(m.requester.pubkey(), thief.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&thief]), ExchangeError::RequesterMismatch);
    // Not the winner's account.
    let thief_tokens = m.pay_account(thief.pubkey());
    assert_error(&m.accept(intent, thief_tokens, 9_000), ExchangeError::PayoutAccountMismatch);
    // The winner's account of another mint; the mint itself posing as a token account; a refund
    // account that is not the refund owner's; an escrow that is not the intent's.
    let other_mint = agx_tests::token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let wrong_mint =
        agx_tests::token::create_account(&mut m.r.svm, m.pay.program, other_mint, a.authority.pubkey());
    assert_error(&m.accept(intent, wrong_mint, 9_000), ExchangeError::PayoutAccountMismatch);
    assert_error(&m.accept(intent, m.pay.mint, 9_000), ExchangeError::PayoutAccountMismatch);
    let mut ix = m.accept_ix(intent, paid_to, 9_000);
    let at = ix.accounts.iter().position(|x| x.pubkey == m.requester_tokens).unwrap();
    ix.accounts[at].pubkey = thief_tokens;
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::RefundAccountMismatch);
    let mut ix = m.accept_ix(intent, paid_to, 9_000);
    let at = ix.accounts.iter().position(|x| x.pubkey == pda::escrow(&intent).0).unwrap();
    ix.accounts[at].pubkey = thief_tokens;
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::EscrowAccountMismatch);
    // Without the standby, or with another agent as standby.
    let mut ix = m.accept_ix(intent, paid_to, 9_000);
    let at = ix.accounts.iter().position(|x| x.pubkey == b.agent).unwrap();
    ix.accounts[at].pubkey = exchange_id();
    ix.accounts[at].is_writable = false;
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::PayoutStandbyMismatch);
    assert_error(&m.accept(intent, paid_to, 10_001), ExchangeError::ResultRatingOutOfRange);
    // Missing signature.
    let mut ix = m.accept_ix(intent, paid_to, 9_000);
    ix.unsign(m.requester.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    m.assert_accounted(&[intent]);
    m.accept(intent, paid_to, 9_000).unwrap();
}

#[test]
fn a_result_after_the_deadline_is_refused() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    let deadline = m.intent_state(intent).execution_deadline_slot;
    assert_eq!(
        deadline,
        m.intent_state(intent).award_slot + 10 + xix::default_settings().execution_grace_slots
    );
    m.warp_to(deadline);
    assert_error(&m.submit(&a, intent, 10_000), ExchangeError::ResultDeadlinePassed);
}

fn exchange_id() -> agx_sdk::Pubkey {
    agx_sdk::exchange::ID
}

#[test]
fn token_2022_end_to_end() {
    let mut m = Market::with_token_program(agx_tests::token::TOKEN_2022);
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    let paid_to = m.pay_account(a.authority.pubkey());
    m.submit(&a, intent, 10_000).unwrap();
    m.accept(intent, paid_to, 9_500).unwrap();
    let payment = m.intent_state(intent).payment;
    assert_eq!(m.balance(&paid_to), payment);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - payment);
    m.close_bid(&a, intent).unwrap();
    m.close_bid(&b, intent).unwrap();
    m.close_intent(intent).unwrap();
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn only_reputation_bearing_mints_move_reputation_at_their_weight() {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let mut settings = xix::default_settings();
    settings.reputation_mints =
        vec![agx_sdk::exchange::ReputationMint { mint: m.pay.mint, weight_bps: 5_000 }];
    m.r.svm.send(&[xix::config_update(admin.pubkey(), settings.clone())], &[&admin]).unwrap();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    let paid_to = m.pay_account(a.authority.pubkey());
    m.submit(&a, intent, 10_000).unwrap();
    let meta = m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!(events::find::<JobCompleted>(&meta.logs)[0].reputation_value, 150_000, "half of 300,000");
    assert_eq!(m.r.agent(&a).value_completed, 150_000);

    // The same job paid in a mint the config does not list: paid in full, no reputation moves.
    settings.reputation_mints.clear();
    m.r.svm.send(&[xix::config_update(admin.pubkey(), settings)], &[&admin]).unwrap();
    let (intent, c, _) = m.awarded(AuctionKind::FirstPriceSealed);
    let paid_to = m.pay_account(c.authority.pubkey());
    m.submit(&c, intent, 10_000).unwrap();
    m.accept(intent, paid_to, 10_000).unwrap();
    assert_eq!(m.balance(&paid_to), 300_000);
    let agent = m.r.agent(&c);
    assert_eq!((agent.completed, agent.value_completed, agent.reputation), (1, 0, 0));
}
