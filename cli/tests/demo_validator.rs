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

/// `agx agent` and `agx intent` on the cluster the demo ran on, and their errors.
fn cli_reads_what_the_demo_left(url: &str, summary: &serde_json::Value) -> Result<(), Failed> {
    let agents = demo(&["--url", url, "--output", "json", "agent", "list"])?;
    let listed = agents.as_array().ok_or("agent list is not an array")?;
    if listed.len() != summary["agents"].as_array().map_or(0, Vec::len) {
        return Err(format!("agent list shows {} agents", listed.len()).into());
    }
    let first = &summary["agents"][0];
    let shown =
        demo(&["--url", url, "--output", "json", "agent", "show", first["agent"].as_str().unwrap_or("")])?;
    if shown["reputation"] != first["reputation_after"] || shown["completed"] != first["completed"] {
        return Err(format!("agent show {shown} disagrees with the demo's {first}").into());
    }
    if demo(&["--url", url, "--output", "json", "intent", "list"])? != serde_json::json!([]) {
        return Err("intents are left open after the demo".into());
    }
    let nowhere = Keypair::new().pubkey().to_string();
    let empty_home = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (args, message) in [
        (vec!["--url", url, "intent", "show", nowhere.as_str()], "no intent at"),
        (vec!["--url", url, "intent", "verify", nowhere.as_str()], "wrong cluster (--url), or it was closed"),
        (vec!["--url", url, "agent", "show", nowhere.as_str()], "register one first"),
        (
            vec![
                "--url",
                url,
                "intent",
                "post",
                "--mint",
                nowhere.as_str(),
                "--capabilities",
                "1",
                "--max-price",
                "5",
            ],
            "no keypair",
        ),
        (vec!["--url", url, "intent", "list", "--status", "sleeping"], "unknown status 'sleeping'"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_agx"))
            .args(&args)
            .env("HOME", empty_home.path())
            .env_remove("AGX_KEYPAIR")
            .output()
            .map_err(|e| e.to_string())?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(1) || !stderr.contains(message) {
            return Err(
                format!("agx {args:?}: expected '{message}', got {:?}: {stderr}", out.status.code()).into()
            );
        }
    }
    Ok(())
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
        cli_reads_what_the_demo_left(&url, &cluster)
    })];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(validator);
    conclusion.exit_code()
}
