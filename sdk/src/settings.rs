//! The settings an admin changes, read back from the configs: `config_update` replaces every
//! setting at once, so a client reads them, changes what it wants and sends them all.
use agent_registry::state::RegistryConfig;
use agent_registry::RegistrySettings;
use anchor_lang::prelude::Pubkey;
use exchange::state::{ExchangeConfig, ExchangeSettings};

/// The exchange's current settings (what `config_update` would set to leave it unchanged).
pub fn exchange(config: &ExchangeConfig) -> ExchangeSettings {
    let listed = |m: &&Pubkey| **m != Pubkey::default();
    ExchangeSettings {
        rerank_window_slots: config.rerank_window_slots,
        min_bid_bond: config.min_bid_bond,
        freezable_mints: config.freezable_mints.iter().filter(listed).copied().collect(),
        paused: config.is_paused(),
        execution_grace_slots: config.execution_grace_slots,
        dispute_window_slots: config.dispute_window_slots,
        neutral_rating_bps: config.neutral_rating_bps,
        reputation_mints: config
            .reputation_mints
            .iter()
            .filter(|m| m.mint != Pubkey::default())
            .map(|m| (*m).into())
            .collect(),
        arbitrator: config.arbitrator,
        arbitration_window_slots: config.arbitration_window_slots,
        failover_slash_bps: config.failover_slash_bps,
        failover_reward_bps: config.failover_reward_bps,
        decline_slash_bps: config.decline_slash_bps,
        reauction_bid_window_slots: config.reauction_bid_window_slots,
        reauction_reveal_window_slots: config.reauction_reveal_window_slots,
        reputation_fee_bps: config.reputation_fee_bps,
        probation_bond_multiplier: config.probation_bond_multiplier,
        probation_max_completed: config.probation_max_completed,
        reply_window_slots: config.reply_window_slots,
        reply_bond: config.reply_bond,
    }
}

/// The registry's current settings.
pub fn registry(config: &RegistryConfig) -> RegistrySettings {
    RegistrySettings {
        unstake_cooldown_slots: config.unstake_cooldown_slots,
        heartbeat_timeout_slots: config.heartbeat_timeout_slots,
        reputation_prior_value: config.reputation_prior_value,
        reputation_prior_bps: config.reputation_prior_bps,
        reputation_slash_weight: config.reputation_slash_weight,
        reputation_reliability_weight_bps: config.reputation_reliability_weight_bps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applying_the_settings_read_back_changes_nothing() {
        let mut s = crate::ix::exchange::default_settings();
        s.freezable_mints = vec![Pubkey::new_unique()];
        s.reputation_mints = vec![exchange::ReputationMint { mint: Pubkey::new_unique(), weight_bps: 7_000 }];
        s.arbitrator = Pubkey::new_unique();
        s.reputation_fee_bps = 123;
        let mut config: ExchangeConfig = zeroed_config();
        config.initialize(Pubkey::new_unique(), &s, 255, 254).unwrap();
        assert_eq!(exchange(&config), s);
    }

    /// An all-zero config (zero-copy, not `Default`): only to be filled by `initialize`.
    fn zeroed_config() -> ExchangeConfig {
        bytemuck::Zeroable::zeroed()
    }
}
