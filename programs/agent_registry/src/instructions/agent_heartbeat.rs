//! `agent_heartbeat`: the agent proves it is alive; records the current slot and the progress of
//! the job it is working on (a winner that stops heartbeating is failed over once the config's
//! heartbeat timeout has passed).
//!
//! Rules: signed by the agent's authority; the agent is active; progress at most 10,000 bps
//! (`AgentProgressOutOfRange`).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentHeartbeat as AgentHeartbeatEvent;
use crate::seeds;
use crate::state::Agent;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct AgentHeartbeatArgs {
    /// Progress of the current job, bps (0 when idle).
    pub progress_bps: u16,
}

#[derive(Accounts)]
pub struct AgentHeartbeat<'info> {
    pub authority: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,
}

impl AgentHeartbeat<'_> {
    pub fn handler(ctx: Context<Self>, args: AgentHeartbeatArgs) -> Result<()> {
        let slot = Clock::get()?.slot;
        let agent = &mut ctx.accounts.agent;
        agent.heartbeat(slot, args.progress_bps)?;
        emit!(AgentHeartbeatEvent { agent: agent.key(), slot, progress_bps: args.progress_bps });
        Ok(())
    }
}
