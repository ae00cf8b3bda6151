//! Real SPL Token / Token-2022 accounts in LiteSVM (the programs LiteSVM ships), built with
//! hand-encoded instructions so the harness does not pin an spl-token crate version.
use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::svm::Svm;

pub const TOKEN: Pubkey = anchor_spl::token::ID;
pub const TOKEN_2022: Pubkey = anchor_spl::token_2022::ID;
const MINT_LEN: u64 = 82;
const ACCOUNT_LEN: u64 = 165;

fn create_account_ix(svm: &Svm, new: &Pubkey, len: u64, owner: &Pubkey) -> Instruction {
    let lamports = svm.svm.minimum_balance_for_rent_exemption(len as usize);
    solana_system_interface::instruction::create_account(&svm.payer.pubkey(), new, lamports, len, owner)
}

/// A new mint of `program` with `decimals`; the harness payer is its mint authority.
pub fn create_mint(svm: &mut Svm, program: Pubkey, decimals: u8) -> Pubkey {
    let mint = Keypair::new();
    let mut data = vec![20, decimals]; // InitializeMint2
    data.extend_from_slice(svm.payer.pubkey().as_ref());
    data.push(0); // no freeze authority
    let init = Instruction { program_id: program, accounts: vec![AccountMeta::new(mint.pubkey(), false)], data };
    let create = create_account_ix(svm, &mint.pubkey(), MINT_LEN, &program);
    svm.send(&[create, init], &[&mint]).expect("create mint");
    mint.pubkey()
}

/// A new token account of `mint` owned by `owner`.
pub fn create_account(svm: &mut Svm, program: Pubkey, mint: Pubkey, owner: Pubkey) -> Pubkey {
    let account = Keypair::new();
    let mut data = vec![18]; // InitializeAccount3
    data.extend_from_slice(owner.as_ref());
    let init = Instruction {
        program_id: program,
        accounts: vec![AccountMeta::new(account.pubkey(), false), AccountMeta::new_readonly(mint, false)],
        data,
    };
    let create = create_account_ix(svm, &account.pubkey(), ACCOUNT_LEN, &program);
    svm.send(&[create, init], &[&account]).expect("create token account");
    account.pubkey()
}

/// Mints `amount` atoms of `mint` to `account` (the payer is the mint authority).
pub fn mint_to(svm: &mut Svm, program: Pubkey, mint: Pubkey, account: Pubkey, amount: u64) {
    let mut data = vec![7]; // MintTo
    data.extend_from_slice(&amount.to_le_bytes());
    let ix = Instruction {
        program_id: program,
        accounts: vec![
            AccountMeta::new(mint, false),
            AccountMeta::new(account, false),
            AccountMeta::new_readonly(svm.payer.pubkey(), true),
        ],
        data,
    };
    svm.send(&[ix], &[]).expect("mint_to");
}

/// Balance of a token account in atoms (0 when it does not exist).
pub fn balance(svm: &Svm, account: &Pubkey) -> u64 {
    svm.account(account).filter(|a| a.data.len() >= 72).map_or(0, |a| {
        u64::from_le_bytes(a.data[64..72].try_into().expect("8 bytes"))
    })
}

/// Total supply of a mint in atoms.
pub fn supply(svm: &Svm, mint: &Pubkey) -> u64 {
    let a = svm.account(mint).expect("mint account");
    u64::from_le_bytes(a.data[36..44].try_into().expect("8 bytes"))
}

/// (mint, owner) of a token account.
pub fn mint_and_owner(svm: &Svm, account: &Pubkey) -> (Pubkey, Pubkey) {
    let a = svm.account(account).expect("token account");
    (Pubkey::try_from(&a.data[0..32]).expect("mint"), Pubkey::try_from(&a.data[32..64]).expect("owner"))
}
