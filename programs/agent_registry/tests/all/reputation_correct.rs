//! `reputation_correct` (operator only) on the built `.so`, in LiteSVM: a corrected rating
//! leaves the agent's record as if the job had been rated that way, overall and per capability.
use agent_registry::error::RegistryError;
use agent_registry::events::ReputationCorrected;
use agent_registry::OutcomeKind;
use agx_core::reputation::{History, Outcome, ReputationParams};
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, Signer};

#[test]
fn a_correction_is_the_rating_given_right_the_first_time() {
    let (mut wrong, mut right) = (Registry::new(), Registry::new());
    let (a, b) = (wrong.register_agent(0b11), right.register_agent(0b11));
    for (r, agent, rating) in [(&mut wrong, &a, 2_000), (&mut right, &b, 7_000)] {
        let operator = r.operator.insecure_clone();
        let ix = rix::reputation_record(
            operator.pubkey(),
            agent.agent,
            OutcomeKind::Completed,
            3_000_000,
            Some(rating),
            0b11,
        );
        r.svm.send(&[ix], &[&operator]).unwrap();
    }
    let operator = wrong.operator.insecure_clone();
    let ix = rix::reputation_correct(operator.pubkey(), a.agent, 3_000_000, 0b11, 2_000, 7_000);
    let meta = wrong.svm.send_measured("agent_registry", "reputation_correct", &[ix], &[&operator]).unwrap();
    let (fixed, honest) = (wrong.agent(&a), right.agent(&b));
    assert_eq!(fixed.history(), honest.history());
    assert_eq!(
        (fixed.reputation, fixed.skills, fixed.skill_scores),
        (honest.reputation, honest.skills, honest.skill_scores)
    );
    let mut expected = History::default();
    expected.record(Outcome::Completed { value: 3_000_000, rating_bps: Some(7_000) }).unwrap();
    assert_eq!(fixed.reputation, expected.score(&ReputationParams::DEFAULT).unwrap());
    let ev = &events::find::<ReputationCorrected>(&meta.logs)[0];
    assert_eq!((ev.from_bps, ev.to_bps, ev.reputation), (2_000, 7_000, fixed.reputation));
}

/// An agent with one job worth 1,000 atoms rated 3,000, and the registry's operator.
fn rated_3000() -> (Registry, agx_tests::registry::TestAgent, agx_tests::Keypair) {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    let ix =
        rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Completed, 1_000, Some(3_000), 1);
    r.svm.send(&[ix], &[&operator]).unwrap();
    (r, a, operator)
}

#[test]
fn a_rating_the_history_never_held_is_refused_and_changes_nothing() {
    let (mut r, a, operator) = rated_3000();
    let before = r.agent(&a);
    for (value, from, to) in
        [(1_001, 3_000, 9_000), (1_000, 10_001, 9_000), (1_000, 3_000, 10_001), (1_000, 9_000, 10_000)]
    {
        let ix = rix::reputation_correct(operator.pubkey(), a.agent, value, 1, from, to);
        assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ReputationCorrectionInvalid);
    }
    assert_eq!(r.agent(&a).history(), before.history());
}

#[test]
fn nobody_but_the_operator_can_correct() {
    let (mut r, a, operator) = rated_3000();
    let ix = rix::reputation_correct(a.authority.pubkey(), a.agent, 1_000, 1, 3_000, 10_000);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    let mut ix = rix::reputation_correct(operator.pubkey(), a.agent, 1_000, 1, 3_000, 10_000);
    agx_tests::EditAccounts::unsign(&mut ix, operator.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
}
