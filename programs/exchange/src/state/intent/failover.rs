//! Failover: the winner cut off, the next candidate promoted, a new round, or the end.
use anchor_lang::prelude::*;

use super::{AuctionKind, Intent, IntentStatus, LeaderboardEntry, LEADERBOARD_LEN};
use crate::error::ExchangeError;

impl Intent {
    /// The winner failed (deadline, silence or its own decline): it leaves the board and is cut
    /// off this intent for good; its stake hold is released by the caller (less the slash).
    pub fn fail_winner(&mut self) -> Result<LeaderboardEntry> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::FailoverNotAwarded);
        let head = self.remove_head()?;
        require_keys_eq!(head.agent, self.winner_agent, ExchangeError::IntentCorrupt);
        let slot = self
            .excluded
            .get_mut(usize::from(self.excluded_len))
            .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        *slot = head.agent;
        self.excluded_len =
            self.excluded_len.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.failovers =
            self.failovers.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(head)
    }

    /// A failover candidate that no longer qualifies (or the failed standby) leaves the board
    /// without taking the job; counted so that its off-board bid is explained.
    pub fn pass_over_head(&mut self) -> Result<LeaderboardEntry> {
        let head = self.remove_head()?;
        self.passed_over =
            self.passed_over.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(head)
    }

    /// Have all allowed failovers been used?
    pub fn failovers_exhausted(&self) -> bool {
        self.failovers >= self.max_failovers
    }

    /// Does a failover at `now` end the intent (refunded) instead of handing the job on: every
    /// allowed failover used, or the whole intent's deadline reached?
    pub fn failovers_end(&self, now: u64) -> bool {
        self.failovers_exhausted() || (self.deadline_slot != 0 && now >= self.deadline_slot)
    }

    /// After a failover the head of the board takes the job: paid `payment` (by the auction
    /// kind against the board as it is now: `head_award_payment`), due `now + its latency +
    /// grace`, with no standby.
    pub fn promote_head(
        &mut self,
        payment: u64,
        authority: Pubkey,
        now: u64,
        grace: u64,
    ) -> Result<LeaderboardEntry> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::FailoverNotAwarded);
        self.hand_job_to_head(payment, authority, LeaderboardEntry::default(), now, grace)
    }

    /// No candidate is left: the intent reopens as a new auction round with short windows; the
    /// cut-off agents stay cut off, earlier rounds' bids stay closable. A direct hire has no one
    /// else to offer the job to: it reopens as a continuous auction (its tie-break seed, the
    /// intent's address, was fixed at creation).
    pub fn reauction(&mut self, now: u64, bid_window: u64, reveal_window: u64) -> Result<()> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::FailoverNotAwarded);
        if self.kind()? == AuctionKind::Direct {
            self.auction_kind = AuctionKind::Continuous.to_u8();
        }
        let sealed = self.kind()?.is_sealed();
        let commit_end =
            now.checked_add(bid_window).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        let reveal_end = if sealed {
            commit_end.checked_add(reveal_window).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?
        } else {
            commit_end
        };
        self.status = IntentStatus::Open.to_u8();
        self.round = self.round.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.commit_end_slot = commit_end;
        self.reveal_end_slot = reveal_end;
        self.rerank_end_slot = 0;
        self.leaderboard = [LeaderboardEntry::default(); LEADERBOARD_LEN];
        self.leaderboard_len = 0;
        self.off_board = 0;
        self.passed_over = 0;
        self.winner_agent = Pubkey::default();
        self.winner_bid = Pubkey::default();
        self.winner_authority = Pubkey::default();
        self.standby_agent = Pubkey::default();
        self.standby_bid = Pubkey::default();
        self.payment = 0;
        self.award_slot = 0;
        self.execution_deadline_slot = 0;
        if sealed {
            self.tiebreak_seed = [0; 32];
            self.tiebreak_seeded = 0;
        }
        Ok(())
    }

    /// Every allowed failover was used: the intent fails and the whole escrow goes back.
    pub fn fail(&mut self) -> Result<u64> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::FailoverNotAwarded);
        self.status = IntentStatus::Failed.to_u8();
        self.standby_agent = Pubkey::default();
        self.standby_bid = Pubkey::default();
        Ok(core::mem::take(&mut self.escrowed))
    }

    /// Is `agent` cut off this intent by a failover?
    pub fn is_excluded(&self, agent: &Pubkey) -> bool {
        self.excluded[..usize::from(self.excluded_len).min(self.excluded.len())].contains(agent)
    }
}
