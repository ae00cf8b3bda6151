//! `stake_deposit` on the built `.so`, in LiteSVM, with token accounting after each step.
use agent_registry::error::RegistryError;
use agent_registry::events::StakeDeposited;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, AGENT_FUNDS};
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

#[test]
fn deposits_move_tokens_into_the_vault() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.tokens, r.stake, 400);
    let meta = r.svm.send_measured("agent_registry", "stake_deposit", &[ix], &[&a.authority]).unwrap();
    assert_eq!(
        (r.agent(&a).staked, r.balance(&a.vault), r.balance(&a.tokens)),
        (400, 400, AGENT_FUNDS - 400)
    );
    let ev = &events::find::<StakeDeposited>(&meta.logs)[0];
    assert_eq!((ev.amount, ev.received, ev.staked), (400, 400, 400));
    r.assert_accounted(&[&a]);
    r.deposit(&a, 100).unwrap();
    assert_eq!(r.agent(&a).staked, 500);
    r.assert_accounted(&[&a]);
}

#[test]
fn anyone_may_top_up_an_agent() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let sponsor = r.new_authority();
    let ix =
        rix::stake_deposit(sponsor.authority.pubkey(), a.authority.pubkey(), sponsor.tokens, r.stake, 77);
    r.svm.send(&[ix], &[&sponsor.authority]).unwrap();
    assert_eq!(r.agent(&a).staked, 77);
    r.assert_accounted(&[&a]);
}

#[test]
fn works_with_token_2022() {
    let mut r = Registry::with_token_program(token::TOKEN_2022);
    let a = r.staked_agent(1_234);
    assert_eq!((r.agent(&a).staked, r.balance(&a.vault)), (1_234, 1_234));
    r.assert_accounted(&[&a]);
}

#[test]
fn rejects_zero() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    assert_error(&r.deposit(&a, 0), RegistryError::StakeAmountZero);
}

#[test]
fn rejects_the_vault_as_source() {
    let mut r = Registry::new();
    let a = r.staked_agent(10);
    let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.vault, r.stake, 5);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT);
    r.assert_accounted(&[&a]);
}

#[test]
fn rejects_another_agents_vault() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let b = r.register_agent(1);
    let mut ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.tokens, r.stake, 5);
    ix.retarget(a.vault, b.vault);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_SEEDS);
    r.assert_accounted(&[&a, &b]);
}

#[test]
fn rejects_a_wrong_mint() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let mut wrong = r.stake;
    wrong.mint = token::create_mint(&mut r.svm, token::TOKEN, 6);
    let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.tokens, wrong, 5);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeMintMismatch);
}

#[test]
fn rejects_the_other_token_program() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let mut wrong = r.stake;
    wrong.program = token::TOKEN_2022;
    let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.tokens, wrong, 5);
    assert!(r.svm.send(&[ix], &[&a.authority]).is_err());
    r.assert_accounted(&[&a]);
}

#[test]
fn cannot_spend_someone_elses_tokens() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let victim = r.new_authority();
    let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), victim.tokens, r.stake, 5);
    assert!(r.svm.send(&[ix], &[&a.authority]).is_err(), "the token program refuses a non-owner");
    assert_eq!(r.balance(&victim.tokens), AGENT_FUNDS);
    r.assert_accounted(&[&a]);
}
