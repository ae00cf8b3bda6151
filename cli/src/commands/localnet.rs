//! `agx localnet`: a local validator with both programs (upgrade authority = the localnet
//! keypair), both configs initialised, running until interrupted.
use std::path::PathBuf;
use std::time::Duration;

use agx_sdk::agent_registry::state::ConfigSettings;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use agx_sdk::token;
use agx_sdk::{pda, PROGRAMS};
use anyhow::{bail, Result};
use solana_signer::Signer;

use crate::{chain, commands::init::init_configs};

/// Short enough to try unstaking by hand on a localnet (~40 s).
const LOCALNET_COOLDOWN_SLOTS: u64 = 100;
const LOCALNET_HEARTBEAT_TIMEOUT_SLOTS: u64 = 150;

#[derive(clap::Args)]
pub struct Args {
    /// Directory for the ledger and the localnet keypair (reset at every start).
    #[arg(long, default_value = ".localnet")]
    dir: PathBuf,
    /// JSON-RPC port (websocket = port + 1).
    #[arg(long, default_value_t = 8899)]
    rpc_port: u16,
    /// Stop after initialising (for scripts and smoke tests) instead of running until Ctrl-C.
    #[arg(long)]
    exit_after_init: bool,
}

pub fn run(args: Args, keypair: Option<PathBuf>) -> Result<()> {
    let keypair_path = keypair.unwrap_or_else(|| args.dir.join("authority.json"));
    let authority = chain::read_or_create_keypair(&keypair_path)?;
    let mut config = LocalnetConfig::new(authority.pubkey())?;
    config.ledger = Some(args.dir.join("ledger"));
    config.rpc_port = Some(args.rpc_port);
    println!("starting {} ...", config.validator.display());
    let validator = LocalValidator::start(&config)?;
    let rpc = validator.rpc();
    agx_sdk::rpc::airdrop(&rpc, &authority.pubkey(), 100_000_000_000)?;
    let stake = StakeToken {
        mint: agx_sdk::rpc::create_mint(&rpc, &authority, token::TOKEN, 6)?,
        program: token::TOKEN,
    };
    let settings = ConfigSettings {
        admin: authority.pubkey(),
        operator: pda::exchange_authority().0,
        unstake_cooldown_slots: LOCALNET_COOLDOWN_SLOTS,
        heartbeat_timeout_slots: LOCALNET_HEARTBEAT_TIMEOUT_SLOTS,
        stake_mint_freeze_allowed: false,
    };
    init_configs(&rpc, &authority, settings, stake)?;

    println!();
    println!("Agent Exchange localnet is up");
    println!("  rpc        {}", validator.rpc_url);
    println!("  websocket  {}", validator.ws_url);
    println!("  authority  {} ({})", authority.pubkey(), keypair_path.display());
    for (name, id) in PROGRAMS {
        println!("  program    {name:<15} {id}");
    }
    println!("  config     agent_registry  {}", pda::registry_config().0);
    println!("  config     exchange        {}", pda::exchange_config().0);
    println!("  stake mint {} (6 decimals, mint authority = the authority above)", stake.mint);
    if args.exit_after_init {
        return Ok(());
    }
    println!("\nrunning; press Ctrl-C to stop");
    loop {
        std::thread::sleep(Duration::from_secs(1));
        if let Some(status) = validator.exited()? {
            bail!("validator exited ({status}); log tail:\n{}", validator.log_tail());
        }
    }
}
