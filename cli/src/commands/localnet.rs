//! `agx localnet`: a local validator with both programs (upgrade authority = the localnet
//! keypair), both configs initialised with local defaults, a stake mint and a payment mint whose
//! mint authority is that keypair (`agx faucet stake|pay` mints them), running until interrupted;
//! with `--keeper`, the keeper cranks beside it.
use std::path::PathBuf;
use std::time::Duration;

use agx_sdk::agent_registry::state::ConfigSettings;
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::ReputationMint;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use agx_sdk::token;
use agx_sdk::{pda, PROGRAMS};
use anyhow::{bail, Result};
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, commands::init::init_configs, Output};

/// Short enough to try unstaking by hand on a localnet (~40 s).
const LOCALNET_COOLDOWN_SLOTS: u64 = 100;
const LOCALNET_HEARTBEAT_TIMEOUT_SLOTS: u64 = 150;
/// SOL the authority starts with (it pays for the mints, the configs and airdrops nothing: use
/// `agx airdrop` for other keys).
const AUTHORITY_SOL: u64 = 100;

#[derive(clap::Args)]
pub struct Args {
    /// Directory for the ledger and the localnet's keypairs (the ledger is reset at every start).
    #[arg(long, default_value = ".localnet")]
    dir: PathBuf,
    /// JSON-RPC port (the websocket is port + 1).
    #[arg(long, default_value_t = 8899)]
    rpc_port: u16,
    /// Run the keeper beside the validator (nothing settles, fails over or closes without one);
    /// its key is <dir>/keeper.json, funded with 10 SOL.
    #[arg(long)]
    keeper: bool,
    /// Stop after initialising (for scripts and smoke tests) instead of running until Ctrl-C.
    #[arg(long)]
    exit_after_init: bool,
}

pub fn run(args: Args, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let keypair_path = keypair.unwrap_or_else(|| args.dir.join("authority.json"));
    let authority = chain::read_or_create_keypair(&keypair_path)?;
    let mut config = LocalnetConfig::new(authority.pubkey())?;
    config.ledger = Some(args.dir.join("ledger"));
    config.rpc_port = Some(args.rpc_port);
    out.progress(&format!("starting {} ...", config.validator.display()));
    let validator = LocalValidator::start(&config)?;
    let rpc = validator.rpc();
    agx_sdk::cluster::airdrop(&rpc, &authority.pubkey(), AUTHORITY_SOL * 1_000_000_000)?;
    let new_mint = || -> Result<StakeToken> {
        Ok(StakeToken {
            mint: agx_sdk::cluster::create_mint(&rpc, &authority, token::TOKEN, 6)?,
            program: token::TOKEN,
        })
    };
    let (stake, pay) = (new_mint()?, new_mint()?);
    let settings = ConfigSettings {
        admin: authority.pubkey(),
        operator: pda::exchange_authority().0,
        unstake_cooldown_slots: LOCALNET_COOLDOWN_SLOTS,
        heartbeat_timeout_slots: LOCALNET_HEARTBEAT_TIMEOUT_SLOTS,
        stake_mint_freeze_allowed: false,
    };
    // Local defaults: the authority arbitrates disputes, and the payment mint bears reputation
    // (its payouts pay the reputation fee into the exchange's vault, created first).
    let mut exchange = xix::default_settings();
    exchange.arbitrator = authority.pubkey();
    exchange.reputation_mints =
        vec![ReputationMint { mint: pay.mint, weight_bps: agx_core::BPS_DENOMINATOR }];
    agx_sdk::cluster::send(&rpc, &[xix::fee_vault_create(authority.pubkey(), pay)], &authority, &[])?;
    let keeper_key = if args.keeper {
        let key = chain::read_or_create_keypair(&args.dir.join("keeper.json"))?;
        agx_sdk::cluster::airdrop(&rpc, &key.pubkey(), 10_000_000_000)?;
        Some(key)
    } else {
        None
    };
    let summary = json!({
        "rpc": validator.rpc_url, "websocket": validator.ws_url,
        "authority": authority.pubkey().to_string(), "authority_keypair": keypair_path.display().to_string(),
        "programs": PROGRAMS.iter().map(|(n, id)| json!({"name": n, "id": id.to_string()})).collect::<Vec<_>>(),
        "registry_config": pda::registry_config().0.to_string(), "exchange_config": pda::exchange_config().0.to_string(),
        "stake_mint": stake.mint.to_string(), "pay_mint": pay.mint.to_string(), "decimals": 6,
        "arbitrator": authority.pubkey().to_string(),
        "keeper": keeper_key.as_ref().map(|k| k.pubkey().to_string()),
    });
    // Written before the configs: once they answer (`agx status --wait`), all of it is ready.
    std::fs::write(args.dir.join("localnet.json"), serde_json::to_string_pretty(&summary)?)?;
    init_configs(&rpc, &authority, settings, exchange, stake, out)?;
    let mut text = String::from("\nAgent Exchange localnet is up\n");
    text.push_str(&format!("  rpc        {}\n  websocket  {}\n", validator.rpc_url, validator.ws_url));
    text.push_str(&format!("  authority  {} ({})\n", authority.pubkey(), keypair_path.display()));
    for (name, id) in PROGRAMS {
        text.push_str(&format!("  program    {name:<15} {id}\n"));
    }
    text.push_str(&format!("  config     agent_registry  {}\n", pda::registry_config().0));
    text.push_str(&format!("  config     exchange        {}\n", pda::exchange_config().0));
    text.push_str(&format!("  stake mint {} (6 decimals; `agx faucet stake <ATOMS>`)\n", stake.mint));
    text.push_str(&format!(
        "  pay mint   {} (6 decimals, bears reputation; `agx faucet pay <ATOMS>`)\n",
        pay.mint
    ));
    text.push_str(&format!("  arbitrator {} (the authority)\n", authority.pubkey()));
    match &keeper_key {
        Some(k) => text.push_str(&format!("  keeper     {} (running here)\n", k.pubkey())),
        None => text
            .push_str("  keeper     none: run `agx keeper` (or restart with --keeper), or nothing settles\n"),
    }
    text.push_str(&format!("  (all of this in {})\n", args.dir.join("localnet.json").display()));
    out.result(&text, &summary);
    if args.exit_after_init {
        return Ok(());
    }
    out.progress("\nrunning; press Ctrl-C to stop");
    let mut keeper = match keeper_key {
        Some(key) => {
            let chain = RpcChain::new(&validator.rpc_url)?;
            let keeper = agx_keeper::poll::PollingKeeper::start(&chain, key)?;
            Some((chain, keeper))
        }
        None => None,
    };
    loop {
        std::thread::sleep(Duration::from_millis(400));
        if let Some((chain, keeper)) = keeper.as_mut() {
            for cranked in keeper.tick(chain)? {
                out.progress(&format!("keeper: {cranked:?}"));
            }
            let _ = chain.slot();
        }
        if let Some(status) = validator.exited()? {
            bail!("validator exited ({status}); log tail:\n{}", validator.log_tail());
        }
    }
}
