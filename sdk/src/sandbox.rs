//! A sandbox market on a chain you control (the embedded chain, a local validator): both
//! configs with windows short enough to watch a market run its whole course in a few hundred
//! slots, a stake mint (SPL Token) and a payment mint (Token-2022), and funded keys. Every key
//! comes from a seed, so an embedded run repeats exactly. The demo, the tests and anyone trying
//! an agent locally start from here.
use agent_registry::state::ConfigSettings;
use anchor_lang::prelude::Pubkey;
use exchange::state::ExchangeSettings;
use exchange::{ConfigInitArgs, ReputationMint};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, TokenSetup};
use crate::ix::exchange as xix;
use crate::ix::registry::{self as rix, StakeToken};
use crate::{discover, pda, token, Error};

type Result<T> = std::result::Result<T, Error>;

trait Context<T> {
    fn context(self, what: &str) -> Result<T>;
}

impl<T> Context<T> for Result<T> {
    /// Says what was being done when a transport failure happened.
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| match e {
            Error::Rpc { during: None, reason } => Error::Rpc { during: Some(what.to_string()), reason },
            other => other,
        })
    }
}

/// Lamports each participant starts with.
const LAMPORTS_EACH: u64 = 20_000_000_000;
/// Lamports the authority spends setting a participant up (rent of its token accounts, fees).
const SETUP_LAMPORTS_EACH: u64 = 50_000_000;
/// Atoms of the payment mint each requester starts with (1,000 units at 6 decimals).
pub const REQUESTER_FUNDS: u64 = 1_000_000_000;
pub const DECIMALS: u8 = 6;
/// Slots an agent may stay silent on a job before anyone may fail it over (~12 s).
pub const HEARTBEAT_TIMEOUT_SLOTS: u64 = 30;
const UNSTAKE_COOLDOWN_SLOTS: u64 = 100;

/// Keys derived from the seed: the same run every time for the same seed.
pub struct Keys {
    seed: u64,
}

impl Keys {
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    pub fn get(&self, role: &str, index: u64) -> Keypair {
        Keypair::new_from_array(self.bytes(role, index))
    }

    /// 32 bytes for `role` number `index` (salts, jitter).
    pub fn bytes(&self, role: &str, index: u64) -> [u8; 32] {
        let mut preimage = b"agx-demo".to_vec();
        preimage.extend(self.seed.to_le_bytes());
        preimage.extend(role.as_bytes());
        preimage.extend(index.to_le_bytes());
        agx_core::commitment::sha256(&preimage)
    }
}

/// The exchange's settings for the demo: the defaults with windows short enough to watch.
pub fn settings(arbitrator: Pubkey, pay: Pubkey) -> ExchangeSettings {
    let mut s = xix::default_settings();
    s.execution_grace_slots = 20;
    s.dispute_window_slots = 25;
    s.arbitration_window_slots = 60;
    s.rerank_window_slots = 10;
    s.reply_window_slots = 30;
    s.arbitrator = arbitrator;
    s.reputation_mints = vec![ReputationMint { mint: pay, weight_bps: agx_core::BPS_DENOMINATOR }];
    s
}

/// The sandbox's mints and arbitrator.
pub struct Market {
    pub stake: StakeToken,
    pub pay: StakeToken,
    pub arbitrator: Keypair,
}

/// Initialises both configs (signed by the programs' upgrade authority) and the two mints,
/// unless the chain already has configs, which are then used as they are.
pub fn open(chain: &dyn Chain, keys: &Keys, authority: &Keypair) -> Result<Market> {
    // On a cluster with its configs already made, the mints named there are used as they are.
    chain.airdrop(&authority.pubkey(), 50 * LAMPORTS_EACH).context("funding the demo's authority")?;
    let setup = TokenSetup { chain, payer: authority };
    let arbitrator = keys.get("arbitrator", 0);
    let pay_mint = keys.get("pay-mint", 0);
    let pay = match chain.exists(&pay_mint.pubkey())? {
        true => StakeToken { mint: pay_mint.pubkey(), program: token::TOKEN_2022 },
        false => setup.mint(&pay_mint, token::TOKEN_2022, DECIMALS).context("creating the payment mint")?,
    };
    // The payment mint bears reputation: its payouts pay the exchange's fee into this vault.
    chain
        .send(&[xix::fee_vault_create(authority.pubkey(), pay)], authority, &[])
        .context("creating the exchange's fee vault")?;
    if chain.exists(&pda::registry_config().0)? {
        let config = discover::registry_config(chain)?;
        let stake = StakeToken::of(&config);
        return Ok(Market { stake, pay, arbitrator });
    }
    let stake =
        setup.mint(&keys.get("stake-mint", 0), token::TOKEN, DECIMALS).context("creating the stake mint")?;
    let registry = ConfigSettings {
        admin: authority.pubkey(),
        operator: pda::exchange_authority().0,
        unstake_cooldown_slots: UNSTAKE_COOLDOWN_SLOTS,
        heartbeat_timeout_slots: HEARTBEAT_TIMEOUT_SLOTS,
        stake_mint_freeze_allowed: false,
    };
    let exchange =
        ConfigInitArgs { admin: authority.pubkey(), settings: settings(arbitrator.pubkey(), pay.mint) };
    chain
        .send(
            &[
                rix::registry_config_init(authority.pubkey(), registry, stake),
                xix::exchange_config_init(authority.pubkey(), exchange),
            ],
            authority,
            &[],
        )
        .context("initialising the registry and exchange configs")?;
    Ok(Market { stake, pay, arbitrator })
}

/// Gives each of `to` [`LAMPORTS_EACH`] lamports from `authority` (ten transfers a
/// transaction). When the authority holds less than that, the chain's faucet tops it up first
/// (the embedded chain and localnets have one); where there is none, the error says how much the
/// sandbox needs for this many participants, before anything is spent.
pub fn fund(chain: &dyn Chain, authority: &Keypair, to: &[Pubkey]) -> Result<()> {
    // Each participant's share, the rent of the token accounts the authority opens for it
    // (`tokens`), and the authority's own fees.
    let need = LAMPORTS_EACH
        .saturating_add(SETUP_LAMPORTS_EACH)
        .saturating_mul(to.len() as u64)
        .saturating_add(1_000_000_000);
    let have = chain.lamports(&authority.pubkey())?;
    if have < need {
        chain.airdrop(&authority.pubkey(), need - have).map_err(|e| Error::SandboxUnfunded {
            participants: to.len(),
            sol_each: LAMPORTS_EACH / 1_000_000_000,
            sol_needed: need / 1_000_000_000,
            authority: authority.pubkey(),
            sol_held: have / 1_000_000_000,
            reason: e.to_string(),
        })?;
    }
    for batch in to.chunks(10) {
        let ixs: Vec<_> = batch
            .iter()
            .map(|k| solana_system_interface::instruction::transfer(&authority.pubkey(), k, LAMPORTS_EACH))
            .collect();
        chain.send(&ixs, authority, &[]).context("funding the participants")?;
    }
    Ok(())
}

/// `owner`'s associated account of `token`, holding `amount` more atoms minted by `authority`.
pub fn tokens(
    chain: &dyn Chain,
    authority: &Keypair,
    token: StakeToken,
    owner: Pubkey,
    amount: u64,
) -> Result<Pubkey> {
    let setup = TokenSetup { chain, payer: authority };
    let account = setup.associated(token, owner)?;
    if amount > 0 {
        setup.mint_to(token, account, amount)?;
    }
    Ok(account)
}
