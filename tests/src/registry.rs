//! A LiteSVM registry with its config initialised, an operator keypair and helpers to register
//! agents and move stake, plus the token-accounting check run after every step.
use agx_sdk::agent_registry::state::{Agent, AgentProfile, ConfigSettings};
use agx_sdk::ix::registry::{self as rix, StakeToken};
use agx_sdk::{pda, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::svm::{Svm, TxResult};
use crate::token;

/// Stake-mint decimals used by the fixture.
pub const DECIMALS: u8 = 6;
/// Atoms minted to each new agent's own token account.
pub const AGENT_FUNDS: u64 = 1_000_000_000;
pub const COOLDOWN: u64 = 100;
pub const HEARTBEAT_TIMEOUT: u64 = 50;

pub struct TestAgent {
    pub authority: Keypair,
    pub agent: Pubkey,
    pub vault: Pubkey,
    /// The authority's own token account of the stake mint, funded with [`AGENT_FUNDS`].
    pub tokens: Pubkey,
}

pub struct Registry {
    pub svm: Svm,
    pub operator: Keypair,
    pub stake: StakeToken,
    /// Every token account of the stake mint the fixture knows about (for accounting).
    pub token_accounts: Vec<Pubkey>,
    /// Vaults that were sent tokens directly (a donation): they may hold more than the stake
    /// recorded, never less.
    pub surplus: Vec<Pubkey>,
}

/// An independent fork of the registry fixture (see [`Svm`]'s `Clone`).
impl Clone for Registry {
    fn clone(&self) -> Self {
        Self {
            svm: self.svm.clone(),
            operator: self.operator.insecure_clone(),
            stake: self.stake,
            token_accounts: self.token_accounts.clone(),
            surplus: self.surplus.clone(),
        }
    }
}

impl Clone for TestAgent {
    fn clone(&self) -> Self {
        Self {
            authority: self.authority.insecure_clone(),
            agent: self.agent,
            vault: self.vault,
            tokens: self.tokens,
        }
    }
}

pub fn settings(admin: Pubkey, operator: Pubkey) -> ConfigSettings {
    ConfigSettings {
        admin,
        operator,
        unstake_cooldown_slots: COOLDOWN,
        heartbeat_timeout_slots: HEARTBEAT_TIMEOUT,
        stake_mint_freeze_allowed: false,
    }
}

pub fn profile(capabilities: u64) -> AgentProfile {
    AgentProfile {
        capabilities,
        capability_hash: [7; 32],
        metadata_uri: "https://agents.example/a.json".into(),
    }
}

impl Registry {
    /// SPL Token stake mint.
    pub fn new() -> Self {
        Self::with_token_program(token::TOKEN)
    }

    pub fn with_token_program(program: Pubkey) -> Self {
        Self::build(program, None)
    }

    /// A Token-2022 stake mint with `features` (ones `mint_policy` accepts).
    pub fn with_mint_features(features: &[token::MintFeature]) -> Self {
        let mut svm = Svm::new();
        let mint = token::create_mint_2022(&mut svm, DECIMALS, features);
        Self::init(svm, StakeToken { mint, program: token::TOKEN_2022 }, None)
    }

    /// The registry as the exchange uses it: its operator is the exchange's authority PDA
    /// (`self.operator` is then an unused key), and the exchange config is initialised too.
    pub fn for_exchange(program: Pubkey) -> Self {
        Self::for_exchange_with(program, |_| Vec::new())
    }

    /// [`Registry::for_exchange`] whose exchange config allows the freezable mints that
    /// `freezable` creates.
    pub fn for_exchange_with(program: Pubkey, freezable: impl FnOnce(&mut Svm) -> Vec<Pubkey>) -> Self {
        let mut r = Self::build(program, Some(pda::exchange_authority().0));
        let authority = r.svm.upgrade_authority.insecure_clone();
        let mut args = agx_sdk::ix::default_config_args(authority.pubkey());
        args.settings.freezable_mints = freezable(&mut r.svm);
        let ix = agx_sdk::ix::exchange_config_init(authority.pubkey(), args);
        r.svm.send(&[ix], &[&authority]).expect("exchange config_init");
        r
    }

    fn build(program: Pubkey, operator_key: Option<Pubkey>) -> Self {
        let mut svm = Svm::new();
        let mint = token::create_mint(&mut svm, program, DECIMALS);
        Self::init(svm, StakeToken { mint, program }, operator_key)
    }

    fn init(mut svm: Svm, stake: StakeToken, operator_key: Option<Pubkey>) -> Self {
        let operator = svm.funded_keypair();
        let operator_key = operator_key.unwrap_or_else(|| operator.pubkey());
        let authority = svm.upgrade_authority.insecure_clone();
        let ix =
            rix::registry_config_init(authority.pubkey(), settings(authority.pubkey(), operator_key), stake);
        svm.send(&[ix], &[&authority]).expect("registry config_init");
        Self { svm, operator, stake, token_accounts: Vec::new(), surplus: Vec::new() }
    }

    /// A token account of the stake mint owned by `owner`, tracked for accounting.
    pub fn token_account(&mut self, owner: Pubkey) -> Pubkey {
        let account = token::create_account(&mut self.svm, self.stake.program, self.stake.mint, owner);
        self.token_accounts.push(account);
        account
    }

    /// A funded authority with its own token account, not registered yet.
    pub fn new_authority(&mut self) -> TestAgent {
        let authority = self.svm.funded_keypair();
        let tokens = self.token_account(authority.pubkey());
        token::mint_to(&mut self.svm, self.stake.program, self.stake.mint, tokens, AGENT_FUNDS);
        let agent = pda::agent(&authority.pubkey()).0;
        TestAgent { authority, agent, vault: pda::stake_vault(&agent).0, tokens }
    }

    pub fn register_ix(
        &self,
        a: &TestAgent,
        capabilities: u64,
    ) -> anchor_lang::solana_program::instruction::Instruction {
        rix::agent_register(a.authority.pubkey(), self.svm.payer.pubkey(), self.stake, profile(capabilities))
    }

    /// A registered agent with no stake.
    pub fn register_agent(&mut self, capabilities: u64) -> TestAgent {
        let a = self.new_authority();
        let ix = self.register_ix(&a, capabilities);
        self.svm.send(&[ix], &[&a.authority]).expect("agent_register");
        self.token_accounts.push(a.vault);
        a
    }

    /// A registered agent with `stake` atoms deposited.
    pub fn staked_agent(&mut self, stake: u64) -> TestAgent {
        let a = self.register_agent(0b1011);
        self.deposit(&a, stake).expect("stake_deposit");
        a
    }

    pub fn deposit(&mut self, a: &TestAgent, amount: u64) -> TxResult {
        let ix = rix::stake_deposit(a.authority.pubkey(), a.authority.pubkey(), a.tokens, self.stake, amount);
        self.svm.send(&[ix], &[&a.authority])
    }

    pub fn lock(&mut self, a: &TestAgent, amount: u64) -> TxResult {
        let operator = self.operator.insecure_clone();
        self.svm.send(&[rix::stake_lock(operator.pubkey(), a.agent, None, amount)], &[&operator])
    }

    pub fn agent(&self, a: &TestAgent) -> Agent {
        self.svm.decode(&a.agent)
    }

    /// Test-only state injection: sets an agent's cached reputation directly (the real path,
    /// `reputation_record`, needs the operator, which is a PDA when the exchange runs it).
    pub fn set_reputation(&mut self, a: &TestAgent, reputation: u16) {
        use anchor_lang::AccountSerialize;
        let mut agent = self.agent(a);
        agent.reputation = reputation;
        let mut account = self.svm.account(&a.agent).expect("agent account");
        let mut data = Vec::with_capacity(account.data.len());
        agent.try_serialize(&mut data).expect("serialize agent");
        account.data[..data.len()].copy_from_slice(&data);
        self.svm.svm.set_account(a.agent, account).expect("set agent");
    }

    pub fn balance(&self, account: &Pubkey) -> u64 {
        token::balance(&self.svm, account)
    }

    /// Moves the clock forward by `slots`.
    pub fn warp(&mut self, slots: u64) {
        let slot = self.slot().checked_add(slots).expect("slot");
        self.svm.warp_to_slot(slot);
    }

    pub fn slot(&self) -> u64 {
        self.svm.svm.get_sysvar::<solana_clock::Clock>().slot
    }

    /// Every atom ever minted is in a tracked account, and each agent's vault holds exactly
    /// its recorded stake.
    #[track_caller]
    pub fn assert_accounted(&self, agents: &[&TestAgent]) {
        let held: u64 = self.token_accounts.iter().map(|a| self.balance(a)).sum();
        assert_eq!(held, token::supply(&self.svm, &self.stake.mint), "tokens outside the tracked accounts");
        for a in agents {
            if self.svm.account(&a.agent).is_some() {
                let (held, staked) = (self.balance(&a.vault), self.agent(a).staked);
                if self.surplus.contains(&a.vault) {
                    assert!(held >= staked, "vault {held} short of the recorded stake {staked}");
                } else {
                    assert_eq!(held, staked, "vault balance != recorded stake");
                }
            }
        }
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}
