//! `agent_engage` / `agent_release` (operator only) on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentEngagementChanged;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, Signer};

#[test]
fn counts_open_bids_up_and_down() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    let ix = rix::agent_engage(operator.pubkey(), a.agent);
    let meta = r.svm.send_measured("agent_registry", "agent_engage", &[ix], &[&operator]).unwrap();
    assert_eq!(events::find::<AgentEngagementChanged>(&meta.logs)[0].open_bids, 1);
    r.svm.send(&[rix::agent_engage(operator.pubkey(), a.agent)], &[&operator]).unwrap();
    assert_eq!(r.agent(&a).open_bids, 2);
    let ix = rix::agent_release(operator.pubkey(), a.agent);
    r.svm.send_measured("agent_registry", "agent_release", &[ix], &[&operator]).unwrap();
    r.svm.send(&[rix::agent_release(operator.pubkey(), a.agent)], &[&operator]).unwrap();
    assert_eq!(r.agent(&a).open_bids, 0);
    let ix = rix::agent_release(operator.pubkey(), a.agent);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentReleaseWithoutOpenBid);
}

#[test]
fn nobody_but_the_operator_engages_or_releases() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = rix::agent_engage(a.authority.pubkey(), a.agent);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    let operator = r.operator.insecure_clone();
    r.svm.send(&[rix::agent_engage(operator.pubkey(), a.agent)], &[&operator]).unwrap();
    // The agent cannot release itself to slip out of its bids.
    let ix = rix::agent_release(a.authority.pubkey(), a.agent);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    let mut ix = rix::agent_release(operator.pubkey(), a.agent);
    ix.accounts[0].is_signer = false;
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let ix = rix::agent_engage(operator.pubkey(), agx_sdk::pda::registry_config().0);
    assert!(r.svm.send(&[ix], &[&operator]).is_err(), "the config must not pass as an agent");
    assert_eq!(r.agent(&a).open_bids, 1);
}
