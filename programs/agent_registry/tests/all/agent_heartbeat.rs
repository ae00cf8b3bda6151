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

/// Reliability from heartbeats (issue 25): while a job is under way, a gap beyond the timeout
/// counts its missed beats, and beats that report no progress count as stalled until progress
/// moves; an idle agent's silence counts nothing.
#[test]
fn missed_and_stalled_beats_are_counted_while_working() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let beat = |r: &mut Registry, progress| {
        r.svm.send(&[rix::agent_heartbeat(a.authority.pubkey(), progress)], &[&a.authority]).unwrap()
    };
    r.warp(10 * HEARTBEAT_TIMEOUT);
    beat(&mut r, 0);
    assert_eq!((r.agent(&a).missed_heartbeats, r.agent(&a).stalled_beats), (0, 0), "idle: nothing missed");
    beat(&mut r, 1_000);
    r.warp(3 * HEARTBEAT_TIMEOUT + 1);
    let meta = beat(&mut r, 1_000);
    let agent = r.agent(&a);
    assert_eq!((agent.missed_heartbeats, agent.missed_since_outcome, agent.stalled_beats), (3, 3, 1));
    let ev = &events::find::<AgentHeartbeat>(&meta.logs)[0];
    assert_eq!((ev.missed_heartbeats, ev.stalled_beats), (3, 1));
    r.warp(1);
    beat(&mut r, 1_000);
    assert_eq!(r.agent(&a).stalled_beats, 2, "still no progress");
    r.warp(1);
    beat(&mut r, 2_500);
    assert_eq!((r.agent(&a).stalled_beats, r.agent(&a).missed_heartbeats), (0, 3), "progress moved");
}

/// The timeout comes from the registry's own config: a copy of it elsewhere (a fake PDA) and
/// another account in its place (type cosplay) are refused.
#[test]
fn a_heartbeat_reads_the_registrys_own_config() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let config = agx_sdk::pda::registry_config().0;
    let copy = r.svm.plant_copy(&config);
    let mut ix = rix::agent_heartbeat(a.authority.pubkey(), 0);
    ix.retarget(config, copy);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::ConfigAccountInvalid);
    let mut ix = rix::agent_heartbeat(a.authority.pubkey(), 0);
    ix.retarget(config, a.agent);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
}
