//! The SDK's chain behaviour suite on a real `solana-test-validator` (one for this binary), the
//! same suite `sdk_embedded` runs on LiteSVM.
use std::process::ExitCode;

use agx_sdk::chain::RpcChain;
use libtest_mimic::{Arguments, Trial};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let (validator, authority) = agx_tests::cluster::start_validator();
    let url = validator.rpc_url.clone();
    let trials = vec![Trial::test("the_sdk_behaves_on_a_validator", move || {
        let chain = RpcChain::new(&url).map_err(|e| e.to_string())?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        agx_tests::chain_suite::run(&chain, &authority, dir.path()).map_err(|e| format!("{e:#}").into())
    })];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(validator);
    conclusion.exit_code()
}
