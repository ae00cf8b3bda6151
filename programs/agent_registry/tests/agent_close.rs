//! `agent_close` on the built `.so`, in LiteSVM: the full stake lifecycle ends with every
//! token back with its owner and every lamport of rent back with the payer.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentClosed;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, AGENT_FUNDS, COOLDOWN};
use agx_tests::{anchor_codes, assert_error, Signer};

#[test]
fn full_lifecycle_returns_tokens_and_rent() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let payer = r.svm.payer.pubkey();
    let close = rix::agent_close(a.authority.pubkey(), payer, r.stake);
    assert_error(&r.svm.send(std::slice::from_ref(&close), &[&a.authority]), RegistryError::AgentHasStake);

    r.svm.send(&[rix::agent_deactivate(a.authority.pubkey())], &[&a.authority]).unwrap();
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), 1_000)], &[&a.authority]).unwrap();
    assert_error(&r.svm.send(std::slice::from_ref(&close), &[&a.authority]), RegistryError::AgentHasStake);
    r.warp(COOLDOWN);
    r.svm.send(&[rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake)], &[&a.authority]).unwrap();
    assert_eq!(r.balance(&a.tokens), AGENT_FUNDS);

    let rent = r.svm.lamports(&a.agent) + r.svm.lamports(&a.vault);
    let before = r.svm.lamports(&payer);
    let meta = r.svm.send_measured("agent_registry", "agent_close", &[close], &[&a.authority]).unwrap();
    // The payer also paid this transaction's fee (two signatures).
    assert_eq!(r.svm.lamports(&payer), before + rent - 10_000);
    assert!(r.svm.account(&a.agent).is_none() && r.svm.account(&a.vault).is_none());
    assert_eq!(events::find::<AgentClosed>(&meta.logs)[0].rent_payer, payer);
    r.token_accounts.retain(|t| *t != a.vault);
    r.assert_accounted(&[]);

    // A closed agent stays closed: no heartbeat, and it can register afresh only as new.
    let ix = rix::agent_heartbeat(a.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::ACCOUNT_NOT_INITIALIZED);
}

#[test]
fn rent_goes_only_to_the_recorded_payer() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let thief = r.svm.funded_keypair();
    let ix = rix::agent_close(a.authority.pubkey(), thief.pubkey(), r.stake);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_HAS_ONE);
    assert!(r.svm.account(&a.agent).is_some());
}

#[test]
fn only_the_authority_closes() {
    let mut r = Registry::new();
    let victim = r.register_agent(1);
    let attacker = r.register_agent(1);
    let payer = r.svm.payer.pubkey();
    let mut ix = rix::agent_close(attacker.authority.pubkey(), payer, r.stake);
    ix.accounts[2].pubkey = victim.agent;
    ix.accounts[3].pubkey = victim.vault;
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert!(r.svm.account(&victim.agent).is_some());
}

#[test]
fn locked_stake_blocks_closing() {
    let mut r = Registry::new();
    let a = r.staked_agent(500);
    r.lock(&a, 500).unwrap();
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 1);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeInsufficientFree);
    let close = rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake);
    assert_error(&r.svm.send(&[close], &[&a.authority]), RegistryError::AgentHasStake);
    r.assert_accounted(&[&a]);
}
