//! Real SPL Token / Token-2022 accounts in LiteSVM (the token programs LiteSVM ships).
use agx_sdk::token as spl;
use anchor_lang::prelude::Pubkey;
use solana_signer::Signer;

use crate::svm::Svm;

pub use agx_sdk::token::{TOKEN, TOKEN_2022};

/// A new mint of `program` with `decimals`; the harness payer is its mint authority.
pub fn create_mint(svm: &mut Svm, program: Pubkey, decimals: u8) -> Pubkey {
    let mint = svm.keypair();
    let rent = svm.svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
    let payer = svm.payer.pubkey();
    svm.send(&spl::create_mint(payer, mint.pubkey(), payer, program, decimals, rent), &[&mint])
        .expect("create mint");
    mint.pubkey()
}

/// A new token account of `mint` owned by `owner`.
pub fn create_account(svm: &mut Svm, program: Pubkey, mint: Pubkey, owner: Pubkey) -> Pubkey {
    let account = svm.keypair();
    let rent = svm.svm.minimum_balance_for_rent_exemption(spl::ACCOUNT_LEN);
    let ixs = spl::create_account(svm.payer.pubkey(), account.pubkey(), mint, owner, program, rent);
    svm.send(&ixs, &[&account]).expect("create token account");
    account.pubkey()
}

/// Mints `amount` atoms of `mint` to `account` (the payer is the mint authority).
pub fn mint_to(svm: &mut Svm, program: Pubkey, mint: Pubkey, account: Pubkey, amount: u64) {
    let ix = spl::mint_to(program, mint, account, svm.payer.pubkey(), amount);
    svm.send(&[ix], &[]).expect("mint_to");
}

/// Balance of a token account in atoms (0 when it does not exist).
pub fn balance(svm: &Svm, account: &Pubkey) -> u64 {
    svm.account(account).and_then(|a| spl::account_amount(&a.data)).unwrap_or(0)
}

/// Total supply of a mint in atoms.
pub fn supply(svm: &Svm, mint: &Pubkey) -> u64 {
    spl::mint_supply(&svm.account(mint).expect("mint account").data).expect("mint data")
}

/// (mint, owner) of a token account.
pub fn mint_and_owner(svm: &Svm, account: &Pubkey) -> (Pubkey, Pubkey) {
    spl::account_mint_and_owner(&svm.account(account).expect("token account").data)
        .expect("token account data")
}
