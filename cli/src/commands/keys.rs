//! `agx keygen`, `agx airdrop`, `agx faucet`: a key, SOL and tokens on a local or test cluster,
//! one command each, with nothing else installed (a localnet built by this project has no
//! `solana-keygen`, `solana` or `spl-token`).
use std::path::PathBuf;

use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{discover, token, Pubkey};
use anyhow::{bail, Context, Result};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::{chain, Output};

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// Where to write the keypair (JSON, readable by the Solana tools; created 0600). Default:
    /// the Solana CLI's keypair path, ~/.config/solana/id.json.
    #[arg(long, short = 'o')]
    outfile: Option<PathBuf>,
    /// Replace an existing keypair file (its key is lost unless saved elsewhere).
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
pub struct AirdropArgs {
    /// SOL to request (1 SOL = 1,000,000,000 lamports). Only localnets, devnet and testnet give
    /// airdrops; devnet and testnet limit the amount.
    sol: f64,
    /// Recipient (default: the signer, --keypair).
    #[arg(long)]
    to: Option<Pubkey>,
}

#[derive(clap::Args)]
pub struct FaucetArgs {
    /// The mint: `stake` (the registry's stake mint), `pay` (the exchange's first
    /// reputation-bearing mint: a localnet's payment mint), or a mint address.
    mint: String,
    /// Atoms to mint (the smallest unit: 1 token = 10^decimals atoms; a localnet's mints have 6
    /// decimals, so 1000000 atoms = 1 token).
    amount: u64,
    /// Recipient wallet (default: the signer); its associated token account is created if
    /// missing.
    #[arg(long)]
    to: Option<Pubkey>,
}

#[derive(clap::Args)]
pub struct BalanceArgs {
    /// Whose (a wallet address; default: the signer).
    owner: Option<Pubkey>,
    /// A mint to show besides the stake and payment mints: `stake`, `pay` or an address.
    #[arg(long)]
    mint: Option<String>,
}

pub fn balance(args: BalanceArgs, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    let owner = match args.owner {
        Some(o) => o,
        None => chain::signer(keypair)?.pubkey(),
    };
    let sol = chain.lamports(&owner)?;
    let mut text = format!("{owner}: {} SOL\n", sol as f64 / 1e9);
    let mut tokens = Vec::new();
    let mut names: Vec<String> = vec!["stake".into(), "pay".into()];
    names.extend(args.mint);
    for name in names {
        let Ok(mint) = mint_named(&chain, &name) else { continue };
        let account = token::associated_address(&owner, &mint.mint, &mint.program);
        let atoms = agx_sdk::chain::token_balance(&chain, &account)?;
        text.push_str(&format!("  {name:<6} {atoms} atoms of {} (in {account})\n", mint.mint));
        tokens.push(json!({"name": name, "mint": mint.mint.to_string(), "account": account.to_string(), "atoms": atoms}));
    }
    out.result(&text, &json!({"owner": owner.to_string(), "lamports": sol, "tokens": tokens}));
    Ok(())
}

pub fn keygen(args: KeygenArgs, out: Output) -> Result<()> {
    let path = match args.outfile {
        Some(p) => p,
        None => {
            let home = std::env::var_os("HOME").context("HOME is not set: pass --outfile <FILE>")?;
            PathBuf::from(home).join(".config/solana/id.json")
        }
    };
    if path.exists() && !args.force {
        bail!(
            "{} exists: pass --force to replace it (its key is lost unless saved elsewhere), or --outfile <FILE>",
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key = Keypair::new();
    solana_keypair::write_keypair_file(&key, &path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    out.result(
        &format!("wrote {} (owner-only)\npubkey: {}\n", path.display(), key.pubkey()),
        &json!({"pubkey": key.pubkey().to_string(), "path": path.display().to_string()}),
    );
    Ok(())
}

pub fn airdrop(args: AirdropArgs, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    if !(args.sol > 0.0 && args.sol.is_finite()) {
        bail!("the amount is in SOL and must be positive (e.g. `agx airdrop 2`)");
    }
    let lamports = (args.sol * 1e9).round() as u64;
    let url = chain::url(url)?;
    let chain = RpcChain::new(&url)?;
    let to = match args.to {
        Some(to) => to,
        None => chain::signer(keypair)?.pubkey(),
    };
    chain.airdrop(&to, lamports).map_err(|e| {
        anyhow::anyhow!(
            "the airdrop of {} SOL to {to} failed on {url}: {e}\n(only localnets, devnet and testnet give airdrops, and devnet/testnet limit them: ask for less, or fund {to} from another wallet)",
            args.sol
        )
    })?;
    let balance = chain.lamports(&to)?;
    out.result(
        &format!("{to} received {} SOL; balance {} SOL\n", args.sol, balance as f64 / 1e9),
        &json!({"to": to.to_string(), "lamports": lamports, "balance_lamports": balance}),
    );
    Ok(())
}

/// The mint a `faucet` argument names, with its token program.
fn mint_named(chain: &RpcChain, name: &str) -> Result<StakeToken> {
    let mint = match name {
        "stake" => {
            discover::registry_config(chain)
                .context("the registry's config (is this the right --url?)")?
                .stake_mint
        }
        "pay" => {
            let config = discover::exchange_config(chain)
                .context("the exchange's config (is this the right --url?)")?;
            config
                .reputation_mints
                .iter()
                .map(|m| m.mint)
                .find(|m| *m != Pubkey::default())
                .context("the exchange lists no reputation-bearing mint: name the mint's address")?
        }
        other => {
            other.parse().with_context(|| format!("'{other}' is neither stake, pay nor a mint address"))?
        }
    };
    chain::token_of(chain, &mint)
}

pub fn faucet(args: FaucetArgs, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let chain = RpcChain::new(&chain::url(url)?)?;
    let signer = chain::signer(keypair)?;
    let mint = mint_named(&chain, &args.mint)?;
    let data = chain.account(&mint.mint)?.map(|a| a.data).unwrap_or_default();
    // Mint layout: mint authority (COption: u32 tag + key), supply, decimals.
    let authority = (data.get(..4) == Some(&[1, 0, 0, 0]))
        .then(|| data.get(4..36).and_then(|k| <[u8; 32]>::try_from(k).ok()).map(Pubkey::new_from_array))
        .flatten();
    if authority != Some(signer.pubkey()) {
        bail!(
            "{} is not the mint authority of {} (its authority is {}): only mints you control, such as a localnet's (`agx localnet` prints them and their authority keypair), can be minted here",
            signer.pubkey(),
            mint.mint,
            authority.map_or("none: no more can be minted".to_string(), |a| a.to_string())
        );
    }
    let to = args.to.unwrap_or_else(|| signer.pubkey());
    let account = token::associated_address(&to, &mint.mint, &mint.program);
    let ixs = [
        token::create_associated_idempotent(signer.pubkey(), to, mint.mint, mint.program),
        token::mint_to(mint.program, mint.mint, account, signer.pubkey(), args.amount),
    ];
    let landed = chain.send(&ixs, &signer, &[])?;
    let balance = agx_sdk::chain::token_balance(&chain, &account)?;
    out.result(
        &format!(
            "minted {} atoms of {} to {account} (owner {to}); it holds {balance}\n",
            args.amount, mint.mint
        ),
        &json!({"mint": mint.mint.to_string(), "to": to.to_string(), "account": account.to_string(),
                "amount": args.amount, "balance": balance, "signature": landed.signature}),
    );
    Ok(())
}
