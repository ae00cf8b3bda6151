//! `dispute_resolve` on the built `.so`, in LiteSVM: the arbitrator splits the payment and may
//! slash the winner's held stake to the requester, in one registry CPI; every token of the
//! escrow and of the stake is accounted for, on SPL Token and Token-2022.
use agent_registry::state::Agent;
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::DisputeResolved;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::{pda, Pubkey};
use agx_tests::market::{Market, MIN_STAKE, REQUESTER_FUNDS};
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

/// A disputed Vickrey job: `a` won (with `b` as standby) and delivered in full.
fn disputed(m: &mut Market) -> (Pubkey, TestAgent, TestAgent, Pubkey) {
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    m.submit(&a, intent, 10_000).unwrap();
    m.dispute(intent).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    (intent, a, b, paid_to)
}

/// The requester's token account of the stake mint (tracked by the registry's accounting).
fn requester_stake_account(m: &mut Market) -> Pubkey {
    let requester = m.requester.pubkey();
    m.r.token_account(requester)
}

fn finish(m: &mut Market, intent: Pubkey, agents: &[&TestAgent]) {
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
    m.r.assert_accounted(agents);
    assert_eq!(m.intent_state(intent).status, IntentStatus::Completed.to_u8());
}

#[test]
fn resolved_for_the_agent_pays_in_full_and_rates_at_the_share() {
    let mut m = Market::new();
    let (intent, a, b, paid_to) = disputed(&mut m);
    let payment = m.intent_state(intent).payment;
    let ix = m.resolve_ix(intent, paid_to, 10_000, None);
    let arbitrator = m.arbitrator.insecure_clone();
    let meta = m.r.svm.send_measured("exchange", "dispute_resolve", &[ix], &[&arbitrator]).unwrap();
    let ev = &events::find::<DisputeResolved>(&meta.logs)[0];
    assert_eq!(
        (ev.paid, ev.refunded, ev.slashed, ev.judge),
        (payment, 1_000_000 - payment, 0, arbitrator.pubkey())
    );
    assert_eq!(m.balance(&paid_to), payment);
    let (agent, standby): (Agent, Agent) = (m.r.agent(&a), m.r.agent(&b));
    assert_eq!((agent.locked, agent.completed, standby.locked), (0, 1, 0));
    // Promised 9,000, given 10,000 by the arbitrator: no shortfall.
    assert_eq!(agent.rating_value_sum, 10_000 * u128::from(payment));
    finish(&mut m, intent, &[&a, &b]);
}

#[test]
fn resolved_for_the_requester_refunds_all_and_slashes_the_winner() {
    let mut m = Market::new();
    let (intent, a, b, paid_to) = disputed(&mut m);
    let to = requester_stake_account(&mut m);
    let ix = m.resolve_ix(intent, paid_to, 0, Some((to, 60)));
    let arbitrator = m.arbitrator.insecure_clone();
    let meta =
        m.r.svm.send_measured("exchange", "dispute_resolve_with_slash", &[ix], &[&arbitrator]).unwrap();
    assert_eq!(events::find::<DisputeResolved>(&meta.logs)[0].slashed, 60);
    assert_eq!((m.balance(&paid_to), m.balance(&m.requester_tokens)), (0, REQUESTER_FUNDS));
    assert_eq!(m.r.balance(&to), 60);
    let (agent, standby) = (m.r.agent(&a), m.r.agent(&b));
    assert_eq!((agent.staked, agent.locked, agent.slashed, agent.completed), (MIN_STAKE - 60, 0, 1, 0));
    assert_eq!((standby.staked, standby.locked), (MIN_STAKE, 0), "the standby is released untouched");
    assert_eq!(agent.reputation, 0, "a slash leaves a fresh agent at the bottom");
    finish(&mut m, intent, &[&a, &b]);
}

#[test]
fn a_split_pays_the_share_and_a_zero_share_without_slash_is_a_failure() {
    let mut m = Market::new();
    let (intent, a, b, paid_to) = disputed(&mut m);
    let payment = m.intent_state(intent).payment;
    m.resolve(intent, paid_to, 4_000, None).unwrap();
    let share = payment * 4_000 / 10_000;
    assert_eq!(m.balance(&paid_to), share);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - share);
    // Promised 9,000, judged 4,000: the 5,000 shortfall counts once more.
    assert_eq!(m.r.agent(&a).rating_value_sum, 0);
    assert_eq!(m.r.agent(&a).completed, 1);
    finish(&mut m, intent, &[&a, &b]);

    let (intent, c, d, paid_to) = disputed(&mut m);
    m.resolve(intent, paid_to, 0, None).unwrap();
    let agent = m.r.agent(&c);
    assert_eq!((agent.failed, agent.completed, agent.locked), (1, 0, 0));
    finish(&mut m, intent, &[&c, &d]);
}

#[test]
fn only_the_arbitrator_resolves_a_dispute_once_within_the_hold() {
    let mut m = Market::new();
    let (intent, a, _b, paid_to) = disputed(&mut m);
    let to = requester_stake_account(&mut m);
    let arbitrator = m.arbitrator.insecure_clone();
    // Not the arbitrator.
    let keeper = m.keeper.insecure_clone();
    let mut ix = m.resolve_ix(intent, paid_to, 5_000, None);
    ix.retarget(m.arbitrator.pubkey(), keeper.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&keeper]), ExchangeError::DisputeNotArbitrator);
    // Not signed.
    let mut ix = m.resolve_ix(intent, paid_to, 5_000, None);
    ix.unsign(arbitrator.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_error(&m.resolve(intent, paid_to, 10_001, None), ExchangeError::DisputeShareOutOfRange);
    assert_error(
        &m.resolve(intent, paid_to, 0, Some((to, MIN_STAKE + 1))),
        ExchangeError::DisputeSlashExceedsHold,
    );
    // A slash without its accounts.
    let mut ix = m.resolve_ix(intent, paid_to, 0, Some((to, 10)));
    let slash_to = ix.account_mut(to);
    (slash_to.pubkey, slash_to.is_writable) = (agx_sdk::exchange::ID, false);
    assert_error(&m.r.svm.send(&[ix], &[&arbitrator]), ExchangeError::DisputeSlashAccountsMissing);
    // The slash must go to the requester's own stake-mint account.
    let keeper_stake = m.r.token_account(keeper.pubkey());
    assert_error(
        &m.resolve(intent, paid_to, 0, Some((keeper_stake, 10))),
        ExchangeError::RefundAccountMismatch,
    );
    // A fake vault (another agent's) and another token program are refused by the registry.
    let other = m.agent(MIN_STAKE);
    let mut ix = m.resolve_ix(intent, paid_to, 0, Some((to, 10)));
    let vault_at = ix.accounts.iter().position(|x| x.pubkey == pda::stake_vault(&a.agent).0).unwrap();
    ix.accounts[vault_at].pubkey = other.vault;
    assert_error(
        &m.r.svm.send(&[ix], &[&arbitrator]),
        agent_registry::error::RegistryError::OutcomeVaultMismatch,
    );
    let mut ix = m.resolve_ix(intent, paid_to, 0, Some((to, 10)));
    ix.accounts[vault_at + 2].pubkey = agx_tests::token::TOKEN_2022;
    assert_error(
        &m.r.svm.send(&[ix], &[&arbitrator]),
        agent_registry::error::RegistryError::StakeTokenProgramMismatch,
    );
    m.assert_accounted(&[intent]);
    m.resolve(intent, paid_to, 5_000, Some((to, 10))).unwrap();
    // A second resolution fails with its own error (the escrow is gone, too).
    assert_error(&m.resolve(intent, paid_to, 5_000, None), ExchangeError::DisputeNotOpen);
    assert_eq!(m.r.agent(&a).staked, MIN_STAKE - 10);
}

#[test]
fn an_undisputed_result_cannot_be_resolved() {
    let mut m = Market::new();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    assert_error(&m.resolve(intent, paid_to, 5_000, None), ExchangeError::DisputeNotOpen);
}

#[test]
fn token_2022_dispute_with_slash_end_to_end() {
    let mut m = Market::with_token_program(agx_tests::token::TOKEN_2022);
    let (intent, a, b, paid_to) = disputed(&mut m);
    let to = requester_stake_account(&mut m);
    let payment = m.intent_state(intent).payment;
    m.resolve(intent, paid_to, 2_500, Some((to, 25))).unwrap();
    assert_eq!(m.balance(&paid_to), payment / 4);
    assert_eq!(m.r.balance(&to), 25);
    finish(&mut m, intent, &[&a, &b]);
}
