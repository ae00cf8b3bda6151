//! `agx agent`: list agents by capability and reputation, show one agent's record.
use agx_sdk::accounts::Agent;
use agx_sdk::chain::RpcChain;
use agx_sdk::{discover, pda, Pubkey};
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Agents with every capability bit in --capabilities, best reputation first.
    List {
        #[arg(long, default_value_t = 0)]
        capabilities: u64,
        #[arg(long, default_value_t = 0)]
        min_reputation: u16,
    },
    /// One agent (by agent account or authority; default: the signer's).
    Show { agent: Option<Pubkey> },
}

fn record(address: &Pubkey, a: &Agent) -> serde_json::Value {
    json!({
        "agent": address.to_string(), "authority": a.authority.to_string(), "capabilities": a.capabilities,
        "metadata_uri": a.metadata_uri, "staked": a.staked, "locked": a.locked, "unstaking": a.unstaking,
        "reputation": a.reputation, "completed": a.completed, "failed": a.failed, "slashed": a.slashed,
        "value_completed": a.value_completed, "value_failed": a.value_failed,
        "last_heartbeat_slot": a.last_heartbeat_slot,
    })
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url))?;
    match command {
        Command::List { capabilities, min_reputation } => {
            let found = discover::agents(&chain, capabilities, min_reputation)?;
            let text: String = found
                .iter()
                .map(|(k, a)| {
                    format!(
                        "{k}  rep {:>5}  staked {:>12}  done {:>4}  failed {:>3}  caps {:#x}\n",
                        a.reputation, a.staked, a.completed, a.failed, a.capabilities
                    )
                })
                .collect();
            out.result(
                &format!("{text}{} agents\n", found.len()),
                &json!(found.iter().map(|(k, a)| record(k, a)).collect::<Vec<_>>()),
            );
        }
        Command::Show { agent } => {
            let key = match agent {
                Some(k) => k,
                None => chain::signer(keypair)?.pubkey(),
            };
            // An authority's agent, or the agent account itself.
            let (address, a) = match discover::agent(&chain, &pda::agent(&key).0)? {
                Some(a) => (pda::agent(&key).0, a),
                None => (
                    key,
                    discover::agent(&chain, &key)?.with_context(|| {
                        format!(
                            "no agent for {key} on {}: register one first, or check --url",
                            agx_sdk::chain::Chain::describe(&chain)
                        )
                    })?,
                ),
            };
            let v = record(&address, &a);
            out.result(&format!("{}\n", serde_json::to_string_pretty(&v)?), &v);
        }
    }
    Ok(())
}
