//! The registry's config is checked by its constant address (which the IDL states for clients),
//! on the agents' paths and on the operator's: a copy planted elsewhere, with the right owner and
//! data, is refused.
use agent_registry::error::RegistryError;
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_sdk::Pubkey;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, Signer};
use anchor_lang::solana_program::instruction::Instruction;

fn with_config(mut ix: Instruction, config: Pubkey) -> Instruction {
    let at = ix.accounts.iter().position(|a| a.pubkey == pda::registry_config().0).expect("config in ix");
    ix.accounts[at].pubkey = config;
    ix
}

fn planted_copy(r: &mut Registry) -> Pubkey {
    let copy = Pubkey::new_unique();
    let account = r.svm.account(&pda::registry_config().0).expect("config exists");
    r.svm.svm.set_account(copy, account).unwrap();
    copy
}

#[test]
fn a_copy_of_the_config_is_refused_to_agents_and_to_the_operator() {
    let mut r = Registry::new();
    let copy = planted_copy(&mut r);
    let a = r.staked_agent(1_000);
    // An agent's path.
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 10);
    assert_error(&r.svm.send(&[with_config(ix, copy)], &[&a.authority]), RegistryError::ConfigAccountInvalid);
    // The operator's path (read in place, not decoded).
    let operator = r.operator.insecure_clone();
    let ix = rix::agent_engage(operator.pubkey(), a.agent);
    assert_error(&r.svm.send(&[with_config(ix, copy)], &[&operator]), RegistryError::ConfigAccountInvalid);
    assert_eq!((r.agent(&a).open_bids, r.agent(&a).unstaking), (0, 0));
}
