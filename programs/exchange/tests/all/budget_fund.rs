//! `budget_fund` on the built `.so`, in LiteSVM: only the owner funds, only a live budget, only
//! its own vault.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BudgetFunded;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::Market;
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

#[test]
fn the_owner_funds_its_budget() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args, 0);
    let ix = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 4_000);
    let meta = m.r.svm.send_measured("exchange", "budget_fund", &[ix], &[&b.owner]).unwrap();
    let ev = events::find::<BudgetFunded>(&meta.logs).remove(0);
    assert_eq!((ev.amount, ev.balance), (4_000, 4_000));
    assert_eq!((m.balance(&b.vault), m.balance(&b.owner_tokens)), (4_000, 6_000));
    m.assert_accounted(&[]);
}

#[test]
fn nobody_else_funds_it_and_nothing_is_funded_twice_over() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args.clone(), 0);
    // A stranger (with its own tokens) is not the owner.
    let stranger = m.r.svm.funded_keypair();
    let tokens = m.pay_account(stranger.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, tokens, 100);
    let ix = xix::budget::fund(stranger.pubkey(), b.address, m.pay, tokens, 100);
    assert_error(&m.r.svm.send(&[ix], &[&stranger]), anchor_codes::CONSTRAINT_HAS_ONE);
    // Unsigned, zero, or into another token account posing as the vault.
    let mut unsigned = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 1);
    unsigned.unsign(b.owner.pubkey());
    assert_error(&m.r.svm.send(&[unsigned], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let zero = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 0);
    assert_error(&m.r.svm.send(&[zero], &[&b.owner]), ExchangeError::BudgetAmountZero);
    let fake_vault = m.pay_account(b.address);
    let mut fake = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 1);
    fake.retarget(b.vault, fake_vault);
    assert_error(&m.r.svm.send(&[fake], &[&b.owner]), ExchangeError::BudgetVaultInvalid);
    // Another budget's account in place of this one: its vault does not match.
    let other = m.budget(a.agent, agx_sdk::exchange::BudgetCreateArgs { budget_id: 1, ..args }, 0);
    let mut swapped = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 1);
    swapped.retarget(b.address, other.address);
    assert!(m.r.svm.send(&[swapped], &[&b.owner]).is_err());
    // Revoked: no more funds.
    let revoke = xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    m.r.svm.send(&[revoke], &[&b.owner]).unwrap();
    let late = xix::budget::fund(b.owner.pubkey(), b.address, m.pay, b.owner_tokens, 1);
    assert_error(&m.r.svm.send(&[late], &[&b.owner]), ExchangeError::BudgetRevoked);
    assert_eq!(m.balance(&b.owner_tokens), 10_000);
    m.assert_accounted(&[]);
}
