//! Awarding an intent to the head of its leaderboard: the payment by auction kind and, in one
//! registry CPI, the lock of the winner's required stake and of the standby's (the Vickrey
//! runner-up that set the price).
use anchor_lang::prelude::*;

use crate::events::AuctionAwarded;
use crate::registry_cpi::RegistryAccounts;
use crate::state::{ExchangeConfig, Intent};

/// Awards `intent` at `payment` (already checked: open, head's agent is `agent`, of
/// `authority`, and qualifies, and its terms can be awarded: `Intent::head_award_payment`; under
/// Vickrey with a runner-up, `standby` is the runner-up's agent and qualifies) and locks
/// `min_stake` of each.
#[allow(clippy::too_many_arguments)]
pub fn award_head<'info>(
    intent_key: Pubkey,
    intent: &mut Intent,
    config: &ExchangeConfig,
    registry: &RegistryAccounts<'info>,
    agent: AccountInfo<'info>,
    authority: Pubkey,
    standby: Option<AccountInfo<'info>>,
    payment: u64,
    now: u64,
) -> Result<()> {
    let head = intent.award(payment, authority, now, config.execution_grace_slots)?;
    intent.invariant()?;
    let amount = intent.min_stake;
    let standby_agent = (intent.standby_agent != Pubkey::default()).then_some(intent.standby_agent);
    if amount > 0 {
        registry.lock(config, agent, standby, amount)?;
    }
    emit!(AuctionAwarded {
        intent: intent_key,
        bid: head.bid,
        agent: head.agent,
        payment,
        stake_locked: amount,
        slot: now,
        standby_agent,
    });
    Ok(())
}
