//! LiteSVM with both programs loaded from their built `.so` files, as upgradeable programs whose
//! upgrade authority is a test keypair (so `config_init`'s authority rule is exercised for real).
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use litesvm::types::{FailedTransactionMetadata, TransactionMetadata};
use litesvm::LiteSVM;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

use agx_sdk::{localnet::program_dir, PROGRAMS};

pub type TxResult = Result<TransactionMetadata, FailedTransactionMetadata>;

/// Lamports every funded test key starts with.
pub const AIRDROP: u64 = 100_000_000_000;

pub struct Svm {
    pub svm: LiteSVM,
    /// Counter behind [`Svm::keypair`].
    next_key: u64,
    /// Pays fees (and rent, unless an instruction names another payer).
    pub payer: Keypair,
    /// Upgrade authority of both programs.
    pub upgrade_authority: Keypair,
    /// Lamports paid in fees by the transactions sent through this `Svm` (landed or failed):
    /// what [`Svm::lamports_held`] loses, with nothing else created or destroyed.
    pub fees_paid: u64,
}

/// A copy of the chain and its keys: an independent fork (programs are shared, not reloaded).
impl Clone for Svm {
    fn clone(&self) -> Self {
        Self {
            svm: self.svm.clone(),
            next_key: self.next_key,
            payer: self.payer.insecure_clone(),
            upgrade_authority: self.upgrade_authority.insecure_clone(),
            fees_paid: self.fees_paid,
        }
    }
}

impl Default for Svm {
    fn default() -> Self {
        Self::new()
    }
}

impl Svm {
    pub fn new() -> Self {
        let mut svm = LiteSVM::new();
        let upgrade_authority = deterministic_keypair(0);
        for (name, id) in PROGRAMS {
            let so = program_dir().join(format!("{name}.so"));
            let bytes = std::fs::read(&so)
                .unwrap_or_else(|e| panic!("{}: {e} (run scripts/build.sh first)", so.display()));
            svm.add_program(id, &bytes).expect("load program");
            set_upgrade_authority(&mut svm, &id, Some(upgrade_authority.pubkey()));
        }
        let payer = deterministic_keypair(1);
        svm.airdrop(&payer.pubkey(), AIRDROP).expect("airdrop payer");
        svm.airdrop(&upgrade_authority.pubkey(), AIRDROP).expect("airdrop authority");
        Self { svm, next_key: 2, payer, upgrade_authority, fees_paid: 0 }
    }

    /// Moves the clock to `slot` and fills the `SlotHashes` sysvar as a validator would at that
    /// slot (the 512 slots before it, newest first), so that programs reading it (the exchange's
    /// tie-break seed) see what they would on a cluster. The hashes are sha256 of the slot number:
    /// deterministic, so measured compute units repeat.
    pub fn warp_to_slot(&mut self, slot: u64) {
        agx_sdk::chain::embedded::warp(&mut self.svm, slot).expect("warp");
    }

    /// Stops verifying transaction signatures. Which accounts signed still comes from the
    /// message and is enforced by the runtime and the programs; what goes is ed25519
    /// verification, ~30 ms a transaction in a debug build (~2 ms without), for the fuzzer and
    /// the random-sequence test, which send tens of thousands.
    pub fn skip_signature_verification(&mut self) {
        let svm = std::mem::take(&mut self.svm);
        self.svm = svm.with_sigverify(false);
    }

    /// A new keypair, the same sequence in every `Svm`: addresses derived from it (agent and
    /// intent PDAs) and so their bump searches, and the compute units measured, repeat exactly
    /// from run to run.
    pub fn keypair(&mut self) -> Keypair {
        let kp = deterministic_keypair(self.next_key);
        self.next_key += 1;
        kp
    }

    /// A new keypair (see [`Svm::keypair`]) with [`AIRDROP`] lamports.
    pub fn funded_keypair(&mut self) -> Keypair {
        let kp = self.keypair();
        let airdrop = self.svm.airdrop(&kp.pubkey(), AIRDROP).expect("airdrop");
        self.fees_paid += airdrop.fee;
        kp
    }

    /// Sends `ixs` in one transaction paid by `self.payer`, signed by the payer and `signers`.
    /// A fresh blockhash each time, so identical transactions are not deduplicated.
    pub fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        self.svm.expire_blockhash();
        let mut all: Vec<&Keypair> = vec![&self.payer];
        all.extend(signers.iter().copied().filter(|k| k.pubkey() != self.payer.pubkey()));
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&self.payer.pubkey()),
            &all,
            self.svm.latest_blockhash(),
        );
        let res = self.svm.send_transaction(tx);
        self.fees_paid += match &res {
            Ok(meta) => meta.fee,
            Err(failed) => failed.meta.fee,
        };
        res
    }

    /// Every lamport in every account but the sysvars (which a clock warp rewrites): with
    /// [`Svm::fees_paid`], constant from the first transaction to the last.
    pub fn lamports_held(&self) -> u128 {
        use solana_account::ReadableAccount;
        let sysvar = anchor_lang::pubkey!("Sysvar1111111111111111111111111111111111111");
        let accounts = &self.svm.accounts_db().inner;
        accounts.values().filter(|a| *a.owner() != sysvar).map(|a| u128::from(a.lamports())).sum()
    }

    /// Like [`Svm::send`], and records the compute units under `program::instruction` when it succeeds.
    pub fn send_measured(
        &mut self,
        program: &str,
        instruction: &str,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> TxResult {
        let name = format!("{program}::{instruction}");
        let before = crate::attack::enabled()
            .then(|| (crate::attack::probe(&self.svm, &self.payer, ixs, signers, &name), self.svm.clone()));
        let res = self.send(ixs, signers);
        if let Ok(meta) = &res {
            crate::cu::record(program, instruction, meta.compute_units_consumed);
            if let Some((found, before)) = before {
                found.write();
                crate::attack::after(&before, &self.svm, &self.payer, ixs, signers, &name).write();
            }
        }
        res
    }

    pub fn account(&self, address: &Pubkey) -> Option<Account> {
        self.svm.get_account(address)
    }

    /// Whether a program has opened an account at `address`: one exists that the system program
    /// does not own. Lamports sent to an address never opened, or to a closed account, leave a
    /// system account without data there, which no program takes for its own.
    pub fn opened(&self, address: &Pubkey) -> bool {
        let system = anchor_lang::system_program::ID;
        self.account(address).is_some_and(|a| a.owner != system)
    }

    /// Plants a copy of the account at `original` (owner, data, lamports) at a new address: the
    /// impostor a check by address must refuse where owner and discriminator would pass.
    pub fn plant_copy(&mut self, original: &Pubkey) -> Pubkey {
        let copy = Pubkey::new_unique();
        let account = self.account(original).unwrap_or_else(|| panic!("no account at {original}"));
        self.svm.set_account(copy, account).expect("set the copy");
        copy
    }

    /// Decodes the Anchor account at `address`; panics if it is missing or of another type.
    pub fn decode<T: AccountDeserialize + Discriminator>(&self, address: &Pubkey) -> T {
        let account = self.account(address).unwrap_or_else(|| panic!("no account at {address}"));
        agx_sdk::accounts::decode(&account.data).expect("decode account")
    }

    pub fn lamports(&self, address: &Pubkey) -> u64 {
        self.account(address).map_or(0, |a| a.lamports)
    }
}

fn deterministic_keypair(n: u64) -> Keypair {
    let mut secret = [0x5a; 32];
    secret[..8].copy_from_slice(&n.to_le_bytes());
    Keypair::new_from_array(secret)
}

/// Rewrites a loaded program's ProgramData header to name `authority` as its upgrade authority.
pub fn set_upgrade_authority(svm: &mut LiteSVM, program: &Pubkey, authority: Option<Pubkey>) {
    agx_sdk::chain::embedded::set_upgrade_authority(svm, program, authority).expect("set upgrade authority");
}

/// The custom error code of a failed transaction, if it failed with one.
pub fn custom_error(res: &TxResult) -> Option<u32> {
    match res {
        Err(failed) => match &failed.err {
            TransactionError::InstructionError(_, InstructionError::Custom(code)) => Some(*code),
            _ => None,
        },
        Ok(_) => None,
    }
}

/// Asserts that `res` failed with Anchor error `expected` (custom code), printing the logs if not.
#[track_caller]
pub fn assert_error(res: &TxResult, expected: impl Into<u32>) {
    let expected = expected.into();
    match res {
        Ok(meta) => panic!("expected error {expected}, but the transaction succeeded: {:#?}", meta.logs),
        Err(failed) => assert_eq!(
            custom_error(res),
            Some(expected),
            "expected custom error {expected}, got {:?}; logs:\n{}",
            failed.err,
            failed.meta.logs.join("\n")
        ),
    }
}
