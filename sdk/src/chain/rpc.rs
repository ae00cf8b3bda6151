//! A cluster over JSON-RPC, at `confirmed` commitment.
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::{RpcClient, SerializableTransaction};
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig, RpcTransactionConfig,
};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_transaction_status_client_types::{option_serializer::OptionSerializer, UiTransactionEncoding};

use super::{AccountData, Chain, Filter, Landed, Taped};
use crate::Error;

/// How often a wait polls the cluster.
const POLL: Duration = Duration::from_millis(100);
/// A wait for a slot gives up after this long without the cluster moving.
const STALL: Duration = Duration::from_secs(30);
/// An unconfirmed transaction is sent again this often.
const RESEND: Duration = Duration::from_secs(2);

pub struct RpcChain {
    client: RpcClient,
    slot_time: Duration,
}

impl RpcChain {
    /// A client of `url` at `confirmed` commitment; the slot time is measured from the cluster's
    /// recent performance samples (a validator's 400 ms when it has none yet).
    pub fn new(url: &str) -> Result<Self, Error> {
        let client = RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed());
        client
            .get_version()
            .map_err(|e| Error::Unreachable { url: url.to_string(), reason: e.to_string() })?;
        let slot_time = client
            .get_recent_performance_samples(Some(5))
            .ok()
            .and_then(|samples| {
                let (slots, secs) = samples.iter().fold((0u64, 0u64), |(n, s), sample| {
                    (n + sample.num_slots, s + u64::from(sample.sample_period_secs))
                });
                (slots > 0).then(|| Duration::from_millis(secs * 1000 / slots))
            })
            .filter(|t| !t.is_zero())
            .unwrap_or(Duration::from_millis(400));
        Ok(Self { client, slot_time })
    }

    pub fn client(&self) -> &RpcClient {
        &self.client
    }

    /// The successful transactions that mention `program` after slot `after`, oldest first, with
    /// their logs: what an indexer backfills after a gap (`getSignaturesForAddress`, paged back,
    /// then `getTransaction` for each, at `confirmed`).
    pub fn history_since(&self, program: &Pubkey, after: u64) -> Result<Vec<Taped>, Error> {
        self.history_since_at(program, after, CommitmentConfig::confirmed())
    }

    /// The same, at `commitment` (`finalized`: only what no fork switch can take back).
    pub fn history_since_at(
        &self,
        program: &Pubkey,
        after: u64,
        commitment: CommitmentConfig,
    ) -> Result<Vec<Taped>, Error> {
        use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
        let mut found = Vec::new();
        let mut before = None;
        loop {
            let config = GetConfirmedSignaturesForAddress2Config {
                before,
                until: None,
                limit: Some(1_000),
                commitment: Some(commitment),
            };
            let page =
                self.client.get_signatures_for_address_with_config(program, config).map_err(transport)?;
            let Some(last) = page.last() else { break };
            before = last.signature.parse().ok();
            let done = last.slot <= after || page.len() < 1_000 || before.is_none();
            found.extend(page.into_iter().filter(|s| s.slot > after && s.err.is_none()));
            if done {
                break;
            }
        }
        found.reverse();
        found
            .into_iter()
            .map(|s| {
                let signature: solana_transaction::Signature = s.signature.parse().map_err(|_| {
                    Error::Rpc { during: None, reason: format!("bad signature {}", s.signature) }
                })?;
                let (logs, payer) = self.transaction_at(&signature, commitment);
                Ok(Taped { slot: s.slot, logs, payer, signature: s.signature })
            })
            .collect()
    }

    /// A landed transaction's logs and fee payer, at `confirmed` (empty and `None` if the node
    /// does not have it).
    pub fn transaction_of(&self, signature: &solana_transaction::Signature) -> (Vec<String>, Option<String>) {
        self.transaction_at(signature, CommitmentConfig::confirmed())
    }

    /// The same, at `commitment`.
    pub fn transaction_at(
        &self,
        signature: &solana_transaction::Signature,
        commitment: CommitmentConfig,
    ) -> (Vec<String>, Option<String>) {
        self.landed_at(signature, commitment).map(|t| (t.logs, t.payer)).unwrap_or_default()
    }

    /// A transaction as the ledger holds it at `commitment`: its slot, logs and fee payer; `None`
    /// if the node does not have it at that commitment. What an indexer writes, rather than the
    /// logs a subscription pushed, which can be an execution in a fork the cluster abandoned.
    pub fn landed_at(
        &self,
        signature: &solana_transaction::Signature,
        commitment: CommitmentConfig,
    ) -> Option<Taped> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Json),
            commitment: Some(commitment),
            max_supported_transaction_version: Some(0),
        };
        let tx = self.client.get_transaction_with_config(signature, config).ok()?;
        let slot = tx.slot;
        let payer = match &tx.transaction.transaction {
            solana_transaction_status_client_types::EncodedTransaction::Json(ui) => match &ui.message {
                solana_transaction_status_client_types::UiMessage::Raw(raw) => {
                    raw.account_keys.first().cloned()
                }
                solana_transaction_status_client_types::UiMessage::Parsed(parsed) => {
                    parsed.account_keys.first().map(|k| k.pubkey.clone())
                }
            },
            _ => None,
        };
        let logs = match tx.transaction.meta.map(|m| m.log_messages) {
            Some(OptionSerializer::Some(logs)) => logs,
            _ => Vec::new(),
        };
        Some(Taped { slot, signature: signature.to_string(), payer, logs })
    }
}

fn transport(e: ClientError) -> Error {
    Error::Rpc { during: None, reason: e.to_string() }
}

/// A failed send: the program's error (from the preflight's logs) or the runtime's reason.
impl RpcChain {
    /// Sends `tx` (preflight at `confirmed`: a refusal comes back at once, named) and waits until
    /// it is confirmed, polling its status every [`POLL`] rather than the client's 500 ms (an
    /// agent sends one transaction per bid: the wait is most of its step), and sending it again
    /// every [`RESEND`] in case a leader dropped it. Gives up after [`STALL`]
    /// (`TransactionNotConfirmed`). A transaction that lands and fails comes back named from
    /// its logs.
    fn land(&self, tx: &impl SerializableTransaction) -> Result<Landed, Error> {
        let signature = self.client.send_transaction(tx).map_err(failure)?;
        let started = std::time::Instant::now();
        let mut sent = started;
        loop {
            let status = self
                .client
                .get_signature_status_with_commitment(&signature, CommitmentConfig::confirmed())
                .map_err(transport)?;
            match status {
                Some(Ok(())) => {
                    return Ok(Landed {
                        signature: signature.to_string(),
                        logs: self.transaction_of(&signature).0,
                    })
                }
                Some(Err(e)) => {
                    return Err(Error::from_failure(e.to_string(), self.transaction_of(&signature).0))
                }
                None if started.elapsed() > STALL => {
                    return Err(Error::TransactionNotConfirmed {
                        signature: signature.to_string(),
                        waited: STALL,
                    })
                }
                None => {
                    if sent.elapsed() > RESEND {
                        // Already checked once; a copy that arrives after the first lands is
                        // dropped by the cluster as a duplicate.
                        let resend = RpcSendTransactionConfig { skip_preflight: true, ..Default::default() };
                        let _ = self.client.send_transaction_with_config(tx, resend);
                        sent = std::time::Instant::now();
                    }
                    std::thread::sleep(POLL);
                }
            }
        }
    }
}

fn failure(e: ClientError) -> Error {
    let logs = match e.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(sim),
            ..
        }) => sim.logs.clone().unwrap_or_default(),
        _ => Vec::new(),
    };
    match e.get_transaction_error() {
        Some(err) => Error::from_failure(err.to_string(), logs),
        None => transport(e),
    }
}

impl Chain for RpcChain {
    fn describe(&self) -> String {
        self.client.url()
    }

    fn slot(&self) -> Result<u64, Error> {
        self.client.get_slot().map_err(transport)
    }

    fn slot_time(&self) -> Duration {
        self.slot_time
    }

    fn account(&self, address: &Pubkey) -> Result<Option<AccountData>, Error> {
        let response = self
            .client
            .get_account_with_commitment(address, CommitmentConfig::confirmed())
            .map_err(transport)?;
        Ok(response.value.map(|a| AccountData { lamports: a.lamports, owner: a.owner, data: a.data }))
    }

    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Filter],
    ) -> Result<Vec<(Pubkey, AccountData)>, Error> {
        let filters = filters
            .iter()
            .map(|f| match f {
                Filter::DataSize(len) => RpcFilterType::DataSize(*len),
                Filter::Memcmp { offset, bytes } => {
                    RpcFilterType::Memcmp(Memcmp::new_raw_bytes(*offset, bytes.clone()))
                }
            })
            .collect();
        let config = RpcProgramAccountsConfig {
            filters: Some(filters),
            account_config: RpcAccountInfoConfig {
                encoding: Some(solana_rpc_client_api::config::UiAccountEncoding::Base64),
                commitment: Some(CommitmentConfig::confirmed()),
                ..RpcAccountInfoConfig::default()
            },
            ..RpcProgramAccountsConfig::default()
        };
        let found = self.client.get_program_ui_accounts_with_config(program, config).map_err(transport)?;
        let mut out: Vec<_> = found
            .into_iter()
            .filter_map(|(address, a)| {
                let owner = a.owner.parse().ok()?;
                Some((address, AccountData { lamports: a.lamports, owner, data: a.data.decode()? }))
            })
            .collect();
        out.sort_by_key(|(address, _)| *address);
        Ok(out)
    }

    fn minimum_balance(&self, len: usize) -> Result<u64, Error> {
        self.client.get_minimum_balance_for_rent_exemption(len).map_err(transport)
    }

    fn send(&self, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Landed, Error> {
        let blockhash = self.client.get_latest_blockhash().map_err(transport)?;
        self.land(&super::signed_transaction(ixs, payer, signers, blockhash)?)
    }

    fn send_with_tables(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        tables: &[crate::lookup::AddressLookupTableAccount],
    ) -> Result<Landed, Error> {
        let blockhash = self.client.get_latest_blockhash().map_err(transport)?;
        self.land(&super::signed_versioned(ixs, payer, signers, blockhash, tables)?)
    }

    fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), Error> {
        let signature = self.client.request_airdrop(to, lamports).map_err(transport)?;
        let started = std::time::Instant::now();
        while started.elapsed() < STALL {
            if self.client.confirm_transaction(&signature).map_err(transport)? {
                return Ok(());
            }
            std::thread::sleep(POLL);
        }
        Err(Error::AirdropNotConfirmed { to: *to, waited: STALL })
    }

    fn wait_for_slot(&self, slot: u64) -> Result<u64, Error> {
        let mut last = (self.slot()?, std::time::Instant::now());
        loop {
            let now = self.slot()?;
            if now >= slot {
                return Ok(now);
            }
            if now > last.0 {
                last = (now, std::time::Instant::now());
            } else if last.1.elapsed() > STALL {
                return Err(Error::ClusterStalled { slot: now, waited: STALL });
            }
            std::thread::sleep(POLL);
        }
    }
}
