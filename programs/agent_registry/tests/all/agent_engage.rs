//! `agent_engage` / `agent_release` / `agent_hire` (operator only) on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::{AgentEngagementChanged, AgentHired};
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

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
    ix.unsign(operator.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_eq!(r.agent(&a).open_bids, 1);
}

/// The operator paths read the config and the agent in place: what stands in for either is
/// refused by its owner and discriminator, and a read-only agent by Anchor's `mut` check.
#[test]
fn in_place_accounts_are_checked_for_owner_type_and_writability() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    let config = agx_sdk::pda::registry_config().0;
    // Type cosplay both ways: the config as the agent, the agent as the config.
    let ix = rix::agent_engage(operator.pubkey(), config);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentAccountInvalid);
    let mut ix = rix::agent_engage(operator.pubkey(), a.agent);
    ix.retarget(agx_sdk::pda::registry_config().0, a.agent);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::ConfigAccountInvalid);
    // A byte-for-byte copy of the config, naming an attacker as operator, owned by another
    // program: refused by its owner.
    let attacker = r.svm.funded_keypair();
    let mut forged = r.svm.account(&config).unwrap();
    forged.data[42..74].copy_from_slice(attacker.pubkey().as_ref());
    forged.owner = agx_sdk::exchange::ID;
    let forged_at = agx_sdk::Pubkey::new_unique();
    r.svm.svm.set_account(forged_at, forged).unwrap();
    let mut ix = rix::agent_engage(attacker.pubkey(), a.agent);
    ix.retarget(agx_sdk::pda::registry_config().0, forged_at);
    assert_error(&r.svm.send(&[ix], &[&attacker]), RegistryError::ConfigAccountInvalid);
    // The agent passed read-only.
    let mut ix = rix::agent_engage(operator.pubkey(), a.agent);
    ix.read_only(a.agent);
    assert_error(&r.svm.send(&[ix], &[&operator]), anchor_codes::CONSTRAINT_MUT);
    assert_eq!(r.agent(&a).open_bids, 0);
}

#[test]
fn a_hire_engages_and_locks_in_one_call() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let operator = r.operator.insecure_clone();
    let ix = rix::agent_hire(operator.pubkey(), a.agent, 400);
    let meta = r.svm.send_measured("agent_registry", "agent_hire", &[ix], &[&operator]).unwrap();
    let ev = &events::find::<AgentHired>(&meta.logs)[0];
    assert_eq!((ev.agent, ev.amount, ev.locked, ev.open_bids), (a.agent, 400, 400, 1));
    // A job that holds no stake engages all the same.
    r.svm.send(&[rix::agent_hire(operator.pubkey(), a.agent, 0)], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&a).open_bids), (400, 2));
    // More than the free stake: refused whole, the engagement included.
    let ix = rix::agent_hire(operator.pubkey(), a.agent, 601);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeInsufficientFree);
    assert_eq!((r.agent(&a).locked, r.agent(&a).open_bids), (400, 2));
    // Only the operator hires, and only with its signature.
    let ix = rix::agent_hire(a.authority.pubkey(), a.agent, 1);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    let mut ix = rix::agent_hire(operator.pubkey(), a.agent, 1);
    ix.unsign(operator.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // The config standing in for the agent (type cosplay).
    let ix = rix::agent_hire(operator.pubkey(), agx_sdk::pda::registry_config().0, 1);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentAccountInvalid);
}

#[test]
fn a_hired_agent_cannot_close_even_with_no_stake_locked() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    r.svm.send(&[rix::agent_hire(operator.pubkey(), a.agent, 0)], &[&operator]).unwrap();
    let close = rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, None);
    assert_error(&r.svm.send(&[close], &[&a.authority]), RegistryError::AgentHasOpenBids);
}
