//! `agx hire`: direct hire. A requester offers a job to one agent at a fixed price (`offer`,
//! escrowing it); the agent takes it (`accept`, awarded at once, its stake locked) or turns it
//! down (`decline`). Delivery, disputes and failover work as for any intent (`agx result
//! submit`, `agx intent accept`); a failed hire is re-auctioned in the clear. An agent may
//! publish standing offers (`publish`, `withdraw`, shown by `offers`), on which a requester
//! hires it in one transaction without waiting for it (`take`).
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::state::AuctionKind;
use agx_sdk::exchange::HireTerms;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use agx_sdk::{discover, pda, Pubkey};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::commands::intent::load;
use crate::{chain, Output};

#[derive(Subcommand)]
pub enum Command {
    /// Offers a job to one agent at --price (escrowed now), to accept within --window slots.
    Offer {
        /// The agent (its agent account, or its authority's key).
        agent: Pubkey,
        /// The payment mint.
        #[arg(long)]
        mint: Pubkey,
        /// What the agent is paid, in atoms of --mint.
        #[arg(long)]
        price: u64,
        /// The most slots from acceptance to result.
        #[arg(long, default_value_t = 100)]
        max_latency: u64,
        /// Slots the agent has to accept.
        #[arg(long, default_value_t = 50)]
        window: u64,
        /// Capabilities the agent must have (names or a bit mask).
        #[arg(long, value_parser = chain::capabilities, default_value = "0")]
        capabilities: u64,
        /// Free stake the agent must lock for the job, atoms of the stake mint.
        #[arg(long, default_value_t = 0)]
        min_stake: u64,
        /// Where the job's details are (its sha256 goes on chain).
        #[arg(long, default_value = "")]
        context_uri: String,
    },
    /// The offered agent or coalition (the signer is its authority) takes the job at its price;
    /// a coalition's members' contributions are locked at once.
    Accept {
        /// The direct hire's address (printed by `agx hire offer`).
        intent: Pubkey,
        /// Slots it promises from now to its result (at most the job's max latency).
        #[arg(long)]
        latency: Option<u64>,
        /// The quality it promises, bps (its reputation is recorded against it).
        #[arg(long, default_value_t = 9_000)]
        quality: u16,
    },
    /// Publishes your agent's standing offers (replacing any before): each
    /// CAPABILITIES:PRICE:LATENCY:QUALITY, paid in --mint.
    Publish {
        /// The mint the offers are priced in.
        #[arg(long)]
        mint: Pubkey,
        /// An offer: capabilities (names or a mask), price in atoms, latency in slots, quality in
        /// bps, separated by ':' (e.g. translate:500000:40:9000); up to 4.
        #[arg(long = "offer", required = true)]
        offers: Vec<String>,
    },
    /// Withdraws your agent's standing offers (the account's rent comes back).
    Withdraw,
    /// An agent's standing offers.
    Offers {
        /// The agent (its agent account, or its authority's key).
        agent: Pubkey,
    },
    /// Hires an agent on one of its standing offers: the job is posted and awarded in one
    /// transaction, paid the offer's price from your associated account.
    Take {
        /// The agent (its agent account, or its authority's key).
        agent: Pubkey,
        /// Which of its offers (`agx hire offers` lists them).
        #[arg(long, default_value_t = 0)]
        index: u8,
        /// Free stake the agent locks for the job, atoms of the stake mint.
        #[arg(long, default_value_t = 0)]
        min_stake: u64,
        /// Where the job's details are (its sha256 goes on chain).
        #[arg(long, default_value = "")]
        context_uri: String,
    },
    /// The offered agent or coalition turns the job down: the requester may cancel it at once.
    Decline {
        /// The direct hire's address (printed by `agx hire offer`).
        intent: Pubkey,
    },
}

pub fn run(
    command: Command,
    url: Option<String>,
    keypair: Option<std::path::PathBuf>,
    out: Output,
) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    match command {
        Command::Offer { agent, mint, price, max_latency, window, capabilities, min_stake, context_uri } => {
            let agent = chain::agent_named(&chain, &agent)?;
            let key = chain::signer(keypair)?;
            let program = chain.account(&mint)?.with_context(|| format!("no mint at {mint}"))?.owner;
            let mut r = Requester::new(&chain, key, StakeToken { mint, program })?;
            let held = agx_sdk::chain::token_balance(&chain, &r.tokens())?;
            if held < price {
                bail!("your account {} of {mint} holds {held} atoms; the price {price} is escrowed at the offer", r.tokens());
            }
            let context_hash = agx_core::commitment::sha256(context_uri.as_bytes());
            let want = Want {
                capabilities,
                max_price: price,
                max_latency,
                kind: AuctionKind::Direct,
                min_stake,
                context_uri,
                context_hash,
            };
            let mut args = r.args(&chain, &want)?;
            (args.bid_window_slots, args.reveal_window_slots, args.hire_agent) = (window, 0, agent);
            let address = r.post(&chain, args.clone())?;
            out.result(
                &format!("offered {address} to agent {agent} at {price}; it may accept for {window} slots\n"),
                &json!({"intent": address.to_string(), "agent": agent.to_string(), "price": price, "intent_id": args.intent_id}),
            );
        }
        Command::Accept { intent, latency, quality } => {
            let i = load(&chain, &intent)?;
            let key = chain::signer(keypair)?;
            let offered = offered_to(&chain, &i, &key.pubkey(), &intent)?;
            let terms = HireTerms {
                price: i.max_price,
                quality_bps: quality,
                latency: latency.unwrap_or(i.max_latency),
            };
            let next = match offered {
                Offered::Agent(agent) => {
                    chain.send(
                        &[xix::hire_accept(key.pubkey(), intent, agent, i.round, terms)],
                        &key,
                        &[],
                    )?;
                    format!("`agx result submit {intent}`")
                }
                Offered::Coalition(coalition) => {
                    agx_sdk::coalition::hire_accept(&chain, &key, &coalition, &intent, terms)?;
                    format!("`agx coalition done {intent} --coalition {coalition}` by each member, then `agx result submit {intent}`")
                }
            };
            out.result(
                &format!("accepted {intent} at {}; deliver with {next}\n", i.max_price),
                &json!({"intent": intent.to_string(), "accepted": true, "payment": i.max_price, "hired": offered.address().to_string()}),
            );
        }
        Command::Publish { mint, offers } => {
            let key = chain::signer(keypair)?;
            let parsed = offers.iter().map(|o| parse_offer(o, mint)).collect::<Result<Vec<_>>>()?;
            chain.send(
                &[agx_sdk::ix::registry::agent_offers_set(key.pubkey(), parsed.clone())],
                &key,
                &[],
            )?;
            out.result(
                &format!("published {} offers for agent {}\n", parsed.len(), pda::agent(&key.pubkey()).0),
                &json!({"agent": pda::agent(&key.pubkey()).0.to_string(), "offers": parsed.iter().map(offer_json).collect::<Vec<_>>()}),
            );
        }
        Command::Withdraw => {
            let key = chain::signer(keypair)?;
            chain.send(&[agx_sdk::ix::registry::agent_offers_close(key.pubkey())], &key, &[])?;
            out.result("withdrew your offers\n", &json!({"withdrawn": true}));
        }
        Command::Offers { agent } => {
            let agent = chain::agent_named(&chain, &agent)?;
            let offers = discover::offers(&chain, &agent)?;
            let list: Vec<_> =
                offers.as_ref().map_or(Vec::new(), |o| o.offers[..usize::from(o.len)].to_vec());
            let text: String = list
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    format!(
                        "{i}  capabilities {:#x}  {} atoms of {}  {} slots  quality {}\n",
                        o.capabilities, o.price, o.mint, o.latency, o.quality_bps
                    )
                })
                .collect();
            out.result(
                &format!("{text}{} offers\n", list.len()),
                &json!({"agent": agent.to_string(), "offers": list.iter().map(offer_json).collect::<Vec<_>>()}),
            );
        }
        Command::Take { agent, index, min_stake, context_uri } => {
            let agent = chain::agent_named(&chain, &agent)?;
            let offers = discover::offers(&chain, &agent)?.with_context(|| {
                format!("agent {agent} has published no offers (`agx hire offers {agent}`)")
            })?;
            let offer = *offers.get(index).with_context(|| format!("agent {agent} has no offer {index}"))?;
            let key = chain::signer(keypair)?;
            let program =
                chain.account(&offer.mint)?.with_context(|| format!("no mint at {}", offer.mint))?.owner;
            let mut r = Requester::new(&chain, key, StakeToken { mint: offer.mint, program })?;
            let held = agx_sdk::chain::token_balance(&chain, &r.tokens())?;
            if held < offer.price {
                bail!(
                    "your account {} of {} holds {held} atoms; the offer's price is {}",
                    r.tokens(),
                    offer.mint,
                    offer.price
                );
            }
            let intent = r.hire_on_offer(&chain, &agent, index, min_stake, context_uri)?;
            out.result(
                &format!("hired agent {agent} on its offer {index}: intent {intent} at {}\n", offer.price),
                &json!({"intent": intent.to_string(), "agent": agent.to_string(), "price": offer.price}),
            );
        }
        Command::Decline { intent } => {
            let i = load(&chain, &intent)?;
            let key = chain::signer(keypair)?;
            let offered = offered_to(&chain, &i, &key.pubkey(), &intent)?;
            chain.send(&[xix::hire_decline(key.pubkey(), intent, offered.address())], &key, &[])?;
            out.result(
                &format!("declined {intent}\n"),
                &json!({"intent": intent.to_string(), "declined": true}),
            );
        }
    }
    Ok(())
}

/// Whom a direct hire is offered to, as the signer acts for it.
enum Offered {
    /// The signer's own agent.
    Agent(Pubkey),
    /// A coalition the signer is the authority of.
    Coalition(Pubkey),
}

impl Offered {
    fn address(&self) -> Pubkey {
        match self {
            Offered::Agent(a) | Offered::Coalition(a) => *a,
        }
    }
}

/// The signer's agent or coalition that the hire `i` (at `intent`) is offered to; an error
/// naming who it is offered to otherwise.
fn offered_to(
    chain: &dyn agx_sdk::chain::Chain,
    i: &agx_sdk::accounts::Intent,
    me: &Pubkey,
    intent: &Pubkey,
) -> Result<Offered> {
    let agent = pda::agent(me).0;
    if i.hire_agent == agent {
        return Ok(Offered::Agent(agent));
    }
    match agx_sdk::coalition::read(chain, &i.hire_agent)? {
        Some(c) if c.authority == *me => Ok(Offered::Coalition(i.hire_agent)),
        _ => bail!(
            "{intent} is not offered to your agent {agent} nor to a coalition you lead (it is offered to {})",
            i.hire_agent
        ),
    }
}

fn offer_json(o: &agx_sdk::agent_registry::Offer) -> serde_json::Value {
    json!({
        "capabilities": o.capabilities, "mint": o.mint.to_string(), "price": o.price,
        "latency": o.latency, "quality_bps": o.quality_bps,
    })
}

/// CAPABILITIES:PRICE:LATENCY:QUALITY in `mint`.
fn parse_offer(spec: &str, mint: Pubkey) -> Result<agx_sdk::agent_registry::Offer> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [capabilities, price, latency, quality] = parts[..] else {
        bail!("offer '{spec}': give CAPABILITIES:PRICE:LATENCY:QUALITY, e.g. translate:500000:40:9000");
    };
    let number = |what: &str, v: &str| {
        v.parse::<u64>().with_context(|| format!("offer '{spec}': {what} '{v}' is not a number"))
    };
    Ok(agx_sdk::agent_registry::Offer {
        capabilities: chain::capabilities(capabilities)
            .map_err(|e| anyhow::anyhow!("offer '{spec}': {e}"))?,
        mint,
        price: number("price", price)?,
        latency: number("latency", latency)?,
        quality_bps: u16::try_from(number("quality", quality)?)
            .context("quality is in bps, at most 10000")?,
    })
}
