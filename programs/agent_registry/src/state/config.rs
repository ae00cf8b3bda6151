use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use crate::error::RegistryError;

/// The registry's global settings. One per deployment, at PDA `[seeds::CONFIG]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct RegistryConfig {
    /// Layout version; 0 means "not initialised yet" (a fresh `init_if_needed` account).
    pub version: u8,
    /// Bump of the config PDA, stored so later instructions never search for it.
    pub bump: u8,
    /// Who may change these settings.
    pub admin: Pubkey,
    /// The only signer allowed to lock, unlock and slash stake and record outcomes. In
    /// deployment the exchange program's authority PDA (a CPI signer).
    pub operator: Pubkey,
    /// The token every agent stakes (SPL Token or Token-2022).
    pub stake_mint: Pubkey,
    /// The token program that owns `stake_mint`.
    pub stake_token_program: Pubkey,
    /// Slots between an unstake request and the withdrawal it allows.
    pub unstake_cooldown_slots: u64,
    /// An agent whose last heartbeat is older than this many slots counts as silent.
    pub heartbeat_timeout_slots: u64,
    /// Reputation formula parameters (see `agx_core::reputation`).
    pub reputation_prior_value: u64,
    pub reputation_prior_bps: u16,
    pub reputation_slash_weight: u16,
    pub reputation_reliability_weight_bps: u16,
    /// Proposed by the admin (`admin_propose`), becomes admin when it signs `admin_accept`;
    /// the default key when none is pending.
    pub pending_admin: Pubkey,
    /// Room to grow without a migration.
    pub reserved: [u8; 96],
}

/// What the admin may change after `config_init` (`config_update`, all at once). The operator
/// and the stake mint are fixed for the life of the registry: a new operator could slash every
/// agent, a new mint would strand every vault.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistrySettings {
    pub unstake_cooldown_slots: u64,
    pub heartbeat_timeout_slots: u64,
    pub reputation_prior_value: u64,
    pub reputation_prior_bps: u16,
    pub reputation_slash_weight: u16,
    pub reputation_reliability_weight_bps: u16,
}

/// Settings chosen at `config_init`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigSettings {
    pub admin: Pubkey,
    pub operator: Pubkey,
    pub unstake_cooldown_slots: u64,
    pub heartbeat_timeout_slots: u64,
    /// Accept a stake mint that has a freeze authority (whoever holds it could freeze every
    /// stake vault and so block slashes): only for a mint whose issuer the admin trusts.
    pub stake_mint_freeze_allowed: bool,
}

impl RegistryConfig {
    /// Current layout version.
    pub const VERSION: u8 = 1;

    pub fn is_initialized(&self) -> bool {
        self.version != 0
    }

    /// Fills a fresh config. The caller has checked that it was not initialised before.
    pub fn initialize(
        &mut self,
        settings: &ConfigSettings,
        stake_mint: Pubkey,
        stake_token_program: Pubkey,
        bump: u8,
    ) {
        let reputation = agx_core::reputation::ReputationParams::DEFAULT;
        self.version = Self::VERSION;
        self.bump = bump;
        self.admin = settings.admin;
        self.operator = settings.operator;
        self.stake_mint = stake_mint;
        self.stake_token_program = stake_token_program;
        self.unstake_cooldown_slots = settings.unstake_cooldown_slots;
        self.heartbeat_timeout_slots = settings.heartbeat_timeout_slots;
        self.reputation_prior_value = reputation.prior_value;
        self.reputation_prior_bps = reputation.prior_bps;
        self.reputation_slash_weight = reputation.slash_weight;
        self.reputation_reliability_weight_bps = reputation.reliability_weight_bps;
        self.pending_admin = Pubkey::default();
        self.reserved = [0; 96];
    }

    /// Replaces every changeable setting; the caller checks the invariant.
    pub fn apply(&mut self, s: &RegistrySettings) {
        self.unstake_cooldown_slots = s.unstake_cooldown_slots;
        self.heartbeat_timeout_slots = s.heartbeat_timeout_slots;
        self.reputation_prior_value = s.reputation_prior_value;
        self.reputation_prior_bps = s.reputation_prior_bps;
        self.reputation_slash_weight = s.reputation_slash_weight;
        self.reputation_reliability_weight_bps = s.reputation_reliability_weight_bps;
    }

    /// The admin names its successor; it takes over only by signing `admin_accept`.
    pub fn propose_admin(&mut self, candidate: Pubkey) -> Result<()> {
        require_keys_neq!(candidate, Pubkey::default(), RegistryError::ConfigAdminIsDefault);
        self.pending_admin = candidate;
        Ok(())
    }

    /// The pending admin takes over.
    pub fn accept_admin(&mut self, signer: Pubkey) -> Result<()> {
        require!(
            self.pending_admin != Pubkey::default() && signer == self.pending_admin,
            RegistryError::ConfigNotPendingAdmin
        );
        self.admin = core::mem::take(&mut self.pending_admin);
        Ok(())
    }

    pub fn reputation_params(&self) -> agx_core::reputation::ReputationParams {
        agx_core::reputation::ReputationParams {
            prior_value: self.reputation_prior_value,
            prior_bps: self.reputation_prior_bps,
            slash_weight: self.reputation_slash_weight,
            reliability_weight_bps: self.reputation_reliability_weight_bps,
        }
    }

    /// Must hold after every mutation; instructions call it before returning.
    pub fn invariant(&self) -> Result<()> {
        require_eq!(self.version, Self::VERSION, RegistryError::ConfigVersionUnknown);
        require_keys_neq!(self.admin, Pubkey::default(), RegistryError::ConfigAdminIsDefault);
        require_keys_neq!(self.operator, Pubkey::default(), RegistryError::ConfigOperatorIsDefault);
        require_gt!(self.unstake_cooldown_slots, 0, RegistryError::ConfigCooldownZero);
        require_gt!(self.heartbeat_timeout_slots, 0, RegistryError::ConfigHeartbeatTimeoutZero);
        require!(self.reputation_params().validate().is_ok(), RegistryError::ConfigReputationParamsInvalid);
        Ok(())
    }
}

/// What the operator paths read of the config, in place: who the operator is and the reputation
/// parameters. Decoding the whole config costs ~1,000 CU on every CPI from the exchange; these
/// fields sit at fixed offsets of its Borsh layout (a unit test pins them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorView {
    pub operator: Pubkey,
    pub stake_mint: Pubkey,
    pub stake_token_program: Pubkey,
    pub reputation: agx_core::reputation::ReputationParams,
}

/// Byte offsets in the config account (discriminator, version, bump, admin, operator, stake mint,
/// its token program, cooldown, heartbeat timeout, then the reputation parameters).
const OPERATOR: usize = 42;
const STAKE_MINT: usize = 74;
const STAKE_TOKEN_PROGRAM: usize = 106;
const COOLDOWN: usize = 138;
const PRIOR_VALUE: usize = 154;
const PRIOR_BPS: usize = 162;
const SLASH_WEIGHT: usize = 164;
const RELIABILITY: usize = 166;
const RELIABILITY_END: usize = 168;

impl OperatorView {
    /// Reads the registry's config (owned by the registry, carrying the `RegistryConfig`
    /// discriminator: only `config_init` creates one, at its PDA), else `ConfigAccountInvalid`;
    /// then requires `signer` to be its operator (`OperatorNotAuthorized`).
    pub fn load(config: &AccountInfo, signer: &Pubkey) -> Result<Self> {
        let invalid = || error!(RegistryError::ConfigAccountInvalid);
        require_keys_eq!(*config.owner, crate::ID, RegistryError::ConfigAccountInvalid);
        let data = config.try_borrow_data()?;
        if data.get(..8) != Some(RegistryConfig::DISCRIMINATOR) || data.len() < RELIABILITY_END {
            return Err(invalid());
        }
        let key_at = |at: usize, end: usize| {
            data[at..end].try_into().map(Pubkey::new_from_array).map_err(|_| invalid())
        };
        let u64_at =
            |at: usize, end: usize| data[at..end].try_into().map(u64::from_le_bytes).map_err(|_| invalid());
        let u16_at =
            |at: usize, end: usize| data[at..end].try_into().map(u16::from_le_bytes).map_err(|_| invalid());
        let view = Self {
            operator: key_at(OPERATOR, STAKE_MINT)?,
            stake_mint: key_at(STAKE_MINT, STAKE_TOKEN_PROGRAM)?,
            stake_token_program: key_at(STAKE_TOKEN_PROGRAM, COOLDOWN)?,
            reputation: agx_core::reputation::ReputationParams {
                prior_value: u64_at(PRIOR_VALUE, PRIOR_BPS)?,
                prior_bps: u16_at(PRIOR_BPS, SLASH_WEIGHT)?,
                slash_weight: u16_at(SLASH_WEIGHT, RELIABILITY)?,
                reliability_weight_bps: u16_at(RELIABILITY, RELIABILITY_END)?,
            },
        };
        require_keys_eq!(*signer, view.operator, RegistryError::OperatorNotAuthorized);
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::AccountSerialize;

    #[test]
    fn the_view_reads_what_borsh_wrote() {
        let config = RegistryConfig {
            version: 1,
            bump: 255,
            admin: Pubkey::new_from_array([1; 32]),
            operator: Pubkey::new_from_array([2; 32]),
            stake_mint: Pubkey::new_from_array([3; 32]),
            stake_token_program: Pubkey::new_from_array([4; 32]),
            unstake_cooldown_slots: 5,
            heartbeat_timeout_slots: 6,
            reputation_prior_value: 7,
            reputation_prior_bps: 8,
            reputation_slash_weight: 9,
            reputation_reliability_weight_bps: 10,
            pending_admin: Pubkey::new_from_array([11; 32]),
            reserved: [12; 96],
        };
        let mut data = Vec::new();
        config.try_serialize(&mut data).unwrap();
        let key = Pubkey::new_unique();
        let mut lamports = 1;
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &crate::ID, false);
        let view = OperatorView::load(&info, &config.operator).unwrap();
        assert_eq!(
            view,
            OperatorView {
                operator: config.operator,
                stake_mint: config.stake_mint,
                stake_token_program: config.stake_token_program,
                reputation: config.reputation_params()
            }
        );
        assert!(OperatorView::load(&info, &config.admin).is_err(), "only the operator");
        let other = Pubkey::new_unique();
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &other, false);
        assert!(OperatorView::load(&info, &config.operator).is_err(), "another program's account");
        data[0] ^= 1;
        let info = AccountInfo::new(&key, false, false, &mut lamports, &mut data, &crate::ID, false);
        assert!(OperatorView::load(&info, &config.operator).is_err(), "not a config");
    }
}
