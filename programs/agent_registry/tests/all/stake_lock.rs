//! `stake_lock` (operator only) on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeLocked;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn operator_locks_free_stake() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_lock(operator.pubkey(), a.agent, None, 700);
    let meta = r.svm.send_measured("agent_registry", "stake_lock", &[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&a).free_stake()), (700, 300));
    assert_eq!(events::find::<StakeLocked>(&meta.logs)[0].locked, 700);
    assert_error(&r.lock(&a, 301), RegistryError::StakeInsufficientFree);
    assert_error(&r.lock(&a, 0), RegistryError::StakeAmountZero);
    r.lock(&a, 300).unwrap();
    r.assert_accounted(&[&a]);
}

#[test]
fn nobody_but_the_operator_can_lock() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    // The agent itself, or any other key posing as operator.
    let ix = rix::stake_lock(a.authority.pubkey(), a.agent, None, 1);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    // The operator's key without its signature.
    let mut ix = rix::stake_lock(r.operator.pubkey(), a.agent, None, 1);
    ix.unsign(r.operator.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_eq!(r.agent(&a).locked, 0);
}

#[test]
fn rejects_a_fake_agent_account() {
    let mut r = Registry::new();
    let operator = r.operator.insecure_clone();
    // Type cosplay: the config (owned by the registry, another discriminator).
    let ix = rix::stake_lock(operator.pubkey(), agx_sdk::pda::registry_config().0, None, 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentAccountInvalid);
    // An account that does not exist, and one owned by another program.
    let ix = rix::stake_lock(operator.pubkey(), agx_sdk::Pubkey::new_unique(), None, 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentAccountInvalid);
    let vault = r.staked_agent(10).vault;
    let ix = rix::stake_lock(operator.pubkey(), vault, None, 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentAccountInvalid);
}

#[test]
fn locks_a_standby_in_the_same_call() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let b = r.staked_agent(400);
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_lock(operator.pubkey(), a.agent, Some(b.agent), 500);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeInsufficientFree);
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (0, 0), "all or nothing");
    let ix = rix::stake_lock(operator.pubkey(), a.agent, Some(b.agent), 400);
    let meta = r.svm.send_measured("agent_registry", "stake_lock_with_standby", &[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (400, 400));
    assert_eq!(events::find::<StakeLocked>(&meta.logs).len(), 2, "one event per agent locked");
    let ix = rix::stake_lock(operator.pubkey(), a.agent, Some(a.agent), 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentRepeated);
}
