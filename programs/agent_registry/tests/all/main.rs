//! Every LiteSVM test of `agent_registry`, one module per instruction and one per scenario, linked
//! into one binary (one link of LiteSVM and the SDK instead of one per file). A file is
//! still picked by its module: `cargo test -p agent_registry --test all stake_slash::`.
mod agent_close;
mod agent_deactivate;
mod agent_engage;
mod agent_heartbeat;
mod agent_offers_set;
mod agent_register;
mod agent_update;
mod config_init;
mod config_update;
mod error_codes;
mod outcome_settle;
mod outcome_settle_members;
mod reputation_correct;
mod reputation_record;
mod scenario_config_address;
mod stake_deposit;
mod stake_lock;
mod stake_lock_members;
mod stake_slash;
mod stake_unlock;
mod stake_unstake_request;
mod stake_withdraw;
