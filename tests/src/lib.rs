//! Shared test harness: an in-process LiteSVM with the real `.so` programs ([`svm`]), the
//! compute-unit recorder behind `bench/cu.json` ([`cu`]) and assertions on program errors.
//! The validator harness is `agx_sdk::localnet`, shared with `agx localnet`; [`cluster`] holds
//! the helpers of the scenarios that run on it.
pub mod arg_layout;
pub mod attack;
pub mod chain_suite;
pub mod cluster;
pub mod coalition;
pub mod config_init;
pub mod cu;
pub mod market;
pub mod registry;
pub mod svm;
pub mod token;

pub use litesvm;
pub use solana_keypair::Keypair;
pub use solana_signer::Signer;
pub use svm::{assert_error, Svm, TxResult};

/// `ix` with the account `from` replaced by `to` (to send a wrong account in its place).
pub fn swap_account(
    mut ix: anchor_lang::solana_program::instruction::Instruction,
    from: agx_sdk::Pubkey,
    to: agx_sdk::Pubkey,
) -> anchor_lang::solana_program::instruction::Instruction {
    ix.retarget(from, to);
    ix
}

/// Changes to a built instruction's accounts by what they are, never by their position: a test
/// that edited `ix.accounts[3]` would silently retarget another account when the accounts struct
/// is reordered; these name the account, and panic when it is not passed exactly once.
pub trait EditAccounts {
    /// The one account meta of `address`.
    fn account_mut(
        &mut self,
        address: agx_sdk::Pubkey,
    ) -> &mut anchor_lang::solana_program::instruction::AccountMeta;
    /// Passes `to` where `from` was.
    fn retarget(&mut self, from: agx_sdk::Pubkey, to: agx_sdk::Pubkey) {
        self.account_mut(from).pubkey = to;
    }
    /// Drops `signer`'s signature.
    fn unsign(&mut self, signer: agx_sdk::Pubkey) {
        self.account_mut(signer).is_signer = false;
    }
    /// Passes `account` read-only.
    fn read_only(&mut self, account: agx_sdk::Pubkey) {
        self.account_mut(account).is_writable = false;
    }
}

impl EditAccounts for anchor_lang::solana_program::instruction::Instruction {
    fn account_mut(
        &mut self,
        address: agx_sdk::Pubkey,
    ) -> &mut anchor_lang::solana_program::instruction::AccountMeta {
        let mut at = self.accounts.iter().enumerate().filter(|(_, a)| a.pubkey == address).map(|(i, _)| i);
        let (Some(first), None) = (at.next(), at.next()) else {
            panic!("{address} is not passed exactly once to this instruction: {:?}", self.accounts)
        };
        &mut self.accounts[first]
    }
}

/// Rewrites the Borsh length prefix of the string `value` in `data` (an instruction's data, which
/// must hold it exactly once) to `len`: a call whose string says it is longer than it is.
pub fn lie_about_string_len(data: &mut [u8], value: &str, len: u32) {
    let encoded = [&(value.len() as u32).to_le_bytes()[..], value.as_bytes()].concat();
    let mut at = data.windows(encoded.len()).enumerate().filter(|(_, w)| *w == encoded.as_slice());
    let (Some((first, _)), None) = (at.next(), at.next()) else {
        panic!("{value:?} is not in the data exactly once")
    };
    data[first..first + 4].copy_from_slice(&len.to_le_bytes());
}

/// Anchor's own error codes for account-validation failures.
pub mod anchor_codes {
    /// Instruction data that does not decode as the instruction's arguments.
    pub const INSTRUCTION_DID_NOT_DESERIALIZE: u32 = 102;
    pub const CONSTRAINT_MUT: u32 = 2000;
    pub const CONSTRAINT_HAS_ONE: u32 = 2001;
    pub const CONSTRAINT_SEEDS: u32 = 2006;
    pub const CONSTRAINT_ADDRESS: u32 = 2012;
    pub const CONSTRAINT_TOKEN_MINT: u32 = 2014;
    /// Anchor 1.x refuses the same writable account in two mutable slots.
    pub const CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT: u32 = 2040;
    pub const ACCOUNT_DISCRIMINATOR_MISMATCH: u32 = 3002;
    pub const ACCOUNT_OWNED_BY_WRONG_PROGRAM: u32 = 3007;
    /// A program account that is not the program (or interface) the slot names.
    pub const INVALID_PROGRAM_ID: u32 = 3008;
    pub const ACCOUNT_NOT_SIGNER: u32 = 3010;
    pub const ACCOUNT_NOT_INITIALIZED: u32 = 3012;
}
