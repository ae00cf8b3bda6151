//! `outcome_settle` (operator only): everything the registry records when a job ends, in one
//! call so the exchange makes one CPI per outcome: the stake held for the job is released (the
//! winner's and, when there was one, the standby's), and the outcome enters the winner's
//! reputation.
//!
//! Rules: signed by the config's operator; `unlock` at most each agent's locked stake (0: nothing
//! was locked); the standby is another agent; a rating at most 10,000 bps and only on a completed
//! job (as `reputation_record`). Accounts are those of `stake_lock`.
use anchor_lang::prelude::*;

use crate::events::{ReputationRecorded, StakeUnlocked};
use crate::instructions::AgentJob;
use crate::state::OutcomeKind;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct OutcomeSettleArgs {
    /// Atoms of stake to release on the agent (and on the standby).
    pub unlock: u64,
    pub kind: OutcomeKind,
    /// Value of the job in token atoms (paid, or at stake when it failed).
    pub value: u64,
    /// The requester's rating of a completed job, bps.
    pub rating_bps: Option<u16>,
}

impl AgentJob<'_> {
    pub fn settle_outcome(ctx: Context<Self>, args: OutcomeSettleArgs) -> Result<()> {
        let params = ctx.accounts.config.reputation_params();
        let accounts = ctx.accounts;
        if args.unlock > 0 {
            for agent in core::iter::once(&mut accounts.agent).chain(accounts.standby.as_mut()) {
                agent.unlock(args.unlock)?;
                emit!(StakeUnlocked { agent: agent.key(), amount: args.unlock, locked: agent.locked });
            }
        }
        accounts.agent.record(args.kind, args.value, args.rating_bps, &params)?;
        for agent in core::iter::once(&accounts.agent).chain(accounts.standby.as_ref()) {
            agent.invariant(None)?;
        }
        let agent = &accounts.agent;
        emit!(ReputationRecorded {
            agent: agent.key(),
            kind: args.kind,
            value: args.value,
            rating_bps: args.rating_bps,
            reputation: agent.reputation,
        });
        Ok(())
    }
}
