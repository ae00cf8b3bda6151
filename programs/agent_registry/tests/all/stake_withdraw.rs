//! `stake_withdraw` on the built `.so`, in LiteSVM, with clock warps and token accounting.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeWithdrawn;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, TestAgent, AGENT_FUNDS, COOLDOWN};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

fn unstaking(r: &mut Registry, amount: u64) -> TestAgent {
    let a = r.staked_agent(1_000);
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), amount)], &[&a.authority]).unwrap();
    a
}

#[test]
fn pays_out_after_the_cooldown() {
    let mut r = Registry::new();
    let a = unstaking(&mut r, 600);
    let ix = rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake);
    assert_error(
        &r.svm.send(std::slice::from_ref(&ix), &[&a.authority]),
        RegistryError::StakeCooldownNotElapsed,
    );
    r.warp(COOLDOWN - 1);
    assert_error(
        &r.svm.send(std::slice::from_ref(&ix), &[&a.authority]),
        RegistryError::StakeCooldownNotElapsed,
    );
    r.warp(1);
    let meta = r.svm.send_measured("agent_registry", "stake_withdraw", &[ix], &[&a.authority]).unwrap();
    let agent = r.agent(&a);
    assert_eq!((agent.staked, agent.unstaking), (400, 0));
    assert_eq!((r.balance(&a.vault), r.balance(&a.tokens)), (400, AGENT_FUNDS - 400));
    assert_eq!(events::find::<StakeWithdrawn>(&meta.logs)[0].amount, 600);
    r.assert_accounted(&[&a]);
}

#[test]
fn rejects_without_a_pending_request() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let ix = rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeNoPendingUnstake);
}

#[test]
fn rejects_the_vault_as_destination() {
    let mut r = Registry::new();
    let a = unstaking(&mut r, 100);
    r.warp(COOLDOWN);
    let ix = rix::stake_withdraw(a.authority.pubkey(), a.vault, r.stake);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT);
    r.assert_accounted(&[&a]);
}

#[test]
fn cannot_drain_another_agents_vault() {
    let mut r = Registry::new();
    let victim = unstaking(&mut r, 500);
    let attacker = unstaking(&mut r, 1);
    r.warp(COOLDOWN);
    let mut ix = rix::stake_withdraw(attacker.authority.pubkey(), attacker.tokens, r.stake);
    ix.retarget(attacker.vault, victim.vault);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    let mut ix = rix::stake_withdraw(attacker.authority.pubkey(), attacker.tokens, r.stake);
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert_eq!(r.balance(&victim.vault), 1_000);
    r.assert_accounted(&[&victim, &attacker]);
}

#[test]
fn requires_the_authority_signature() {
    let mut r = Registry::new();
    let a = unstaking(&mut r, 100);
    r.warp(COOLDOWN);
    let mut ix = rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake);
    ix.unsign(a.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
}

#[test]
fn refuses_another_agents_vault_as_destination() {
    let mut r = Registry::new();
    let a = unstaking(&mut r, 600);
    let other = r.staked_agent(1);
    r.warp(COOLDOWN);
    let ix = rix::stake_withdraw(a.authority.pubkey(), other.vault, r.stake);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeDestinationIsStakeVault);
    assert_eq!(r.agent(&a).staked, 1_000);
    r.assert_accounted(&[&a, &other]);
}
