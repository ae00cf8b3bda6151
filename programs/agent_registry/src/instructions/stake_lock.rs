//! `stake_lock` (operator only): holds part of an agent's free stake for a job, and optionally
//! the same amount of a standby agent's (the exchange's runner-up that would take the job over),
//! in one call so an award costs one CPI.
//!
//! Rules: signed by the config's operator; positive amount, at most each agent's free stake; the
//! standby is another agent (`AgentRepeated`).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::StakeLocked;
use crate::seeds;
use crate::state::{AgentInPlace, OperatorView};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct StakeAmountArgs {
    pub amount: u64,
}

/// Accounts of `stake_lock` (the first four of `outcome_settle`'s): the operator, and the agent
/// that holds a job with, optionally, the job's standby.
///
/// The exchange calls these operator paths by CPI on every award and outcome, so the config and
/// the agents are read and written in place (`OperatorView`, `AgentInPlace`: ~2,500 CU less per
/// agent than a Borsh round trip). Owner + discriminator identify the one config (only
/// `config_init` creates one, at its PDA) and any agent (only `agent_register` creates them, at
/// their PDA), so the seeds are not re-derived (~1,500 CU each).
#[derive(Accounts)]
pub struct AgentJob<'info> {
    pub operator: Signer<'info>,

    /// CHECK: read by `OperatorView::load`: owned by the registry, a `RegistryConfig`, and
    /// naming `operator` as its operator.
    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: UncheckedAccount<'info>,

    /// CHECK: opened by `AgentInPlace::load`: owned by the registry, an `Agent`.
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    /// CHECK: a second agent whose stake is locked as well, opened as `agent` is; never `agent`
    /// itself (`AgentRepeated`).
    #[account(mut)]
    pub standby: Option<UncheckedAccount<'info>>,
}

/// Refuses the same agent twice in one call (its ledger would be written twice, the second
/// write losing the first).
pub fn require_distinct(agents: &[Option<&AccountInfo>]) -> Result<()> {
    let keys = agents.iter().flatten().map(|a| a.key);
    for (i, key) in keys.clone().enumerate() {
        require!(
            !keys.clone().skip(i.saturating_add(1)).any(|other| other == key),
            RegistryError::AgentRepeated
        );
    }
    Ok(())
}

impl<'info> AgentJob<'info> {
    pub fn lock(ctx: Context<Self>, args: StakeAmountArgs) -> Result<()> {
        let accounts = &ctx.accounts;
        OperatorView::load(&accounts.config, accounts.operator.key)?;
        require_distinct(&[Some(&*accounts.agent), accounts.standby.as_deref()])?;
        let agent = AgentInPlace::load(&accounts.agent)?;
        let standby = accounts.standby.as_deref().map(AgentInPlace::load).transpose()?;
        for mut agent in core::iter::once(agent).chain(standby) {
            agent.ledger.lock(args.amount)?;
            agent.store(None)?;
            emit!(StakeLocked { agent: agent.key(), amount: args.amount, locked: agent.ledger.locked });
        }
        Ok(())
    }
}
