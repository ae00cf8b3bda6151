//! The TypeScript example (`clients/ts`) on a real `solana-test-validator`: a third-party client,
//! the stock Anchor TS client with the committed IDLs and their generated types, takes an agent
//! from registration to payout; its summary is checked against the chain. Needs
//! `npm ci --prefix clients/ts` (scripts/test.sh runs it).
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use agx_sdk::chain::{token_balance, Chain, RpcChain};
use agx_sdk::sandbox::{self, Keys};
use agx_sdk::{discover, pda, Pubkey};
use anyhow::{ensure, Context, Result};
use libtest_mimic::{Arguments, Trial};
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 1_000_000;
const FUNDS: u64 = 5_000_000;
/// What the example asks (and, as the continuous auction's winner at the threshold, is paid).
const PRICE: u64 = 1_500_000;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let (validator, authority) = agx_tests::cluster::start_validator();
    let url = validator.rpc_url.clone();
    let trials = vec![Trial::test("a_typescript_client_takes_a_job_from_bid_to_payout", move || {
        run(&url, &authority).map_err(|e| format!("{e:#}").into())
    })];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(validator);
    conclusion.exit_code()
}

fn npm(dir: &Path, script: &str, envs: &[(&str, String)]) -> Result<String> {
    let out = Command::new("npm")
        .args(["run", "--silent", script])
        .current_dir(dir)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .with_context(|| format!("running npm run {script} (is node on PATH?)"))?;
    ensure!(
        out.status.success(),
        "npm run {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

fn run(url: &str, authority: &Keypair) -> Result<()> {
    let ts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../clients/ts");
    ensure!(
        ts.join("node_modules/@anchor-lang/core").exists(),
        "clients/ts has no node_modules: run `npm ci --prefix clients/ts` (scripts/test.sh does)"
    );
    let chain = RpcChain::new(url)?;
    let market = sandbox::open(&chain, &Keys::new(11), authority)?;
    let (requester, agent_key) = (Keypair::new(), Keypair::new());
    sandbox::fund(&chain, authority, &[requester.pubkey(), agent_key.pubkey()])?;
    let stake_source = sandbox::tokens(&chain, authority, market.stake, agent_key.pubkey(), STAKE)?;
    let requester_tokens = sandbox::tokens(&chain, authority, market.pay, requester.pubkey(), FUNDS)?;
    let dir = tempfile::tempdir()?;
    let key_file = |name: &str, key: &Keypair| -> Result<String> {
        let path = dir.path().join(name);
        solana_keypair::write_keypair_file(key, &path).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(path.display().to_string())
    };
    let envs = [
        ("AGX_URL", url.to_string()),
        ("AGX_REQUESTER_KEYPAIR", key_file("requester.json", &requester)?),
        ("AGX_AGENT_KEYPAIR", key_file("agent.json", &agent_key)?),
        ("AGX_PAY_MINT", market.pay.mint.to_string()),
        // Gives the keeper below time to close the bid and the intent first.
        ("AGX_CLOSE_AFTER_MS", "6000".to_string()),
    ];
    npm(&ts, "build", &[])?;
    // A keeper cranks on the same cluster meanwhile, as on any localnet with one: it may close the
    // bid and the intent before the example does (issue 20: the example failed then).
    let keeper_key = Keypair::new();
    sandbox::fund(&chain, authority, &[keeper_key.pubkey()])?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let keeper = {
        let (stop, url) = (std::sync::Arc::clone(&stop), url.to_string());
        std::thread::spawn(move || -> Result<u64> {
            let chain = RpcChain::new(&url)?;
            let mut keeper = agx_keeper::poll::PollingKeeper::start(&chain, keeper_key)?;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                keeper.tick(&chain)?;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Ok(keeper.totals().landed)
        })
    };
    let stdout = npm(&ts, "example", &envs);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let cranked = keeper.join().map_err(|_| anyhow::anyhow!("the keeper thread panicked"))??;
    eprintln!("the keeper landed {cranked} cranks meanwhile");
    let stdout = stdout?;
    ensure!(cranked >= 2, "the keeper closed the bid and the intent before the example ({cranked} cranks)");
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().context("the example printed nothing")?)
            .with_context(|| format!("the example's summary: {stdout}"))?;
    eprintln!("the example's summary: {summary}");
    let text =
        |key: &str| summary[key].as_str().map(String::from).with_context(|| format!("{key} in {summary}"));
    let key = |k: &str| -> Result<Pubkey> { Ok(text(k)?.parse()?) };

    // What the client read, decoded by the IDL (enums by name, the context URI from its bytes).
    assert_eq!(text("auction_kind")?, "continuous");
    assert_eq!(
        (text("status_after_bid")?, text("status_after_accept")?),
        ("awarded".into(), "completed".into())
    );
    assert_eq!(text("context_uri")?, "https://requests.example/ts/1");
    // The addresses it derived are the ones the SDK derives.
    let agent = key("agent")?;
    assert_eq!(agent, pda::agent(&agent_key.pubkey()).0);
    let intent = key("intent")?;
    assert_eq!(key("bid")?, pda::bid(&agent_key.pubkey(), &intent, &agent, 0));
    // And the chain agrees: paid its ask less the reputation fee (the sandbox's payment mint
    // bears reputation), refunded the rest, stake free again, accounts closed.
    assert_eq!(text("payment")?, PRICE.to_string());
    let fee = discover::exchange_config(&chain)?.reputation_fee(&market.pay.mint, PRICE)?;
    assert!(fee > 0);
    let paid = token_balance(&chain, &market.pay.associated(&agent_key.pubkey()))?;
    assert_eq!((paid, text("agent_paid")?), (PRICE - fee, (PRICE - fee).to_string()));
    assert_eq!(key("fee_vault")?, pda::fee_vault(&market.pay.mint, &market.pay.program));
    assert_eq!(token_balance(&chain, &key("fee_vault")?)?, text("fee_vault_balance")?.parse::<u64>()?);
    assert_eq!(token_balance(&chain, &requester_tokens)?, FUNDS - PRICE, "the rest of the escrow came back");
    assert_eq!(token_balance(&chain, &stake_source)?, 0);
    let record = discover::agent(&chain, &agent)?.context("the agent is registered")?;
    assert_eq!((record.staked, record.locked, record.open_bids), (STAKE, 0, 0));
    assert_eq!(record.completed, 1, "the completion is on the agent's record");
    assert!(!chain.exists(&intent)? && !chain.exists(&key("bid")?)?, "the intent and the bid closed");
    Ok(())
}
