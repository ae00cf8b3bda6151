//! The registry's config is checked by its constant address (which the IDL states for clients),
//! on the agents' paths and on the operator's: a copy planted elsewhere, with the right owner and
//! data, is refused.
use agent_registry::error::RegistryError;
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, swap_account, Signer};

#[test]
fn a_copy_of_the_config_is_refused_to_agents_and_to_the_operator() {
    let mut r = Registry::new();
    let config = pda::registry_config().0;
    let copy = r.svm.plant_copy(&config);
    let a = r.staked_agent(1_000);
    // An agent's path.
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 10);
    assert_error(
        &r.svm.send(&[swap_account(ix, config, copy)], &[&a.authority]),
        RegistryError::ConfigAccountInvalid,
    );
    // The operator's path (read in place, not decoded).
    let operator = r.operator.insecure_clone();
    let ix = rix::agent_engage(operator.pubkey(), a.agent);
    assert_error(
        &r.svm.send(&[swap_account(ix, config, copy)], &[&operator]),
        RegistryError::ConfigAccountInvalid,
    );
    assert_eq!((r.agent(&a).open_bids, r.agent(&a).unstaking), (0, 0));
}
