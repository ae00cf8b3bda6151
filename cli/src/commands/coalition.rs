//! `agx coalition`: registry agents that bid as one. The lead forms one (create, update,
//! dissolve), each member signs its terms (accept) or withdraws (leave) and marks its part of a
//! job done (done); anyone reads them (show, list) or looks for agents that complete a set of
//! capabilities (complements). The lead bids with `agx bid place --coalition` and submits with
//! `agx result submit`.
use agx_sdk::accounts::Coalition;
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::CoalitionMemberArgs;
use agx_sdk::{coalition, Pubkey};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Forms a coalition led by your agent: the members in execution order, yours first. Creating
    /// it signs the terms for you; each other member signs with `agx coalition accept`.
    Create {
        /// A member as AGENT:SHARE_BPS:CONTRIBUTION[:ROLE]: its agent (or its authority's key),
        /// its profit share in bps (all sum to 10000), the stake atoms it locks on award, and its
        /// part of the plan (hashed). Repeat, in execution order, your agent first.
        #[arg(long = "member", required = true, value_parser = member)]
        members: Vec<MemberSpec>,
        /// Your number for it (one lead may form several).
        #[arg(long, default_value_t = 0)]
        id: u64,
    },
    /// Signs the coalition's current terms for your agent (it then cannot close its agent until
    /// it leaves or the coalition dissolves).
    Accept {
        /// The coalition's address (`agx coalition list` shows them).
        coalition: Pubkey,
        /// Sign only if the terms' hash is this one (hex, as `agx coalition show` prints it).
        #[arg(long)]
        expect_hash: Option<String>,
    },
    /// Withdraws your agent's signature (only while the coalition holds no bid or job).
    Leave {
        /// The coalition's address.
        coalition: Pubkey,
    },
    /// Replaces the terms (the lead's authority only; while the coalition holds no bid or job).
    /// Every other member signs again.
    Update {
        /// The coalition's address.
        coalition: Pubkey,
        /// A member as AGENT:SHARE_BPS:CONTRIBUTION[:ROLE], as for `create`; the lead first.
        #[arg(long = "member", required = true, value_parser = member)]
        members: Vec<MemberSpec>,
    },
    /// Marks your agent's part of a job the coalition holds done; the lead submits once every
    /// member has.
    Done {
        /// The job (intent) the coalition holds.
        intent: Pubkey,
        /// The coalition's address.
        #[arg(long)]
        coalition: Pubkey,
    },
    /// Ends the coalition (the lead's authority only): every signer released, the rent back.
    Dissolve {
        /// The coalition's address.
        coalition: Pubkey,
    },
    /// One coalition: its members, their terms, who signed, whether it may bid.
    Show {
        /// The coalition's address.
        coalition: Pubkey,
    },
    /// Coalitions, or those an agent belongs to.
    List {
        /// Only those with this member (its agent, or its authority's key).
        #[arg(long)]
        member: Option<Pubkey>,
    },
    /// Active agents that bring capabilities of --need that --have lacks, those covering the most
    /// of what is missing first.
    Complements {
        /// The capabilities the job needs (names or a bitmask, as for `agx intent post`).
        #[arg(long, value_parser = chain::capabilities)]
        need: u64,
        /// The capabilities the coalition already has.
        #[arg(long, value_parser = chain::capabilities, default_value = "0")]
        have: u64,
    },
}

/// One `--member` as typed: the agent as given (resolved on the cluster), its terms, its role.
#[derive(Clone, Debug)]
pub struct MemberSpec {
    agent: Pubkey,
    share_bps: u16,
    contribution: u64,
    role: String,
}

fn member(input: &str) -> std::result::Result<MemberSpec, String> {
    let mut parts = input.splitn(4, ':');
    let usage = || format!("'{input}': give AGENT:SHARE_BPS:CONTRIBUTION[:ROLE]");
    let agent = parts.next().and_then(|a| a.parse().ok()).ok_or_else(usage)?;
    let share_bps = parts.next().and_then(|s| s.parse().ok()).ok_or_else(usage)?;
    let contribution = parts.next().and_then(|c| c.parse().ok()).ok_or_else(usage)?;
    let role = parts.next().unwrap_or_default().to_string();
    Ok(MemberSpec { agent, share_bps, contribution, role })
}

/// The members' terms, agents resolved and positions in the order given.
fn terms(chain: &dyn Chain, specs: &[MemberSpec]) -> Result<Vec<CoalitionMemberArgs>> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(CoalitionMemberArgs {
                agent: chain::agent_named(chain, &s.agent)?,
                share_bps: s.share_bps,
                contribution: s.contribution,
                role_hash: agx_core::commitment::sha256(s.role.as_bytes()),
                position: u8::try_from(i).context("at most 8 members")?,
            })
        })
        .collect()
}

fn existing(chain: &dyn Chain, address: &Pubkey) -> Result<Coalition> {
    coalition::read(chain, address)?.with_context(|| {
        format!(
            "no coalition at {address} on {}: wrong cluster (--url), or it was dissolved",
            chain.describe()
        )
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn view(address: &Pubkey, c: &Coalition) -> serde_json::Value {
    let members: Vec<_> = c
        .members()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            json!({
                "agent": m.agent.to_string(), "share_bps": m.share_bps, "contribution": m.contribution,
                "position": m.position, "role_hash": hex(&m.role_hash), "signed": c.has_accepted(i),
            })
        })
        .collect();
    json!({
        "coalition": address.to_string(), "lead": c.lead.to_string(), "authority": c.authority.to_string(),
        "coalition_id": c.coalition_id, "terms_hash": hex(&c.terms_hash), "terms_version": c.terms_version,
        "ready": c.is_ready(), "open_bids": c.open_bids, "members": members,
    })
}

fn text(address: &Pubkey, c: &Coalition) -> String {
    let mut out = format!(
        "{address}  lead {}  {} members  {}  open bids {}\n  terms {} (version {})\n",
        c.lead,
        c.member_count,
        if c.is_ready() { "ready" } else { "waiting for signatures" },
        c.open_bids,
        hex(&c.terms_hash),
        c.terms_version
    );
    for (i, m) in c.members().iter().enumerate() {
        out.push_str(&format!(
            "  {}. {}  share {:>5} bps  contributes {:>10}  {}\n",
            m.position,
            m.agent,
            m.share_bps,
            m.contribution,
            if c.has_accepted(i) { "signed" } else { "not signed" }
        ));
    }
    out
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    match command {
        Command::Create { members, id } => {
            let signer = chain::signer(keypair)?;
            let lead = chain::agent_named(&chain, &signer.pubkey())?;
            let members = terms(&chain, &members)?;
            if members.first().map(|m| m.agent) != Some(lead) {
                bail!("the first --member is the lead: your agent {lead}");
            }
            let address = coalition::create(&chain, &signer, lead, id, members)?;
            let c = existing(&chain, &address)?;
            out.result(&text(&address, &c), &view(&address, &c));
        }
        Command::Accept { coalition: address, expect_hash } => {
            let signer = chain::signer(keypair)?;
            let agent = chain::agent_named(&chain, &signer.pubkey())?;
            let c = existing(&chain, &address)?;
            if let Some(expected) = expect_hash {
                if expected.to_lowercase() != hex(&c.terms_hash) {
                    bail!("{address}'s terms hash is {}, not {expected}: its terms changed; `agx coalition show {address}`", hex(&c.terms_hash));
                }
            }
            let ready = coalition::accept(&chain, &signer, &address, agent, None)?;
            out.result(
                &format!(
                    "signed {address} for {agent}{}\n",
                    if ready { "; every member has signed: it may bid" } else { "" }
                ),
                &json!({"coalition": address.to_string(), "agent": agent.to_string(), "ready": ready}),
            );
        }
        Command::Leave { coalition: address } => {
            let signer = chain::signer(keypair)?;
            let agent = chain::agent_named(&chain, &signer.pubkey())?;
            existing(&chain, &address)?;
            coalition::leave(&chain, &signer, &address, agent)?;
            out.result(
                &format!("{agent} left {address}\n"),
                &json!({"coalition": address.to_string(), "agent": agent.to_string(), "left": true}),
            );
        }
        Command::Update { coalition: address, members } => {
            let signer = chain::signer(keypair)?;
            let members = terms(&chain, &members)?;
            coalition::update(&chain, &signer, &address, members)?;
            let c = existing(&chain, &address)?;
            out.result(&text(&address, &c), &view(&address, &c));
        }
        Command::Done { intent, coalition: address } => {
            let signer = chain::signer(keypair)?;
            let agent = chain::agent_named(&chain, &signer.pubkey())?;
            let all_done = coalition::mark_done(&chain, &signer, &intent, &address, agent)?;
            out.result(
                &format!("{agent}'s part of {intent} is done{}\n", if all_done { "; every part is: the lead may submit" } else { "" }),
                &json!({"intent": intent.to_string(), "coalition": address.to_string(), "agent": agent.to_string(), "all_done": all_done}),
            );
        }
        Command::Dissolve { coalition: address } => {
            let signer = chain::signer(keypair)?;
            coalition::dissolve(&chain, &signer, &address)?;
            out.result(
                &format!("dissolved {address}\n"),
                &json!({"coalition": address.to_string(), "dissolved": true}),
            );
        }
        Command::Show { coalition: address } => {
            let c = existing(&chain, &address)?;
            out.result(&text(&address, &c), &view(&address, &c));
        }
        Command::List { member } => {
            let member = member.map(|m| chain::agent_named(&chain, &m)).transpose()?;
            let found = coalition::list(&chain, member.as_ref())?;
            let body: String = found.iter().map(|(a, c)| text(a, c)).collect();
            let rows: Vec<_> = found.iter().map(|(a, c)| view(a, c)).collect();
            out.result(&format!("{body}{} coalitions\n", found.len()), &json!(rows));
        }
        Command::Complements { need, have } => {
            let found = coalition::complements(&chain, need, have)?;
            let missing = need & !have;
            let mut body = String::new();
            let mut rows = Vec::new();
            for (address, a) in &found {
                let brings = a.capabilities & missing;
                body.push_str(&format!("{address}  brings {brings:#b}  reputation {:>5}\n", a.reputation));
                rows.push(json!({
                    "agent": address.to_string(), "authority": a.authority.to_string(),
                    "capabilities": a.capabilities, "brings": brings, "reputation": a.reputation,
                }));
            }
            out.result(&format!("{body}{} agents complete {missing:#b}\n", found.len()), &json!(rows));
        }
    }
    Ok(())
}
