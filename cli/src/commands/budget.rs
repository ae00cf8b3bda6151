//! `agx budget`: what an owner lets one agent spend (create, fund, revoke, close, show, list),
//! and the agent's side (pay). An agent posts intents from its budget with
//! `agx intent post --budget`.
use agx_sdk::accounts::Budget;
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::{budget, token, Pubkey};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Makes a budget (signed by its owner) for a registered agent, with an empty vault.
    Create {
        /// The registered agent that may spend it (its agent account, or its authority's key).
        #[arg(long)]
        agent: Pubkey,
        /// The mint it holds and pays in.
        #[arg(long)]
        mint: Pubkey,
        /// The most one spend (a payment, or an intent's max price) may take, atoms.
        #[arg(long)]
        per_spend_cap: u64,
        /// The most all spends together may take over the budget's life, atoms.
        #[arg(long)]
        total_cap: u64,
        /// Slots from now after which nothing more may be spent.
        #[arg(long, default_value_t = 216_000)]
        expires_in: u64,
        /// Owners of token accounts it may pay besides registered agents (up to 4).
        #[arg(long = "allow")]
        allowlist: Vec<Pubkey>,
        /// Your number for it (one owner may give one agent several budgets).
        #[arg(long, default_value_t = 0)]
        id: u64,
    },
    /// Moves atoms from the owner's associated account into the budget's vault.
    Fund {
        /// The budget's address (`agx budget list` shows them).
        budget: Pubkey,
        /// Atoms of the budget's mint.
        amount: u64,
    },
    /// The agent pays from its budget: to a token account of an allowlisted owner (--to), or to
    /// a registered agent (--to-agent, paid into its authority's associated account).
    Pay {
        /// The budget's address (`agx budget list` shows them).
        budget: Pubkey,
        /// Atoms of the budget's mint.
        amount: u64,
        /// A token account of the budget's mint owned by an allowlisted key.
        #[arg(long, conflicts_with = "to_agent")]
        to: Option<Pubkey>,
        /// A registered agent's account.
        #[arg(long)]
        to_agent: Option<Pubkey>,
        /// What the payment is for (kept off chain; its sha256 goes in the event).
        #[arg(long, default_value = "")]
        memo: String,
    },
    /// Revokes the budget: everything in its vault back to the owner's associated account at
    /// once (again later for refunds of intents it paid).
    Revoke {
        /// The budget's address (`agx budget list` shows them).
        budget: Pubkey,
    },
    /// Closes a revoked or expired budget with no open intent: what is left and both rents back.
    Close {
        /// The budget's address (`agx budget list` shows them).
        budget: Pubkey,
    },
    /// One budget: caps, what was spent, the vault's balance, its open intents.
    Show {
        /// The budget's address (`agx budget list` shows them).
        budget: Pubkey,
    },
    /// Budgets by owner or by agent.
    List {
        /// Only those this key gave.
        #[arg(long)]
        owner: Option<Pubkey>,
        /// Only those given to this agent (its agent account, or its authority's key).
        #[arg(long)]
        agent: Option<Pubkey>,
    },
}

fn existing(chain: &dyn Chain, address: &Pubkey) -> Result<Budget> {
    budget::read(chain, address)?.with_context(|| {
        format!("no budget at {address} on {}: wrong cluster (--url), or it was closed", chain.describe())
    })
}

pub(crate) fn view(address: &Pubkey, b: &Budget, balance: u64) -> serde_json::Value {
    json!({
        "budget": address.to_string(), "owner": b.owner.to_string(), "agent": b.agent.to_string(),
        "mint": b.mint.to_string(), "budget_id": b.budget_id, "per_spend_cap": b.per_spend_cap,
        "total_cap": b.total_cap, "spent": b.spent, "expiry_slot": b.expiry_slot, "revoked": b.revoked,
        "live_intents": b.live_intents, "vault": b.vault.to_string(), "balance": balance,
        "allowlist": b.allowlist[..usize::from(b.allowlist_len)].iter().map(|k| k.to_string()).collect::<Vec<_>>(),
    })
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    match command {
        Command::Create { agent, mint, per_spend_cap, total_cap, expires_in, allowlist, id } => {
            let owner = chain::signer(keypair)?;
            let agent = chain::agent_named(&chain, &agent)?;
            let token = chain::token_of(&chain, &mint)?;
            let expiry_slot = chain.slot()?.saturating_add(expires_in);
            let args = agx_sdk::exchange::BudgetCreateArgs {
                budget_id: id,
                per_spend_cap,
                total_cap,
                expiry_slot,
                allowlist,
            };
            let address = budget::create(&chain, &owner, agent, token, args)?;
            out.result(
                &format!("budget {address} for agent {agent}: {per_spend_cap} per spend, {total_cap} in all, until slot {expiry_slot}\n"),
                &json!({"budget": address.to_string(), "agent": agent.to_string(), "expiry_slot": expiry_slot}),
            );
        }
        Command::Fund { budget: address, amount } => {
            let owner = chain::signer(keypair)?;
            let b = existing(&chain, &address)?;
            let source = token::associated_address(&owner.pubkey(), &b.mint, &b.token_program);
            budget::fund(&chain, &owner, &address, source, amount)?;
            let balance = agx_sdk::chain::token_balance(&chain, &b.vault)?;
            out.result(
                &format!("funded {address} with {amount}; it holds {balance}\n"),
                &json!({"budget": address.to_string(), "funded": amount, "balance": balance}),
            );
        }
        Command::Pay { budget: address, amount, to, to_agent, memo } => {
            let spender = chain::signer(keypair)?;
            let b = existing(&chain, &address)?;
            let (recipient, recipient_agent) = match (to, to_agent) {
                (Some(account), None) => (account, None),
                (None, Some(agent)) => {
                    let agent = chain::agent_named(&chain, &agent)?;
                    let record = agx_sdk::discover::agent(&chain, &agent)?.context("agent")?;
                    (token::associated_address(&record.authority, &b.mint, &b.token_program), Some(agent))
                }
                _ => bail!(
                    "name who is paid: --to <TOKEN ACCOUNT> (an allowlisted owner's) or --to-agent <AGENT>"
                ),
            };
            let memo_hash = agx_core::commitment::sha256(memo.as_bytes());
            let spent =
                budget::pay(&chain, &spender, &address, recipient, recipient_agent, amount, memo_hash)?;
            out.result(
                &format!("paid {amount} from {address} to {recipient}; {spent} of {} spent\n", b.total_cap),
                &json!({"budget": address.to_string(), "recipient": recipient.to_string(), "amount": amount, "spent": spent}),
            );
        }
        Command::Revoke { budget: address } => {
            let owner = chain::signer(keypair)?;
            let b = existing(&chain, &address)?;
            let to = token::associated_address(&owner.pubkey(), &b.mint, &b.token_program);
            let returned = budget::revoke(&chain, &owner, &address, to)?;
            out.result(
                &format!("revoked {address}: {returned} back to {to}\n"),
                &json!({"budget": address.to_string(), "returned": returned}),
            );
        }
        Command::Close { budget: address } => {
            let owner = chain::signer(keypair)?;
            let b = existing(&chain, &address)?;
            if b.live_intents > 0 {
                bail!(
                    "budget {address} paid {} intents that are not closed yet; it closes after them",
                    b.live_intents
                );
            }
            let to = token::associated_address(&owner.pubkey(), &b.mint, &b.token_program);
            budget::close(&chain, &owner, &address, to)?;
            out.result(
                &format!("closed {address}\n"),
                &json!({"budget": address.to_string(), "closed": true}),
            );
        }
        Command::Show { budget: address } => {
            let b = existing(&chain, &address)?;
            let balance = agx_sdk::chain::token_balance(&chain, &b.vault)?;
            let v = view(&address, &b, balance);
            out.result(&format!("{}\n", serde_json::to_string_pretty(&v)?), &v);
        }
        Command::List { owner, agent } => {
            let agent = agent.map(|a| chain::agent_named(&chain, &a)).transpose()?;
            let found = budget::list(&chain, owner.as_ref(), agent.as_ref())?;
            let mut rows = Vec::new();
            let mut text = String::new();
            for (address, b) in &found {
                let balance = agx_sdk::chain::token_balance(&chain, &b.vault)?;
                text.push_str(&format!(
                    "{address}  agent {}  spent {:>10} of {:>10}  holds {:>10}{}\n",
                    b.agent,
                    b.spent,
                    b.total_cap,
                    balance,
                    if b.revoked { "  revoked" } else { "" }
                ));
                rows.push(view(address, b, balance));
            }
            out.result(&format!("{text}{} budgets\n", found.len()), &json!(rows));
        }
    }
    Ok(())
}
