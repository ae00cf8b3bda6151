//! `agx bid`: an agent's bids by hand. A sealed commit's salt is written to the salt store
//! (default `~/.config/agx/salts-<authority>.json`) before the commit is sent, so `agx bid
//! reveal` can open it later, from another process or after a crash.
use std::path::PathBuf;

use agx_sdk::agent::{os_salt, SaltStore, SealedBid};
use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::exchange::BidOpening;
use agx_sdk::ix::exchange as xix;
use agx_sdk::{pda, token, Pubkey};
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use serde_json::json;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(clap::Args, Clone, Copy)]
pub struct Terms {
    /// Your ask, in atoms of the intent's mint (at most its max price).
    #[arg(long)]
    price: u64,
    /// The quality you promise, bps (0-10000); your rating is held against it.
    #[arg(long)]
    quality: u16,
    /// The slots you promise from award to result (at most the intent's max latency; a slot is
    /// ~0.4 s).
    #[arg(long)]
    latency: u64,
}

#[derive(Subcommand)]
pub enum Command {
    /// Commits a sealed bid (first-price or Vickrey), its salt saved first; deposits the
    /// intent's bond (lamports), returned when the bid is revealed.
    Commit {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        #[command(flatten)]
        terms: Terms,
        /// The salt store (default ~/.config/agx/salts-<your key>.json, owner-only): without
        /// the salt the bid cannot be revealed, and its bond is forfeited.
        #[arg(long)]
        salts: Option<PathBuf>,
    },
    /// Reveals the signer's committed bid on the intent, from the salt store.
    Reveal {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        /// The salt store the commit used.
        #[arg(long)]
        salts: Option<PathBuf>,
    },
    /// Places a bid in the clear (continuous auctions).
    Place {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
        #[command(flatten)]
        terms: Terms,
        /// Bid as this coalition (you sign as its authority; every member must have signed its
        /// terms): its members are passed with the bid, and locked at once on a threshold win.
        #[arg(long)]
        coalition: Option<Pubkey>,
    },
    /// The bids still open on an intent (as `agx intent bids`).
    List {
        /// The intent's address (`agx intent list` shows them).
        intent: Pubkey,
    },
    /// (`agx result submit`)
    #[command(hide = true)]
    Submit(SubmitArgs),
}

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The intent's address (`agx intent list` shows them).
    intent: Pubkey,
    /// Share of the job done, bps (1-10000): you are paid that share of your payment.
    #[arg(long, default_value_t = 10_000)]
    fulfilled: u16,
    /// Where the result is (its sha256 goes on chain).
    #[arg(long)]
    result_uri: String,
}

#[derive(Subcommand)]
pub enum ResultCommand {
    /// Submits the result of a job the signer's agent holds; paid pro rata to --fulfilled.
    Submit(SubmitArgs),
}

pub(crate) fn store_path(salts: Option<PathBuf>, authority: &Pubkey) -> Result<PathBuf> {
    match salts {
        Some(p) => Ok(p),
        None => {
            let home = std::env::var_os("HOME").context("HOME is not set: pass --salts <FILE>")?;
            Ok(PathBuf::from(home).join(format!(".config/agx/salts-{authority}.json")))
        }
    }
}

fn opening(terms: Terms) -> BidOpening {
    let plan_hash = [0; 32];
    BidOpening {
        price: terms.price,
        quality_bps: terms.quality,
        latency: terms.latency,
        plan_hash,
        salt: os_salt(),
    }
}

pub fn run(command: Command, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    if let Command::List { intent } = command {
        return super::intent::run(super::intent::Command::Bids { intent }, url, keypair, out);
    }
    let chain = RpcChain::new(&chain::url(url)?)?;
    let signer = chain::signer(keypair)?;
    let me = signer.pubkey();
    let agent = pda::agent(&me).0;
    let load = |intent: &Pubkey| super::intent::load(&chain, intent);
    if !chain.exists(&agent)? {
        bail!(
            "{me} is not an agent: `agx agent register` first (or pass --keypair for your agent's authority)"
        );
    }
    let slot = chain.slot()?;
    let at = |target| chain::when(target, slot, chain.slot_time());
    let (what, intent, landed) = match command {
        Command::Commit { intent, terms, salts } => {
            let state = load(&intent)?;
            // The intent's stage (`agx_core::lifecycle`): open, and within its commit window.
            if state.stage(slot)? != agx_core::lifecycle::Stage::Bidding {
                bail!(
                    "intent {intent} takes no commits now (status {:?}; commits ended at {})",
                    state.status()?,
                    at(state.commit_end_slot)
                );
            }
            let mut store = SaltStore::open(store_path(salts, &me)?)?;
            let opening = opening(terms);
            store.put(SealedBid { intent, round: state.round, opening })?;
            let ix =
                xix::bid_commit(me, intent, agent, state.round, xix::commitment(&intent, &agent, &opening));
            match chain.send(&[ix], &signer, &[]) {
                Ok(landed) => {
                    out.progress(&format!(
                        "reveal it from slot {} until {} with `agx bid reveal {intent}`; a keeper settles it after that",
                        state.commit_end_slot,
                        at(state.reveal_end_slot)
                    ));
                    ("committed", intent, landed)
                }
                Err(e) => {
                    store.remove(&intent, state.round)?;
                    return Err(e.into());
                }
            }
        }
        Command::Reveal { intent, salts } => {
            let state = load(&intent)?;
            let path = store_path(salts, &me)?;
            let mut store = SaltStore::open(&path)?;
            let opening = *store.get(&intent, state.round).with_context(|| {
                format!(
                    "no commit of yours on {intent} (round {}) in {}: without its salt the bid cannot be revealed, and its bond ({} lamports) goes to the requester when the bid closes (pass --salts if the commit used another store)",
                    state.round,
                    path.display(),
                    state.bid_bond
                )
            })?;
            match state.phase(slot) {
                agx_core::lifecycle::Phase::Bidding => {
                    bail!("reveals on {intent} open at {}; try again then", at(state.commit_end_slot))
                }
                agx_core::lifecycle::Phase::Closed => bail!(
                    "the reveal window of {intent} closed at {}: the bid can no longer be opened, and its bond ({} lamports) goes to the requester when it closes",
                    at(state.reveal_end_slot),
                    state.bid_bond
                ),
                agx_core::lifecycle::Phase::Revealing => {}
            }
            let landed =
                chain.send(&[xix::bid_reveal(me, intent, agent, state.round, opening)], &signer, &[])?;
            store.remove(&intent, state.round)?;
            ("revealed", intent, landed)
        }
        Command::Place { intent, terms, coalition: None } => {
            let state = load(&intent)?;
            let landed = chain.send(
                &[xix::bid_place(me, intent, agent, state.round, opening(terms))],
                &signer,
                &[],
            )?;
            ("placed", intent, landed)
        }
        Command::Place { intent, terms, coalition: Some(coalition) } => {
            let landed = agx_sdk::coalition::bid_place(&chain, &signer, &coalition, &intent, opening(terms))?;
            ("placed", intent, landed)
        }
        Command::List { .. } => unreachable!("answered above"),
        Command::Submit(SubmitArgs { intent, fulfilled, result_uri }) => {
            let state = load(&intent)?;
            // A coalition's job is submitted by its authority (the lead's).
            let lead = state.held_by_coalition() && state.winner_authority == me;
            if state.winner_agent != agent && !lead {
                bail!("intent {intent} is not awarded to your agent {agent}, nor to a coalition you lead");
            }
            if !state.parts_all_done() {
                bail!("the coalition's members have not all marked their parts done (`agx coalition done`)");
            }
            let payout = token::associated_address(&me, &state.mint, &state.token_program);
            let hash = agx_core::commitment::sha256(result_uri.as_bytes());
            let ixs = [
                token::create_associated_idempotent(me, me, state.mint, state.token_program),
                xix::result_submit(me, intent, payout, hash, result_uri, fulfilled),
            ];
            ("submitted", intent, chain.send(&ixs, &signer, &[])?)
        }
    };
    out.result(
        &format!("{what} on {intent}: {}\n", landed.signature),
        &json!({"done": what, "intent": intent.to_string(), "signature": landed.signature}),
    );
    Ok(())
}
