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
        let ix = rix::reputation_record(operator.pubkey(), a.agent, kind, value, rating, 1);
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
    let ix = rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Completed, 1, Some(10_001), 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ReputationRatingOutOfRange);
    let ix = rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Failed, 1, Some(5_000), 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ReputationRatingWithoutCompletion);
}

#[test]
fn nobody_but_the_operator_can_record() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = rix::reputation_record(
        a.authority.pubkey(),
        a.agent,
        OutcomeKind::Completed,
        u64::MAX,
        Some(10_000),
        1,
    );
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!(r.agent(&a).reputation, 0);
}

/// Each outcome also enters the agent's history of each capability asked for that it has
/// (`agx_core::skills`), and the cached per-slot scores are core's with the overall reputation
/// as the prior: a skill it has done well scores above its overall figure, one it failed below.
#[test]
fn outcomes_are_recorded_per_capability_and_the_cached_scores_match_core() {
    use agx_core::skills::Skills;
    let mut r = Registry::new();
    let a = r.register_agent(0b0111);
    let operator = r.operator.insecure_clone();
    assert_eq!(Skills::from_bytes(&r.agent(&a).skills), Skills::default(), "registered empty");
    // 0b1001 asks for a capability the agent lacks (bit 3): only bit 0 is recorded.
    let steps = [
        (OutcomeKind::Completed, 3_000_000, Some(10_000), 0b1001u64),
        (OutcomeKind::Completed, 1_000_000, Some(9_000), 0b0011),
        (OutcomeKind::Failed, 2_000_000, None, 0b0100),
    ];
    let mut history = History::default();
    let mut skills = Skills::default();
    for (kind, value, rating, capabilities) in steps {
        let ix = rix::reputation_record(operator.pubkey(), a.agent, kind, value, rating, capabilities);
        r.svm.send(&[ix], &[&operator]).unwrap();
        let outcome = match kind {
            OutcomeKind::Completed => Outcome::Completed { value, rating_bps: rating },
            OutcomeKind::Failed => Outcome::Failed { value },
            OutcomeKind::Slashed => Outcome::Slashed { value },
        };
        history.record(outcome).unwrap();
        skills.record(capabilities & 0b0111, outcome).unwrap();
    }
    let agent = r.agent(&a);
    let overall = history.score(&ReputationParams::DEFAULT).unwrap();
    assert_eq!(Skills::from_bytes(&agent.skills), skills);
    assert_eq!(agent.skill_scores, skills.scores(overall, &ReputationParams::DEFAULT).unwrap());
    assert!(skills.get(3).is_none(), "a capability it lacks is not recorded");
    let view = agent_registry::state::AgentView::from(&agent);
    let (good, failed) = (view.reputation_for(0b0001), view.reputation_for(0b0100));
    assert!(good > agent.reputation && failed < agent.reputation, "{good} {} {failed}", agent.reputation);
    assert_eq!(view.reputation_for(0b0101), failed, "an intent's figure is its weakest skill");
    assert_eq!(view.reputation_for(0), agent.reputation);
}
