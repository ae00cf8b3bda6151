//! `config_update`, `admin_propose` and `admin_accept` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::RegistryConfigUpdated;
use agent_registry::state::RegistryConfig;
use agent_registry::RegistrySettings;
use agx_sdk::ix::registry as rix;
use agx_sdk::{events, pda};
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

fn config(r: &Registry) -> RegistryConfig {
    r.svm.decode(&pda::registry_config().0)
}

fn settings(c: &RegistryConfig) -> RegistrySettings {
    RegistrySettings {
        unstake_cooldown_slots: c.unstake_cooldown_slots,
        heartbeat_timeout_slots: c.heartbeat_timeout_slots,
        reputation_prior_value: c.reputation_prior_value,
        reputation_prior_bps: c.reputation_prior_bps,
        reputation_slash_weight: c.reputation_slash_weight,
        reputation_reliability_weight_bps: c.reputation_reliability_weight_bps,
    }
}

#[test]
fn the_admin_changes_cooldown_timeout_and_reputation_parameters() {
    let mut r = Registry::new();
    let admin = r.svm.upgrade_authority.insecure_clone();
    let before = config(&r);
    let new = RegistrySettings {
        unstake_cooldown_slots: 9,
        heartbeat_timeout_slots: 8,
        reputation_prior_value: 5_000_000,
        reputation_slash_weight: 5,
        ..settings(&before)
    };
    let ix = rix::registry_config_update(admin.pubkey(), new);
    let meta = r.svm.send_measured("agent_registry", "config_update", &[ix], &[&admin]).unwrap();
    assert_eq!(settings(&config(&r)), new);
    assert_eq!(events::find::<RegistryConfigUpdated>(&meta.logs)[0].settings, new);
    assert_eq!(
        (config(&r).operator, config(&r).stake_mint),
        (before.operator, before.stake_mint),
        "fixed for good"
    );

    let stranger = r.svm.funded_keypair();
    let ix = rix::registry_config_update(stranger.pubkey(), new);
    assert_error(&r.svm.send(&[ix], &[&stranger]), RegistryError::ConfigNotAdmin);
    let mut ix = rix::registry_config_update(admin.pubkey(), new);
    ix.unsign(admin.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let zero = RegistrySettings { unstake_cooldown_slots: 0, ..new };
    assert_error(
        &r.svm.send(&[rix::registry_config_update(admin.pubkey(), zero)], &[&admin]),
        RegistryError::ConfigCooldownZero,
    );
    let bad = RegistrySettings { reputation_prior_bps: 10_001, ..new };
    assert_error(
        &r.svm.send(&[rix::registry_config_update(admin.pubkey(), bad)], &[&admin]),
        RegistryError::ConfigReputationParamsInvalid,
    );
    assert_eq!(settings(&config(&r)), new, "refused updates change nothing");
}

#[test]
fn the_admin_hands_over_in_two_steps() {
    let mut r = Registry::new();
    let admin = r.svm.upgrade_authority.insecure_clone();
    let next = r.svm.funded_keypair();
    assert_error(
        &r.svm.send(&[rix::registry_admin_accept(next.pubkey())], &[&next]),
        RegistryError::ConfigNotPendingAdmin,
    );
    let ix = rix::registry_admin_propose(next.pubkey(), next.pubkey());
    assert_error(&r.svm.send(&[ix], &[&next]), RegistryError::ConfigNotAdmin);
    let ix = rix::registry_admin_propose(admin.pubkey(), next.pubkey());
    r.svm.send_measured("agent_registry", "admin_propose", &[ix], &[&admin]).unwrap();
    let ix = rix::registry_admin_accept(next.pubkey());
    r.svm.send_measured("agent_registry", "admin_accept", &[ix], &[&next]).unwrap();
    assert_eq!((config(&r).admin, config(&r).pending_admin), (next.pubkey(), Default::default()));
    let same = settings(&config(&r));
    assert_error(
        &r.svm.send(&[rix::registry_config_update(admin.pubkey(), same)], &[&admin]),
        RegistryError::ConfigNotAdmin,
    );
    r.svm.send(&[rix::registry_config_update(next.pubkey(), same)], &[&next]).unwrap();
}
