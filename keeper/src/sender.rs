//! The sender: turns a crank's instructions into a signed transaction with compute-budget and
//! priority-fee instructions, sends it, and follows it until it lands, fails, or its blockhash
//! expires, re-sending with jitter in between. A recent blockhash is kept warm in the
//! background, so preparing a crank costs no round trip.
//!
//! Preflight is a choice per send. It simulates on the `processed` bank, which lags the slot a
//! `slotSubscribe` notification announces by one: a deadline crank sent with preflight at its
//! due slot is refused as too early, and lands a slot late at best. Deadline cranks therefore
//! go without preflight (the keeper re-read the account just before, and a lost race then costs
//! the base fee); cranks with no deadline (closes) keep it, so a lost race costs nothing.
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use agx_sdk::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_keypair::Keypair;
use solana_rpc_client_api::client_error::Error as ClientError;
use solana_rpc_client_api::config::RpcSendTransactionConfig;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use tokio::sync::watch;
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

pub struct Sender {
    rpc: Arc<RpcPool>,
    payer: Arc<Keypair>,
    blockhash: Arc<RwLock<Option<Blockhash>>>,
}

/// How often the cached blockhash is renewed (it stays valid ~60 s).
const BLOCKHASH_REFRESH: Duration = Duration::from_secs(2);
/// How often a status is polled, and an unconfirmed transaction re-sent (plus jitter).
const POLL: Duration = Duration::from_millis(200);
const RESEND: Duration = Duration::from_millis(1_500);

impl Sender {
    pub fn new(rpc: Arc<RpcPool>, payer: Arc<Keypair>) -> Self {
        Self { rpc, payer, blockhash: Arc::new(RwLock::new(None)) }
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
        let mut all = compute_budget(units, micro_lamports);
        all.extend_from_slice(ixs);
        let (hash, last_valid) = self.blockhash().await?;
        let payer = self.payer.as_ref();
        let tx = Transaction::new_signed_with_payer(&all, Some(&payer.pubkey()), &[payer], hash);
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
        let resend = RpcSendTransactionConfig { skip_preflight: true, ..first };
        let mut last_send = Instant::now();
        loop {
            tokio::time::sleep(POLL).await;
            let statuses =
                self.rpc.call(|c| c.get_signature_statuses(std::slice::from_ref(&signature))).await?;
            if let Some(Some(status)) = statuses.value.first() {
                if status.satisfies_commitment(CommitmentConfig::confirmed()) {
                    return Ok(match &status.err {
                        Some(err) => Landing::Rejected(err.clone()),
                        None => Landing::Landed { slot: status.slot, signature: signature.to_string() },
                    });
                }
                continue; // processed: wait for confirmation, no need to re-send
            }
            let height =
                self.rpc.call(|c| c.get_block_height_with_commitment(CommitmentConfig::confirmed())).await?;
            if height > last_valid {
                return Ok(Landing::Expired);
            }
            let jitter = Duration::from_millis(u64::from(rand_u16()) % 500);
            if last_send.elapsed() > RESEND + jitter {
                if let Err(e) = self.rpc.call(|c| c.send_transaction_with_config(&tx, resend)).await {
                    debug!(error = %e, "re-send failed");
                }
                last_send = Instant::now();
            }
        }
    }
}
