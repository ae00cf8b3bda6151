//! `stake_unlock` (operator only) on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeUnlocked;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, Signer};

#[test]
fn operator_unlocks_at_most_what_is_locked() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 500).unwrap();
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_unlock(operator.pubkey(), a.agent, 200);
    let meta = r.svm.send_measured("agent_registry", "stake_unlock", &[ix], &[&operator]).unwrap();
    assert_eq!(r.agent(&a).locked, 300);
    assert_eq!(events::find::<StakeUnlocked>(&meta.logs)[0].locked, 300);
    let ix = rix::stake_unlock(operator.pubkey(), a.agent, 301);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeUnlockExceedsLocked);
    let ix = rix::stake_unlock(operator.pubkey(), a.agent, 0);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeAmountZero);
    r.assert_accounted(&[&a]);
}

#[test]
fn nobody_but_the_operator_can_unlock() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 500).unwrap();
    let ix = rix::stake_unlock(a.authority.pubkey(), a.agent, 500);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!(r.agent(&a).locked, 500);
}
