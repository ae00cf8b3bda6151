//! `agx agent`: list agents by capability and reputation, show one agent's record.
use agx_sdk::accounts::Agent;
use agx_sdk::chain::Chain;
use agx_sdk::chain::RpcChain;
use agx_sdk::ix::registry as rix;
use agx_sdk::{discover, pda, Pubkey};
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Agents with every capability in --capabilities, best reputation first.
    List {
        /// Capabilities they must all have: names (summarize, translate, code, research, data,
        /// image, audio, web, bitN) or a bit mask; default: any.
        #[arg(long, value_parser = chain::capabilities, default_value = "0")]
        capabilities: u64,
        /// Lowest reputation shown, bps (0-10000).
        #[arg(long, default_value_t = 0)]
        min_reputation: u16,
    },
    /// One agent (by agent account or authority; default: the signer's).
    Show {
        /// An agent account, or the authority key of one (default: the signer's agent).
        agent: Option<Pubkey>,
    },
    /// Registers the signer as an agent, staking --stake atoms from its stake-mint account.
    Register {
        /// What it can do: names (summarize, translate, code, research, data, image, audio,
        /// web, bitN) separated by commas, or a bit mask (3, 0b11).
        #[arg(long, value_parser = chain::capabilities)]
        capabilities: u64,
        /// Where its description is.
        #[arg(long, default_value = "")]
        metadata_uri: String,
        /// Atoms of the registry's stake mint to stake from the signer's associated account
        /// (on a localnet `agx faucet stake <ATOMS>` mints them).
        #[arg(long, default_value_t = 0)]
        stake: u64,
    },
    /// Changes the signer's agent profile.
    Update {
        /// Capabilities, as for `register`.
        #[arg(long, value_parser = chain::capabilities)]
        capabilities: u64,
        /// Where its description is.
        #[arg(long, default_value = "")]
        metadata_uri: String,
    },
    /// Deposits more stake from the signer's stake-mint account.
    Stake {
        /// Atoms of the stake mint.
        amount: u64,
    },
    /// Starts the cooldown on free stake (then `agx agent withdraw`).
    Unstake {
        /// Atoms of free stake (neither locked for a job nor already unstaking).
        amount: u64,
    },
    /// Withdraws stake whose cooldown has passed into the signer's stake-mint account.
    Withdraw,
    /// Reports the signer's agent alive (and its current job's progress); an agent holding a
    /// job that stays silent past the heartbeat timeout is failed over.
    Heartbeat {
        /// Progress of its current job, bps (0-10000).
        #[arg(long, default_value_t = 0)]
        progress: u16,
    },
}

/// The registry's stake token and the signer's associated account of it, checked to hold `need`.
fn stake_source(
    chain: &RpcChain,
    owner: &Pubkey,
    need: u64,
) -> Result<(agx_sdk::ix::registry::StakeToken, Pubkey)> {
    let stake = agx_sdk::ix::registry::StakeToken::of(&discover::registry_config(chain)?);
    let source = stake.associated(owner);
    let held = agx_sdk::chain::token_balance(chain, &source)?;
    if held < need {
        anyhow::bail!(
            "not enough stake: {source} (your account of the stake mint {}) holds {held} atoms, {need} needed",
            stake.mint
        );
    }
    Ok((stake, source))
}

pub(crate) fn record(address: &Pubkey, a: &Agent) -> serde_json::Value {
    json!({
        "agent": address.to_string(), "authority": a.authority.to_string(), "capabilities": a.capabilities,
        "capability_names": agx_sdk::capabilities::names(a.capabilities),
        "metadata_uri": a.metadata_uri, "staked": a.staked, "locked": a.locked, "unstaking": a.unstaking,
        "reputation": a.reputation, "completed": a.completed, "failed": a.failed, "slashed": a.slashed,
        "value_completed": a.value_completed, "value_failed": a.value_failed,
        "last_heartbeat_slot": a.last_heartbeat_slot, "progress_bps": a.progress_bps,
        "stalled_heartbeats": a.stalled_beats, "missed_heartbeats": a.missed_heartbeats,
        "late_results": a.late_results, "value_late": a.value_late,
        "skills": skills(a),
    })
}

/// The agent's reputation per capability (`agx_core::skills`): each recorded capability, its
/// cached score and its value sums.
fn skills(a: &Agent) -> Vec<serde_json::Value> {
    let table = agx_core::skills::Skills::from_bytes(&a.skills);
    table
        .0
        .iter()
        .zip(a.skill_scores)
        .filter(|(slot, _)| slot.bit != agx_core::skills::EMPTY)
        .map(|(slot, score)| {
            json!({
                "capability": agx_sdk::capabilities::names(1u64.checked_shl(u32::from(slot.bit)).unwrap_or(0)).first().cloned()
                    .unwrap_or_else(|| format!("bit{}", slot.bit)),
                "reputation": score, "value_completed": slot.value_completed,
                "value_failed": slot.value_failed, "value_slashed": slot.value_slashed,
            })
        })
        .collect()
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    let send = |ixs: &[agx_sdk::Instruction], what: &str| -> Result<()> {
        let signer = chain::signer(keypair.clone())?;
        let landed = chain.send(ixs, &signer, &[])?;
        out.result(
            &format!("{what}: {}\n", landed.signature),
            &json!({"done": what, "signature": landed.signature}),
        );
        Ok(())
    };
    // Every command but list, show and register acts on the signer's own agent.
    if !matches!(command, Command::List { .. } | Command::Show { .. } | Command::Register { .. }) {
        let me = chain::signer(keypair.clone())?.pubkey();
        if !chain.exists(&pda::agent(&me).0)? {
            anyhow::bail!("{me} is not an agent: `agx agent register` first (or pass --keypair for your agent's authority)");
        }
    }
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
                None => chain::signer(keypair.clone())?.pubkey(),
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
        Command::Register { capabilities, metadata_uri, stake: amount } => {
            let me = chain::signer(keypair.clone())?.pubkey();
            if chain.exists(&pda::agent(&me).0)? {
                anyhow::bail!(
                    "{me} is already an agent ({}): use `agx agent update` or `agx agent stake`",
                    pda::agent(&me).0
                );
            }
            let (stake, source) = stake_source(&chain, &me, amount)?;
            let profile = agx_sdk::agent_registry::state::AgentProfile {
                capabilities,
                capability_hash: [0; 32],
                metadata_uri,
            };
            let mut ixs = vec![rix::agent_register(me, me, stake, profile)];
            if amount > 0 {
                ixs.push(rix::stake_deposit(me, me, source, stake, amount));
            }
            send(&ixs, "registered")?;
        }
        Command::Update { capabilities, metadata_uri } => {
            let me = chain::signer(keypair.clone())?.pubkey();
            let profile = agx_sdk::agent_registry::state::AgentProfile {
                capabilities,
                capability_hash: [0; 32],
                metadata_uri,
            };
            send(&[rix::agent_update(me, profile)], "updated")?;
        }
        Command::Stake { amount } => {
            let me = chain::signer(keypair.clone())?.pubkey();
            let (stake, source) = stake_source(&chain, &me, amount)?;
            send(&[rix::stake_deposit(me, me, source, stake, amount)], "staked")?;
        }
        Command::Unstake { amount } => {
            let me = chain::signer(keypair.clone())?.pubkey();
            send(&[rix::stake_unstake_request(me, amount)], "unstake requested")?;
        }
        Command::Withdraw => {
            let me = chain::signer(keypair.clone())?.pubkey();
            let (stake, destination) = stake_source(&chain, &me, 0)?;
            let create = agx_sdk::token::create_associated_idempotent(me, me, stake.mint, stake.program);
            send(&[create, rix::stake_withdraw(me, destination, stake)], "withdrawn")?;
        }
        Command::Heartbeat { progress } => {
            let me = chain::signer(keypair.clone())?.pubkey();
            send(&[rix::agent_heartbeat(me, progress)], "heartbeat")?;
        }
    }
    Ok(())
}
