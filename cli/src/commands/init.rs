//! `agx init`: creates both programs' configs. Idempotent: an existing config is reported, not
//! overwritten (the programs refuse a second init anyway).
use std::path::PathBuf;

use agx_sdk::{ix, pda, Pubkey};
use anyhow::{Context, Result};
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;

use crate::chain;

#[derive(clap::Args)]
pub struct Args {
    /// Admin of both configs (default: the signer). Use a multisig on a public cluster.
    #[arg(long)]
    admin: Option<Pubkey>,
}

pub fn run(args: Args, url: &str, keypair: Option<PathBuf>) -> Result<()> {
    let keypair = keypair.context("--keypair (or AGX_KEYPAIR): the programs' upgrade authority")?;
    let authority = chain::read_keypair(&keypair)?;
    let rpc = chain::client(url);
    init_configs(&rpc, &authority, args.admin.unwrap_or_else(|| authority.pubkey()))
}

pub fn init_configs(rpc: &RpcClient, authority: &Keypair, admin: Pubkey) -> Result<()> {
    let configs = [
        ("agent_registry", pda::registry_config().0, ix::registry_config_init(authority.pubkey(), admin)),
        ("exchange", pda::exchange_config().0, ix::exchange_config_init(authority.pubkey(), admin)),
    ];
    for (program, config, instruction) in configs {
        if rpc.get_account_with_commitment(&config, rpc.commitment())?.value.is_some() {
            println!("{program}: config {config} already initialised");
            continue;
        }
        let sig =
            chain::send(rpc, &[instruction], authority).with_context(|| format!("{program}::config_init"))?;
        println!("{program}: config {config} initialised (admin {admin}, tx {sig})");
    }
    Ok(())
}
