//! `stake_unstake_request` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeUnstakeRequested;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, COOLDOWN};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn starts_the_cooldown_on_free_stake() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 300);
    let meta =
        r.svm.send_measured("agent_registry", "stake_unstake_request", &[ix], &[&a.authority]).unwrap();
    let agent = r.agent(&a);
    assert_eq!(
        (agent.unstaking, agent.unstake_ready_slot, agent.free_stake()),
        (300, r.slot() + COOLDOWN, 700)
    );
    let ev = &events::find::<StakeUnstakeRequested>(&meta.logs)[0];
    assert_eq!((ev.amount, ev.unstaking), (300, 300));
    // A second request adds up and restarts the cooldown.
    r.warp(10);
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), 200)], &[&a.authority]).unwrap();
    assert_eq!((r.agent(&a).unstaking, r.agent(&a).unstake_ready_slot), (500, r.slot() + COOLDOWN));
    r.assert_accounted(&[&a]);
}

#[test]
fn locked_stake_cannot_be_unstaked() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 800).unwrap();
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 201);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeInsufficientFree);
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), 200)], &[&a.authority]).unwrap();
}

#[test]
fn rejects_zero_and_more_than_staked() {
    let mut r = Registry::new();
    let a = r.staked_agent(100);
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 0);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeAmountZero);
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 101);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeInsufficientFree);
}

#[test]
fn another_signer_cannot_unstake_an_agent() {
    let mut r = Registry::new();
    let victim = r.staked_agent(100);
    let attacker = r.register_agent(1);
    let mut ix = rix::stake_unstake_request(attacker.authority.pubkey(), 50);
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert_eq!(r.agent(&victim).unstaking, 0);
}
