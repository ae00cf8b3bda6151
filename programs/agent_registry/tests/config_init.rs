//! `agent_registry::config_init` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::ConfigInitialized;
use agent_registry::state::RegistryConfig;
use agx_sdk::{events, ix, pda, Pubkey};
use agx_tests::config_init::ConfigInitCase;
use agx_tests::Svm;

fn case() -> ConfigInitCase {
    let (config, config_bump) = pda::registry_config();
    ConfigInitCase {
        program: "agent_registry",
        program_id: agent_registry::ID,
        config,
        config_bump,
        build: ix::registry_config_init,
        read: |svm: &Svm, address: &Pubkey| {
            let c: RegistryConfig = svm.decode(address);
            (c.version, c.bump, c.admin)
        },
        event: |logs: &[String]| {
            events::find::<ConfigInitialized>(logs)
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
    case().rejects_foreign_program_data(&exchange_id());
}

#[test]
fn rejects_fake_config_pda() {
    case().rejects_fake_config();
}

#[test]
fn rejects_default_admin() {
    case().rejects_default_admin();
}

fn exchange_id() -> Pubkey {
    agx_sdk::exchange::ID
}
