//! `failover_trigger` (permissionless, keeper-driven): moves a job on from a winner that missed
//! its execution deadline with no result, or whose agent has not heartbeated for the registry's
//! heartbeat timeout (counted from the award at the earliest, so a fresh award is never failed at
//! once; `agx_core::lifecycle::failover_due`). See `failover.rs` for what happens in it. The
//! caller earns one crank tip and the config's reward share of the slash.
//!
//! Rules: the intent is awarded (`FailoverNotAwarded`) and the failed agent is its winner
//! (`FailoverStale`: a crank that lost the race fails here, costing only its fee); the failover is
//! due (`FailoverNotDue`); the candidates (remaining accounts) are the agents of the board from
//! its head on, in order (`FailoverCandidateMissing`, `FailoverCandidateMismatch`); the winner's
//! bid is the intent's (`FailoverBidMismatch`); a slash needs its accounts
//! (`FailoverSlashAccountsMissing`: the caller's stake-mint account receives the reward) and a
//! requester compensation account that can receive (`CompensationAccountInvalid`; the requester's
//! associated account found unusable sends it to the caller), a failed standby its bid and vault
//! (`FailoverStandbyAccountsMissing`), the last failover the refund accounts
//! (`FailoverRefundAccountsMissing`); the registry config is the registry's
//! (`RegistryConfigInvalid`, by its address). Not stopped by a pause.
use agent_registry::state::RegistryConfig;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::failover::*;

#[derive(Accounts)]
pub struct FailoverTrigger<'info> {
    /// Whoever cranks; earns a crank tip and the reward share of the slash.
    #[account(mut)]
    pub caller: Signer<'info>,

    /// The caller's token account of the stake mint (its reward), when the failover slashes
    /// (`dup`: a requester cranking its own failover names its compensation account).
    /// CHECK: `token_view` reads the owner; the registry checks the mint.
    #[account(
        mut,
        dup,
        constraint = crate::token_view::read(caller_stake_tokens)?.owner == caller.key()
            @ ExchangeError::FailoverSlashAccountsMissing,
    )]
    pub caller_stake_tokens: Option<UncheckedAccount<'info>>,

    pub failover: Failover<'info>,
}

/// The registry's config (owner and discriminator: only the registry's `config_init` creates one).
fn registry_config(info: &AccountInfo) -> Result<RegistryConfig> {
    require_keys_eq!(*info.owner, agent_registry::ID, ExchangeError::FailoverRegistryConfigInvalid);
    let data = info.try_borrow_data()?;
    RegistryConfig::try_deserialize(&mut &data[..])
        .map_err(|_| error!(ExchangeError::FailoverRegistryConfigInvalid))
}

impl<'info> FailoverTrigger<'info> {
    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let accounts = &ctx.accounts;
        let failover = &accounts.failover;
        let registry_config = registry_config(&failover.registry.registry_config)?;
        let (_, last_heartbeat) = failover.answerable(ctx.remaining_accounts)?;
        let cause = {
            let intent = failover.intent.load()?;
            failover.require_current_winner(&intent)?;
            agx_core::lifecycle::failover_due(
                now,
                intent.award_slot,
                intent.execution_deadline_slot,
                last_heartbeat,
                registry_config.heartbeat_timeout_slots,
            )
            .ok_or_else(|| error!(ExchangeError::FailoverNotDue))?
        };
        let cause = match cause {
            agx_core::lifecycle::FailoverReason::DeadlineMissed => FailureCause::DeadlineMissed,
            agx_core::lifecycle::FailoverReason::Silent => FailureCause::Silent,
        };
        let (reward_bps, slash_bps) = {
            let config = failover.config.load()?;
            (config.failover_reward_bps, config.failover_slash_bps)
        };
        let reward = accounts
            .caller_stake_tokens
            .as_ref()
            .map(|to| Reward { to: to.to_account_info(), bps: reward_bps });
        failover.run(ctx.remaining_accounts, cause, slash_bps, reward, now)?;
        let tip = failover.intent.load_mut()?.take_tip();
        move_lamports(&failover.intent.to_account_info(), &accounts.caller.to_account_info(), tip)
    }
}
