//! `reputation_record` (operator only) on the built `.so`, in LiteSVM: the stored reputation
//! equals `agx_core`'s computation.
use agent_registry::error::RegistryError;
use agent_registry::events::ReputationRecorded;
use agent_registry::OutcomeKind;
use agx_core::reputation::{History, Outcome, ReputationParams};
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, Signer};

#[test]
fn records_outcomes_and_matches_core() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    let steps = [
        (
            OutcomeKind::Completed,
            2_000_000,
            Some(9_000),
            Outcome::Completed { value: 2_000_000, rating_bps: Some(9_000) },
        ),
        (OutcomeKind::Completed, 0, Some(10_000), Outcome::Completed { value: 0, rating_bps: Some(10_000) }),
        (OutcomeKind::Failed, 500_000, None, Outcome::Failed { value: 500_000 }),
        (OutcomeKind::Slashed, 250_000, None, Outcome::Slashed { value: 250_000 }),
    ];
    let mut expected = History::default();
    for (kind, value, rating, outcome) in steps {
        let ix = rix::reputation_record(operator.pubkey(), a.agent, kind, value, rating);
        let meta = r.svm.send_measured("agent_registry", "reputation_record", &[ix], &[&operator]).unwrap();
        expected.record(outcome).unwrap();
        let score = expected.score(&ReputationParams::DEFAULT).unwrap();
        let agent = r.agent(&a);
        assert_eq!(agent.history(), expected);
        assert_eq!(agent.reputation, score);
        assert_eq!(events::find::<ReputationRecorded>(&meta.logs)[0].reputation, score);
    }
    assert_eq!((r.agent(&a).completed, r.agent(&a).failed, r.agent(&a).slashed), (2, 1, 1));
}

#[test]
fn rejects_bad_ratings() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    let ix = rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Completed, 1, Some(10_001));
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ReputationRatingOutOfRange);
    let ix = rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Failed, 1, Some(5_000));
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ReputationRatingWithoutCompletion);
}

#[test]
fn nobody_but_the_operator_can_record() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix =
        rix::reputation_record(a.authority.pubkey(), a.agent, OutcomeKind::Completed, u64::MAX, Some(10_000));
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!(r.agent(&a).reputation, 0);
}
