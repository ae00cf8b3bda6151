//! `budget_revoke` on the built `.so`, in LiteSVM: the owner stops the budget and gets the
//! unspent balance back at once; nobody else can.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BudgetRevoked;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::Market;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn the_owner_revokes_and_gets_the_balance_back_at_once() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args, 3_000);
    let ix = xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    let meta = m.r.svm.send_measured("exchange", "budget_revoke", &[ix], &[&b.owner]).unwrap();
    assert_eq!(events::find::<BudgetRevoked>(&meta.logs).remove(0).returned, 3_000);
    assert_eq!((m.balance(&b.owner_tokens), m.balance(&b.vault)), (10_000, 0));
    assert!(m.budget_state(&b).revoked);
    // Revoking again returns what reached the vault since (refunds, or here a donation).
    agx_tests::token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, b.vault, 5);
    let again = xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    let meta = m.r.svm.send(&[again], &[&b.owner]).unwrap();
    assert_eq!(events::find::<BudgetRevoked>(&meta.logs).remove(0).returned, 5);
    assert_eq!((m.balance(&b.owner_tokens), m.balance(&b.vault)), (10_005, 0));
    m.assert_accounted(&[]);
}

#[test]
fn only_the_owner_and_only_to_its_own_account() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args, 3_000);
    // The agent itself, or a stranger, with their own accounts.
    for who in [&a.authority, &m.requester.insecure_clone()] {
        let tokens = m.pay_account(who.pubkey());
        let ix = xix::budget::revoke(who.pubkey(), b.address, m.pay, tokens);
        assert_error(&m.r.svm.send(&[ix], &[who]), anchor_codes::CONSTRAINT_HAS_ONE);
    }
    // The owner signing, the balance to someone else's account.
    let elsewhere = m.pay_account(a.authority.pubkey());
    let ix = xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, elsewhere);
    assert_error(&m.r.svm.send(&[ix], &[&b.owner]), ExchangeError::BudgetOwnerTokensInvalid);
    let mut unsigned = xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    unsigned.unsign(b.owner.pubkey());
    assert_error(&m.r.svm.send(&[unsigned], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_eq!(m.balance(&b.vault), 3_000);
    m.assert_accounted(&[]);
}
