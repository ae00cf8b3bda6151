//! `reputation_correct` (operator only): replaces a rating recorded for a job with another,
//! overall and in each of the job's capabilities (`agx_core::reputation::History::correct`,
//! `agx_core::skills::Skills::correct`), and refreshes the reputation: the exchange calls it when
//! an agent's reply to a low rating is upheld in its favour (issue 25).
//!
//! Rules: signed by the config's operator; the history holds the rating replaced, for the value
//! the job counted (`ReputationCorrectionInvalid`). Accounts are those of `agent_engage`.
use anchor_lang::prelude::*;

use crate::events::ReputationCorrected;
use crate::instructions::AgentEngagement;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct ReputationCorrectArgs {
    /// The value the job's outcome counted (what `outcome_settle` returned).
    pub value: u64,
    /// The capabilities the job asked for.
    pub capabilities: u64,
    /// The rating recorded, bps.
    pub from_bps: u16,
    /// The rating that replaces it, bps.
    pub to_bps: u16,
}

impl AgentEngagement<'_> {
    pub fn correct(ctx: Context<Self>, args: ReputationCorrectArgs) -> Result<()> {
        ctx.accounts.in_place(|view, agent| {
            agent.ledger.correct(args.value, args.from_bps, args.to_bps, &view.reputation)?;
            agent.correct_skills(
                args.capabilities,
                args.value,
                args.from_bps,
                args.to_bps,
                &view.reputation,
            )?;
            emit!(ReputationCorrected {
                agent: agent.key(),
                value: args.value,
                from_bps: args.from_bps,
                to_bps: args.to_bps,
                reputation: agent.ledger.reputation,
            });
            Ok(())
        })
    }
}
