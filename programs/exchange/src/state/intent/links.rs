//! Links: the budget that paid an intent's escrow, and the parent intent it is a part of.
use anchor_lang::prelude::*;

use super::{Intent, IntentStatus};
use crate::error::ExchangeError;

impl Intent {
    /// The budget that paid the escrow (and takes the refunds), if one did: a wallet-funded
    /// intent's refunds belong to its requester.
    pub fn funding_budget(&self) -> Option<Pubkey> {
        (self.refund_owner != self.requester).then_some(self.refund_owner)
    }

    /// The intent this one is a part of, if any.
    pub fn parent(&self) -> Option<Pubkey> {
        (self.parent != Pubkey::default()).then_some(self.parent)
    }

    /// `child` (posted by `poster`) becomes a part of this intent (at `parent_key`): this intent
    /// is awarded to `poster`'s agent, the child is `poster`'s own, open, without a bid or a
    /// parent yet, and its auction plus its slowest delivery end by the slot this intent's
    /// winner promised (award slot + promised latency). Both deadlines add the same execution
    /// grace, so a child's first winner is due before the parent's; a failover of the child
    /// adds a new winner's time, which the coordinator answers for.
    pub fn adopt(&mut self, parent_key: Pubkey, child: &mut Intent, poster: Pubkey) -> Result<()> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::ParentNotAwarded);
        require_keys_eq!(self.winner_authority, poster, ExchangeError::ParentNotPostersJob);
        require_keys_eq!(child.requester, poster, ExchangeError::ChildNotPosters);
        require!(child.status()? == IntentStatus::Open && child.bid_count == 0, ExchangeError::ChildNotFresh);
        require!(child.parent().is_none(), ExchangeError::ChildAlreadyLinked);
        let child_latest = child
            .reveal_end_slot
            .checked_add(child.max_latency)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        let winner = self.ranked().first().ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        let promised = self
            .award_slot
            .checked_add(winner.latency)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        require_gte!(promised, child_latest, ExchangeError::ChildOutlastsParent);
        self.live_children =
            self.live_children.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        child.parent = parent_key;
        Ok(())
    }

    /// A child of this intent closed.
    pub fn release_child(&mut self) -> Result<()> {
        self.live_children =
            self.live_children.checked_sub(1).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        Ok(())
    }
}
