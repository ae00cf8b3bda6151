//! `agx demo --url` on a real `solana-test-validator` (one for this binary): the market runs on
//! the cluster with the keeper service cranking, and ends as the embedded run of the same seed.
use std::process::{Command, ExitCode};

use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use libtest_mimic::{Arguments, Failed, Trial};
use solana_keypair::Keypair;
use solana_signer::Signer;

fn demo(args: &[&str]) -> Result<serde_json::Value, Failed> {
    let out = Command::new(env!("CARGO_BIN_EXE_agx")).args(args).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("agx {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("not JSON: {e}").into())
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let dir = tempfile::tempdir().expect("tempdir");
    let keypair = dir.path().join("authority.json");
    let authority = Keypair::new();
    solana_keypair::write_keypair_file(&authority, &keypair).expect("write keypair");
    let config = LocalnetConfig::new(authority.pubkey()).expect("validator config");
    let validator = LocalValidator::start(&config).expect("start solana-test-validator");
    let url = validator.rpc_url.clone();
    let trials = vec![Trial::test("the_demo_runs_on_a_validator_as_on_the_embedded_chain", move || {
        let size = ["--output", "json", "--seed", "4", "--agents", "5", "--intents", "6"];
        let keypair = keypair.to_str().unwrap();
        let mut on_cluster = vec!["demo", "--url", url.as_str(), "--keypair", keypair];
        on_cluster.extend(size);
        let cluster = demo(&on_cluster)?;
        let mut embedded = vec!["demo"];
        embedded.extend(size);
        let embedded = demo(&embedded)?;
        if cluster["problems"] != serde_json::json!([]) || cluster["keeper"]["kind"] != "service" {
            return Err(format!("problems on the cluster: {cluster}").into());
        }
        for key in ["outcomes", "paid_to_agents", "stake_slashed", "verified", "agents"] {
            if cluster[key] != embedded[key] {
                return Err(format!("{key}: cluster {} vs embedded {}", cluster[key], embedded[key]).into());
            }
        }
        Ok(())
    })];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(validator);
    conclusion.exit_code()
}
