//! The singletons (the exchange's config and signing authority, the registry's config) are
//! checked by their constant addresses, which the IDL states for clients: a copy of a config
//! planted elsewhere, with the right owner and data, is refused, and so is any other authority.
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_sdk::Pubkey;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::{assert_error, swap_account, Signer};
use anchor_lang::solana_program::instruction::Instruction;

/// A sealed intent, an eligible agent and its commit instruction.
fn commit_ix(m: &mut Market) -> (Pubkey, agx_tests::registry::TestAgent, Instruction) {
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let commitment = xix::commitment(&intent, &a.agent, &opening(1, 1, 1));
    let ix = xix::bid_commit(a.authority.pubkey(), intent, a.agent, 0, commitment);
    (intent, a, ix)
}

/// A continuous intent, an eligible agent and its bid in the clear (which may award at once, so
/// it names the registry's accounts).
fn place_ix(m: &mut Market) -> (Pubkey, agx_tests::registry::TestAgent, Instruction) {
    let intent = m.intent(AuctionKind::Continuous);
    let a = m.agent(MIN_STAKE);
    let ix = xix::bid_place(a.authority.pubkey(), intent, a.agent, 0, opening(1, 1, 1));
    (intent, a, ix)
}

#[test]
fn a_copy_of_the_exchange_config_is_refused() {
    let mut m = Market::new();
    let (intent, a, ix) = commit_ix(&mut m);
    let copy = m.r.svm.plant_copy(&pda::exchange_config().0);
    let ix = swap_account(ix, pda::exchange_config().0, copy);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::ConfigAccountInvalid);
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

#[test]
fn only_the_exchange_authority_signs_for_the_exchange() {
    let mut m = Market::new();
    let (intent, a, ix) = place_ix(&mut m);
    let ix = swap_account(ix, pda::exchange_authority().0, Pubkey::new_unique());
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::ExchangeAuthorityInvalid);
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

#[test]
fn a_copy_of_the_registry_config_is_refused() {
    let mut m = Market::new();
    let (intent, a, ix) = place_ix(&mut m);
    let copy = m.r.svm.plant_copy(&pda::registry_config().0);
    let ix = swap_account(ix, pda::registry_config().0, copy);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::RegistryConfigInvalid);
    assert_eq!(m.intent_state(intent).bid_count, 0);
    // The real accounts still work.
    let (_, b, ix) = place_ix(&mut m);
    m.r.svm.send(&[ix], &[&b.authority]).unwrap();
}
