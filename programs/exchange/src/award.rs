//! Awarding an intent to the head of its leaderboard: the payment by auction kind and the lock
//! of the winner's required stake in the registry, by CPI signed by the exchange authority PDA.
use agent_registry::program::AgentRegistry;
use agent_registry::state::Agent;
use anchor_lang::prelude::*;

use crate::events::AuctionAwarded;
use crate::seeds;
use crate::state::{ExchangeConfig, Intent};

/// The accounts a stake lock needs.
pub struct StakeLockAccounts<'a, 'info> {
    pub config: &'a Account<'info, ExchangeConfig>,
    pub exchange_authority: &'a AccountInfo<'info>,
    pub registry_config: &'a AccountInfo<'info>,
    pub registry_program: &'a Program<'info, AgentRegistry>,
    pub agent: &'a Account<'info, Agent>,
}

/// Awards `intent` (already checked: open, head == `accounts.agent`, stake sufficient) and
/// locks `min_stake` of the winner's stake.
pub fn award_head(
    intent_key: Pubkey,
    intent: &mut Intent,
    accounts: StakeLockAccounts,
    now: u64,
) -> Result<()> {
    let payment = intent.payment_for_head()?;
    let head = intent.award(payment, now)?;
    intent.invariant()?;
    let amount = intent.min_stake;
    if amount > 0 {
        let bump = [accounts.config.authority_bump];
        let signer: &[&[u8]] = &[seeds::AUTHORITY, &bump];
        agent_registry::cpi::stake_lock(
            CpiContext::new_with_signer(
                accounts.registry_program.key(),
                agent_registry::cpi::accounts::StakeLock {
                    operator: accounts.exchange_authority.clone(),
                    config: accounts.registry_config.clone(),
                    agent: accounts.agent.to_account_info(),
                },
                &[signer],
            ),
            agent_registry::StakeAmountArgs { amount },
        )?;
    }
    emit!(AuctionAwarded {
        intent: intent_key,
        bid: head.bid,
        agent: head.agent,
        payment,
        stake_locked: amount,
        slot: now
    });
    Ok(())
}
