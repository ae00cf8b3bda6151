//! Settlement: what the head is paid, the award, and the ends without a winner.
use anchor_lang::prelude::*;

use super::{AuctionKind, BidderKind, Intent, IntentStatus, LeaderboardEntry};
use crate::error::ExchangeError;

impl Intent {
    /// What the head of the board is paid under this auction kind.
    pub fn payment_for_head(&self) -> Result<u64> {
        let payment =
            self.head_payment(self.kind()?).ok_or_else(|| error!(ExchangeError::AuctionNoValidBid))?;
        payment.map(|p| p.0).map_err(|_| error!(ExchangeError::AuctionPaymentInvalid))
    }

    /// The head's payment by `agx_core::payment` against the current runner-up (`None`: empty
    /// board). The SDK's `verify_auction` recomputes with the same call.
    pub fn head_payment(
        &self,
        kind: AuctionKind,
    ) -> Option<core::result::Result<agx_core::TokenAtoms, agx_core::vickrey::PaymentError>> {
        let ranked = self.ranked();
        let head = ranked.first()?;
        let winner = agx_core::vickrey::Winner {
            terms: head.terms(),
            reputation: head.reputation,
            tiebreak: head.tiebreak,
        };
        let runner_up = ranked.get(1).map(LeaderboardEntry::rank_key);
        Some(agx_core::payment::payment(
            kind.pricing(self.vickrey_premium_cap_bps),
            &self.weights(),
            &self.limits(),
            &winner,
            runner_up.as_ref(),
        ))
    }

    /// The execution deadline of a job handed at `now` to a bid promising `latency` slots:
    /// `now + latency + grace` (`None` if it does not fit in a slot number).
    pub fn deadline_for(latency: u64, now: u64, grace: u64) -> Option<u64> {
        now.checked_add(latency)?.checked_add(grace)
    }

    /// The head's payment, when the head can be handed the job at `now`: its payment computes,
    /// lies in `[ask, max_price]`, and its deadline fits (`None` otherwise). A head whose terms
    /// cannot be awarded is dropped like one whose agent no longer qualifies, so no bid can
    /// freeze settlement (the creation and bid bounds make this unreachable; it is the last
    /// line).
    pub fn head_award_payment(&self, now: u64, grace: u64) -> Option<u64> {
        let head = self.ranked().first()?;
        let payment = self.payment_for_head().ok().filter(|p| *p >= head.price && *p <= self.max_price)?;
        Self::deadline_for(head.latency, now, grace).map(|_| payment)
    }

    /// The runner-up whose stake is locked as standby on award: under Vickrey it sets the price,
    /// so it must be accountable for it (`docs/exchange.md`).
    pub fn standby(&self) -> Result<Option<LeaderboardEntry>> {
        Ok(match self.kind()? {
            AuctionKind::VickreySealed => self.ranked().get(1).copied(),
            AuctionKind::FirstPriceSealed | AuctionKind::Continuous | AuctionKind::Direct => None,
        })
    }

    /// A direct hire's offer ends at `now` (declined): the window closes, so the intent can be
    /// expired or cancelled at once.
    pub fn end_offer(&mut self, now: u64) -> Result<()> {
        require!(self.kind()? == AuctionKind::Direct, ExchangeError::HireNotOffered);
        self.commit_end_slot = now;
        self.reveal_end_slot = now;
        Ok(())
    }

    /// A direct hire taken by its named agent (`hire_accept`, `hire_from_offer`): `entry` (the
    /// hire's terms, at the max price) is the whole board and is awarded at once to `authority`.
    /// The intent's own address (`key`) stands for the bid: a hire opens no bid account, so it is
    /// counted as a bid made and revealed but not as one open.
    pub fn take_hire(
        &mut self,
        key: Pubkey,
        entry: LeaderboardEntry,
        authority: Pubkey,
        now: u64,
        grace: u64,
    ) -> Result<LeaderboardEntry> {
        require!(self.kind()? == AuctionKind::Direct, ExchangeError::HireNotOffered);
        require!(self.leaderboard_len == 0 && entry.bid == key, ExchangeError::IntentCorrupt);
        self.leaderboard[0] = entry;
        self.leaderboard_len = 1;
        self.bid_count =
            self.bid_count.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.reveal_count =
            self.reveal_count.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.award(self.max_price, authority, now, grace)
    }

    /// Is the job (awarded, or past it) a direct hire's? Its winner then holds no bid account
    /// (`winner_bid` is the intent's own address) and its engagement of the agent ends with the
    /// job's outcome. A failed hire re-auctions as a continuous auction, so this ends with it.
    pub fn is_hired(&self) -> Result<bool> {
        Ok(self.kind()? == AuctionKind::Direct)
    }

    /// The awarded job is held by a coalition of `members` members: each marks its part done
    /// before the lead submits.
    pub fn hold_by_coalition(&mut self, members: u8) -> Result<()> {
        require!(
            self.status()? == IntentStatus::Awarded && self.winner_kind == BidderKind::Coalition.to_u8(),
            ExchangeError::IntentCorrupt
        );
        require!(
            (1..=agx_core::coalition::MAX_MEMBERS).contains(&usize::from(members)),
            ExchangeError::IntentCorrupt
        );
        self.coalition_members = members;
        self.parts_done = 0;
        Ok(())
    }

    /// Is the job held by a coalition?
    pub fn held_by_coalition(&self) -> bool {
        self.winner_kind == BidderKind::Coalition.to_u8()
    }

    /// Member `index` of the coalition holding the job marked its part done
    /// (`CoalitionPartAlreadyDone` the second time).
    pub fn mark_part_done(&mut self, index: usize) -> Result<()> {
        require!(
            self.status()? == IntentStatus::Awarded && self.held_by_coalition(),
            ExchangeError::CoalitionJobNotHeld
        );
        require!(index < usize::from(self.coalition_members), ExchangeError::CoalitionNotMember);
        require!(self.parts_done >> index & 1 == 0, ExchangeError::CoalitionPartAlreadyDone);
        self.parts_done |= 1 << index;
        Ok(())
    }

    /// Every part is done (always, for a job not held by a coalition).
    pub fn parts_all_done(&self) -> bool {
        !self.held_by_coalition()
            || u16::from(self.parts_done) == (1u16 << self.coalition_members).saturating_sub(1)
    }

    /// Awards the job to the head of the board, with the price-setting runner-up as standby; the
    /// winner must submit before `now + its promised latency + grace`.
    pub fn award(
        &mut self,
        payment: u64,
        authority: Pubkey,
        now: u64,
        grace: u64,
    ) -> Result<LeaderboardEntry> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        self.require_rerank_closed(now)?;
        let standby = self.standby()?.unwrap_or_default();
        let head = self.hand_job_to_head(payment, authority, standby, now, grace)?;
        self.status = IntentStatus::Awarded.to_u8();
        Ok(head)
    }

    /// The head of the board holds the job (of `authority`, paid `payment`, due `now + its
    /// latency + grace`), with `standby` (default: none). Shared by the award and a failover's
    /// promotion.
    pub(super) fn hand_job_to_head(
        &mut self,
        payment: u64,
        authority: Pubkey,
        standby: LeaderboardEntry,
        now: u64,
        grace: u64,
    ) -> Result<LeaderboardEntry> {
        let head = *self.ranked().first().ok_or_else(|| error!(ExchangeError::AuctionNoValidBid))?;
        require!(
            payment >= head.price && payment <= self.max_price,
            ExchangeError::AuctionPaymentOutOfBounds
        );
        self.winner_agent = head.agent;
        self.winner_kind = head.bidder_kind;
        // A coalition's member count is set by the award that locks its members (`hold_by`).
        self.coalition_members = 0;
        self.parts_done = 0;
        self.winner_bid = head.bid;
        self.winner_authority = authority;
        self.standby_agent = standby.agent;
        self.standby_bid = standby.bid;
        self.payment = payment;
        self.award_slot = now;
        self.execution_deadline_slot = Self::deadline_for(head.latency, now, grace)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(head)
    }

    /// No valid bid: the whole escrow goes back.
    pub fn expire(&mut self, now: u64) -> Result<u64> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        require!(self.leaderboard_len == 0, ExchangeError::AuctionHasValidBids);
        self.require_rerank_closed(now)?;
        self.status = IntentStatus::Expired.to_u8();
        Ok(core::mem::take(&mut self.escrowed))
    }

    /// Withdrawn before any bid: the whole escrow goes back.
    pub fn cancel(&mut self) -> Result<u64> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        require!(self.bid_count == 0, ExchangeError::IntentHasBids);
        self.status = IntentStatus::Cancelled.to_u8();
        Ok(core::mem::take(&mut self.escrowed))
    }
}
