//! `agx admin config`: both programs' settings: show them, change some (each program's
//! `config_update` replaces every setting at once, so the current ones are read, changed and
//! sent back), hand the admin role over in two steps, pause and unpause the exchange.
use std::path::PathBuf;

use agx_sdk::accounts::{ExchangeConfig, RegistryConfig};
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::ReputationMint;
use agx_sdk::ix::{exchange as xix, registry as rix};
use agx_sdk::{discover, Pubkey};
use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Both configs' settings.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Program {
    Exchange,
    Registry,
    Both,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Shows both programs' settings (and who administers them).
    Show,
    /// Changes the settings named by the flags, keeping every other one (signed by the admin).
    Update(UpdateArgs),
    /// Names the next admin (signed by the admin); it takes over with `agx admin config accept`.
    Propose {
        /// The key that may take over (a multisig on a public cluster).
        new_admin: Pubkey,
        /// Which program's admin.
        #[arg(long, value_enum, default_value_t = Program::Both)]
        program: Program,
    },
    /// The proposed admin (the signer) takes over.
    Accept {
        /// Which program's admin role to take.
        #[arg(long, value_enum, default_value_t = Program::Both)]
        program: Program,
    },
    /// Stops new intents and new bids (reveals, settlement, refunds and closes go on).
    Pause,
    /// Lets new intents and bids in again.
    Unpause,
}

#[derive(clap::Args, Default)]
pub struct UpdateArgs {
    /// Exchange: who resolves disputes (a key; `none` turns disputes off).
    #[arg(long)]
    arbitrator: Option<String>,
    /// Exchange: a mint whose payouts move reputation, as MINT or MINT:WEIGHT_BPS (weight
    /// default 10000); repeat for several (at most 4); `none` lists none. Create its fee vault
    /// first when the reputation fee is not 0 (`agx admin config update` does).
    #[arg(long = "reputation-mint")]
    reputation_mints: Vec<String>,
    /// Exchange: share of each reputation-bearing payout paid to the exchange, bps (at most 10000).
    #[arg(long)]
    reputation_fee_bps: Option<u16>,
    /// Exchange: lamports every bid must bond at least.
    #[arg(long)]
    min_bid_bond: Option<u64>,
    /// Exchange: times the bid bond a newcomer below an intent's minimum reputation bids with
    /// on probation (0 turns probation off; at most 100).
    #[arg(long)]
    probation_bond_multiplier: Option<u16>,
    /// Exchange: completed jobs below which an agent with no failure counts as a newcomer.
    #[arg(long)]
    probation_max_completed: Option<u16>,
    /// Exchange: slots an agent rated below its promise has to contest the rating, and each
    /// judge to decide the reply (0 turns replies off).
    #[arg(long)]
    reply_window_slots: Option<u64>,
    /// Exchange: lamports an agent bonds to contest its rating.
    #[arg(long)]
    reply_bond: Option<u64>,
    /// Exchange: slots a winner gets beyond its promised latency.
    #[arg(long)]
    execution_grace_slots: Option<u64>,
    /// Exchange: slots after a submission during which only the requester accepts or disputes.
    #[arg(long)]
    dispute_window_slots: Option<u64>,
    /// Exchange: slots the arbitrator has to resolve a dispute.
    #[arg(long)]
    arbitration_window_slots: Option<u64>,
    /// Exchange: the rating an optimistic finalize records, bps.
    #[arg(long)]
    neutral_rating_bps: Option<u16>,
    /// Exchange: slots to re-rank bids after settlement drops a head.
    #[arg(long)]
    rerank_window_slots: Option<u64>,
    /// Exchange: share of the held stake a failover slashes, bps.
    #[arg(long)]
    failover_slash_bps: Option<u16>,
    /// Exchange: share of that slash paid to the crank's sender, bps.
    #[arg(long)]
    failover_reward_bps: Option<u16>,
    /// Exchange: share of the held stake a decline at the award slashes, bps (rises to the
    /// failover share at the deadline).
    #[arg(long)]
    decline_slash_bps: Option<u16>,
    /// Exchange: slots of bids of a re-auction (after every failover candidate failed).
    #[arg(long)]
    reauction_bid_window_slots: Option<u64>,
    /// Exchange: slots of reveals of a sealed re-auction.
    #[arg(long)]
    reauction_reveal_window_slots: Option<u64>,
    /// Registry: slots between an unstake request and its withdrawal.
    #[arg(long)]
    unstake_cooldown_slots: Option<u64>,
    /// Registry: slots without a heartbeat after which an agent counts as silent.
    #[arg(long)]
    heartbeat_timeout_slots: Option<u64>,
}

fn exchange_json(address: &Pubkey, c: &ExchangeConfig) -> serde_json::Value {
    let s = agx_sdk::settings::exchange(c);
    json!({
        "address": address.to_string(), "admin": c.admin.to_string(),
        "pending_admin": (c.pending_admin != Pubkey::default()).then(|| c.pending_admin.to_string()),
        "paused": s.paused,
        "arbitrator": (s.arbitrator != Pubkey::default()).then(|| s.arbitrator.to_string()),
        "reputation_mints": s.reputation_mints.iter().map(|m| json!({"mint": m.mint.to_string(), "weight_bps": m.weight_bps})).collect::<Vec<_>>(),
        "reputation_fee_bps": s.reputation_fee_bps, "min_bid_bond_lamports": s.min_bid_bond,
        "execution_grace_slots": s.execution_grace_slots, "dispute_window_slots": s.dispute_window_slots,
        "arbitration_window_slots": s.arbitration_window_slots, "neutral_rating_bps": s.neutral_rating_bps,
        "rerank_window_slots": s.rerank_window_slots, "failover_slash_bps": s.failover_slash_bps,
        "failover_reward_bps": s.failover_reward_bps, "decline_slash_bps": s.decline_slash_bps,
        "reauction_bid_window_slots": s.reauction_bid_window_slots,
        "reauction_reveal_window_slots": s.reauction_reveal_window_slots,
        "probation_bond_multiplier": s.probation_bond_multiplier,
        "probation_max_completed": s.probation_max_completed,
        "reply_window_slots": s.reply_window_slots, "reply_bond_lamports": s.reply_bond,
        "freezable_mints": s.freezable_mints.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
    })
}

fn registry_json(address: &Pubkey, c: &RegistryConfig) -> serde_json::Value {
    json!({
        "address": address.to_string(), "admin": c.admin.to_string(),
        "pending_admin": (c.pending_admin != Pubkey::default()).then(|| c.pending_admin.to_string()),
        "operator": c.operator.to_string(), "stake_mint": c.stake_mint.to_string(),
        "unstake_cooldown_slots": c.unstake_cooldown_slots, "heartbeat_timeout_slots": c.heartbeat_timeout_slots,
        "reputation_prior_value": c.reputation_prior_value, "reputation_prior_bps": c.reputation_prior_bps,
    })
}

fn reputation_mint(text: &str) -> Result<ReputationMint> {
    let (mint, weight) = match text.split_once(':') {
        Some((m, w)) => {
            (m, w.parse::<u16>().with_context(|| format!("weight in '{text}' (bps, at most 10000)"))?)
        }
        None => (text, agx_core::BPS_DENOMINATOR),
    };
    Ok(ReputationMint {
        mint: mint.parse().with_context(|| format!("mint in '{text}'"))?,
        weight_bps: weight,
    })
}

/// Requires the signer to be `admin` of `program`, saying whose key is needed otherwise.
fn require_admin(me: &Pubkey, admin: &Pubkey, program: &str) -> Result<()> {
    if me != admin {
        bail!("the {program}'s admin is {admin}; pass --keypair for {admin} (you signed as {me})");
    }
    Ok(())
}

pub fn run(command: Command, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let Command::Config(command) = command;
    let chain = RpcChain::new(&chain::url(url)?)?;
    let where_ = chain.describe();
    let exchange = discover::exchange_config(&chain).with_context(|| {
        format!("no exchange config on {where_}: wrong --url, or run `agx init` / `agx localnet`")
    })?;
    let registry = discover::registry_config(&chain).with_context(|| {
        format!("no registry config on {where_}: wrong --url, or run `agx init` / `agx localnet`")
    })?;
    let (exchange_at, registry_at) = (agx_sdk::pda::exchange_config().0, agx_sdk::pda::registry_config().0);
    if let ConfigCommand::Show = command {
        let v = json!({"exchange": exchange_json(&exchange_at, &exchange), "registry": registry_json(&registry_at, &registry)});
        out.result(&format!("{}\n", serde_json::to_string_pretty(&v)?), &v);
        return Ok(());
    }
    let signer = chain::signer(keypair)?;
    let me = signer.pubkey();
    let mut ixs = Vec::new();
    let what = match command {
        ConfigCommand::Show => unreachable!("answered above"),
        ConfigCommand::Pause | ConfigCommand::Unpause => {
            require_admin(&me, &exchange.admin, "exchange")?;
            let mut s = agx_sdk::settings::exchange(&exchange);
            s.paused = matches!(command, ConfigCommand::Pause);
            ixs.push(xix::config_update(me, s));
            if matches!(command, ConfigCommand::Pause) {
                "paused"
            } else {
                "unpaused"
            }
        }
        ConfigCommand::Propose { new_admin, program } => {
            if program != Program::Registry {
                require_admin(&me, &exchange.admin, "exchange")?;
                ixs.push(xix::admin_propose(me, new_admin));
            }
            if program != Program::Exchange {
                require_admin(&me, &registry.admin, "registry")?;
                ixs.push(rix::registry_admin_propose(me, new_admin));
            }
            "proposed"
        }
        ConfigCommand::Accept { program } => {
            for (name, pending, wanted) in [
                ("exchange", exchange.pending_admin, program != Program::Registry),
                ("registry", registry.pending_admin, program != Program::Exchange),
            ] {
                if wanted && pending == Pubkey::default() {
                    bail!("no admin of the {name} is pending: the admin names one first (`agx admin config propose <KEY>`)");
                }
                if wanted && pending != me {
                    bail!(
                        "the {name}'s pending admin is {pending}; pass --keypair for it (you signed as {me})"
                    );
                }
            }
            if program != Program::Registry {
                ixs.push(xix::admin_accept(me));
            }
            if program != Program::Exchange {
                ixs.push(rix::registry_admin_accept(me));
            }
            "accepted"
        }
        ConfigCommand::Update(a) => {
            let mut s = agx_sdk::settings::exchange(&exchange);
            let before = s.clone();
            if let Some(arbitrator) = &a.arbitrator {
                s.arbitrator = match arbitrator.as_str() {
                    "none" => Pubkey::default(),
                    key => key.parse().with_context(|| format!("--arbitrator '{key}'"))?,
                };
            }
            if !a.reputation_mints.is_empty() {
                s.reputation_mints = if a.reputation_mints == ["none"] {
                    Vec::new()
                } else {
                    a.reputation_mints.iter().map(|m| reputation_mint(m)).collect::<Result<_>>()?
                };
            }
            macro_rules! set {
                ($($field:ident),*) => { $( if let Some(v) = a.$field { s.$field = v; } )* };
            }
            set!(
                reputation_fee_bps,
                min_bid_bond,
                execution_grace_slots,
                dispute_window_slots,
                arbitration_window_slots,
                neutral_rating_bps,
                rerank_window_slots,
                failover_slash_bps,
                failover_reward_bps,
                decline_slash_bps,
                reauction_bid_window_slots,
                reauction_reveal_window_slots,
                probation_bond_multiplier,
                probation_max_completed,
                reply_window_slots,
                reply_bond
            );
            if s != before {
                require_admin(&me, &exchange.admin, "exchange")?;
                // Payouts in a reputation-bearing mint pay the fee into its vault: create them.
                for m in &s.reputation_mints {
                    let owner = chain
                        .account(&m.mint)?
                        .with_context(|| format!("no mint at {} on {where_}", m.mint))?
                        .owner;
                    ixs.push(xix::fee_vault_create(
                        me,
                        agx_sdk::ix::registry::StakeToken { mint: m.mint, program: owner },
                    ));
                }
                ixs.push(xix::config_update(me, s));
            }
            let mut r = agx_sdk::settings::registry(&registry);
            let registry_before = r;
            if let Some(v) = a.unstake_cooldown_slots {
                r.unstake_cooldown_slots = v;
            }
            if let Some(v) = a.heartbeat_timeout_slots {
                r.heartbeat_timeout_slots = v;
            }
            if r != registry_before {
                require_admin(&me, &registry.admin, "registry")?;
                ixs.push(rix::registry_config_update(me, r));
            }
            if ixs.is_empty() {
                bail!("nothing to change: name a setting (`agx admin config update --help` lists them)");
            }
            "updated"
        }
    };
    let landed = chain.send(&ixs, &signer, &[])?;
    let exchange = discover::exchange_config(&chain)?;
    let registry = discover::registry_config(&chain)?;
    let v = json!({"done": what, "signature": landed.signature,
        "exchange": exchange_json(&exchange_at, &exchange), "registry": registry_json(&registry_at, &registry)});
    out.result(&format!("{what}: {}\n", landed.signature), &v);
    Ok(())
}
