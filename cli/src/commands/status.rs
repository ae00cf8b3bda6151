//! `agx status`: the programs and their configs as the cluster sees them.
use agx_sdk::accounts::{decode, ExchangeConfig, RegistryConfig};
use agx_sdk::{pda, PROGRAMS};
use anyhow::Result;

use crate::chain;

pub fn run(url: &str) -> Result<()> {
    let rpc = chain::client(url);
    println!("cluster {url} (slot {})", rpc.get_slot()?);
    for (name, id) in PROGRAMS {
        let deployed =
            rpc.get_account_with_commitment(&id, rpc.commitment())?.value.is_some_and(|a| a.executable);
        println!("{name:<15} {id} {}", if deployed { "deployed" } else { "NOT DEPLOYED" });
    }
    let (registry, _) = pda::registry_config();
    match rpc.get_account_with_commitment(&registry, rpc.commitment())?.value {
        Some(a) => {
            let c: RegistryConfig = decode(&a.data)?;
            println!("registry config {registry}: version {}, admin {}", c.version, c.admin);
        }
        None => println!("registry config {registry}: not initialised"),
    }
    let (exchange, _) = pda::exchange_config();
    match rpc.get_account_with_commitment(&exchange, rpc.commitment())?.value {
        Some(a) => {
            let c: ExchangeConfig = decode(&a.data)?;
            println!("exchange config {exchange}: version {}, admin {}", c.version, c.admin);
        }
        None => println!("exchange config {exchange}: not initialised"),
    }
    Ok(())
}
