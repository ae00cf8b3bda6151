//! `agent_update` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentUpdated;
use agent_registry::state::AgentProfile;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{profile, Registry};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn updates_capabilities_and_metadata() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let new = AgentProfile { capabilities: 0b110, capability_hash: [9; 32], metadata_uri: "ipfs://x".into() };
    let ix = rix::agent_update(a.authority.pubkey(), new.clone());
    let meta = r.svm.send_measured("agent_registry", "agent_update", &[ix], &[&a.authority]).expect("update");
    let agent = r.agent(&a);
    assert_eq!(
        (agent.capabilities, agent.capability_hash, agent.metadata_uri),
        (0b110, [9; 32], "ipfs://x".into())
    );
    assert_eq!(events::find::<AgentUpdated>(&meta.logs)[0].capabilities, 0b110);
}

#[test]
fn rejects_invalid_profiles() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = rix::agent_update(a.authority.pubkey(), profile(0));
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentCapabilitiesEmpty);
    let long = AgentProfile { metadata_uri: "y".repeat(201), ..profile(1) };
    let ix = rix::agent_update(a.authority.pubkey(), long);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentMetadataUriTooLong);
}

#[test]
fn rejects_a_deactivated_agent() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    r.svm.send(&[rix::agent_deactivate(a.authority.pubkey())], &[&a.authority]).unwrap();
    let ix = rix::agent_update(a.authority.pubkey(), profile(2));
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentNotActive);
}

#[test]
fn another_signer_cannot_update_an_agent() {
    let mut r = Registry::new();
    let victim = r.register_agent(1);
    let attacker = r.register_agent(1);
    let mut ix = rix::agent_update(attacker.authority.pubkey(), profile(0xff));
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert_eq!(r.agent(&victim).capabilities, 1);
}

#[test]
fn rejects_type_cosplay_with_the_config_account() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let mut ix = rix::agent_update(a.authority.pubkey(), profile(2));
    ix.retarget(a.agent, agx_sdk::pda::registry_config().0);
    let res = r.svm.send(&[ix], &[&a.authority]);
    assert!(res.is_err(), "a config account must not pass as an agent");
}
