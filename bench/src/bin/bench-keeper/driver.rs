//! The driver: plays requesters and agents on the validator, never a keeper. It posts intents,
//! bids, delivers or goes silent, and notes, for each deadline it sets up, which crank the
//! programs' own rule (`schedule::next_crank`) makes due and from which slot: the figure a
//! keeper's latency is measured against.
use std::time::{Duration, Instant};

use agx_core::lifecycle::Crank;
use agx_keeper::schedule::{next_crank, Liveness, Snapshot};
use agx_sdk::accounts::{decode_zero_copy, Intent};
use agx_sdk::agent_registry::state::{AgentProfile, AgentView};
use agx_sdk::exchange::{AuctionKind, BidOpening, IntentCreateArgs};
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::{self as rix, StakeToken};
use agx_sdk::{pda, Pubkey};
use agx_tests::cluster::{funded_token_account, vickrey_intent};
use agx_tests::{Keypair, Signer};
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{bail, ensure, Context, Result};
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcSendTransactionConfig;
use solana_transaction::Transaction;

/// Lamports paid per crank.
pub const TIP: u64 = 1_000_000;
/// Stake-mint atoms an intent's winner locks.
const MIN_STAKE: u64 = 10;
/// What an intent pays at most (atoms of the stake mint, which the intents also pay in).
const MAX_PRICE: u64 = 1_000;

/// A deadline the driver set up: `crank` is due on `intent` from slot `due`.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub intent: Pubkey,
    pub crank: Crank,
    pub due: u64,
}

/// An agent the driver plays.
pub struct Agent {
    pub address: Pubkey,
    pub key: Keypair,
    pub tokens: Pubkey,
}

pub struct Driver<'a> {
    rpc: &'a RpcClient,
    /// The stake mint's authority (it mints the participants' atoms).
    mint_authority: &'a Keypair,
    stake: StakeToken,
    heartbeat_timeout: u64,
    requester: Keypair,
    requester_tokens: Pubkey,
    next_id: u64,
}

impl<'a> Driver<'a> {
    /// A requester with `lamports` and enough stake-mint atoms for `intents` intents.
    pub fn new(
        rpc: &'a RpcClient,
        mint_authority: &'a Keypair,
        stake: StakeToken,
        heartbeat_timeout: u64,
        intents: u64,
        lamports: u64,
    ) -> Result<Self> {
        let requester = Keypair::new();
        fund(rpc, &requester.pubkey(), lamports)?;
        let requester_tokens =
            funded_token_account(rpc, mint_authority, stake.mint, requester.pubkey(), intents * MAX_PRICE)?;
        Ok(Self { rpc, mint_authority, stake, heartbeat_timeout, requester, requester_tokens, next_id: 1 })
    }

    /// A registered agent with `stake` atoms staked and `lamports` for bonds and rent.
    pub fn agent(&self, stake: u64, lamports: u64) -> Result<Agent> {
        let key = Keypair::new();
        fund(self.rpc, &key.pubkey(), lamports)?;
        let tokens =
            funded_token_account(self.rpc, self.mint_authority, self.stake.mint, key.pubkey(), stake)?;
        let profile = AgentProfile {
            capabilities: 0b11,
            capability_hash: [1; 32],
            metadata_uri: "https://a.example".into(),
        };
        // One after the other: the deposit needs the agent's account.
        self.send_all(vec![(rix::agent_register(key.pubkey(), key.pubkey(), self.stake, profile), &key)])?;
        self.send_all(vec![(
            rix::stake_deposit(key.pubkey(), key.pubkey(), tokens, self.stake, stake),
            &key,
        )])?;
        Ok(Agent { address: pda::agent(&key.pubkey()).0, key, tokens })
    }

    /// `n` sealed intents nobody bids on; the `i`th reveals until ~`2 * (first_window + i)`
    /// slots from now.
    pub fn unbid(&mut self, n: u64, first_window: u64) -> Result<Vec<Pubkey>> {
        self.post((0..n).map(|i| move |id| vickrey_intent(id, first_window + i)).collect())
    }

    /// `n` continuous intents won at once by the first bid, which promises delivery within
    /// `latency` slots.
    pub fn continuous(&mut self, n: u64, latency: u64) -> Result<Vec<Pubkey>> {
        let args = move |id| IntentCreateArgs {
            auction_kind: AuctionKind::Continuous,
            bid_window_slots: 1_000,
            reveal_window_slots: 0,
            score_threshold: 1,
            min_stake: MIN_STAKE,
            max_price: MAX_PRICE,
            max_latency: latency,
            ..vickrey_intent(id, 1_000)
        };
        self.post((0..n).map(|_| args).collect())
    }

    fn post(&mut self, terms: Vec<impl Fn(u64) -> IntentCreateArgs>) -> Result<Vec<Pubkey>> {
        let mut posts = Vec::new();
        let mut intents = Vec::new();
        for args in terms {
            let id = self.next_id;
            self.next_id += 1;
            let args = IntentCreateArgs { tip_per_crank: TIP, max_price: MAX_PRICE, ..args(id) };
            posts.push(xix::intent_create(self.requester.pubkey(), self.stake, self.requester_tokens, args));
            intents.push(pda::intent(&self.requester.pubkey(), id).0);
        }
        let requester = &self.requester;
        self.send_all(posts.into_iter().map(|ix| (ix, requester)).collect())?;
        Ok(intents)
    }

    /// `agent` bids on every one of `intents` (continuous: it wins each at once).
    pub fn win(&self, agent: &Agent, intents: &[Pubkey], latency: u64) -> Result<()> {
        let opening =
            BidOpening { price: MAX_PRICE, quality_bps: 9_000, latency, plan_hash: [5; 32], salt: [0; 32] };
        let bids = intents
            .iter()
            .map(|intent| {
                (xix::bid_place(agent.key.pubkey(), *intent, agent.address, 0, opening), &agent.key)
            })
            .collect();
        self.send_all(bids)
    }

    /// `agent` delivers every one of `intents` (the requester then stays silent: finalized
    /// after the dispute window).
    pub fn deliver(&self, agent: &Agent, intents: &[Pubkey]) -> Result<()> {
        let results = intents
            .iter()
            .map(|intent| {
                let ix = xix::result_submit(
                    agent.key.pubkey(),
                    *intent,
                    agent.tokens,
                    [8; 32],
                    "https://r.example".into(),
                    10_000,
                );
                (ix, &agent.key)
            })
            .collect();
        self.send_all(results)
    }

    /// `agent` heartbeats once (then falls silent); the slot it landed in.
    pub fn heartbeat(&self, agent: &Agent) -> Result<u64> {
        self.send_all(vec![(rix::agent_heartbeat(agent.key.pubkey(), 0), &agent.key)])?;
        let data = self.rpc.get_account_with_commitment(&agent.address, CommitmentConfig::confirmed())?;
        let view = AgentView::read(&data.value.context("agent")?.data).context("agent account")?;
        Ok(view.last_heartbeat_slot)
    }

    /// The crank each of `intents` needs next and its first slot, by the programs' rule, read now.
    pub fn deadlines(&self, intents: &[Pubkey]) -> Result<Vec<Deadline>> {
        let mut found = Vec::new();
        for chunk in intents.chunks(100) {
            let accounts =
                self.rpc.get_multiple_accounts_with_commitment(chunk, CommitmentConfig::confirmed())?.value;
            for (intent, account) in chunk.iter().zip(accounts) {
                let state: Intent = decode_zero_copy(&account.context("an intent closed too early")?.data)?;
                let snapshot = Snapshot::of(&state).context("an intent ended too early")?;
                let liveness = match snapshot.watched_winner() {
                    Some(agent) => {
                        let data = self.rpc.get_account_data(&agent)?;
                        let view = AgentView::read(&data).context("winner")?;
                        Some(Liveness {
                            last_heartbeat_slot: view.last_heartbeat_slot,
                            heartbeat_timeout: self.heartbeat_timeout,
                        })
                    }
                    None => None,
                };
                let due = next_crank(&snapshot, liveness).context("nothing due")?;
                found.push(Deadline { intent: *intent, crank: due.crank, due: due.slot });
            }
        }
        Ok(found)
    }

    /// Sends every instruction in its own transaction, all at once, and waits until each is
    /// confirmed; any failure is an error.
    pub fn send_all(&self, ixs: Vec<(Instruction, &Keypair)>) -> Result<()> {
        let blockhash = self.rpc.get_latest_blockhash()?;
        let config = RpcSendTransactionConfig { skip_preflight: true, ..RpcSendTransactionConfig::default() };
        let mut pending = Vec::new();
        for (ix, signer) in ixs {
            let tx = Transaction::new_signed_with_payer(&[ix], Some(&signer.pubkey()), &[signer], blockhash);
            pending.push(self.rpc.send_transaction_with_config(&tx, config)?);
        }
        let start = Instant::now();
        while !pending.is_empty() {
            ensure!(start.elapsed() < Duration::from_secs(120), "{} transactions unconfirmed", pending.len());
            std::thread::sleep(Duration::from_millis(300));
            let mut still = Vec::new();
            for chunk in pending.chunks(256) {
                let statuses = self.rpc.get_signature_statuses(chunk)?.value;
                for (signature, status) in chunk.iter().zip(statuses) {
                    match status {
                        Some(s) if s.satisfies_commitment(CommitmentConfig::confirmed()) => {
                            if let Some(err) = s.err {
                                bail!("the driver's transaction {signature} failed: {err}");
                            }
                        }
                        _ => still.push(*signature),
                    }
                }
            }
            pending = still;
        }
        Ok(())
    }
}

/// Airdrops `lamports` in steps the faucet accepts.
pub fn fund(rpc: &RpcClient, to: &Pubkey, lamports: u64) -> Result<()> {
    let mut left = lamports;
    while left > 0 {
        let step = left.min(100_000_000_000);
        agx_sdk::cluster::airdrop(rpc, to, step)?;
        left -= step;
    }
    Ok(())
}

/// Every account of `intents` (each intent and its escrow) is closed.
pub fn all_closed(rpc: &RpcClient, intents: &[Pubkey]) -> bool {
    let accounts: Vec<Pubkey> = intents.iter().flat_map(|i| [*i, pda::escrow(i).0]).collect();
    accounts.chunks(100).all(|chunk| {
        rpc.get_multiple_accounts_with_commitment(chunk, CommitmentConfig::confirmed())
            .map(|r| r.value.iter().all(Option::is_none))
            .unwrap_or(false)
    })
}
