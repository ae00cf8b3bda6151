//! One interface to a chain, two implementations: [`RpcChain`] speaks JSON-RPC to any cluster,
//! [`EmbeddedChain`] runs the built programs in-process in LiteSVM with a clock of its own.
//! Requesters, agents, the polling keeper and the demo are written against [`Chain`] only, so
//! they run unchanged on either; the embedded chain is the default where a validator would be
//! a 35-minute build away.
//!
//! The interface is blocking on purpose: every participant is a small state machine stepped
//! once per slot, which keeps an embedded run deterministic (one thread, one order) and lets
//! an RPC run step participants on threads of their own.
#[cfg(feature = "embedded")]
pub mod embedded;
#[cfg(feature = "rpc")]
mod rpc;
mod tokens;

use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;

#[cfg(feature = "embedded")]
pub use embedded::{EmbeddedChain, SlotClock};
#[cfg(feature = "rpc")]
pub use rpc::RpcChain;

use crate::Error;

#[cfg(any(feature = "rpc", feature = "embedded"))]
/// `ixs` in one transaction paid by `payer`, signed by it and `signers` (the payer once), or
/// [`Error::MissingSigner`] naming the first key the transaction needs a signature of that no
/// given keypair holds (signing would otherwise panic).
pub fn signed_transaction(
    ixs: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
    blockhash: solana_transaction::Hash,
) -> Result<solana_transaction::Transaction, Error> {
    use solana_signer::Signer;
    let message = solana_transaction::Message::new(ixs, Some(&payer.pubkey()));
    let required = usize::from(message.header.num_required_signatures);
    let keys =
        signers_for(&message.account_keys[..required.min(message.account_keys.len())], payer, signers)?;
    let mut tx = solana_transaction::Transaction::new_unsigned(message);
    tx.try_sign(&keys, blockhash).map_err(|e| Error::Signing(e.to_string()))?;
    Ok(tx)
}

/// The keypairs among `payer` and `signers` for each key in `required`, in its order, or
/// [`Error::MissingSigner`] naming the first one none of them holds.
#[cfg(any(feature = "rpc", feature = "embedded"))]
fn signers_for<'k>(
    required: &[Pubkey],
    payer: &'k Keypair,
    signers: &[&'k Keypair],
) -> Result<Vec<&'k Keypair>, Error> {
    use solana_signer::Signer;
    let mut all = vec![payer];
    all.extend(signers.iter().copied().filter(|k| k.pubkey() != payer.pubkey()));
    required
        .iter()
        .map(|key| {
            all.iter().copied().find(|k| k.pubkey() == *key).ok_or_else(|| Error::MissingSigner {
                needed: *key,
                given: all.iter().map(|k| k.pubkey().to_string()).collect::<Vec<_>>().join(", "),
            })
        })
        .collect()
}

/// `ixs` in one v0 transaction through `tables`, paid by `payer` and signed by it and the
/// `signers` the message needs (the same refusal as [`signed_transaction`] when one is missing).
#[cfg(any(feature = "rpc", feature = "embedded"))]
pub fn signed_versioned(
    ixs: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
    blockhash: solana_transaction::Hash,
    tables: &[crate::lookup::AddressLookupTableAccount],
) -> Result<solana_transaction::versioned::VersionedTransaction, Error> {
    use solana_signer::Signer;
    let message = crate::lookup::message(ixs, &payer.pubkey(), tables, blockhash)?;
    let required = &message.static_account_keys()[..usize::from(message.header().num_required_signatures)];
    let ordered = signers_for(required, payer, signers)?;
    solana_transaction::versioned::VersionedTransaction::try_new(message, &ordered)
        .map_err(|e| Error::Signing(e.to_string()))
}

/// An account as a chain returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountData {
    pub lamports: u64,
    pub owner: Pubkey,
    pub data: Vec<u8>,
}

/// A `getProgramAccounts` filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// The account data is exactly this long.
    DataSize(u64),
    /// The account data holds `bytes` at `offset`.
    Memcmp { offset: usize, bytes: Vec<u8> },
}

impl Filter {
    /// Matches accounts of the Anchor type with this discriminator.
    pub fn discriminator(discriminator: &[u8]) -> Self {
        Filter::Memcmp { offset: 0, bytes: discriminator.to_vec() }
    }

    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            Filter::DataSize(len) => data.len() as u64 == *len,
            Filter::Memcmp { offset, bytes } => {
                data.get(*offset..offset.saturating_add(bytes.len())) == Some(bytes.as_slice())
            }
        }
    }
}

/// A landed transaction as a chain's tape keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taped {
    pub slot: u64,
    pub signature: String,
    /// The fee payer (who sent it), where known.
    pub payer: Option<String>,
    pub logs: Vec<String>,
}

/// A transaction that landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landed {
    pub signature: String,
    /// Its log lines (where events are: see [`crate::events`]).
    pub logs: Vec<String>,
}

/// A chain: read accounts, send transactions, follow the slot.
pub trait Chain: Send + Sync {
    /// What this chain is, for people: `embedded` or the RPC URL.
    fn describe(&self) -> String;

    /// The current slot (at `confirmed` on a cluster).
    fn slot(&self) -> Result<u64, Error>;

    /// How long a slot takes, for turning durations into windows.
    fn slot_time(&self) -> Duration;

    fn account(&self, address: &Pubkey) -> Result<Option<AccountData>, Error>;

    /// The accounts of `program` that pass every filter.
    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Filter],
    ) -> Result<Vec<(Pubkey, AccountData)>, Error>;

    /// The rent-exempt minimum for `len` bytes of data.
    fn minimum_balance(&self, len: usize) -> Result<u64, Error>;

    /// Sends `ixs` in one transaction paid by `payer` and signed by `signers` too, and waits
    /// until it lands. A program error comes back as [`Error::Program`], named.
    fn send(&self, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Landed, Error>;

    /// Like [`Chain::send`], as a v0 transaction naming through `tables` every account they hold
    /// (`crate::lookup`): for what a legacy transaction cannot carry.
    fn send_with_tables(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        tables: &[crate::lookup::AddressLookupTableAccount],
    ) -> Result<Landed, Error>;

    /// Gives `to` lamports (the faucet on a cluster that has one).
    fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), Error>;

    /// The transactions landed since position `cursor` of the chain's tape, in order, and the
    /// cursor after them: the embedded chain keeps every transaction it runs. `None` on a
    /// cluster, which an indexer follows with `events::EventStream` instead.
    fn tape(&self, _cursor: usize) -> Option<(Vec<Taped>, usize)> {
        None
    }

    /// Returns once the chain has reached `slot` (or passed it), with the slot it is at. The
    /// embedded chain moves its clock there; a cluster is waited for.
    fn wait_for_slot(&self, slot: u64) -> Result<u64, Error>;

    /// The lamports at `address` (0 when there is no account).
    fn lamports(&self, address: &Pubkey) -> Result<u64, Error> {
        Ok(self.account(address)?.map_or(0, |a| a.lamports))
    }

    /// Whether an account exists at `address`.
    fn exists(&self, address: &Pubkey) -> Result<bool, Error> {
        Ok(self.account(address)?.is_some())
    }
}

pub use tokens::{token_balance, TokenSetup};

#[cfg(all(test, any(feature = "rpc", feature = "embedded")))]
mod tests {
    use anchor_lang::solana_program::instruction::AccountMeta;
    use solana_signer::Signer;

    use super::*;

    #[test]
    fn a_missing_signer_is_named_not_a_panic() {
        let (payer, requester) = (Keypair::new(), Keypair::new());
        let ix = Instruction {
            program_id: Pubkey::new_unique(),
            accounts: vec![AccountMeta::new_readonly(requester.pubkey(), true)],
            data: vec![],
        };
        let hash = solana_transaction::Hash::default();
        match signed_transaction(std::slice::from_ref(&ix), &payer, &[], hash) {
            Err(Error::MissingSigner { needed, given }) => {
                assert_eq!((needed, given), (requester.pubkey(), payer.pubkey().to_string()));
            }
            other => panic!("expected MissingSigner, got {other:?}"),
        }
        let tx = signed_transaction(&[ix], &payer, &[&requester, &payer], hash).unwrap();
        assert_eq!(tx.signatures.len(), 2, "the payer signs once");
    }
}
