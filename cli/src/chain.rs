//! Small RPC helpers shared by the commands.
use std::path::Path;
use std::time::Duration;

use agx_sdk::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{bail, Context, Result};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;
use solana_transaction::Transaction;

pub fn client(url: &str) -> RpcClient {
    RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed())
}

pub fn read_keypair(path: &Path) -> Result<Keypair> {
    solana_keypair::read_keypair_file(path)
        .map_err(|e| anyhow::anyhow!("cannot read keypair {}: {e}", path.display()))
}

/// Reads the keypair at `path`, creating a new one there first if there is none.
pub fn read_or_create_keypair(path: &Path) -> Result<Keypair> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        solana_keypair::write_keypair_file(&Keypair::new(), path)
            .map_err(|e| anyhow::anyhow!("cannot write keypair {}: {e}", path.display()))?;
    }
    read_keypair(path)
}

pub fn airdrop(rpc: &RpcClient, to: &Pubkey, lamports: u64) -> Result<()> {
    let sig = rpc.request_airdrop(to, lamports).context("request airdrop")?;
    for _ in 0..240 {
        if rpc.confirm_transaction(&sig)? {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!("airdrop to {to} was not confirmed")
}

/// Sends `ixs` paid by `payer`, also signed by `signers`, and waits for confirmation.
pub fn send(rpc: &RpcClient, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<String> {
    let blockhash = rpc.get_latest_blockhash()?;
    let mut all = vec![payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash);
    Ok(rpc.send_and_confirm_transaction(&tx)?.to_string())
}

/// Creates a mint of `program` with `decimals`, `authority` being its mint authority.
pub fn create_mint(rpc: &RpcClient, authority: &Keypair, program: Pubkey, decimals: u8) -> Result<Pubkey> {
    use agx_sdk::token;
    let mint = Keypair::new();
    let rent = rpc.get_minimum_balance_for_rent_exemption(token::MINT_LEN)?;
    let create = solana_system_interface::instruction::create_account(
        &authority.pubkey(),
        &mint.pubkey(),
        rent,
        token::MINT_LEN as u64,
        &program,
    );
    let init = token::initialize_mint2(program, mint.pubkey(), authority.pubkey(), decimals);
    send(rpc, &[create, init], authority, &[&mint]).context("create stake mint")?;
    Ok(mint.pubkey())
}
