//! The SDK's one error type.
use anchor_lang::prelude::Pubkey;

use crate::accounts::DecodeError;
use crate::errors::ProgramError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One of our programs refused the transaction; `error` names the rule it broke.
    #[error("{error}")]
    Program { error: ProgramError, logs: Vec<String> },
    /// The transaction failed for another reason (an Anchor constraint, the token program, the
    /// runtime); `reason` is the runtime's account of it.
    #[error("transaction failed: {reason}")]
    Transaction { reason: String, logs: Vec<String> },
    /// The chain could not be reached, or answered with something unusable.
    #[error("{0}")]
    Transport(String),
    #[error("account {0} does not exist")]
    AccountMissing(Pubkey),
    #[error("account {0}: {1}")]
    Decode(Pubkey, DecodeError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A rule the SDK checks before sending (what the program would refuse anyway).
    #[error("{0}")]
    Invalid(String),
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
        match crate::errors::from_logs(&logs) {
            Some(error) => Error::Program { error, logs },
            None => Error::Transaction { reason, logs },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
