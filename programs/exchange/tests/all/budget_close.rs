//! `budget_close` on the built `.so`, in LiteSVM: a revoked or expired budget closes, everything
//! left (donations too) and both rents to the owner; a live one does not; a closed one is gone.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BudgetClosed;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{Market, BUDGET_LIFE};
use agx_tests::{anchor_codes, assert_error, token, Signer};

#[test]
fn a_live_budget_stays_and_a_revoked_one_closes_with_its_rents_to_the_owner() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args, 3_000);
    let close = || xix::budget::close(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    assert_error(&m.r.svm.send(&[close()], &[&b.owner]), ExchangeError::BudgetStillLive);
    m.r.svm
        .send(&[xix::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens)], &[&b.owner])
        .unwrap();
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, b.vault, 7); // donated after the revoke
    let rents = m.r.svm.lamports(&b.address) + m.r.svm.lamports(&b.vault);
    let before = m.r.svm.lamports(&b.owner.pubkey());
    let meta = m.r.svm.send_measured("exchange", "budget_close", &[close()], &[&b.owner]).unwrap();
    assert_eq!(events::find::<BudgetClosed>(&meta.logs).remove(0).swept, 7);
    assert!(m.r.svm.account(&b.address).is_none() && m.r.svm.account(&b.vault).is_none());
    assert_eq!(
        m.r.svm.lamports(&b.owner.pubkey()),
        before + rents,
        "both rents (the fixture's payer pays the fee)"
    );
    assert_eq!(m.balance(&b.owner_tokens), 10_007);
    // Closed: nothing more can be done with it.
    let pay = m.budget_pay_ix(&a.authority, &b, b.owner_tokens, None, 1);
    assert_error(&m.r.svm.send(&[pay], &[&a.authority]), anchor_codes::ACCOUNT_NOT_INITIALIZED);
    m.assert_accounted(&[]);
}

#[test]
fn an_expired_budget_closes_without_a_revoke_and_only_its_owner_closes_it() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let b = m.budget(a.agent, args, 3_000);
    m.warp_to(m.r.slot() + BUDGET_LIFE);
    let tokens = m.pay_account(a.authority.pubkey());
    let by_agent = xix::budget::close(a.authority.pubkey(), b.address, m.pay, tokens);
    assert_error(&m.r.svm.send(&[by_agent], &[&a.authority]), anchor_codes::CONSTRAINT_HAS_ONE);
    let close = xix::budget::close(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    m.r.svm.send(&[close], &[&b.owner]).unwrap();
    assert_eq!(m.balance(&b.owner_tokens), 10_000);
    m.assert_accounted(&[]);
}
