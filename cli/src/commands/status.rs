//! `agx status`: the programs and their configs as the cluster sees them.
use agx_sdk::accounts::{decode, ExchangeConfig, RegistryConfig};
use agx_sdk::{pda, PROGRAMS};
use anyhow::Result;
use serde_json::json;

use crate::{chain, Output};

#[derive(clap::Args)]
pub struct Args {
    /// Wait up to this many seconds for the cluster to answer with both configs initialised
    /// (e.g. while `agx localnet` starts).
    #[arg(long)]
    wait: Option<u64>,
}

pub fn run(args: Args, url: &str, out: Output) -> Result<()> {
    let rpc = chain::client(url);
    if let Some(seconds) = args.wait {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        let has = |a: &agx_sdk::Pubkey| {
            rpc.get_account_with_commitment(a, rpc.commitment()).is_ok_and(|r| r.value.is_some())
        };
        while !(has(&pda::registry_config().0) && has(&pda::exchange_config().0)) {
            if std::time::Instant::now() > deadline {
                anyhow::bail!("{url} did not answer with both configs within {seconds} s");
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }
    let slot = rpc
        .get_slot()
        .map_err(|e| anyhow::anyhow!("cannot reach {url}: {e} (is the cluster up? wrong --url?)"))?;
    let mut text = format!("cluster {url} (slot {slot})\n");
    let mut programs = Vec::new();
    for (name, id) in PROGRAMS {
        let deployed =
            rpc.get_account_with_commitment(&id, rpc.commitment())?.value.is_some_and(|a| a.executable);
        text.push_str(&format!("{name:<15} {id} {}\n", if deployed { "deployed" } else { "NOT DEPLOYED" }));
        programs.push(json!({"name": name, "id": id.to_string(), "deployed": deployed}));
    }
    let (registry, _) = pda::registry_config();
    let registry_json = match rpc.get_account_with_commitment(&registry, rpc.commitment())?.value {
        Some(a) => {
            let c: RegistryConfig = decode(&a.data)?;
            text.push_str(&format!("registry config {registry}: version {}, admin {}\n", c.version, c.admin));
            json!({"address": registry.to_string(), "version": c.version, "admin": c.admin.to_string(), "stake_mint": c.stake_mint.to_string()})
        }
        None => {
            text.push_str(&format!("registry config {registry}: not initialised\n"));
            serde_json::Value::Null
        }
    };
    let (exchange, _) = pda::exchange_config();
    let exchange_json = match rpc.get_account_with_commitment(&exchange, rpc.commitment())?.value {
        Some(a) => {
            let c: ExchangeConfig = decode(&a.data)?;
            text.push_str(&format!(
                "exchange config {exchange}: version {}, admin {}{}\n",
                c.version,
                c.admin,
                if c.is_paused() { ", PAUSED" } else { "" }
            ));
            json!({"address": exchange.to_string(), "version": c.version, "admin": c.admin.to_string(), "paused": c.is_paused()})
        }
        None => {
            text.push_str(&format!("exchange config {exchange}: not initialised\n"));
            serde_json::Value::Null
        }
    };
    out.result(&text, &json!({"cluster": url, "slot": slot, "programs": programs, "registry_config": registry_json, "exchange_config": exchange_json}));
    Ok(())
}
