//! `agent_heartbeat`: the agent proves it is alive; records the current slot and the progress of
//! the job it is working on (a winner that stops heartbeating is failed over once the config's
//! heartbeat timeout has passed).
//!
//! Reliability (issue 25): while the agent is working (stake held for a job, or a job reported
//! under way), a gap beyond the config's heartbeat timeout counts missed beats, and the next
//! completion counts as late; a beat that reports no progress since the last counts toward
//! `stalled_beats` (`AgentLedger::heartbeat`).
//!
//! Rules: signed by the agent's authority; the agent is active; progress at most 10,000 bps
//! (`AgentProgressOutOfRange`); `config` is the registry's (`ConfigAccountInvalid`).
use anchor_lang::prelude::*;

use crate::error::RegistryError;
use crate::events::AgentHeartbeat as AgentHeartbeatEvent;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

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

    /// The registry's config: its heartbeat timeout tells a missed beat.
    #[account(address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid)]
    pub config: Account<'info, RegistryConfig>,
}

impl AgentHeartbeat<'_> {
    pub fn handler(ctx: Context<Self>, args: AgentHeartbeatArgs) -> Result<()> {
        let slot = Clock::get()?.slot;
        let agent = &mut ctx.accounts.agent;
        agent.heartbeat(slot, args.progress_bps, ctx.accounts.config.heartbeat_timeout_slots)?;
        emit!(AgentHeartbeatEvent {
            agent: agent.key(),
            slot,
            progress_bps: args.progress_bps,
            stalled_beats: agent.stalled_beats,
            missed_heartbeats: agent.missed_heartbeats,
        });
        Ok(())
    }
}
