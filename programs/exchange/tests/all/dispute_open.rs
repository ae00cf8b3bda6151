//! `dispute_open` on the built `.so`, in LiteSVM: the requester disputes a submitted result
//! inside the dispute window; the arbitrator's window then bounds how long the escrow waits.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{DisputeOpened, JobCompleted};
use agx_sdk::exchange::state::{
    IntentStatus, DEFAULT_ARBITRATION_WINDOW_SLOTS, DEFAULT_DISPUTE_WINDOW_SLOTS, DEFAULT_NEUTRAL_RATING_BPS,
};
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{Market, TIP};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn the_requester_disputes_inside_the_window_and_finalize_waits_for_the_arbitrator() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::VickreySealed);
    assert_error(&m.dispute(intent), ExchangeError::DisputeNotSubmitted);
    m.submit(&a, intent, 10_000).unwrap();
    let requester = m.requester.insecure_clone();
    let ix = xix::dispute_open(requester.pubkey(), intent, [7; 32]);
    let meta = m.r.svm.send_measured("exchange", "dispute_open", &[ix], &[&requester]).unwrap();
    let now = m.r.slot();
    let i = m.intent_state(intent);
    assert_eq!(
        (i.status, i.dispute_reason_hash, i.dispute_opened_slot, i.dispute_end_slot),
        (IntentStatus::Disputed.to_u8(), [7; 32], now, now + DEFAULT_ARBITRATION_WINDOW_SLOTS)
    );
    assert_eq!(events::find::<DisputeOpened>(&meta.logs)[0].arbitration_end_slot, i.dispute_end_slot);
    assert_error(&m.dispute(intent), ExchangeError::DisputeNotSubmitted);

    // The arbitrator stays silent: nobody finalizes before its window ends, anyone after.
    let paid_to = m.pay_account(a.authority.pubkey());
    m.warp_to(i.dispute_end_slot - 1);
    assert_error(&m.finalize(intent, paid_to), ExchangeError::FinalizeTooEarly);
    m.warp_to(i.dispute_end_slot);
    let keeper_before = m.r.svm.lamports(&m.keeper.pubkey());
    let meta = m.finalize(intent, paid_to).unwrap();
    let ev = &events::find::<JobCompleted>(&meta.logs)[0];
    assert_eq!((ev.paid, ev.rating_bps, ev.finalized), (i.payment, DEFAULT_NEUTRAL_RATING_BPS, true));
    assert_eq!(m.r.svm.lamports(&m.keeper.pubkey()), keeper_before + TIP);
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
}

#[test]
fn the_requester_may_withdraw_its_dispute_by_accepting() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    m.submit(&a, intent, 10_000).unwrap();
    m.dispute(intent).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    m.accept(intent, paid_to, 8_000).unwrap();
    assert_eq!(m.intent_state(intent).status, IntentStatus::Completed.to_u8());
    assert_eq!(m.balance(&paid_to), 300_000);
}

#[test]
fn only_the_requester_inside_the_window_with_an_arbitrator_configured() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    m.submit(&a, intent, 10_000).unwrap();
    // Not the requester.
    let keeper = m.keeper.insecure_clone();
    let ix = xix::dispute_open(keeper.pubkey(), intent, [7; 32]);
    assert_error(&m.r.svm.send(&[ix], &[&keeper]), ExchangeError::RequesterMismatch);
    // Not signed.
    let mut ix = xix::dispute_open(m.requester.pubkey(), intent, [7; 32]);
    ix.unsign(m.requester.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // Type cosplay: the intent passed as the config.
    let mut ix = xix::dispute_open(m.requester.pubkey(), intent, [7; 32]);
    ix.retarget(pda::exchange_config().0, intent);
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[ix], &[&requester]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    // No arbitrator configured: results cannot be disputed.
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let mut settings = xix::default_settings();
    settings.reputation_mints =
        vec![agx_sdk::exchange::ReputationMint { mint: m.pay.mint, weight_bps: 10_000 }];
    m.r.svm.send(&[xix::config_update(admin.pubkey(), settings.clone())], &[&admin]).unwrap();
    assert_error(&m.dispute(intent), ExchangeError::DisputeNoArbitrator);
    settings.arbitrator = m.arbitrator.pubkey();
    m.r.svm.send(&[xix::config_update(admin.pubkey(), settings)], &[&admin]).unwrap();
    // The window closes at its end slot.
    let end = m.intent_state(intent).dispute_end_slot;
    assert_eq!(end, m.r.slot() + DEFAULT_DISPUTE_WINDOW_SLOTS);
    m.warp_to(end);
    assert_error(&m.dispute(intent), ExchangeError::DisputeWindowClosed);
    assert_eq!(m.intent_state(intent).status, IntentStatus::Submitted.to_u8());
}
