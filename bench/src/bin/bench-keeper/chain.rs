//! The figures, read back from the chain: which transaction landed each crank and in which
//! slot, and what each keeper sent, failed and paid.
use agx_core::lifecycle::Crank;
use agx_sdk::Pubkey;
use anyhow::Result;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::{GetConfirmedSignaturesForAddress2Config, RpcClient};
use solana_transaction::Signature;

use crate::driver::Deadline;

/// One transaction as the chain kept it.
#[derive(Clone, Debug)]
pub struct Tx {
    pub slot: u64,
    pub payer: Pubkey,
    pub ok: bool,
    pub fee: u64,
    /// The exchange crank it carries, if any.
    pub crank: Option<Crank>,
}

/// Every transaction that touched `address`, oldest first.
pub fn history(rpc: &RpcClient, address: &Pubkey) -> Result<Vec<Tx>> {
    let mut signatures = Vec::new();
    let mut before = None;
    loop {
        let page = rpc.get_signatures_for_address_with_config(
            address,
            GetConfirmedSignaturesForAddress2Config {
                before,
                limit: Some(1_000),
                commitment: Some(CommitmentConfig::confirmed()),
                ..GetConfirmedSignaturesForAddress2Config::default()
            },
        )?;
        let full = page.len() == 1_000;
        before = page.last().map(|s| s.signature.parse::<Signature>()).transpose()?;
        signatures.extend(page);
        if !full {
            break;
        }
    }
    let config = agx_keeper::rpc::transaction_config();
    let mut txs = Vec::new();
    for entry in signatures.iter().rev() {
        let signature: Signature = entry.signature.parse()?;
        let fetched = rpc.get_transaction_with_config(&signature, config)?;
        let fee = fetched.transaction.meta.as_ref().map_or(0, |m| m.fee);
        let Some(tx) = fetched.transaction.transaction.decode() else { continue };
        let crank = agx_keeper::cranks::crank_in(&tx);
        let payer = tx.message.static_account_keys()[0];
        txs.push(Tx { slot: entry.slot, payer, ok: entry.err.is_none(), fee, crank });
    }
    Ok(txs)
}

/// Slots from each deadline to the slot its crank landed in (the first successful transaction
/// of that crank on the intent at or after the due slot).
pub fn latencies(rpc: &RpcClient, deadlines: &[Deadline]) -> Result<Vec<u64>> {
    let mut slots = Vec::new();
    for deadline in deadlines {
        let landed = history(rpc, &deadline.intent)?
            .into_iter()
            .find(|tx| tx.ok && tx.crank == Some(deadline.crank) && tx.slot >= deadline.due);
        let landed = landed.ok_or_else(|| {
            anyhow::anyhow!(
                "no {:?} landed on {} from slot {}",
                deadline.crank,
                deadline.intent,
                deadline.due
            )
        })?;
        slots.push(landed.slot - deadline.due);
    }
    Ok(slots)
}

/// What one keeper did, by the chain.
#[derive(Clone, Debug, Default)]
pub struct KeeperBooks {
    /// Its transactions that carried a crank and succeeded.
    pub landed: u64,
    /// Its transactions that failed (each paid its fee).
    pub failed: u64,
    pub fees_lamports: u64,
    /// The failures by the crank they carried.
    pub failed_by_crank: std::collections::BTreeMap<String, u64>,
}

/// What `keeper` sent, paid and failed within `slots`.
pub fn keeper_books(
    rpc: &RpcClient,
    keeper: &Pubkey,
    slots: &std::ops::RangeInclusive<u64>,
) -> Result<KeeperBooks> {
    let mut books = KeeperBooks::default();
    for tx in history(rpc, keeper)?.into_iter().filter(|tx| tx.payer == *keeper && slots.contains(&tx.slot)) {
        books.fees_lamports += tx.fee;
        match (tx.ok, tx.crank) {
            (true, Some(_)) => books.landed += 1,
            (false, crank) => {
                books.failed += 1;
                let kind = crank
                    .map_or_else(|| "other".to_string(), |c| agx_keeper::metrics::crank_label(c).to_string());
                *books.failed_by_crank.entry(kind).or_default() += 1;
            }
            (true, None) => {} // its stake-mint account, created at start
        }
    }
    Ok(books)
}
