//! `agx init`: creates both programs' configs. Idempotent: an existing config is reported, not
//! overwritten (the programs refuse a second init anyway).
use std::path::PathBuf;

use agx_sdk::agent_registry::state::ConfigSettings;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{ix, pda, Pubkey};
use anyhow::{Context, Result};
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(clap::Args)]
pub struct Args {
    /// Admin of both configs (default: the signer). Use a multisig on a public cluster.
    #[arg(long)]
    admin: Option<Pubkey>,
    /// The token agents stake (SPL Token or Token-2022 mint).
    #[arg(long)]
    stake_mint: Pubkey,
    /// Who may lock, unlock and slash stake (default: the exchange's authority PDA).
    #[arg(long)]
    operator: Option<Pubkey>,
    /// Slots between an unstake request and the withdrawal (default ~1 day).
    #[arg(long, default_value_t = 216_000)]
    unstake_cooldown_slots: u64,
    /// Slots without a heartbeat after which an agent counts as silent (default ~1 minute).
    #[arg(long, default_value_t = 150)]
    heartbeat_timeout_slots: u64,
}

pub fn run(args: Args, url: &str, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let keypair = keypair.context("--keypair (or AGX_KEYPAIR): the programs' upgrade authority")?;
    let authority = chain::read_keypair(&keypair)?;
    let rpc = chain::client(url);
    let mint = rpc.get_account(&args.stake_mint).context("stake mint")?;
    let settings = ConfigSettings {
        admin: args.admin.unwrap_or_else(|| authority.pubkey()),
        operator: args.operator.unwrap_or_else(|| pda::exchange_authority().0),
        unstake_cooldown_slots: args.unstake_cooldown_slots,
        heartbeat_timeout_slots: args.heartbeat_timeout_slots,
        stake_mint_freeze_allowed: false,
    };
    let exchange = ix::default_config_args(settings.admin).settings;
    let stake = StakeToken { mint: args.stake_mint, program: mint.owner };
    let done = init_configs(&rpc, &authority, settings, exchange, stake, out)?;
    out.result("", &serde_json::json!({"configs": done}));
    Ok(())
}

/// Initialises both configs unless they exist; says what it did (progress lines) and returns
/// each config's address with whether it was created now.
pub fn init_configs(
    rpc: &RpcClient,
    authority: &Keypair,
    settings: ConfigSettings,
    exchange: agx_sdk::exchange::state::ExchangeSettings,
    stake: StakeToken,
    out: Output,
) -> Result<Vec<serde_json::Value>> {
    let mut done = Vec::new();
    let configs = [
        (
            "agent_registry",
            pda::registry_config().0,
            ix::registry_config_init(authority.pubkey(), settings, stake),
        ),
        (
            "exchange",
            pda::exchange_config().0,
            ix::exchange_config_init(
                authority.pubkey(),
                agx_sdk::exchange::ConfigInitArgs { admin: settings.admin, settings: exchange },
            ),
        ),
    ];
    for (program, config, instruction) in configs {
        if rpc.get_account_with_commitment(&config, rpc.commitment())?.value.is_some() {
            out.progress(&format!("{program}: config {config} already initialised"));
            done.push(
                serde_json::json!({"program": program, "config": config.to_string(), "created": false}),
            );
            continue;
        }
        let sig = agx_sdk::cluster::send(rpc, &[instruction], authority, &[])
            .with_context(|| format!("{program}::config_init"))?;
        out.progress(&format!("{program}: config {config} initialised (admin {}, tx {sig})", settings.admin));
        done.push(serde_json::json!({"program": program, "config": config.to_string(), "created": true, "signature": sig.to_string()}));
    }
    Ok(done)
}
