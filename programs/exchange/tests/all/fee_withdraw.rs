//! `fee_withdraw` on the built `.so`, in LiteSVM: the admin moves reputation fees out of a fee
//! vault; nobody else can, and only out of a vault of the exchange authority.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::FeeWithdrawn;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::anchor_codes;
use agx_tests::market::Market;
use agx_tests::{assert_error, token, EditAccounts, Keypair, Signer};

/// A market whose payment mint pays the default 2% reputation fee, after one job paid 300,000:
/// 6,000 atoms in the fee vault. Returns the market and the admin.
fn with_fees() -> (Market, Keypair) {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    m.update_settings(|s| s.reputation_fee_bps = xix::default_settings().reputation_fee_bps).unwrap();
    let (intent, a, _) = m.awarded(AuctionKind::FirstPriceSealed);
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.intent_state(intent).winner_tokens;
    m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!(m.balance(&pda::fee_vault(&m.pay.mint, &m.pay.program)), 6_000);
    (m, admin)
}

#[test]
fn the_admin_withdraws_fees_to_any_account_of_the_mint() {
    let (mut m, admin) = with_fees();
    let treasury = m.pay_account(agx_sdk::Pubkey::new_unique());
    let ix = xix::fee_withdraw(admin.pubkey(), m.pay, treasury, 4_000);
    let meta = m.r.svm.send_measured("exchange", "fee_withdraw", &[ix], &[&admin]).unwrap();
    let ev = events::find::<FeeWithdrawn>(&meta.logs).remove(0);
    assert_eq!((ev.mint, ev.amount, ev.destination), (m.pay.mint, 4_000, treasury));
    assert_eq!(
        (m.balance(&treasury), m.balance(&pda::fee_vault(&m.pay.mint, &m.pay.program))),
        (4_000, 2_000)
    );
    // Not more than the vault holds (the token program refuses), not zero.
    assert!(m.r.svm.send(&[xix::fee_withdraw(admin.pubkey(), m.pay, treasury, 2_001)], &[&admin]).is_err());
    let zero = xix::fee_withdraw(admin.pubkey(), m.pay, treasury, 0);
    assert_error(&m.r.svm.send(&[zero], &[&admin]), ExchangeError::FeeWithdrawVaultInvalid);
    m.assert_accounted(&[]);
}

#[test]
fn only_the_admin_signing() {
    let (mut m, admin) = with_fees();
    let thief = m.r.svm.funded_keypair();
    let loot = m.pay_account(thief.pubkey());
    let ix = xix::fee_withdraw(thief.pubkey(), m.pay, loot, 6_000);
    assert_error(&m.r.svm.send(&[ix], &[&thief]), ExchangeError::ConfigNotAdmin);
    // The admin's key without its signature.
    let mut unsigned = xix::fee_withdraw(admin.pubkey(), m.pay, loot, 6_000);
    unsigned.unsign(admin.pubkey());
    assert_error(&m.r.svm.send(&[unsigned], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    assert_eq!(m.balance(&loot), 0);
    m.assert_accounted(&[]);
}

#[test]
fn only_out_of_a_vault_of_the_exchange_authority_of_that_mint() {
    let (mut m, admin) = with_fees();
    let vault = pda::fee_vault(&m.pay.mint, &m.pay.program);
    let treasury = m.pay_account(admin.pubkey());
    let pay = m.pay;
    let ix = || xix::fee_withdraw(admin.pubkey(), pay, treasury, 1);
    let send = |m: &mut Market, ix| {
        let admin = m.r.svm.upgrade_authority.insecure_clone();
        m.r.svm.send(&[ix], &[&admin])
    };
    // A requester's account is not a fee vault.
    let not_a_vault = agx_tests::swap_account(ix(), vault, m.requester_tokens);
    assert_error(&send(&mut m, not_a_vault), ExchangeError::FeeWithdrawVaultInvalid);
    // A vault of the authority, but of another mint than the one named.
    let other_mint = token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let wrong_mint = agx_tests::swap_account(ix(), pay.mint, other_mint);
    assert_error(&send(&mut m, wrong_mint), ExchangeError::FeeWithdrawVaultInvalid);
    // A fake config, a fake authority, a fake token program.
    // The registry's config (wrong owner); a copy of the exchange's elsewhere (a fake PDA).
    let foreign = agx_tests::swap_account(ix(), pda::exchange_config().0, pda::registry_config().0);
    assert_error(&send(&mut m, foreign), anchor_codes::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
    let copy = m.r.svm.plant_copy(&pda::exchange_config().0);
    let fake_config = agx_tests::swap_account(ix(), pda::exchange_config().0, copy);
    assert_error(&send(&mut m, fake_config), ExchangeError::ConfigAccountInvalid);
    let fake_authority = agx_tests::swap_account(ix(), pda::exchange_authority().0, admin.pubkey());
    assert_error(&send(&mut m, fake_authority), ExchangeError::ExchangeAuthorityInvalid);
    let fake_program = agx_tests::swap_account(ix(), pay.program, agx_sdk::exchange::ID);
    assert_error(&send(&mut m, fake_program), anchor_codes::INVALID_PROGRAM_ID);
    m.assert_accounted(&[]);
}
