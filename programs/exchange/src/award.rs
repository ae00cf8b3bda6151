//! Awarding an intent to the head of its leaderboard: the payment by auction kind and, in one
//! registry CPI, the lock of the stake the job holds: the winner's required stake and the
//! standby's (the Vickrey runner-up that set the price), or each member's contribution when a
//! coalition wins.
use anchor_lang::prelude::*;

use crate::bidder::Holding;
use crate::events::AuctionAwarded;
use crate::registry_cpi::RegistryAccounts;
use crate::state::{ExchangeConfig, Intent};

/// The winner: its account (a registry agent or a coalition), what it holds the job with, and a
/// coalition's member agents (after the named accounts, in member order).
pub type Winner<'a, 'info> = (AccountInfo<'info>, &'a Holding, &'a [AccountInfo<'info>]);

/// Awards `intent` at `payment` (already checked: open, the head is `winner` and holds the job
/// (`bidder::holding`), its terms can be awarded: `Intent::head_award_payment`; under Vickrey
/// with a runner-up, `standby` is the runner-up's agent and qualifies) and locks the stake: the
/// intent's `min_stake` on an agent winner and its standby, each contribution on a coalition's
/// members.
#[allow(clippy::too_many_arguments)]
pub fn award_head<'info>(
    intent_key: Pubkey,
    intent: &mut Intent,
    config: &ExchangeConfig,
    registry: &RegistryAccounts<'info>,
    winner: Winner<'_, 'info>,
    standby: Option<AccountInfo<'info>>,
    payment: u64,
    now: u64,
) -> Result<()> {
    let (agent, holding, members) = winner;
    let head = intent.award(payment, holding.authority, now, config.execution_grace_slots)?;
    let standby_agent = (intent.standby_agent != Pubkey::default()).then_some(intent.standby_agent);
    let locked = if holding.is_coalition() {
        let count = u8::try_from(holding.contributions.len())
            .map_err(|_| error!(crate::error::ExchangeError::IntentCorrupt))?;
        intent.hold_by_coalition(count)?;
        intent.invariant()?;
        let total = holding
            .contributions
            .iter()
            .try_fold(0u64, |sum, c| sum.checked_add(*c))
            .ok_or_else(|| error!(crate::error::ExchangeError::ArithmeticOverflow))?;
        if total > 0 {
            let members = members.get(..holding.contributions.len()).unwrap_or(members);
            registry.lock_members(config, members, holding.contributions.clone())?;
        }
        total
    } else {
        intent.invariant()?;
        let amount = intent.min_stake;
        if amount > 0 {
            registry.lock(config, agent, standby, amount)?;
        }
        amount
    };
    emit!(AuctionAwarded {
        intent: intent_key,
        bid: head.bid,
        agent: head.agent,
        payment,
        stake_locked: locked,
        slot: now,
        standby_agent,
    });
    Ok(())
}
