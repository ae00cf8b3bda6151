//! Helpers for the scenarios on a real `solana-test-validator` (blocking JSON-RPC): funded keys,
//! staked agents, intents, waiting on slots, and checks that read as sentences.
use std::time::{Duration, Instant};

use agx_sdk::accounts::{decode, ExchangeConfig, RegistryConfig};
use agx_sdk::agent_registry::state::{AgentProfile, ConfigSettings};
use agx_sdk::exchange::{AuctionKind, IntentCreateArgs};
use agx_sdk::ix::registry::{self as rix, StakeToken};
use agx_sdk::{ix, pda, token, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anyhow::{anyhow, bail, Result};
use solana_commitment_config::CommitmentConfig;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::Error as ClientError;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

pub type RpcResult = std::result::Result<(), ClientError>;

pub fn check(ok: bool, what: impl Into<String>) -> Result<()> {
    if ok {
        Ok(())
    } else {
        bail!("check failed: {}", what.into())
    }
}

/// The transaction failed with the program's custom error `expected`.
pub fn check_code(err: ClientError, expected: u32) -> Result<()> {
    match err.get_transaction_error() {
        Some(TransactionError::InstructionError(_, InstructionError::Custom(code))) if code == expected => {
            Ok(())
        }
        other => bail!("expected custom error {expected}, got {other:?} ({err})"),
    }
}

/// Lamports [`airdrop`] gives.
pub const AIRDROP: u64 = 10_000_000_000;

pub fn airdrop(rpc: &RpcClient, to: &Pubkey) -> Result<()> {
    Ok(agx_sdk::cluster::airdrop(rpc, to, AIRDROP)?)
}

pub fn send(rpc: &RpcClient, ix: Instruction, signer: &Keypair) -> RpcResult {
    send_all(rpc, &[ix], signer, &[])
}

pub fn send_all(rpc: &RpcClient, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> RpcResult {
    agx_sdk::cluster::send(rpc, ixs, payer, signers).map(|_| ())
}

/// Waits until the cluster has processed slot `slot` (so the next transaction lands after it).
pub fn wait_for_slot(rpc: &RpcClient, slot: u64) -> Result<()> {
    wait_for(rpc, slot, CommitmentConfig::processed())
}

/// Waits until slot `slot` is confirmed (so even a simulation at confirmed commitment runs after it).
pub fn wait_for_confirmed_slot(rpc: &RpcClient, slot: u64) -> Result<()> {
    wait_for(rpc, slot, CommitmentConfig::confirmed())
}

fn wait_for(rpc: &RpcClient, slot: u64, commitment: CommitmentConfig) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while rpc.get_slot_with_commitment(commitment)? <= slot {
        if Instant::now() > deadline {
            bail!("slot {slot} not reached in 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// Polls `probe` every 200 ms until it returns `Some`, for at most `limit`.
pub fn wait_until<T>(limit: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> Result<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = probe() {
            return Ok(value);
        }
        if Instant::now() > deadline {
            bail!("{what}: not within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether `address` exists at confirmed commitment.
pub fn exists(rpc: &RpcClient, address: &Pubkey) -> Result<bool> {
    Ok(rpc.get_account_with_commitment(address, CommitmentConfig::confirmed())?.value.is_some())
}

/// A token account of `mint` for `owner`, funded with `amount` by the mint `authority`.
pub fn funded_token_account(
    rpc: &RpcClient,
    authority: &Keypair,
    mint: Pubkey,
    owner: Pubkey,
    amount: u64,
) -> Result<Pubkey> {
    let account = agx_sdk::cluster::create_token_account(rpc, authority, mint, owner, token::TOKEN)?;
    if amount > 0 {
        send(rpc, token::mint_to(token::TOKEN, mint, account, authority.pubkey(), amount), authority)?;
    }
    Ok(account)
}

/// A new agent with 5,000 atoms of the stake mint, 1,200 of them staked: its address, its
/// authority and its token account.
pub fn staked_agent(
    rpc: &RpcClient,
    authority: &Keypair,
    stake: StakeToken,
) -> Result<(Pubkey, Keypair, Pubkey)> {
    let key = Keypair::new();
    airdrop(rpc, &key.pubkey())?;
    let tokens = funded_token_account(rpc, authority, stake.mint, key.pubkey(), 5_000)?;
    let profile = AgentProfile {
        capabilities: 0b11,
        capability_hash: [1; 32],
        metadata_uri: "https://a.example".into(),
    };
    send(rpc, rix::agent_register(key.pubkey(), key.pubkey(), stake, profile), &key)?;
    send(rpc, rix::stake_deposit(key.pubkey(), key.pubkey(), tokens, stake, 1_200), &key)?;
    Ok((pda::agent(&key.pubkey()).0, key, tokens))
}

/// A sealed Vickrey intent `intent_id` needing capability 0b1 and 1,000 atoms of stake, paying at
/// most 1,000,000, with bid and reveal windows of `window` slots each.
pub fn vickrey_intent(intent_id: u64, window: u64) -> IntentCreateArgs {
    IntentCreateArgs {
        intent_id,
        required_capabilities: 0b1,
        min_stake: 1_000,
        min_reputation: 0,
        weights: [4_000, 3_000, 2_000, 1_000],
        max_price: 1_000_000,
        max_latency: 100,
        context_hash: [3; 32],
        context_uri: format!("https://intents.example/{intent_id}.json"),
        success_criteria_hash: [4; 32],
        auction_kind: AuctionKind::VickreySealed,
        bid_window_slots: window,
        reveal_window_slots: window,
        bid_bond: 1_000_000,
        score_threshold: 0,
        max_failovers: 1,
        tip_per_crank: 1_000_000,
        vickrey_premium_cap_bps: agx_sdk::exchange::state::DEFAULT_VICKREY_PREMIUM_CAP_BPS,
        hire_agent: Default::default(),
        deadline_slot: 0,
        evaluator: Pubkey::default(),
        evaluator_fee: 0,
    }
}

/// A cluster whose two configs exist: the stake mint (SPL Token, 6 decimals, its mint authority
/// `authority`) and the exchange admin.
pub struct Market {
    pub stake: StakeToken,
    pub admin: Keypair,
}

/// Initialises both configs with short windows for tests on the real clock (heartbeat timeout
/// `heartbeat_timeout` slots, dispute window 8 slots, execution grace 0), as the programs'
/// upgrade `authority`.
pub fn init_market(rpc: &RpcClient, authority: &Keypair, heartbeat_timeout: u64) -> Result<Market> {
    airdrop(rpc, &authority.pubkey())?;
    let stake = StakeToken {
        mint: agx_sdk::cluster::create_mint(rpc, authority, token::TOKEN, 6)?,
        program: token::TOKEN,
    };
    let admin = Keypair::new();
    let settings = ConfigSettings {
        admin: admin.pubkey(),
        operator: pda::exchange_authority().0,
        unstake_cooldown_slots: 10,
        heartbeat_timeout_slots: heartbeat_timeout,
        stake_mint_freeze_allowed: false,
    };
    send(rpc, ix::registry_config_init(authority.pubkey(), settings, stake), authority)?;
    let mut args = ix::default_config_args(admin.pubkey());
    args.settings.dispute_window_slots = 8;
    args.settings.execution_grace_slots = 0;
    send(rpc, ix::exchange_config_init(authority.pubkey(), args), authority)?;
    let registry: RegistryConfig = decode(&rpc.get_account_data(&pda::registry_config().0)?)?;
    let exchange: ExchangeConfig = decode(&rpc.get_account_data(&pda::exchange_config().0)?)?;
    check(registry.stake_mint == stake.mint && exchange.admin == admin.pubkey(), "both configs")?;
    Ok(Market { stake, admin })
}

/// Errors of a check that needs a message.
pub fn context<T>(value: Option<T>, what: &str) -> Result<T> {
    value.ok_or_else(|| anyhow!("{what}"))
}

/// The one `solana-test-validator` of a test binary, with both programs deployed and upgradeable
/// by the returned authority (which has not initialised the configs). Stopped when dropped.
pub fn start_validator() -> (agx_sdk::localnet::LocalValidator, solana_keypair::Keypair) {
    use solana_signer::Signer;
    let authority = solana_keypair::Keypair::new();
    let config = agx_sdk::localnet::LocalnetConfig::new(authority.pubkey()).expect("validator config");
    let validator = agx_sdk::localnet::LocalValidator::start(&config).expect("start solana-test-validator");
    eprintln!("validator pid {} at {}", validator.pid(), validator.rpc_url);
    (validator, authority)
}
