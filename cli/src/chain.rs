//! Client and keypair helpers shared by the commands (RPC helpers live in `agx_sdk::cluster`).
use std::path::Path;

use anyhow::Result;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;

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

/// `--url` resolved: a moniker to its URL; when absent, the Solana CLI config's, else localhost.
/// Anything that is not an http(s) URL or a moniker is refused, saying what is accepted.
pub fn url(flag: Option<String>) -> Result<String> {
    let chosen = flag
        .or_else(|| agx_keeper::config::CliDefaults::load().json_rpc_url)
        .unwrap_or_else(|| "localhost".to_string());
    let url = agx_keeper::config::resolve_url(&chosen);
    let host = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    if host.is_none_or(|h| h.is_empty() || h.starts_with('/') || h.starts_with(':')) {
        anyhow::bail!(
            "invalid --url '{chosen}': give an http(s) URL (http://127.0.0.1:8899) or one of localhost, devnet, testnet, mainnet-beta (l, d, t, m)"
        );
    }
    Ok(url)
}

/// The signer: `--keypair`, else the Solana CLI config's keypair, else an error saying how to get one.
pub fn signer(flag: Option<std::path::PathBuf>) -> Result<Keypair> {
    let path = flag.or_else(|| agx_keeper::config::CliDefaults::load().keypair_path).ok_or_else(|| {
        anyhow::anyhow!("no keypair: pass --keypair <FILE> (or set AGX_KEYPAIR, or keypair_path in the Solana CLI config; create one with `agx keygen`)")
    })?;
    if !path.exists() {
        anyhow::bail!(
            "keypair {} not found: create it with `agx keygen -o {}` or pass --keypair",
            path.display(),
            path.display()
        );
    }
    read_keypair(&path)
}

/// "slot N (in K slots, ~T s)" or "slot N (K slots ago)", at `slot_time` per slot.
pub fn when(target: u64, now: u64, slot_time: std::time::Duration) -> String {
    if target > now {
        let ahead = target - now;
        format!("slot {target} (in {ahead} slots, ~{:.0} s)", slot_time.as_secs_f64() * ahead as f64)
    } else {
        format!("slot {target} ({} slots ago)", now - target)
    }
}

/// Parses `--capabilities`: names or bits (`agx_sdk::capabilities::parse`).
pub fn capabilities(input: &str) -> std::result::Result<u64, String> {
    agx_sdk::capabilities::parse(input)
}

/// The registry agent `key` names: an agent account, or the authority of one.
pub fn agent_named(chain: &dyn agx_sdk::chain::Chain, key: &agx_sdk::Pubkey) -> Result<agx_sdk::Pubkey> {
    if agx_sdk::discover::agent(chain, key).ok().flatten().is_some() {
        return Ok(*key);
    }
    let derived = agx_sdk::pda::agent(key).0;
    if agx_sdk::discover::agent(chain, &derived)?.is_some() {
        return Ok(derived);
    }
    anyhow::bail!(
        "{key} is neither a registered agent nor the authority of one (`agx agent list` shows them)"
    )
}

/// The token `mint` is of: the mint, and the token program that owns it.
pub fn token_of(
    chain: &dyn agx_sdk::chain::Chain,
    mint: &agx_sdk::Pubkey,
) -> Result<agx_sdk::ix::registry::StakeToken> {
    let account =
        chain.account(mint)?.ok_or_else(|| anyhow::anyhow!("no mint at {mint} on {}", chain.describe()))?;
    Ok(agx_sdk::ix::registry::StakeToken { mint: *mint, program: account.owner })
}
