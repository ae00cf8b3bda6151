use agx_core::score::{BidTerms, Limits, RankKey, Weights};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// Ranked bids kept in the intent: reveal and settlement cost the same for 1 bid or 10,000,
/// and the failover candidates are already ranked.
pub const LEADERBOARD_LEN: usize = 8;
/// Longest context URI, in bytes.
pub const MAX_CONTEXT_URI_LEN: usize = 200;
/// Most failovers an intent may allow.
pub const MAX_FAILOVERS: u8 = 8;

/// How the winner is chosen and paid. Stored in the intent as its `u8` discriminant.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AuctionKind {
    /// Sealed bids; the winner is paid its ask.
    FirstPriceSealed,
    /// Sealed bids; the winner is paid the second-score price (`agx_core::vickrey`).
    VickreySealed,
    /// Bids in the clear; the first reaching the score threshold wins at once at its ask,
    /// otherwise the best when the window closes.
    Continuous,
}

impl AuctionKind {
    /// Every kind, in discriminant order (a unit test pins `ALL[i] as u8 == i`).
    pub const ALL: [Self; 3] =
        [AuctionKind::FirstPriceSealed, AuctionKind::VickreySealed, AuctionKind::Continuous];

    pub fn to_u8(self) -> u8 {
        self as u8
    }

    pub fn from_u8(value: u8) -> Result<Self> {
        Self::ALL.get(usize::from(value)).copied().ok_or(error!(ExchangeError::IntentAuctionKindUnknown))
    }

    pub fn is_sealed(self) -> bool {
        self != AuctionKind::Continuous
    }

    /// How this kind prices its winner.
    pub fn pricing(self) -> agx_core::payment::Pricing {
        match self {
            AuctionKind::FirstPriceSealed | AuctionKind::Continuous => agx_core::payment::Pricing::Ask,
            AuctionKind::VickreySealed => agx_core::payment::Pricing::SecondScore,
        }
    }
}

/// Where an intent is in its life. Stored in the intent as its `u8` discriminant; new statuses
/// are appended (and to `ALL`), never inserted.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum IntentStatus {
    /// Taking bids (commits, then reveals, for sealed auctions).
    Open,
    /// A winner holds the job.
    Awarded,
    /// No valid bid; fully refunded.
    Expired,
    /// Withdrawn by the requester before any bid; fully refunded.
    Cancelled,
    /// The winner submitted its result; the requester accepts (or, later, disputes) it within
    /// the dispute window, else anyone finalizes it.
    Submitted,
    /// Paid out pro rata to fulfilment, the rest refunded; stake released, reputation recorded.
    Completed,
}

impl IntentStatus {
    /// Every status, in discriminant order (a unit test pins `ALL[i] as u8 == i`).
    pub const ALL: [Self; 6] = [
        IntentStatus::Open,
        IntentStatus::Awarded,
        IntentStatus::Expired,
        IntentStatus::Cancelled,
        IntentStatus::Submitted,
        IntentStatus::Completed,
    ];

    /// Nothing more happens to the job: its accounts may close.
    pub fn is_terminal(self) -> bool {
        matches!(self, IntentStatus::Expired | IntentStatus::Cancelled | IntentStatus::Completed)
    }

    pub fn to_u8(self) -> u8 {
        self as u8
    }

    pub fn from_u8(value: u8) -> Result<Self> {
        Self::ALL.get(usize::from(value)).copied().ok_or(error!(ExchangeError::IntentStatusUnknown))
    }
}

/// One ranked bid: everything needed to recompute its rank and, for the head, its payment.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LeaderboardEntry {
    pub bid: Pubkey,
    pub agent: Pubkey,
    pub commitment: [u8; 32],
    /// Ask in token atoms.
    pub price: u64,
    /// Promised latency in slots.
    pub latency: u64,
    /// Total score in bps.
    pub score: u16,
    /// The agent's reputation when the bid was scored, bps.
    pub reputation: u16,
    /// Promised quality, bps.
    pub quality_bps: u16,
    pub padding: [u8; 2],
}

impl LeaderboardEntry {
    pub fn rank_key(&self) -> RankKey {
        RankKey {
            score: self.score,
            reputation: self.reputation,
            latency: self.latency,
            commitment: self.commitment,
        }
    }

    pub fn terms(&self) -> BidTerms {
        BidTerms { price: self.price, quality_bps: self.quality_bps, latency: self.latency }
    }
}

/// An intent: what the requester wants, the money in escrow and the ranked bids.
/// PDA `[seeds::INTENT, requester, intent_id]`; zero-copy (1.6 KB, hot in every bid).
#[account(zero_copy)]
#[derive(Debug)]
pub struct Intent {
    pub intent_id: u64,
    /// Capabilities a bidding agent must all have (bitmask).
    pub required_capabilities: u64,
    /// Free stake a bidding agent must have, atoms of the stake mint; locked on award.
    pub min_stake: u64,
    /// Most the requester pays, atoms of `mint`; deposited in escrow at creation.
    pub max_price: u64,
    /// Slowest acceptable delivery, slots.
    pub max_latency: u64,
    pub created_slot: u64,
    /// Sealed: last slot + 1 for commits. Continuous: last slot + 1 for bids.
    pub commit_end_slot: u64,
    /// Sealed: last slot + 1 for reveals. Continuous: equal to `commit_end_slot`.
    pub reveal_end_slot: u64,
    /// Lamports each bid deposits; returned on reveal, forfeited to the requester otherwise.
    pub bid_bond: u64,
    /// Lamports paid to whoever settles the auction.
    pub keeper_tip: u64,
    /// Atoms held in escrow.
    pub escrowed: u64,
    /// What the winner will be paid, atoms (set on award).
    pub payment: u64,
    pub award_slot: u64,
    /// Bids committed (sealed) or placed (continuous).
    pub bid_count: u64,
    /// Valid reveals (sealed) or valid placed bids (continuous).
    pub reveal_count: u64,
    /// Last slot + 1 of the re-rank window opened by a disqualification at settlement (0: none).
    pub rerank_end_slot: u64,
    /// Last slot + 1 for the winner's `result_submit`: award slot + promised latency + the
    /// config's execution grace (set on award).
    pub execution_deadline_slot: u64,
    /// First slot at which a submitted result may be finalized without the requester: submission
    /// slot + the config's dispute window (set on submission).
    pub dispute_end_slot: u64,
    /// Bid accounts of this intent not closed yet; the intent closes only when none is left.
    pub bids_open: u32,
    /// Valid revealed bids that are not on the leaderboard (fell off, or never made it) and can
    /// be brought back with `bid_rerank`.
    pub off_board: u32,
    pub requester: Pubkey,
    pub mint: Pubkey,
    pub token_program: Pubkey,
    pub winner_agent: Pubkey,
    pub winner_bid: Pubkey,
    /// Vickrey: the runner-up that set the price, whose stake is locked as standby for the job
    /// (default key when there is none).
    pub standby_agent: Pubkey,
    pub standby_bid: Pubkey,
    pub context_hash: [u8; 32],
    pub success_criteria_hash: [u8; 32],
    /// sha256 of the delivered result (set on submission).
    pub result_hash: [u8; 32],
    pub leaderboard: [LeaderboardEntry; LEADERBOARD_LEN],
    pub context_uri: [u8; MAX_CONTEXT_URI_LEN],
    /// quality, cost, speed, reputation, bps; sum 10,000.
    pub weights: [u16; 4],
    pub min_reputation: u16,
    /// Continuous auctions: a bid scoring at least this wins at once (bps; 0 = off).
    pub score_threshold: u16,
    /// Share of the job the winner says it delivered, bps (1..=10,000; set on submission).
    pub fulfilled_bps: u16,
    pub version: u8,
    pub bump: u8,
    pub escrow_bump: u8,
    pub status: u8,
    pub auction_kind: u8,
    pub leaderboard_len: u8,
    pub max_failovers: u8,
    pub context_uri_len: u8,
    pub reserved: [u8; 2],
}

const _: () = assert!(core::mem::size_of::<Intent>() == 1656);
const _: () = assert!(core::mem::size_of::<LeaderboardEntry>() == 120);

/// Which part of its life an open intent is in at a given slot (`agx_core::lifecycle`).
pub use agx_core::lifecycle::Phase;

impl agx_core::leaderboard::Ranked for LeaderboardEntry {
    fn rank_key(&self) -> RankKey {
        LeaderboardEntry::rank_key(self)
    }
}

impl Intent {
    pub const VERSION: u8 = 1;
    pub const SPACE: usize = 8 + core::mem::size_of::<Intent>();

    pub fn status(&self) -> Result<IntentStatus> {
        IntentStatus::from_u8(self.status)
    }

    pub fn kind(&self) -> Result<AuctionKind> {
        AuctionKind::from_u8(self.auction_kind)
    }

    pub fn weights(&self) -> Weights {
        Weights {
            quality: self.weights[0],
            cost: self.weights[1],
            speed: self.weights[2],
            reputation: self.weights[3],
        }
    }

    /// What bidders must bring (`agx_core::eligibility`).
    pub fn requirements(&self) -> agx_core::eligibility::Requirements {
        agx_core::eligibility::Requirements {
            capabilities: self.required_capabilities,
            min_stake: self.min_stake,
            min_reputation: self.min_reputation,
        }
    }

    pub fn limits(&self) -> Limits {
        Limits { max_price: self.max_price, max_latency: self.max_latency }
    }

    pub fn ranked(&self) -> &[LeaderboardEntry] {
        agx_core::leaderboard::ranked(&self.leaderboard, usize::from(self.leaderboard_len))
    }

    /// The auction's slots, for `agx_core::lifecycle`.
    pub fn timeline(&self) -> agx_core::lifecycle::Timeline {
        agx_core::lifecycle::Timeline {
            commit_end: self.commit_end_slot,
            reveal_end: self.reveal_end_slot,
            rerank_end: self.rerank_end_slot,
            dispute_end: self.dispute_end_slot,
        }
    }

    /// Status and clock together (`agx_core::lifecycle::stage`): the predicate the instructions
    /// validate with and the keeper schedules with.
    pub fn stage(&self, now: u64) -> Result<agx_core::lifecycle::Stage> {
        Ok(agx_core::lifecycle::stage(self.lifecycle_status()?, &self.timeline(), now))
    }

    /// The stored status in `agx_core::lifecycle`'s terms.
    pub fn lifecycle_status(&self) -> Result<agx_core::lifecycle::Status> {
        use agx_core::lifecycle::Status;
        Ok(match self.status()? {
            IntentStatus::Open => Status::Open,
            IntentStatus::Awarded => Status::Awarded,
            IntentStatus::Expired => Status::Expired,
            IntentStatus::Cancelled => Status::Cancelled,
            IntentStatus::Submitted => Status::Submitted,
            IntentStatus::Completed => Status::Completed,
        })
    }

    pub fn phase(&self, now: u64) -> Phase {
        self.timeline().phase(now)
    }

    /// Requires the intent to be open and in `phase` at `now`, with `error` otherwise.
    pub fn require_phase(&self, now: u64, phase: Phase, error: ExchangeError) -> Result<()> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        if self.phase(now) != phase {
            return Err(error.into());
        }
        Ok(())
    }

    /// Inserts a scored bid in rank order (`agx_core::leaderboard::insert`). When the board is
    /// full, the lowest entry drops out (or the new one, if it ranks lowest); either way one more
    /// valid bid is off the board. Returns the new entry's position, if kept.
    pub fn insert_ranked(&mut self, entry: LeaderboardEntry) -> Result<Option<usize>> {
        let mut len = usize::from(self.leaderboard_len);
        let inserted = agx_core::leaderboard::insert(&mut self.leaderboard, &mut len, entry);
        self.leaderboard_len = u8::try_from(len).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        if inserted.dropped_off {
            self.off_board =
                self.off_board.checked_add(1).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
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
        self.off_board = self.off_board.checked_sub(1).ok_or(error!(ExchangeError::IntentCorrupt))?;
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
        .ok_or(error!(ExchangeError::IntentCorrupt))?;
        self.leaderboard_len = u8::try_from(len).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        if self.off_board > 0 {
            let end = now.checked_add(window).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
            self.rerank_end_slot = self.rerank_end_slot.max(end);
        }
        Ok(entry)
    }

    /// Nothing is awarded or expired while a re-rank window is open.
    pub fn require_rerank_closed(&self, now: u64) -> Result<()> {
        require!(now >= self.rerank_end_slot, ExchangeError::AuctionRerankWindowOpen);
        Ok(())
    }

    /// What the head of the board is paid under this auction kind.
    pub fn payment_for_head(&self) -> Result<u64> {
        let payment = self.head_payment(self.kind()?).ok_or(error!(ExchangeError::AuctionNoValidBid))?;
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
            commitment: head.commitment,
        };
        let runner_up = ranked.get(1).map(LeaderboardEntry::rank_key);
        Some(agx_core::payment::payment(
            kind.pricing(),
            &self.weights(),
            &self.limits(),
            &winner,
            runner_up.as_ref(),
        ))
    }

    /// The runner-up whose stake is locked as standby on award: under Vickrey it sets the price,
    /// so it must be accountable for it (`docs/exchange.md`).
    pub fn standby(&self) -> Result<Option<LeaderboardEntry>> {
        Ok(match self.kind()? {
            AuctionKind::VickreySealed => self.ranked().get(1).copied(),
            AuctionKind::FirstPriceSealed | AuctionKind::Continuous => None,
        })
    }

    /// Awards the job to the head of the board, with the price-setting runner-up as standby; the
    /// winner must submit before `now + its promised latency + grace`.
    pub fn award(&mut self, payment: u64, now: u64, grace: u64) -> Result<LeaderboardEntry> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        self.require_rerank_closed(now)?;
        let head = *self.ranked().first().ok_or(error!(ExchangeError::AuctionNoValidBid))?;
        require!(
            payment >= head.price && payment <= self.max_price,
            ExchangeError::AuctionPaymentOutOfBounds
        );
        let standby = self.standby()?.unwrap_or_default();
        self.status = IntentStatus::Awarded.to_u8();
        self.winner_agent = head.agent;
        self.winner_bid = head.bid;
        self.standby_agent = standby.agent;
        self.standby_bid = standby.bid;
        self.payment = payment;
        self.award_slot = now;
        self.execution_deadline_slot = now
            .checked_add(head.latency)
            .and_then(|s| s.checked_add(grace))
            .ok_or(error!(ExchangeError::ArithmeticOverflow))?;
        Ok(head)
    }

    /// The winner delivers: `fulfilled_bps` of the job, before the execution deadline.
    pub fn submit(
        &mut self,
        result_hash: [u8; 32],
        fulfilled_bps: u16,
        now: u64,
        dispute_window: u64,
    ) -> Result<()> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::ResultNotAwarded);
        require!(now < self.execution_deadline_slot, ExchangeError::ResultDeadlinePassed);
        require!(
            fulfilled_bps > 0 && fulfilled_bps <= agx_core::BPS_DENOMINATOR,
            ExchangeError::ResultFulfilledOutOfRange
        );
        self.status = IntentStatus::Submitted.to_u8();
        self.result_hash = result_hash;
        self.fulfilled_bps = fulfilled_bps;
        self.dispute_end_slot =
            now.checked_add(dispute_window).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// The job ends as delivered: the escrow splits pro rata to fulfilment (`agx_core::payment`).
    /// `finalizing`: sent by anyone after the dispute window rather than accepted by the requester.
    pub fn complete(&mut self, now: u64, finalizing: bool) -> Result<agx_core::payment::Split> {
        require!(self.status()? == IntentStatus::Submitted, ExchangeError::ResultNotSubmitted);
        if finalizing {
            require!(now >= self.dispute_end_slot, ExchangeError::FinalizeTooEarly);
        }
        let fulfilled =
            agx_core::Bps::new(self.fulfilled_bps).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        let split = agx_core::payment::split(
            agx_core::TokenAtoms(self.escrowed),
            agx_core::TokenAtoms(self.payment),
            fulfilled,
        )
        .map_err(|_| error!(ExchangeError::AuctionPaymentOutOfBounds))?;
        self.status = IntentStatus::Completed.to_u8();
        self.escrowed = 0;
        Ok(split)
    }

    /// No valid bid: the whole escrow goes back.
    pub fn expire(&mut self, now: u64) -> Result<u64> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        require!(self.leaderboard_len == 0, ExchangeError::AuctionHasValidBids);
        self.require_rerank_closed(now)?;
        self.status = IntentStatus::Expired.to_u8();
        Ok(core::mem::take(&mut self.escrowed))
    }

    /// A bid account was opened (committed or placed) on this intent.
    pub fn open_bid(&mut self) -> Result<()> {
        self.bid_count = self.bid_count.checked_add(1).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
        self.bids_open = self.bids_open.checked_add(1).ok_or(error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// One of its bid accounts was closed.
    pub fn close_bid(&mut self) -> Result<()> {
        self.bids_open = self.bids_open.checked_sub(1).ok_or(error!(ExchangeError::IntentCorrupt))?;
        Ok(())
    }

    /// A terminal intent whose bids are all closed may close (rent to the requester): expired or
    /// completed (a cancelled intent closes at once).
    pub fn require_closable(&self) -> Result<()> {
        let status = self.status()?;
        require!(
            matches!(status, IntentStatus::Expired | IntentStatus::Completed),
            ExchangeError::IntentNotClosable
        );
        require!(self.bids_open == 0, ExchangeError::IntentHasOpenBids);
        Ok(())
    }

    /// Withdrawn before any bid: the whole escrow goes back.
    pub fn cancel(&mut self) -> Result<u64> {
        require!(self.status()? == IntentStatus::Open, ExchangeError::IntentNotOpen);
        require!(self.bid_count == 0, ExchangeError::IntentHasBids);
        self.status = IntentStatus::Cancelled.to_u8();
        Ok(core::mem::take(&mut self.escrowed))
    }

    /// Must hold after every mutation.
    pub fn invariant(&self) -> Result<()> {
        require!(self.version == Self::VERSION, ExchangeError::IntentCorrupt);
        let status = self.status()?;
        self.kind()?;
        require!(usize::from(self.leaderboard_len) <= LEADERBOARD_LEN, ExchangeError::IntentCorrupt);
        require!(self.escrowed <= self.max_price, ExchangeError::IntentCorrupt);
        require!(self.reveal_count <= self.bid_count, ExchangeError::IntentCorrupt);
        let ranked = self.ranked();
        require!(agx_core::leaderboard::is_ranked(ranked), ExchangeError::IntentCorrupt);
        require!(u64::from(self.bids_open) <= self.bid_count, ExchangeError::IntentCorrupt);
        match status {
            IntentStatus::Awarded | IntentStatus::Submitted | IntentStatus::Completed => {
                require!(self.payment <= self.max_price, ExchangeError::IntentCorrupt);
                require!(self.winner_bid != Pubkey::default(), ExchangeError::IntentCorrupt);
            }
            IntentStatus::Open | IntentStatus::Expired | IntentStatus::Cancelled => {
                require!(self.standby_bid == Pubkey::default(), ExchangeError::IntentCorrupt);
            }
        }
        if status == IntentStatus::Submitted {
            require!(self.escrowed >= self.payment, ExchangeError::IntentCorrupt);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_intent() -> Intent {
        let mut i: Intent = bytemuck::Zeroable::zeroed();
        i.version = Intent::VERSION;
        i.status = IntentStatus::Open.to_u8();
        i.auction_kind = AuctionKind::FirstPriceSealed.to_u8();
        i.max_price = 1_000;
        i.max_latency = 100;
        i.weights = [4_000, 3_000, 2_000, 1_000];
        i
    }

    fn entry(score: u16, tag: u8) -> LeaderboardEntry {
        LeaderboardEntry {
            bid: Pubkey::new_from_array([tag; 32]),
            agent: Pubkey::new_from_array([tag; 32]),
            commitment: [tag; 32],
            price: 10,
            latency: 1,
            score,
            ..Default::default()
        }
    }

    #[test]
    fn off_board_bids_are_counted_and_a_drop_opens_the_rerank_window() {
        let mut i = open_intent();
        for tag in 0..=LEADERBOARD_LEN as u8 {
            i.insert_ranked(entry(1_000 + u16::from(tag), tag)).unwrap();
        }
        assert_eq!((usize::from(i.leaderboard_len), i.off_board), (LEADERBOARD_LEN, 1));
        let dropped_off = entry(1_000, 0);
        assert!(!i.is_ranked(&dropped_off.bid));
        i.disqualify(0, 50, 20).unwrap();
        assert_eq!(i.rerank_end_slot, 70);
        assert!(i.award(10, 69, 5).is_err(), "no award inside the window");
        assert_eq!(i.rerank(dropped_off).unwrap(), Some(LEADERBOARD_LEN - 1));
        assert_eq!(i.off_board, 0);
        assert!(i.rerank(dropped_off).is_err(), "already on the board");
        i.invariant().unwrap();
        i.award(10, 70, 5).unwrap();
        assert_eq!(i.status().unwrap(), IntentStatus::Awarded);
        i.invariant().unwrap();
    }

    #[test]
    fn a_drop_without_bids_off_the_board_opens_no_window_and_expiry_needs_an_empty_board() {
        let mut i = open_intent();
        i.insert_ranked(entry(5_000, 1)).unwrap();
        assert!(i.expire(10).is_err());
        i.disqualify(0, 10, 20).unwrap();
        assert_eq!(i.rerank_end_slot, 0);
        assert!(i.require_closable().is_err(), "open intents do not close");
        i.expire(10).unwrap();
        i.require_closable().unwrap();
    }

    #[test]
    fn stored_discriminants_round_trip() {
        for (i, status) in IntentStatus::ALL.iter().enumerate() {
            assert_eq!((status.to_u8() as usize, IntentStatus::from_u8(i as u8).unwrap()), (i, *status));
        }
        for (i, kind) in AuctionKind::ALL.iter().enumerate() {
            assert_eq!((kind.to_u8() as usize, AuctionKind::from_u8(i as u8).unwrap()), (i, *kind));
        }
        assert!(IntentStatus::from_u8(IntentStatus::ALL.len() as u8).is_err());
        assert!(AuctionKind::from_u8(AuctionKind::ALL.len() as u8).is_err());
    }

    #[test]
    fn bids_open_are_counted_for_closing() {
        let mut i = open_intent();
        i.open_bid().unwrap();
        i.expire(0).unwrap();
        assert!(i.require_closable().is_err());
        i.close_bid().unwrap();
        i.require_closable().unwrap();
        assert!(i.close_bid().is_err(), "never below zero");
    }
}
