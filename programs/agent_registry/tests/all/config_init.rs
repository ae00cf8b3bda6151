//! `agent_registry::config_init` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::RegistryConfigInitialized;
use agent_registry::state::{ConfigSettings, RegistryConfig};
use agx_sdk::ix::registry::{registry_config_init, StakeToken};
use agx_sdk::{events, pda, Pubkey};
use agx_tests::config_init::ConfigInitCase;
use agx_tests::registry::{settings, COOLDOWN, HEARTBEAT_TIMEOUT};
use agx_tests::Signer;
use agx_tests::{assert_error, token, Svm};

fn stake_token(svm: &mut Svm, program: Pubkey) -> StakeToken {
    StakeToken { mint: token::create_mint(svm, program, 6), program }
}

fn case() -> ConfigInitCase {
    let (config, config_bump) = pda::registry_config();
    ConfigInitCase {
        program: "agent_registry",
        program_id: agent_registry::ID,
        config,
        config_bump,
        build: |svm, authority, admin| {
            let stake = stake_token(svm, token::TOKEN);
            registry_config_init(authority, settings(admin, Pubkey::new_unique()), stake)
        },
        read: |svm: &Svm, address: &Pubkey| {
            let c: RegistryConfig = svm.decode(address);
            (c.version, c.bump, c.admin)
        },
        event: |logs: &[String]| {
            events::find::<RegistryConfigInitialized>(logs)
                .into_iter()
                .map(|e| (e.config, e.admin, e.version, e.slot))
                .collect()
        },
        version: RegistryConfig::VERSION,
        err_already_initialized: RegistryError::ConfigAlreadyInitialized.into(),
        err_not_upgrade_authority: RegistryError::ConfigInitNotUpgradeAuthority.into(),
        err_wrong_program_data: RegistryError::ConfigInitWrongProgramData.into(),
        err_admin_default: RegistryError::ConfigAdminIsDefault.into(),
    }
}

#[test]
fn creates_config() {
    case().creates_config();
}

#[test]
fn rejects_second_init() {
    case().rejects_second_init();
}

#[test]
fn rejects_signer_that_is_not_upgrade_authority() {
    case().rejects_other_signer();
}

#[test]
fn rejects_missing_signer() {
    case().rejects_missing_signer();
}

#[test]
fn rejects_program_data_of_another_program() {
    case().rejects_foreign_program_data(&agx_sdk::exchange::ID);
}

#[test]
fn rejects_fake_config_pda() {
    case().rejects_fake_config();
}

#[test]
fn rejects_default_admin() {
    case().rejects_default_admin();
}

/// Sends config_init with `settings` and a fresh mint of `mint_program`, claiming `claimed_program`.
fn init_with(
    settings: ConfigSettings,
    mint_program: Pubkey,
    claimed_program: Pubkey,
) -> (Svm, agx_tests::TxResult) {
    let mut svm = Svm::new();
    let mut stake = stake_token(&mut svm, mint_program);
    stake.program = claimed_program;
    let authority = svm.upgrade_authority.insecure_clone();
    let res = svm.send(&[registry_config_init(authority.pubkey(), settings, stake)], &[&authority]);
    (svm, res)
}

#[test]
fn stores_every_setting_and_the_reputation_defaults() {
    let (admin, operator) = (Pubkey::new_unique(), Pubkey::new_unique());
    let (svm, res) = init_with(settings(admin, operator), token::TOKEN_2022, token::TOKEN_2022);
    res.expect("config_init with a Token-2022 stake mint");
    let c: RegistryConfig = svm.decode(&pda::registry_config().0);
    assert_eq!((c.admin, c.operator, c.stake_token_program), (admin, operator, token::TOKEN_2022));
    assert_eq!((c.unstake_cooldown_slots, c.heartbeat_timeout_slots), (COOLDOWN, HEARTBEAT_TIMEOUT));
    assert_eq!(c.reputation_params(), agx_core::reputation::ReputationParams::DEFAULT);
}

#[test]
fn rejects_default_operator() {
    let s = settings(Pubkey::new_unique(), Pubkey::default());
    assert_error(&init_with(s, token::TOKEN, token::TOKEN).1, RegistryError::ConfigOperatorIsDefault);
}

#[test]
fn rejects_zero_cooldown_and_zero_heartbeat_timeout() {
    let s =
        ConfigSettings { unstake_cooldown_slots: 0, ..settings(Pubkey::new_unique(), Pubkey::new_unique()) };
    assert_error(&init_with(s, token::TOKEN, token::TOKEN).1, RegistryError::ConfigCooldownZero);
    let s =
        ConfigSettings { heartbeat_timeout_slots: 0, ..settings(Pubkey::new_unique(), Pubkey::new_unique()) };
    assert_error(&init_with(s, token::TOKEN, token::TOKEN).1, RegistryError::ConfigHeartbeatTimeoutZero);
}

#[test]
fn rejects_a_mint_of_another_token_program() {
    let s = settings(Pubkey::new_unique(), Pubkey::new_unique());
    let (svm, res) = init_with(s, token::TOKEN, token::TOKEN_2022);
    assert_error(&res, RegistryError::StakeMintTokenProgramMismatch);
    assert!(svm.account(&pda::registry_config().0).is_none());
}

/// Sends config_init with a Token-2022 stake mint that has `features`.
fn init_with_mint(features: &[token::MintFeature], freeze_allowed: bool) -> agx_tests::TxResult {
    let mut svm = Svm::new();
    let authority = svm.upgrade_authority.insecure_clone();
    let mint = token::create_mint_2022(&mut svm, 6, features);
    let stake = StakeToken { mint, program: token::TOKEN_2022 };
    let s = ConfigSettings {
        stake_mint_freeze_allowed: freeze_allowed,
        ..settings(Pubkey::new_unique(), Pubkey::new_unique())
    };
    svm.send(&[registry_config_init(authority.pubkey(), s, stake)], &[&authority])
}

#[test]
fn refuses_stake_mints_that_others_could_drain_freeze_or_tax() {
    use token::MintFeature as F;
    let someone = Pubkey::new_unique();
    let cases = [
        ("permanent_delegate", F::PermanentDelegate(someone), RegistryError::MintHasPermanentDelegate),
        ("transfer_hook", F::TransferHook(someone), RegistryError::MintHasTransferHook),
        (
            "transfer_fee_10_bps",
            F::TransferFee { bps: 10, authority: None },
            RegistryError::MintTransferFeeNotFixedZero,
        ),
        // A 0% fee that an authority could raise later is refused too.
        (
            "transfer_fee_changeable",
            F::TransferFee { bps: 0, authority: Some(someone) },
            RegistryError::MintTransferFeeNotFixedZero,
        ),
        ("freeze_authority", F::FreezeAuthority(someone), RegistryError::MintHasFreezeAuthority),
    ];
    for (label, feature, expected) in cases {
        let result = init_with_mint(&[feature], false);
        agx_tests::attack::record_mint_extension("agent_registry::config_init", label, result.is_err());
        assert_error(&result, expected);
    }
    // Accepted: a freeze authority the admin explicitly allows, and a fee fixed at zero.
    init_with_mint(&[F::FreezeAuthority(someone)], true).unwrap();
    init_with_mint(&[F::TransferFee { bps: 0, authority: None }], false).unwrap();
}
