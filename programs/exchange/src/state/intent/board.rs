//! The board: ranked bids, off-board bids, the bid accounts counted for closing.
use anchor_lang::prelude::*;

use super::{Intent, IntentStatus, LeaderboardEntry};
use crate::error::ExchangeError;

impl Intent {
    /// Inserts a scored bid in rank order (`agx_core::leaderboard::insert`). When the board is
    /// full, the lowest entry drops out (or the new one, if it ranks lowest); either way one more
    /// valid bid is off the board. Returns the new entry's position, if kept.
    pub fn insert_ranked(&mut self, entry: LeaderboardEntry) -> Result<Option<usize>> {
        let mut len = usize::from(self.leaderboard_len);
        let inserted = agx_core::leaderboard::insert(&mut self.leaderboard, &mut len, entry);
        self.leaderboard_len = u8::try_from(len).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        if inserted.dropped_off {
            self.off_board =
                self.off_board.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        }
        Ok(inserted.position)
    }

    /// Is `bid` on the board?
    pub fn is_ranked(&self, bid: &Pubkey) -> bool {
        self.ranked().iter().any(|e| e.bid == *bid)
    }

    /// Brings an off-board valid bid back onto the board (`bid_rerank`).
    pub fn rerank(&mut self, entry: LeaderboardEntry) -> Result<Option<usize>> {
        require!(!self.is_ranked(&entry.bid), ExchangeError::BidAlreadyOnBoard);
        self.off_board = self.off_board.checked_sub(1).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        self.insert_ranked(entry)
    }

    /// Drops the entry at `index` (0: the head, 1: the runner-up) whose agent no longer qualifies
    /// at settlement. While valid bids wait off the board, a re-rank window of `window` slots
    /// opens (or is extended) so they can take the free place before anything is awarded.
    pub fn disqualify(&mut self, index: usize, now: u64, window: u64) -> Result<LeaderboardEntry> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        let mut len = usize::from(self.leaderboard_len);
        let entry = agx_core::leaderboard::remove(
            &mut self.leaderboard,
            &mut len,
            index,
            LeaderboardEntry::default(),
        )
        .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        self.leaderboard_len = u8::try_from(len).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        if self.off_board > 0 {
            let end = now.checked_add(window).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
            self.rerank_end_slot = self.rerank_end_slot.max(end);
        }
        Ok(entry)
    }

    /// Nothing is awarded or expired while a re-rank window is open.
    pub fn require_rerank_closed(&self, now: u64) -> Result<()> {
        require!(now >= self.rerank_end_slot, ExchangeError::AuctionRerankWindowOpen);
        Ok(())
    }

    /// Sealed auctions: fixes the tie-break seed at the first reveal (`agx_core::tiebreak`).
    pub fn fix_tiebreak_seed(&mut self, seed: [u8; 32]) {
        if self.tiebreak_seeded == 0 {
            self.tiebreak_seed = seed;
            self.tiebreak_seeded = 1;
        }
    }

    /// Drops the head of the board (the failed winner, or a failover candidate that no longer
    /// qualifies).
    pub fn remove_head(&mut self) -> Result<LeaderboardEntry> {
        let mut len = usize::from(self.leaderboard_len);
        let head =
            agx_core::leaderboard::remove(&mut self.leaderboard, &mut len, 0, LeaderboardEntry::default())
                .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        self.leaderboard_len = u8::try_from(len).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        Ok(head)
    }

    /// A bid account was opened (committed or placed) on this intent.
    pub fn open_bid(&mut self) -> Result<()> {
        self.bid_count =
            self.bid_count.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.bids_open =
            self.bids_open.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// One of its bid accounts was closed.
    pub fn close_bid(&mut self) -> Result<()> {
        self.bids_open = self.bids_open.checked_sub(1).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        Ok(())
    }
}
