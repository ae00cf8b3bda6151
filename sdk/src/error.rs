//! The SDK's one error type.
use anchor_lang::prelude::Pubkey;

use crate::accounts::DecodeError;
use crate::program_error::ProgramError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One of our programs refused the transaction; `error` names the rule it broke.
    #[error("{error}")]
    Program { error: ProgramError, logs: Vec<String> },
    /// The transaction failed for another reason (an Anchor constraint, the token program, the
    /// runtime); `reason` is the runtime's account of it.
    #[error("transaction failed: {reason}")]
    Transaction { reason: String, logs: Vec<String> },
    /// The cluster at `url` does not answer.
    #[error("{url} does not answer: {reason}")]
    Unreachable { url: String, reason: String },
    /// A JSON-RPC request failed; `during` says what was being done, when known.
    #[error("{}{reason}", during.as_ref().map(|d| format!("{d}: ")).unwrap_or_default())]
    Rpc { during: Option<String>, reason: String },
    /// The cluster took an airdrop but did not confirm it in time.
    #[error("airdrop to {to} not confirmed within {waited:?}")]
    AirdropNotConfirmed { to: Pubkey, waited: std::time::Duration },
    /// A transaction was sent (and sent again) but not confirmed in time.
    #[error("transaction {signature} not confirmed within {waited:?}")]
    TransactionNotConfirmed { signature: String, waited: std::time::Duration },
    /// The cluster's slot stopped moving.
    #[error("the cluster has not moved past slot {slot} for {waited:?}")]
    ClusterStalled { slot: u64, waited: std::time::Duration },
    /// A program's `.so` could not be read for the embedded chain.
    #[error("{}: {reason} (build the programs first: scripts/build.sh)", path.display())]
    ProgramNotBuilt { path: std::path::PathBuf, reason: String },
    /// The embedded chain could not be set up (LiteSVM refused a program or an account).
    #[error("embedded chain: {0}")]
    EmbeddedSetup(String),
    /// Signing the transaction failed (a keypair that cannot sign it).
    #[error("signing: {0}")]
    Signing(String),
    /// An agent's salt store is unreadable or could not be written.
    #[error("salt store {}: {reason}", path.display())]
    SaltStore { path: std::path::PathBuf, reason: String },
    /// The intent's stored status is not one the SDK knows.
    #[error("intent {intent}: unknown status {status}")]
    IntentStatusUnknown { intent: Pubkey, status: u8 },
    /// `claim`: the intent's escrow holds nothing for anyone now.
    #[error("intent {intent}: nothing to claim ({why})")]
    NothingToClaim { intent: Pubkey, why: &'static str },
    /// `claim`: the signer is neither the winner's authority with a payment kept nor the refund
    /// owner.
    #[error("intent {intent}: {signer} has nothing kept in its escrow (the winner's authority is {winner_authority}, the refund owner {refund_owner})")]
    NotAClaimant { intent: Pubkey, signer: Pubkey, winner_authority: Pubkey, refund_owner: Pubkey },
    /// `budget`: the spend would break a rule of the budget (`agx_core::budget`), so it was not
    /// sent (the program would refuse it with the same rule).
    #[error("budget {budget}: {rule}")]
    BudgetRefused { budget: Pubkey, rule: &'static str },
    /// The sandbox cannot fund its participants: the authority is short and the faucet refused.
    #[error("the sandbox gives each of its {participants} participants {sol_each} SOL ({sol_needed} SOL in all); {authority} holds {sol_held} SOL and the cluster's faucet refused more ({reason}): fund it, or ask for fewer agents")]
    SandboxUnfunded {
        participants: usize,
        sol_each: u64,
        sol_needed: u64,
        authority: Pubkey,
        sol_held: u64,
        reason: String,
    },
    /// `coalition`: the terms break a rule of the program's (`agx_core::coalition`), so nothing
    /// was sent.
    #[error("coalition terms: {rule}")]
    CoalitionTermsInvalid { rule: String },
    /// `coalition::accept`: the coalition's terms are not the ones the member expects (changed
    /// since it read them); nothing was signed.
    #[error("coalition {coalition}: its terms are not the ones expected (they changed); read them again before signing")]
    CoalitionTermsDiffer { coalition: Pubkey },
    /// `Requester::accept_and_repost`: nothing is left to re-post, or the refund does not come
    /// back to the requester's own account; nothing was sent.
    #[error("intent {intent}: {why}")]
    NothingToRepost { intent: Pubkey, why: &'static str },
    #[error("account {0} does not exist")]
    AccountMissing(Pubkey),
    #[error("account {0}: {1}")]
    Decode(Pubkey, DecodeError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The transaction needs the signature of a key none of the given keypairs holds (e.g. an
    /// intent's requester, an agent's authority); nothing was sent.
    #[error("this transaction must be signed by {needed}, and none of the given keypairs ({given}) is it")]
    MissingSigner { needed: Pubkey, given: String },
}

impl Error {
    /// The program error, when one of our programs refused the transaction.
    pub fn program_error(&self) -> Option<&ProgramError> {
        match self {
            Error::Program { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether one of our programs refused with the error called `name` (e.g. `IntentNotOpen`).
    pub fn is(&self, name: &str) -> bool {
        self.program_error().is_some_and(|e| e.name == name)
    }

    /// The transaction's logs, when it ran.
    pub fn logs(&self) -> &[String] {
        match self {
            Error::Program { logs, .. } | Error::Transaction { logs, .. } => logs,
            _ => &[],
        }
    }

    /// A failed transaction's error from its logs (a program error, named) or the runtime's reason.
    pub fn from_failure(reason: String, logs: Vec<String>) -> Self {
        match crate::program_error::from_logs(&logs) {
            Some(error) => Error::Program { error, logs },
            None => Error::Transaction { reason, logs },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
