//! `coalition_part_done`: a member of the coalition holding a job marks its part of the plan
//! done. The lead submits the result only once every member has (`CoalitionPartsNotDone`), so a
//! requester sees which part is late, and a failover slashes only the members whose part was not
//! done.
//!
//! Rules: the intent is awarded to this coalition (`CoalitionJobNotHeld`); the agent is a
//! registry agent (`CoalitionNotMember` otherwise) of the signer (`CoalitionSignerNotAuthority`)
//! and a member (`CoalitionNotMember`); once per member (`CoalitionPartAlreadyDone`). Allowed
//! while the exchange is paused: delivery never waits on a pause. One `CoalitionPartMarked` event.
use agent_registry::state::AgentView;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::CoalitionPartMarked;
use crate::state::{Coalition, Intent};

#[derive(Accounts)]
pub struct CoalitionPartDone<'info> {
    pub authority: Signer<'info>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    pub coalition: AccountLoader<'info, Coalition>,

    /// CHECK: the member, a registry `Agent` of `authority` (`AgentView::of`, `handler`).
    pub agent: UncheckedAccount<'info>,
}

impl CoalitionPartDone<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let agent =
            AgentView::of(&accounts.agent).ok_or_else(|| error!(ExchangeError::CoalitionNotMember))?;
        require_keys_eq!(
            agent.authority,
            accounts.authority.key(),
            ExchangeError::CoalitionSignerNotAuthority
        );
        let index = accounts.coalition.load()?.member_index(&accounts.agent.key())?;
        let mut intent = accounts.intent.load_mut()?;
        require_keys_eq!(intent.winner_agent, accounts.coalition.key(), ExchangeError::CoalitionJobNotHeld);
        intent.mark_part_done(index)?;
        intent.invariant()?;
        emit!(CoalitionPartMarked {
            intent: accounts.intent.key(),
            coalition: accounts.coalition.key(),
            agent: accounts.agent.key(),
            parts_done: intent.parts_done,
            all_done: intent.parts_all_done(),
        });
        Ok(())
    }
}
