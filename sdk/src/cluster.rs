//! Blocking JSON-RPC helpers used by the CLI and the validator tests.
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_signer::Signer;
use solana_transaction::Transaction;

use crate::token;

pub type Result<T> = std::result::Result<T, ClientError>;

/// Sends `ixs` paid by `payer`, also signed by `signers`, and waits for confirmation at the
/// client's commitment. Returns the signature.
pub fn send(rpc: &RpcClient, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<String> {
    let blockhash = rpc.get_latest_blockhash()?;
    let mut all = vec![payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
    Ok(rpc.send_and_confirm_transaction(&tx)?.to_string())
}

/// Requests `lamports` for `to` from the cluster's faucet and waits (up to 60 s) until confirmed.
pub fn airdrop(rpc: &RpcClient, to: &Pubkey, lamports: u64) -> Result<()> {
    let sig = rpc.request_airdrop(to, lamports)?;
    for _ in 0..240 {
        if rpc.confirm_transaction(&sig)? {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err(ErrorKind::Custom(format!("airdrop to {to} was not confirmed")).into())
}

/// Creates a mint of `program` with `decimals` whose mint authority (and payer) is `authority`.
pub fn create_mint(rpc: &RpcClient, authority: &Keypair, program: Pubkey, decimals: u8) -> Result<Pubkey> {
    let mint = Keypair::new();
    let rent = rpc.get_minimum_balance_for_rent_exemption(token::MINT_LEN)?;
    let ixs =
        token::create_mint(authority.pubkey(), mint.pubkey(), authority.pubkey(), program, decimals, rent);
    send(rpc, &ixs, authority, &[&mint])?;
    Ok(mint.pubkey())
}

/// Creates a token account of `mint` (of `program`) for `owner`, paid by `payer`.
pub fn create_token_account(
    rpc: &RpcClient,
    payer: &Keypair,
    mint: Pubkey,
    owner: Pubkey,
    program: Pubkey,
) -> Result<Pubkey> {
    let account = Keypair::new();
    let rent = rpc.get_minimum_balance_for_rent_exemption(token::ACCOUNT_LEN)?;
    let ixs = token::create_account(payer.pubkey(), account.pubkey(), mint, owner, program, rent);
    send(rpc, &ixs, payer, &[&account])?;
    Ok(account.pubkey())
}
