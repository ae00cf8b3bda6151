//! `stake_slash` (operator only) on the built `.so`, in LiteSVM, with token accounting.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeSlashed;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_sdk::Pubkey;
use agx_tests::registry::{Registry, TestAgent};
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

fn locked_agent(r: &mut Registry) -> TestAgent {
    let a = r.staked_agent(1_000);
    r.lock(&a, 600).unwrap();
    a
}

#[test]
fn pays_locked_stake_to_the_destinations() {
    let mut r = Registry::new();
    let a = locked_agent(&mut r);
    let requester = r.token_account(Pubkey::new_unique());
    let keeper = r.token_account(Pubkey::new_unique());
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(requester, 400), (keeper, 100)]);
    let meta = r.svm.send_measured("agent_registry", "stake_slash", &[ix], &[&operator]).unwrap();
    let agent = r.agent(&a);
    assert_eq!((agent.staked, agent.locked), (500, 100));
    assert_eq!((r.balance(&requester), r.balance(&keeper), r.balance(&a.vault)), (400, 100, 500));
    let ev = &events::find::<StakeSlashed>(&meta.logs)[0];
    assert_eq!(
        (ev.total, ev.amounts.clone(), ev.destinations.clone()),
        (500, vec![400, 100], vec![requester, keeper])
    );
    r.assert_accounted(&[&a]);
}

#[test]
fn never_more_than_locked() {
    let mut r = Registry::new();
    let a = locked_agent(&mut r);
    let d = r.token_account(Pubkey::new_unique());
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(d, 601)]);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeSlashExceedsLocked);
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(d, 300), (d, 301)]);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeSlashExceedsLocked);
    r.assert_accounted(&[&a]);
}

#[test]
fn rejects_bad_destination_lists() {
    let mut r = Registry::new();
    let a = locked_agent(&mut r);
    let d = r.token_account(Pubkey::new_unique());
    let operator = r.operator.insecure_clone();
    let send = |r: &mut Registry, ix| r.svm.send(&[ix], &[&operator]);
    // The vault itself.
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(a.vault, 10)]);
    assert_error(&send(&mut r, ix), RegistryError::StakeDestinationIsVault);
    // More amounts than accounts, and none at all.
    let mut ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(d, 10), (d, 10)]);
    ix.accounts.pop();
    assert_error(&send(&mut r, ix), RegistryError::StakeSlashDestinationsMismatch);
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[]);
    assert_error(&send(&mut r, ix), RegistryError::StakeSlashDestinationsMismatch);
    // Five destinations.
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(d, 1); 5]);
    assert_error(&send(&mut r, ix), RegistryError::StakeSlashTooManyDestinations);
    // A zero amount.
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(d, 0)]);
    assert_error(&send(&mut r, ix), RegistryError::StakeAmountZero);
    // A token account of another mint, and an account that is not a token account.
    let other_mint = token::create_mint(&mut r.svm, token::TOKEN, 6);
    let foreign = token::create_account(&mut r.svm, token::TOKEN, other_mint, Pubkey::new_unique());
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(foreign, 10)]);
    assert_error(&send(&mut r, ix), RegistryError::StakeSlashDestinationInvalid);
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(operator.pubkey(), 10)]);
    assert_error(&send(&mut r, ix), RegistryError::StakeSlashDestinationInvalid);
    assert_eq!(r.agent(&a).locked, 600);
    r.assert_accounted(&[&a]);
}

#[test]
fn nobody_but_the_operator_can_slash() {
    let mut r = Registry::new();
    let a = locked_agent(&mut r);
    let thief = r.new_authority();
    let ix = rix::stake_slash(thief.authority.pubkey(), a.agent, r.stake, &[(thief.tokens, 600)]);
    assert_error(&r.svm.send(&[ix], &[&thief.authority]), RegistryError::OperatorNotAuthorized);
    // The operator cannot be made to pay from another agent's vault either.
    let b = locked_agent(&mut r);
    let operator = r.operator.insecure_clone();
    let mut ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(thief.tokens, 600)]);
    ix.retarget(a.vault, b.vault);
    assert_error(&r.svm.send(&[ix], &[&operator]), anchor_codes::CONSTRAINT_SEEDS);
    r.assert_accounted(&[&a, &b]);
}

#[test]
fn a_donation_to_the_vault_cannot_make_locked_stake_unslashable() {
    let mut r = Registry::new();
    let a = locked_agent(&mut r);
    // The agent donates one atom to its own vault by a plain transfer.
    let ix = agx_sdk::token::transfer_checked(
        r.stake.program,
        a.tokens,
        r.stake.mint,
        a.vault,
        a.authority.pubkey(),
        1,
        6,
    );
    r.svm.send(&[ix], &[&a.authority]).unwrap();
    let requester = r.token_account(Pubkey::new_unique());
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(requester, 600)]);
    r.svm.send(&[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).staked, r.agent(&a).locked, r.balance(&a.vault)), (400, 0, 401));
    assert_eq!(r.balance(&requester), 600);
}
