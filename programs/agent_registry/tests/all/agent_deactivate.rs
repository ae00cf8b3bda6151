//! `agent_deactivate` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentDeactivated;
use agent_registry::state::AgentStatus;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn deactivates_once() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = rix::agent_deactivate(a.authority.pubkey());
    let meta = r.svm.send_measured("agent_registry", "agent_deactivate", &[ix], &[&a.authority]).unwrap();
    assert_eq!(r.agent(&a).status, AgentStatus::Inactive);
    assert_eq!(events::find::<AgentDeactivated>(&meta.logs)[0].agent, a.agent);
    let ix = rix::agent_deactivate(a.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentNotActive);
}

#[test]
fn another_signer_cannot_deactivate() {
    let mut r = Registry::new();
    let victim = r.register_agent(1);
    let attacker = r.register_agent(1);
    let mut ix = rix::agent_deactivate(attacker.authority.pubkey());
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert_eq!(r.agent(&victim).status, AgentStatus::Active);
}

#[test]
fn requires_the_authority_signature() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let mut ix = rix::agent_deactivate(a.authority.pubkey());
    ix.unsign(a.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
}
