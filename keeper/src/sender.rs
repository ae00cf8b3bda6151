//! The sender: turns a crank's instructions into a signed transaction with compute-budget and
//! priority-fee instructions, sends it, and follows it until it lands, fails, or its blockhash
//! expires, re-sending with jitter in between. A recent blockhash is kept warm in the
//! background, so preparing a crank costs no round trip. One follower asks the statuses of
//! every transaction in flight together (256 to a call) and the block height once per round,
//! so a burst of cranks does not multiply the polling.
//!
//! Preflight is a choice per send. It simulates on the `processed` bank, which lags the slot a
//! `slotSubscribe` notification announces by one: a deadline crank sent with preflight at its
//! due slot is refused as too early, and lands a slot late at best. So the keeper whose turn is
//! first sends a deadline crank without preflight (it re-read the account just before); every
//! other send keeps it: later turns, late first turns and closes (see `peers`).
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use agx_sdk::lookup::AddressLookupTableAccount;
use agx_sdk::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_keypair::Keypair;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind as ClientErrorKind};
use solana_rpc_client_api::config::RpcSendTransactionConfig;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction::{Signature, Transaction};
use solana_transaction_error::TransactionError;
use tokio::sync::{oneshot, watch};
use tracing::debug;

use crate::rpc::RpcPool;
use crate::watcher::rand_u16;

/// The compute budget program.
pub const COMPUTE_BUDGET: Pubkey = anchor_lang::pubkey!("ComputeBudget111111111111111111111111111111");

/// `SetComputeUnitLimit`.
pub fn compute_unit_limit(units: u32) -> Instruction {
    let mut data = vec![2];
    data.extend_from_slice(&units.to_le_bytes());
    Instruction { program_id: COMPUTE_BUDGET, accounts: Vec::<AccountMeta>::new(), data }
}

/// `SetComputeUnitPrice` (micro-lamports per unit).
pub fn compute_unit_price(micro_lamports: u64) -> Instruction {
    let mut data = vec![3];
    data.extend_from_slice(&micro_lamports.to_le_bytes());
    Instruction { program_id: COMPUTE_BUDGET, accounts: Vec::<AccountMeta>::new(), data }
}

/// The most bytes a transaction may take on the wire (Solana's `PACKET_DATA_SIZE`).
pub const PACKET_DATA_SIZE: usize = 1232;

/// The wire size of the legacy transaction [`Sender::send`] signs for `ixs`: behind its
/// compute-budget instructions (the price one when `micro_lamports` is not zero), paid and signed
/// by `payer` alone. Above a packet, a crank goes through the keeper's lookup tables instead
/// (`cranks::needs_tables`).
pub fn wire_size(ixs: &[Instruction], payer: &Pubkey, micro_lamports: u64) -> usize {
    let mut all = compute_budget(1, micro_lamports);
    all.extend_from_slice(ixs);
    let tx = Transaction::new_with_payer(&all, Some(payer));
    let signatures = usize::from(tx.message.header.num_required_signatures);
    // The signature count is a compact-u16: one byte below 128.
    tx.message.serialize().len() + 1 + 64 * signatures
}

/// The compute-budget instructions a crank's transaction starts with: the unit limit, and the
/// unit price when there is one.
fn compute_budget(units: u32, micro_lamports: u64) -> Vec<Instruction> {
    let mut budget = vec![compute_unit_limit(units)];
    if micro_lamports > 0 {
        budget.push(compute_unit_price(micro_lamports));
    }
    budget
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Landing {
    /// Executed successfully in `slot` (seen at `confirmed`).
    Landed { slot: u64, signature: String },
    /// Refused by preflight: never sent, nothing paid.
    Refused(TransactionError),
    /// Executed and failed on-chain: its fee was paid.
    Rejected(TransactionError),
    /// Its blockhash expired before it landed.
    Expired,
}

/// A blockhash and the last block height at which it is valid.
type Blockhash = (solana_transaction::Hash, u64);

/// How the follower saw a transaction end.
#[derive(Debug)]
enum Followed {
    Confirmed { slot: u64, err: Option<TransactionError> },
    Expired,
}

/// A transaction the follower watches: the last block height its blockhash is valid at, and
/// where to say how it ended.
struct InFlight {
    last_valid: u64,
    done: oneshot::Sender<Followed>,
}

pub struct Sender {
    rpc: Arc<RpcPool>,
    payer: Arc<Keypair>,
    blockhash: Arc<RwLock<Option<Blockhash>>>,
    in_flight: Mutex<HashMap<Signature, InFlight>>,
    follower: tokio::task::JoinHandle<()>,
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.follower.abort();
    }
}

/// How often the cached blockhash is renewed (it stays valid ~60 s).
const BLOCKHASH_REFRESH: Duration = Duration::from_secs(2);
/// How often a status is polled, and an unconfirmed transaction re-sent (plus jitter).
const POLL: Duration = Duration::from_millis(200);
const RESEND: Duration = Duration::from_millis(1_500);

impl Sender {
    /// A sender and its follower (a task on the current runtime, stopped when the sender is
    /// dropped).
    pub fn new(rpc: Arc<RpcPool>, payer: Arc<Keypair>) -> Arc<Self> {
        Arc::new_cyclic(|me: &std::sync::Weak<Self>| {
            let follower = tokio::spawn(follow(me.clone()));
            Self { rpc, payer, blockhash: Arc::new(RwLock::new(None)), in_flight: Mutex::default(), follower }
        })
    }

    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashMap<Signature, InFlight>> {
        self.in_flight.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One round of the follower: the statuses of every transaction in flight, and the block
    /// height for those whose blockhash may have expired.
    async fn follow_round(&self) -> Result<(), ClientError> {
        let watched: Vec<Signature> = self.in_flight().keys().copied().collect();
        if watched.is_empty() {
            return Ok(());
        }
        let mut unconfirmed = Vec::new();
        for chunk in watched.chunks(256) {
            let statuses = self.rpc.call(|c| c.get_signature_statuses(chunk)).await?.value;
            for (signature, status) in chunk.iter().zip(statuses) {
                match status {
                    Some(status) if status.satisfies_commitment(CommitmentConfig::confirmed()) => {
                        if let Some(flight) = self.in_flight().remove(signature) {
                            let _ =
                                flight.done.send(Followed::Confirmed { slot: status.slot, err: status.err });
                        }
                    }
                    // Processed: it executed; wait for confirmation.
                    Some(_) => {}
                    None => unconfirmed.push(*signature),
                }
            }
        }
        if unconfirmed.is_empty() {
            return Ok(());
        }
        let height =
            self.rpc.call(|c| c.get_block_height_with_commitment(CommitmentConfig::confirmed())).await?;
        let mut in_flight = self.in_flight();
        for signature in unconfirmed {
            if in_flight.get(&signature).is_some_and(|f| height > f.last_valid) {
                if let Some(flight) = in_flight.remove(&signature) {
                    let _ = flight.done.send(Followed::Expired);
                }
            }
        }
        Ok(())
    }

    pub fn payer(&self) -> Pubkey {
        self.payer.pubkey()
    }

    /// Keeps the blockhash warm until `shutdown`.
    pub async fn refresh_blockhash(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.fetch_blockhash().await {
                debug!(error = %e, "blockhash refresh failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(BLOCKHASH_REFRESH) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn fetch_blockhash(&self) -> Result<Blockhash, ClientError> {
        let fresh =
            self.rpc.call(|c| c.get_latest_blockhash_with_commitment(CommitmentConfig::confirmed())).await?;
        *self.blockhash.write().expect("blockhash lock") = Some(fresh);
        Ok(fresh)
    }

    async fn blockhash(&self) -> Result<Blockhash, ClientError> {
        let cached = *self.blockhash.read().expect("blockhash lock");
        match cached {
            Some(b) => Ok(b),
            None => self.fetch_blockhash().await,
        }
    }

    /// How many compute-budget instructions [`send`](Self::send) puts before a crank's.
    pub fn budget_instructions(micro_lamports: u64) -> usize {
        compute_budget(0, micro_lamports).len()
    }

    /// Signs `ixs` behind a compute-unit limit and price, sends (simulating first when
    /// `preflight`) and follows it.
    pub async fn send(
        &self,
        ixs: &[Instruction],
        units: u32,
        micro_lamports: u64,
        preflight: bool,
    ) -> Result<Landing, ClientError> {
        self.send_with_tables(ixs, units, micro_lamports, preflight, &[]).await
    }

    /// As [`Sender::send`]; with `tables`, as a v0 transaction looking up every account they
    /// hold (`agx_sdk::lookup`), for a crank too large for a legacy one.
    pub async fn send_with_tables(
        &self,
        ixs: &[Instruction],
        units: u32,
        micro_lamports: u64,
        preflight: bool,
        tables: &[AddressLookupTableAccount],
    ) -> Result<Landing, ClientError> {
        let mut all = compute_budget(units, micro_lamports);
        all.extend_from_slice(ixs);
        let (hash, last_valid) = self.blockhash().await?;
        let payer = self.payer.as_ref();
        let tx: VersionedTransaction = if tables.is_empty() {
            Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &[payer], hash).into()
        } else {
            let message = agx_sdk::lookup::message(&all, &payer.pubkey(), tables, hash)
                .map_err(|e| ClientError::from(ClientErrorKind::Custom(e.to_string())))?;
            VersionedTransaction::try_new(message, &[payer])
                .map_err(|e| ClientError::from(ClientErrorKind::Custom(e.to_string())))?
        };
        let signature = tx.signatures[0];
        let first = RpcSendTransactionConfig {
            skip_preflight: !preflight,
            preflight_commitment: Some(CommitmentLevel::Processed),
            max_retries: Some(0),
            ..RpcSendTransactionConfig::default()
        };
        match self.rpc.call(|c| c.send_transaction_with_config(&tx, first)).await {
            Ok(_) => {}
            Err(e) => {
                return match e.get_transaction_error() {
                    Some(err) => Ok(Landing::Refused(err)),
                    None => Err(e),
                }
            }
        }
        let (done, mut followed) = oneshot::channel();
        self.in_flight().insert(signature, InFlight { last_valid, done });
        let resend = RpcSendTransactionConfig { skip_preflight: true, ..first };
        loop {
            let jitter = Duration::from_millis(u64::from(rand_u16()) % 500);
            tokio::select! {
                outcome = &mut followed => {
                    return Ok(match outcome {
                        Ok(Followed::Confirmed { slot, err: None }) => {
                            Landing::Landed { slot, signature: signature.to_string() }
                        }
                        Ok(Followed::Confirmed { err: Some(err), .. }) => Landing::Rejected(err),
                        Ok(Followed::Expired) => Landing::Expired,
                        // The follower stopped (the sender is being dropped): treat as expired.
                        Err(_) => Landing::Expired,
                    });
                }
                _ = tokio::time::sleep(RESEND + jitter) => {
                    if let Err(e) = self.rpc.call(|c| c.send_transaction_with_config(&tx, resend)).await {
                        debug!(error = %e, "re-send failed");
                    }
                }
            }
        }
    }
}

/// The follower: a round every [`POLL`] while the sender lives.
async fn follow(sender: std::sync::Weak<Sender>) {
    loop {
        tokio::time::sleep(POLL).await;
        let Some(sender) = sender.upgrade() else { return };
        if let Err(e) = sender.follow_round().await {
            debug!(error = %e, "following the transactions in flight failed; next round");
        }
    }
}
