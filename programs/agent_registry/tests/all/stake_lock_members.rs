//! `stake_lock_members` (operator only) on the built `.so`, in LiteSVM: a coalition's award
//! locks each member's contribution in one call, or nothing at all.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeLocked;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn each_member_locks_its_contribution_in_one_call() {
    let mut r = Registry::new();
    let (a, b, c) = (r.staked_agent(1_000), r.staked_agent(1_000), r.staked_agent(1_000));
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, b.agent, c.agent], vec![300, 0, 1_000]);
    let meta = r.svm.send_measured("agent_registry", "stake_lock_members_3", &[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked, r.agent(&c).locked), (300, 0, 1_000));
    let locked = events::find::<StakeLocked>(&meta.logs);
    assert_eq!(
        locked.iter().map(|e| (e.agent, e.amount)).collect::<Vec<_>>(),
        vec![(a.agent, 300), (c.agent, 1_000)]
    );
    let eight: Vec<_> = (0..8).map(|_| r.staked_agent(100)).collect();
    let agents: Vec<_> = eight.iter().map(|x| x.agent).collect();
    let ix = rix::stake_lock_members(operator.pubkey(), &agents, vec![100; 8]);
    r.svm.send_measured("agent_registry", "stake_lock_members_8", &[ix], &[&operator]).unwrap();
    assert!(eight.iter().all(|x| r.agent(x).locked == 100));
}

#[test]
fn one_member_short_of_stake_locks_nothing() {
    let mut r = Registry::new();
    let (a, b) = (r.staked_agent(1_000), r.staked_agent(100));
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, b.agent], vec![300, 101]);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeInsufficientFree);
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (0, 0));
}

#[test]
fn members_are_checked_and_only_the_operator_locks() {
    let mut r = Registry::new();
    let (a, b) = (r.staked_agent(1_000), r.staked_agent(1_000));
    let operator = r.operator.insecure_clone();
    let send = |r: &mut Registry, ix| r.svm.send(&[ix], &[&operator]);
    // One amount per member; none twice; 1 to 8; writable.
    let mut ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, b.agent], vec![1, 1]);
    ix.accounts.pop();
    assert_error(&send(&mut r, ix), RegistryError::MembersMismatch);
    let ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, a.agent], vec![1, 1]);
    assert_error(&send(&mut r, ix), RegistryError::AgentRepeated);
    let ix = rix::stake_lock_members(operator.pubkey(), &[], vec![]);
    assert_error(&send(&mut r, ix), RegistryError::MembersMismatch);
    let mut ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, b.agent], vec![1, 1]);
    ix.read_only(b.agent);
    assert_error(&send(&mut r, ix), RegistryError::MembersMismatch);
    // Something else than an agent (the config: type cosplay).
    let config = agx_sdk::pda::registry_config().0;
    let ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, config], vec![1, 1]);
    assert_error(&send(&mut r, ix), RegistryError::AgentAccountInvalid);
    // Not the operator; unsigned.
    let ix = rix::stake_lock_members(a.authority.pubkey(), &[a.agent], vec![1]);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    let mut ix = rix::stake_lock_members(operator.pubkey(), &[a.agent], vec![1]);
    ix.unsign(operator.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (0, 0));
}
