//! `agent_heartbeat` on the built `.so`, in LiteSVM, with clock warps.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentHeartbeat;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, HEARTBEAT_TIMEOUT};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn records_the_current_slot_and_silence_follows_the_timeout() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    r.warp(1_000);
    let ix = rix::agent_heartbeat(a.authority.pubkey(), 0);
    let meta = r.svm.send_measured("agent_registry", "agent_heartbeat", &[ix], &[&a.authority]).unwrap();
    let beat = r.slot();
    assert_eq!(r.agent(&a).last_heartbeat_slot, beat);
    assert_eq!(events::find::<AgentHeartbeat>(&meta.logs)[0].slot, beat);
    assert!(!r.agent(&a).is_silent(beat + HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT));
    assert!(r.agent(&a).is_silent(beat + HEARTBEAT_TIMEOUT + 1, HEARTBEAT_TIMEOUT));
}

#[test]
fn a_deactivated_agent_cannot_heartbeat() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    r.svm.send(&[rix::agent_deactivate(a.authority.pubkey())], &[&a.authority]).unwrap();
    let ix = rix::agent_heartbeat(a.authority.pubkey(), 0);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentNotActive);
}

#[test]
fn nobody_else_can_heartbeat_for_an_agent() {
    let mut r = Registry::new();
    let victim = r.register_agent(1);
    let attacker = r.register_agent(1);
    r.warp(10);
    let mut ix = rix::agent_heartbeat(attacker.authority.pubkey(), 0);
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    let mut ix = rix::agent_heartbeat(victim.authority.pubkey(), 0);
    ix.unsign(victim.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
}

#[test]
fn a_heartbeat_reports_the_current_jobs_progress() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let meta = r.svm.send(&[rix::agent_heartbeat(a.authority.pubkey(), 4_200)], &[&a.authority]).unwrap();
    assert_eq!(r.agent(&a).progress_bps, 4_200);
    assert_eq!(events::find::<AgentHeartbeat>(&meta.logs)[0].progress_bps, 4_200);
    let ix = rix::agent_heartbeat(a.authority.pubkey(), 10_001);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentProgressOutOfRange);
    assert_eq!(r.agent(&a).progress_bps, 4_200);
}
