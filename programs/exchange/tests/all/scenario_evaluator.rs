//! An evaluator per intent (issue 25) on the built `.so`, in LiteSVM: the requester names a key
//! and its fee at creation; the fee waits in escrow beside the max price; the evaluator, not the
//! exchange's arbitrator, decides the intent's dispute within its window and is paid the fee; a
//! silent evaluator hands the dispute to the arbitrator (the fee refunded), a silent arbitrator
//! to the optimistic finalize. Every atom is accounted for at each step.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{DisputeResolved, EvaluatorPaid};
use agx_sdk::exchange::AuctionKind;
use agx_sdk::Pubkey;
use agx_tests::market::{Market, MAX_PRICE, REQUESTER_FUNDS};
use agx_tests::registry::TestAgent;
use agx_tests::{assert_error, EditAccounts, Keypair, Signer};
use anchor_lang::solana_program::instruction::Instruction;

const FEE: u64 = 25_000;

/// A Vickrey intent judged by a new evaluator for [`FEE`], awarded to `a` (standby `b`),
/// delivered in full and disputed; the evaluator's associated account exists.
fn disputed(m: &mut Market) -> (Pubkey, TestAgent, Keypair, Pubkey, Pubkey) {
    let evaluator = m.r.svm.funded_keypair();
    let mut args = m.args(AuctionKind::VickreySealed);
    (args.evaluator, args.evaluator_fee) = (evaluator.pubkey(), FEE);
    let (intent, a, _b) = m.awarded_from(args);
    assert_eq!(m.balance(&agx_sdk::pda::escrow(&intent).0), MAX_PRICE + FEE, "price and fee in escrow");
    m.submit(&a, intent, 10_000).unwrap();
    m.dispute(intent).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    let evaluator_tokens = m.associated_pay_account(evaluator.pubkey());
    (intent, a, evaluator, paid_to, evaluator_tokens)
}

/// `dispute_resolve` of `intent` by `judge`: `share` of the payment into `agent_tokens`, and an
/// optional slash of the winner's stake.
fn resolve_ix(
    m: &Market,
    judge: &Keypair,
    intent: Pubkey,
    agent_tokens: Pubkey,
    share: u16,
    slash: Option<agx_sdk::ix::exchange::DisputeSlash>,
) -> Instruction {
    let state = m.intent_state(intent);
    agx_sdk::ix::exchange::dispute_resolve(
        judge.pubkey(),
        intent,
        &state,
        m.pay,
        agent_tokens,
        m.requester_tokens,
        share,
        slash,
    )
}

fn resolve_as(
    m: &mut Market,
    judge: &Keypair,
    intent: Pubkey,
    agent_tokens: Pubkey,
    share: u16,
) -> agx_tests::TxResult {
    let ix = resolve_ix(m, judge, intent, agent_tokens, share, None);
    m.r.svm.send(&[ix], &[judge])
}

#[test]
fn the_evaluator_decides_the_dispute_and_is_paid_its_fee() {
    let mut m = Market::new();
    let (intent, _a, evaluator, paid_to, evaluator_tokens) = disputed(&mut m);
    let arbitrator = m.arbitrator.insecure_clone();
    assert_error(&resolve_as(&mut m, &arbitrator, intent, paid_to, 10_000), ExchangeError::JudgeNotEvaluator);
    let payment = m.intent_state(intent).payment;
    let ix = resolve_ix(&m, &evaluator, intent, paid_to, 5_000, None);
    let meta =
        m.r.svm.send_measured("exchange", "dispute_resolve_by_evaluator", &[ix], &[&evaluator]).unwrap();
    let paid = &events::find::<EvaluatorPaid>(&meta.logs)[0];
    assert_eq!((paid.evaluator, paid.fee), (evaluator.pubkey(), FEE));
    assert_eq!(events::find::<DisputeResolved>(&meta.logs)[0].judge, evaluator.pubkey());
    assert_eq!(m.balance(&evaluator_tokens), FEE);
    assert_eq!(m.balance(&paid_to), payment / 2);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - FEE - payment / 2, "the rest refunded");
    m.assert_accounted(&[intent]);
}

#[test]
fn a_silent_evaluator_hands_the_dispute_to_the_arbitrator_and_the_fee_back() {
    let mut m = Market::new();
    let (intent, _a, evaluator, paid_to, evaluator_tokens) = disputed(&mut m);
    let window = m.settings.arbitration_window_slots;
    let opened = m.intent_state(intent).dispute_opened_slot;
    m.warp_to(opened + window);
    assert_error(
        &resolve_as(&mut m, &evaluator, intent, paid_to, 10_000),
        ExchangeError::DisputeNotArbitrator,
    );
    let payment = m.intent_state(intent).payment;
    let arbitrator = m.arbitrator.insecure_clone();
    resolve_as(&mut m, &arbitrator, intent, paid_to, 10_000).unwrap();
    assert_eq!(m.balance(&evaluator_tokens), 0, "no decision, no fee");
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - payment, "the fee came back");
    m.assert_accounted(&[intent]);
}

#[test]
fn silent_judges_leave_the_job_to_the_optimistic_finalize_after_both_windows() {
    let mut m = Market::new();
    let (intent, _a, _evaluator, paid_to, _) = disputed(&mut m);
    let window = m.settings.arbitration_window_slots;
    let opened = m.intent_state(intent).dispute_opened_slot;
    assert_eq!(m.intent_state(intent).dispute_end_slot, opened + 2 * window, "two windows");
    m.warp_to(opened + 2 * window - 1);
    assert_error(&m.finalize(intent, paid_to), ExchangeError::FinalizeTooEarly);
    m.warp_to(opened + 2 * window);
    let payment = m.intent_state(intent).payment;
    m.finalize(intent, paid_to).unwrap();
    assert_eq!(m.balance(&paid_to), payment);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - payment, "the fee came back");
    m.assert_accounted(&[intent]);
}

#[test]
fn the_fee_is_refunded_when_nobody_disputes() {
    let mut m = Market::new();
    let evaluator = Pubkey::new_unique();
    let mut args = m.args(AuctionKind::VickreySealed);
    (args.evaluator, args.evaluator_fee) = (evaluator, FEE);
    let (intent, a, _) = m.awarded_from(args);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    let payment = m.intent_state(intent).payment;
    m.accept(intent, paid_to, 10_000).unwrap();
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - payment);
    m.assert_accounted(&[intent]);
}

#[test]
fn an_evaluator_is_never_the_requester_and_a_fee_needs_one() {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::VickreySealed);
    (args.evaluator, args.evaluator_fee) = (m.requester.pubkey(), FEE);
    let requester = m.requester.insecure_clone();
    let ix = m.create_ix(args);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::IntentEvaluatorInvalid);
    let mut args = m.args(AuctionKind::VickreySealed);
    args.evaluator_fee = FEE;
    let ix = m.create_ix(args);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::IntentEvaluatorInvalid);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS, "nothing moved");
}

/// An evaluator that won the job (its key is the winner's authority) does not judge it: the
/// arbitrator does, from the start, and the fee goes back.
#[test]
fn an_evaluator_that_holds_the_job_does_not_judge_it() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let mut args = m.args(AuctionKind::VickreySealed);
    (args.evaluator, args.evaluator_fee) = (a.authority.pubkey(), FEE);
    let intent = m.create(args).unwrap();
    m.commit_and_reveal(intent, &[(&a, agx_tests::market::opening(300_000, 9_000, 10))]);
    m.to_settle(intent);
    m.settle(intent, a.agent).unwrap();
    m.submit(&a, intent, 10_000).unwrap();
    m.dispute(intent).unwrap();
    let paid_to = m.associated_pay_account(a.authority.pubkey());
    let authority = a.authority.insecure_clone();
    assert_error(
        &resolve_as(&mut m, &authority, intent, paid_to, 10_000),
        ExchangeError::DisputeNotArbitrator,
    );
    let arbitrator = m.arbitrator.insecure_clone();
    resolve_as(&mut m, &arbitrator, intent, paid_to, 0).unwrap();
    assert_eq!(m.balance(&paid_to), 0);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS, "all of it back, fee included");
    m.assert_accounted(&[intent]);
}

#[test]
fn the_fee_goes_only_to_an_account_the_evaluator_owns() {
    let mut m = Market::new();
    let (intent, _a, evaluator, paid_to, evaluator_tokens) = disputed(&mut m);
    let mut ix = resolve_ix(&m, &evaluator, intent, paid_to, 10_000, None);
    ix.retarget(evaluator_tokens, m.requester_tokens);
    assert_error(&m.r.svm.send(&[ix], &[&evaluator]), ExchangeError::EvaluatorTokensInvalid);
    let mut ix = resolve_ix(&m, &evaluator, intent, paid_to, 10_000, None);
    ix.unsign(evaluator.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), agx_tests::anchor_codes::ACCOUNT_NOT_SIGNER);
}

/// With an evaluator, a result can be disputed even where the exchange names no arbitrator.
#[test]
fn an_evaluator_makes_disputes_possible_without_an_arbitrator() {
    let mut m = Market::new();
    m.update_settings(|s| s.arbitrator = Pubkey::default()).unwrap();
    let (intent, _a, evaluator, paid_to, evaluator_tokens) = disputed(&mut m);
    resolve_as(&mut m, &evaluator, intent, paid_to, 10_000).unwrap();
    assert_eq!(m.balance(&evaluator_tokens), FEE);
    m.assert_accounted(&[intent]);
}

/// The requester names the evaluator, so an evaluator's slash would be the requester taking the
/// agent's stake: an evaluator decides the share only; slashing stays the arbitrator's.
#[test]
fn an_evaluator_cannot_slash_the_winners_stake() {
    let mut m = Market::new();
    let (intent, a, evaluator, paid_to, evaluator_tokens) = disputed(&mut m);
    let requester = m.requester.pubkey();
    let to = m.r.token_account(requester);
    let slash =
        agx_sdk::ix::exchange::DisputeSlash { stake: m.r.stake, requester_stake_tokens: to, amount: 50 };
    let ix = resolve_ix(&m, &evaluator, intent, paid_to, 0, Some(slash));
    assert_error(&m.r.svm.send(&[ix], &[&evaluator]), ExchangeError::EvaluatorSlashRefused);
    assert_eq!((m.balance(&evaluator_tokens), m.r.agent(&a).staked), (0, agx_tests::market::MIN_STAKE));
}
