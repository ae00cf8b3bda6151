//! `outcome_settle` (operator only) on the built `.so`, in LiteSVM: one call releases the
//! job's stake (winner and standby) and records the outcome, as `agx_core` computes it.
use agent_registry::error::RegistryError;
use agent_registry::{OutcomeKind, OutcomeSettleArgs};
use agx_core::reputation::{History, Outcome, ReputationParams};
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, Signer};

const DONE: OutcomeSettleArgs = OutcomeSettleArgs {
    unlock: 300,
    kind: OutcomeKind::Completed,
    value: 2_000_000,
    rating_bps: Some(8_000),
};

#[test]
fn releases_winner_and_standby_and_records_the_outcome() {
    let mut r = Registry::new();
    let (a, b) = (r.staked_agent(1_000), r.staked_agent(1_000));
    r.lock(&a, 300).unwrap();
    r.lock(&b, 300).unwrap();
    let operator = r.operator.insecure_clone();
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, Some(b.agent), DONE);
    r.svm.send_measured("agent_registry", "outcome_settle", &[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (0, 0));
    let mut expected = History::default();
    expected.record(Outcome::Completed { value: 2_000_000, rating_bps: Some(8_000) }).unwrap();
    assert_eq!(r.agent(&a).history(), expected);
    assert_eq!(r.agent(&a).reputation, expected.score(&ReputationParams::DEFAULT).unwrap());
    assert_eq!(r.agent(&b).completed, 0, "only the winner's outcome is recorded");
    // Nothing left to release: refused, and nothing changes.
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, None, DONE);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeUnlockExceedsLocked);
    assert_eq!(r.agent(&a).completed, 1);
}

#[test]
fn nobody_but_the_operator_settles_an_outcome() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 300).unwrap();
    let ix = rix::outcome_settle(a.authority.pubkey(), a.agent, None, DONE);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!(r.agent(&a).locked, 300);
}
