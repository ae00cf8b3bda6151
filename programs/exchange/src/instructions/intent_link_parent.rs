//! `intent_link_parent`: the agent holding a job makes one of its own new intents a part of it
//! (a sub-intent: seed 002's lots, one winner each). Sent in the transaction that posts the
//! child (`intent_create` or `intent_create_from_budget`).
//!
//! Rules: signed by the parent's winner's authority (`ParentNotPostersJob`), the parent awarded
//! (`ParentNotAwarded`); the child posted by the signer (`ChildNotPosters`), open without a bid
//! (`ChildNotFresh`) and without a parent (`ChildAlreadyLinked`); the child's auction end plus
//! its max latency at most the slot the parent's winner promised (`ChildOutlastsParent`). Until the
//! child closes, the parent's winner cannot submit (`ResultChildrenLive`). One `IntentLinked`.
use anchor_lang::prelude::*;

use crate::events::IntentLinked;
use crate::state::Intent;

#[derive(Accounts)]
pub struct IntentLinkParent<'info> {
    /// The parent's winner's authority, and the child's requester.
    pub poster: Signer<'info>,

    #[account(mut)]
    pub parent: AccountLoader<'info, Intent>,

    #[account(mut)]
    pub child: AccountLoader<'info, Intent>,
}

impl IntentLinkParent<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let mut parent = accounts.parent.load_mut()?;
        let mut child = accounts.child.load_mut()?;
        parent.adopt(accounts.parent.key(), &mut child, accounts.poster.key())?;
        parent.invariant()?;
        child.invariant()?;
        emit!(IntentLinked {
            parent: accounts.parent.key(),
            child: accounts.child.key(),
            live_children: parent.live_children,
        });
        Ok(())
    }
}
