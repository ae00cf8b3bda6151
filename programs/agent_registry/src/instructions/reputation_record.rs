//! `reputation_record` (operator only): adds a job's outcome to an agent's history and
//! refreshes its reputation with `agx_core::reputation`.
//!
//! Rules: signed by the config's operator; a rating is at most 10,000 bps and only on a
//! completed job. Accounts are those of `agent_engage`.
use anchor_lang::prelude::*;

use crate::events::ReputationRecorded;
use crate::instructions::AgentEngagement;
use crate::state::OutcomeKind;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct ReputationRecordArgs {
    pub kind: OutcomeKind,
    /// Value of the job in token atoms (paid, or at stake when it failed).
    pub value: u64,
    /// The requester's rating of a completed job, bps.
    pub rating_bps: Option<u16>,
    /// The capabilities the job asked for (its per-capability histories, `agx_core::skills`).
    pub capabilities: u64,
}

impl AgentEngagement<'_> {
    pub fn record(ctx: Context<Self>, args: ReputationRecordArgs) -> Result<()> {
        ctx.accounts.in_place(|view, agent| {
            let recorded =
                agent.ledger.record(args.kind, args.value, args.rating_bps, false, &view.reputation)?;
            agent.record_skills(args.capabilities, recorded, &view.reputation)?;
            emit!(ReputationRecorded {
                agent: agent.key(),
                kind: args.kind,
                value: args.value,
                rating_bps: args.rating_bps,
                reputation: agent.ledger.reputation,
            });
            Ok(())
        })
    }
}
