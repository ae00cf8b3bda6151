//! `reputation_record` (operator only): adds a job's outcome to an agent's history and
//! refreshes its reputation with `agx_core::reputation`.
//!
//! Rules: signed by the config's operator; a rating is at most 10,000 bps and only on a
//! completed job.
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::ReputationRecorded;
use crate::state::{Agent, OutcomeKind, RegistryConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct ReputationRecordArgs {
    pub kind: OutcomeKind,
    /// Value of the job in token atoms (paid, or at stake when it failed).
    pub value: u64,
    /// The requester's rating of a completed job, bps.
    pub rating_bps: Option<u16>,
}

#[derive(Accounts)]
pub struct ReputationRecord<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA)
    // and any agent (only `agent_register` creates them, at their PDA): on these operator paths,
    // which the exchange calls by CPI, the seeds are not re-derived (~1,500 CU each).
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,
}

impl ReputationRecord<'_> {
    pub fn handler(ctx: Context<Self>, args: ReputationRecordArgs) -> Result<()> {
        let params = ctx.accounts.config.reputation_params();
        let agent = &mut ctx.accounts.agent;
        agent.record(args.kind, args.value, args.rating_bps, &params)?;
        agent.invariant(None)?;
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
