//! `exchange::config_init` on the built `.so`, in LiteSVM.
use agx_sdk::{events, ix, pda, Pubkey};
use agx_tests::config_init::ConfigInitCase;
use agx_tests::Svm;
use exchange::error::ExchangeError;
use exchange::events::ExchangeConfigInitialized;
use exchange::state::ExchangeConfig;

fn case() -> ConfigInitCase {
    let (config, config_bump) = pda::exchange_config();
    ConfigInitCase {
        program: "exchange",
        program_id: exchange::ID,
        config,
        config_bump,
        build: |_svm, authority, admin| ix::exchange_config_init(authority, ix::default_config_args(admin)),
        read: |svm: &Svm, address: &Pubkey| {
            let c: ExchangeConfig = svm.decode(address);
            (c.version, c.bump, c.admin)
        },
        event: |logs: &[String]| {
            events::find::<ExchangeConfigInitialized>(logs)
                .into_iter()
                .map(|e| (e.config, e.admin, e.version, e.slot))
                .collect()
        },
        version: ExchangeConfig::VERSION,
        err_already_initialized: ExchangeError::ConfigAlreadyInitialized.into(),
        err_not_upgrade_authority: ExchangeError::ConfigInitNotUpgradeAuthority.into(),
        err_wrong_program_data: ExchangeError::ConfigInitWrongProgramData.into(),
        err_admin_default: ExchangeError::ConfigAdminIsDefault.into(),
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
    case().rejects_foreign_program_data(&registry_id());
}

#[test]
fn rejects_fake_config_pda() {
    case().rejects_fake_config();
}

#[test]
fn rejects_default_admin() {
    case().rejects_default_admin();
}

fn registry_id() -> Pubkey {
    agx_sdk::agent_registry::ID
}
