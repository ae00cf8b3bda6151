use agx_core::score::{BidTerms, Limits, RankKey, Weights};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::stored_enum::stored_enum;

mod award;
mod board;
mod delivery;
mod failover;
mod links;
mod reply;
mod tips;

pub use reply::{Judge, ReplyState, Verdict};

/// Ranked bids kept in the intent: reveal and settlement cost the same for 1 bid or 10,000,
/// and the failover candidates are already ranked.
pub const LEADERBOARD_LEN: usize = 8;
/// Longest context URI, in bytes.
pub const MAX_CONTEXT_URI_LEN: usize = 200;
/// Most failovers an intent may allow.
pub const MAX_FAILOVERS: u8 = 8;
/// Longest latency an intent may accept (and so a bid promise), in slots: 10,000,000 slots,
/// about 46 days at 400 ms. Bounded so that no deadline computed from it can overflow.
pub const MAX_LATENCY_SLOTS: u64 = 10_000_000;
/// Longest bid or reveal window an intent may set, in slots: 1,000,000, about 4.6 days.
pub const MAX_AUCTION_WINDOW_SLOTS: u64 = 1_000_000;
/// The Vickrey premium cap `agx` and the SDK use unless told otherwise: a second-score payment
/// at most 25% above the winner's ask.
pub const DEFAULT_VICKREY_PREMIUM_CAP_BPS: u16 = 2_500;

stored_enum! {
    /// How the winner is chosen and paid. Stored in the intent as its `u8` discriminant.
    pub enum AuctionKind (unknown: ExchangeError::IntentAuctionKindUnknown) {
        /// Sealed bids; the winner is paid its ask.
        FirstPriceSealed,
        /// Sealed bids; the winner is paid the second-score price (`agx_core::vickrey`).
        VickreySealed,
        /// Bids in the clear; the first reaching the score threshold wins at once at its ask,
        /// otherwise the best when the window closes.
        Continuous,
        /// No auction: the job is offered to one agent (`Intent::hire_agent`) at the max price;
        /// it accepts (`hire_accept`) within the window or lets it pass. A failover re-auctions
        /// it as a continuous auction.
        Direct,
    }
}

impl AuctionKind {
    pub fn is_sealed(self) -> bool {
        matches!(self, AuctionKind::FirstPriceSealed | AuctionKind::VickreySealed)
    }

    /// How this kind prices its winner; a Vickrey payment is capped at `premium_cap_bps` above
    /// the ask.
    pub fn pricing(self, premium_cap_bps: u16) -> agx_core::payment::Pricing {
        match self {
            AuctionKind::FirstPriceSealed | AuctionKind::Continuous | AuctionKind::Direct => {
                agx_core::payment::Pricing::Ask
            }
            AuctionKind::VickreySealed => agx_core::payment::Pricing::SecondScore { premium_cap_bps },
        }
    }
}

stored_enum! {
    /// Where an intent is in its life. Stored in the intent as its `u8` discriminant.
    pub enum IntentStatus (unknown: ExchangeError::IntentStatusUnknown) {
        /// Taking bids (commits, then reveals, for sealed auctions).
        Open,
        /// A winner holds the job.
        Awarded,
        /// No valid bid; fully refunded.
        Expired,
        /// Withdrawn by the requester before any bid; fully refunded.
        Cancelled,
        /// The winner submitted its result; the requester accepts or disputes it within the
        /// dispute window, else anyone finalizes it.
        Submitted,
        /// Paid out pro rata to fulfilment (or as the arbitrator decided), the rest refunded;
        /// stake released, reputation recorded.
        Completed,
        /// The requester disputed the result: the config's arbitrator decides the agent's share
        /// (and any slash) until `dispute_end_slot`, after which anyone may finalize as if
        /// undisputed.
        Disputed,
        /// Every allowed failover was used (`max_failovers`): the escrow was refunded in full.
        Failed,
    }
}

impl IntentStatus {
    /// Nothing more happens to the job: its accounts may close (`agx_core::lifecycle`'s rule).
    pub fn is_terminal(self) -> bool {
        self.lifecycle().is_terminal()
    }

    /// This status in `agx_core::lifecycle`'s terms.
    pub fn lifecycle(self) -> agx_core::lifecycle::Status {
        use agx_core::lifecycle::Status;
        match self {
            IntentStatus::Open => Status::Open,
            IntentStatus::Awarded => Status::Awarded,
            IntentStatus::Expired => Status::Expired,
            IntentStatus::Cancelled => Status::Cancelled,
            IntentStatus::Submitted => Status::Submitted,
            IntentStatus::Completed => Status::Completed,
            IntentStatus::Disputed => Status::Disputed,
            IntentStatus::Failed => Status::Failed,
        }
    }

    /// The stored status of an `agx_core::lifecycle` status.
    pub fn from_lifecycle(status: agx_core::lifecycle::Status) -> Self {
        use agx_core::lifecycle::Status;
        match status {
            Status::Open => IntentStatus::Open,
            Status::Awarded => IntentStatus::Awarded,
            Status::Expired => IntentStatus::Expired,
            Status::Cancelled => IntentStatus::Cancelled,
            Status::Submitted => IntentStatus::Submitted,
            Status::Completed => IntentStatus::Completed,
            Status::Disputed => IntentStatus::Disputed,
            Status::Failed => IntentStatus::Failed,
        }
    }
}

stored_enum! {
    /// Who stands behind a ranked bid. Stored in the leaderboard entry as its `u8` discriminant.
    pub enum BidderKind (unknown: ExchangeError::IntentCorrupt) {
        /// One registered agent.
        Agent,
        /// A coalition of agents bidding together (reserved for the coalitions issue).
        Coalition,
    }
}

/// One ranked bid: everything needed to recompute its rank and, for the head, its payment.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LeaderboardEntry {
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// `agx_core::tiebreak::key` of the bid's commitment with the intent's seed.
    pub tiebreak: [u8; 32],
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
    /// `BidderKind` discriminant.
    pub bidder_kind: u8,
    pub padding: [u8; 1],
}

impl LeaderboardEntry {
    pub fn rank_key(&self) -> RankKey {
        RankKey {
            score: self.score,
            reputation: self.reputation,
            latency: self.latency,
            tiebreak: self.tiebreak,
        }
    }

    pub fn terms(&self) -> BidTerms {
        BidTerms { price: self.price, quality_bps: self.quality_bps, latency: self.latency }
    }
}

/// An intent: what the requester wants, the money in escrow and the ranked bids.
/// PDA `[seeds::INTENT, requester, intent_id]`; zero-copy (2 KB, hot in every bid). Layout v4
/// (v4 grew the account by 96 bytes, for sub-intents and direct hire, before any deployment);
/// fields are only appended, into `reserved`.
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
    /// Lamports still held for crank tips (`tip_per_crank` each); what is left goes back to the
    /// requester when the intent closes.
    pub tip_pool: u64,
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
    /// Auction round: 0 for the first auction, one more for each re-auction after failovers.
    /// Bid PDAs carry it, so a re-auction never collides with an earlier round's bid accounts.
    pub round: u8,
    /// Failovers so far.
    pub failovers: u8,
    /// Lamports paid from `tip_pool` to whoever sends each crank the protocol needs (settle,
    /// finalize, failover, close), so every crank is paid, not only the first.
    pub tip_per_crank: u64,
    /// Slot at which the requester disputed the result (0: never).
    pub dispute_opened_slot: u64,
    /// Owner of the token account that receives refunds: the requester, or the budget that
    /// funded the intent.
    pub refund_owner: Pubkey,
    /// The tie-break seed (`agx_core::tiebreak`): sealed auctions fix it at the first reveal;
    /// continuous auctions use the intent's address.
    pub tiebreak_seed: [u8; 32],
    /// sha256 of the requester's reasons (set by `dispute_open`).
    pub dispute_reason_hash: [u8; 32],
    /// Agents cut off this intent by failovers; the first `excluded_len` are set.
    pub excluded: [Pubkey; MAX_FAILOVERS as usize],
    pub excluded_len: u8,
    /// 1 once `tiebreak_seed` is fixed.
    pub tiebreak_seeded: u8,
    /// The escrow token account (`[seeds::ESCROW, intent]`), stored so that payouts check an
    /// address instead of deriving the PDA again (~1,500 CU each).
    pub escrow: Pubkey,
    /// The winner's agent authority: its payout account's owner (set on award and promotion).
    pub winner_authority: Pubkey,
    /// Decimals of `mint` (for `transfer_checked` without decoding the mint).
    pub mint_decimals: u8,
    /// The token account refunds go to by default (the funding account given at creation); a
    /// payout accepts any account of `mint` owned by `refund_owner`, so a closed one never
    /// strands a refund, but keepers use this one.
    pub refund_tokens: Pubkey,
    /// The token account the winner named at submission for its payment (owned by the winner's
    /// authority); keepers finalizing the job pay into it.
    pub winner_tokens: Pubkey,
    /// 1 while the escrow token account exists: from creation until a terminal path (or
    /// `escrow_claim`) has paid everything out of it. The intent closes only after it.
    pub escrow_open: u8,
    /// Vickrey: the most the second-score payment may exceed the winner's ask, in bps of the ask
    /// (`agx_core::payment::premium_cap`); set at creation.
    pub vickrey_premium_cap_bps: u16,
    pub padding: [u8; 2],
    /// Atoms of the escrow owed to the winner's authority whose payout account could not receive
    /// them (closed, frozen, or refusing transfers) when the job ended: claimed with
    /// `escrow_claim`. Whatever else a terminal intent's open escrow holds is the refund owner's.
    pub agent_claim: u64,
    /// The intent this one is a part of (`intent_link_parent`; default key: none). Set once,
    /// while this intent is open, by the parent's winner, who posted this one.
    pub parent: Pubkey,
    /// Intents linked under this one and not closed yet: while any is, this intent's winner
    /// cannot submit (`IntentChildrenLive`).
    pub live_children: u32,
    /// Direct hire: the registry agent the job is offered to (default key for auctions).
    pub hire_agent: Pubkey,
    /// `BidderKind` of the winner (set on award): an agent, or a coalition (then `winner_agent`
    /// is the coalition's address).
    pub winner_kind: u8,
    /// A coalition winner: its member count on award, and bit `i` once member `i` marked its part
    /// done (`coalition_part_done`); the lead submits once every bit is set.
    pub coalition_members: u8,
    pub parts_done: u8,
    pub padding_deadline: [u8; 1],
    /// The whole intent's deadline (0: none), set at creation: a failover at or after it fails
    /// the intent and refunds (`Intent::failovers_end`).
    pub deadline_slot: u64,
    /// Who decides this intent's dispute, and a contested rating, in the first window (issue 25):
    /// any key (a person, a program's PDA); the default key leaves both to the exchange's
    /// arbitrator. Set at creation; never the requester. An evaluator that is the winner's
    /// authority does not judge its own job: the arbitrator does.
    pub evaluator: Pubkey,
    /// Atoms of `mint` held in escrow beside the max price for the evaluator, paid to it when it
    /// decides the dispute and refunded otherwise.
    pub evaluator_fee: u64,
    /// The value the accepted job counted for the winner's reputation (`outcome_settle`'s
    /// return): a corrected rating is replaced at this value (`reputation_correct`).
    pub rated_value: u64,
    /// Last slot + 1 of the reply's current stage: the agent's window to contest a rating below
    /// its promise, then the judges' window once contested (0: no reply).
    pub reply_end_slot: u64,
    /// Lamports the agent bonded to contest its rating, held in this account until the reply
    /// is decided (or lapses).
    pub reply_bond: u64,
    /// Slot at which the agent contested its rating (0: never).
    pub contest_slot: u64,
    /// The requester's rating at acceptance, bps.
    pub rating_bps: u16,
    /// The quality the winner promised, bps (set on acceptance).
    pub promised_bps: u16,
    /// The rating the agent claims in its reply, bps.
    pub claimed_rating_bps: u16,
    /// `ReplyState` of the job's rating.
    pub reply_state: u8,
    /// 1 when the result came after the latency the winner promised (award slot + its bid's
    /// latency): the completion counts as late for its reliability (set on submission).
    pub submitted_late: u8,
    /// Candidates a failover of this round passed over and dropped from the board because they
    /// no longer qualified (and a failed standby): their revealed bids, off the board, may
    /// outrank the winner, and an observer recomputing the auction (`agx_sdk::verify`) allows
    /// that many such bids. Reset by a re-auction.
    pub passed_over: u8,
    pub reserved: [u8; 47],
}

const _: () = assert!(core::mem::size_of::<Intent>() == 2376);
const _: () = assert!(core::mem::size_of::<LeaderboardEntry>() == 120);

/// Which part of its life an open intent is in at a given slot (`agx_core::lifecycle`).
pub use agx_core::lifecycle::Phase;

impl agx_core::leaderboard::Ranked for LeaderboardEntry {
    fn rank_key(&self) -> RankKey {
        LeaderboardEntry::rank_key(self)
    }
}

impl Intent {
    pub const VERSION: u8 = 5;

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
            execution_deadline: self.execution_deadline_slot,
            reply_end: self.reply_pending_until(),
        }
    }

    /// Status and clock together (`agx_core::lifecycle::stage`): the predicate the instructions
    /// validate with and the keeper schedules with.
    pub fn stage(&self, now: u64) -> Result<agx_core::lifecycle::Stage> {
        Ok(agx_core::lifecycle::stage(self.lifecycle_status()?, &self.timeline(), now))
    }

    /// The stored status in `agx_core::lifecycle`'s terms.
    pub fn lifecycle_status(&self) -> Result<agx_core::lifecycle::Status> {
        Ok(self.status()?.lifecycle())
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

    /// Must hold after every mutation.
    pub fn invariant(&self) -> Result<()> {
        require!(self.version == Self::VERSION, ExchangeError::IntentCorrupt);
        let status = self.status()?;
        self.kind()?;
        require!(usize::from(self.leaderboard_len) <= LEADERBOARD_LEN, ExchangeError::IntentCorrupt);
        let most = self
            .max_price
            .checked_add(self.evaluator_fee)
            .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        require!(self.escrowed <= most, ExchangeError::IntentCorrupt);
        require!(
            self.evaluator == Pubkey::default() || self.evaluator != self.requester,
            ExchangeError::IntentCorrupt
        );
        ReplyState::from_u8(self.reply_state)?;
        require!(self.reveal_count <= self.bid_count, ExchangeError::IntentCorrupt);
        let ranked = self.ranked();
        require!(agx_core::leaderboard::is_ranked(ranked), ExchangeError::IntentCorrupt);
        require!(u64::from(self.bids_open) <= self.bid_count, ExchangeError::IntentCorrupt);
        require!(self.refund_owner != Pubkey::default(), ExchangeError::IntentCorrupt);
        require!(self.escrow_open <= 1, ExchangeError::IntentCorrupt);
        require!(self.escrow_open == 1 || self.agent_claim == 0, ExchangeError::IntentCorrupt);
        require!(self.agent_claim <= self.payment, ExchangeError::IntentCorrupt);
        if !status.is_terminal() {
            require!(self.escrow_open == 1 && self.agent_claim == 0, ExchangeError::IntentCorrupt);
        }
        // The failover that uses up the allowance fails the intent and is counted too: with
        // `max_failovers = 0` the first failure is the last, and counts 1.
        require!(
            self.excluded_len <= self.failovers && self.failovers <= self.max_failovers.max(1),
            ExchangeError::IntentCorrupt
        );
        require!(
            usize::from(self.passed_over) <= usize::from(self.failovers) * LEADERBOARD_LEN,
            ExchangeError::IntentCorrupt
        );
        match status {
            IntentStatus::Awarded
            | IntentStatus::Submitted
            | IntentStatus::Disputed
            | IntentStatus::Completed => {
                require!(self.payment <= self.max_price, ExchangeError::IntentCorrupt);
                require!(self.winner_bid != Pubkey::default(), ExchangeError::IntentCorrupt);
            }
            IntentStatus::Open | IntentStatus::Expired | IntentStatus::Cancelled | IntentStatus::Failed => {
                require!(self.standby_bid == Pubkey::default(), ExchangeError::IntentCorrupt);
            }
        }
        match status {
            IntentStatus::Submitted | IntentStatus::Disputed => {
                require!(self.escrowed >= self.payment, ExchangeError::IntentCorrupt);
                require!(
                    self.fulfilled_bps > 0 && self.fulfilled_bps <= agx_core::BPS_DENOMINATOR,
                    ExchangeError::IntentCorrupt
                );
            }
            IntentStatus::Completed
            | IntentStatus::Expired
            | IntentStatus::Cancelled
            | IntentStatus::Failed => {
                require!(self.escrowed == 0, ExchangeError::IntentCorrupt);
            }
            IntentStatus::Open | IntentStatus::Awarded => {}
        }

        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IDL types `Intent.status` and `Intent.auction_kind` as these enums (scripts/idl-gen):
    /// true only while each stored byte is the variant's Borsh encoding.
    #[test]
    fn stored_bytes_are_the_enums_borsh_encoding() {
        for (i, status) in IntentStatus::ALL.iter().enumerate() {
            assert_eq!(borsh::to_vec(status).unwrap(), vec![status.to_u8()]);
            assert_eq!(usize::from(status.to_u8()), i);
        }
        for (i, kind) in AuctionKind::ALL.iter().enumerate() {
            assert_eq!(borsh::to_vec(kind).unwrap(), vec![kind.to_u8()]);
            assert_eq!(usize::from(kind.to_u8()), i);
        }
    }

    fn open_intent() -> Intent {
        let mut i: Intent = bytemuck::Zeroable::zeroed();
        i.version = Intent::VERSION;
        i.status = IntentStatus::Open.to_u8();
        i.auction_kind = AuctionKind::FirstPriceSealed.to_u8();
        i.max_price = 1_000;
        i.max_latency = 100;
        i.escrow_open = 1;
        i.refund_owner = Pubkey::new_from_array([7; 32]);
        i.weights = [4_000, 3_000, 2_000, 1_000];
        i
    }

    fn entry(score: u16, tag: u8) -> LeaderboardEntry {
        LeaderboardEntry {
            bid: Pubkey::new_from_array([tag; 32]),
            agent: Pubkey::new_from_array([tag; 32]),
            tiebreak: [tag; 32],
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
        assert!(i.award(10, Pubkey::default(), 69, 5).is_err(), "no award inside the window");
        assert_eq!(i.rerank(dropped_off).unwrap(), Some(LEADERBOARD_LEN - 1));
        assert_eq!(i.off_board, 0);
        assert!(i.rerank(dropped_off).is_err(), "already on the board");
        i.invariant().unwrap();
        i.award(10, Pubkey::default(), 70, 5).unwrap();
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
        i.record_escrow_end(0, true).unwrap();
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
    fn every_stored_status_is_a_lifecycle_status_and_back() {
        use agx_core::lifecycle::Status;
        for status in IntentStatus::ALL {
            assert_eq!(IntentStatus::from_lifecycle(status.lifecycle()), *status);
        }
        // Exhaustive: a status added to core without a stored one fails to compile here.
        for status in [
            Status::Open,
            Status::Awarded,
            Status::Expired,
            Status::Cancelled,
            Status::Submitted,
            Status::Completed,
            Status::Disputed,
            Status::Failed,
        ] {
            assert_eq!(IntentStatus::from_lifecycle(status).lifecycle(), status);
            let terminal = match status {
                Status::Expired | Status::Cancelled | Status::Completed | Status::Failed => true,
                Status::Open | Status::Awarded | Status::Submitted | Status::Disputed => false,
            };
            assert_eq!(IntentStatus::from_lifecycle(status).is_terminal(), terminal, "{status:?}");
        }
    }

    fn submitted_intent(escrowed: u64, payment: u64, fulfilled_bps: u16) -> Intent {
        let mut i = open_intent();
        i.insert_ranked(entry(5_000, 1)).unwrap();
        i.award(payment, Pubkey::default(), 10, 5).unwrap();
        i.escrowed = escrowed;
        i.submit([9; 32], fulfilled_bps, 12, 100).unwrap();
        i.invariant().unwrap();
        i
    }

    #[test]
    fn a_dispute_opens_only_inside_the_window_and_moves_the_finalize_deadline() {
        let mut i = submitted_intent(1_000, 600, 10_000);
        assert_eq!(i.dispute_end_slot, 112);
        let mut late = i;
        assert!(late.open_dispute([1; 32], 112, 50).is_err(), "the window is closed at its end slot");
        i.open_dispute([1; 32], 111, 50).unwrap();
        i.invariant().unwrap();
        assert_eq!(
            (i.status().unwrap(), i.dispute_end_slot, i.dispute_opened_slot),
            (IntentStatus::Disputed, 161, 111)
        );
        assert!(i.open_dispute([1; 32], 111, 50).is_err(), "only once");
        assert!(i.complete(160, true).is_err(), "no finalize while the arbitrator may decide");
        let mut accepted = i;
        accepted.complete(120, false).unwrap();
        assert_eq!(
            accepted.status().unwrap(),
            IntentStatus::Completed,
            "the requester may withdraw its dispute"
        );
    }

    #[test]
    fn the_arbitrators_share_splits_the_escrow_like_a_partial_fulfilment() {
        let mut i = submitted_intent(1_000, 600, 10_000);
        i.open_dispute([1; 32], 20, 50).unwrap();
        let split = i.resolve_dispute(agx_core::Bps::new(2_500).unwrap()).unwrap();
        assert_eq!((split.to_agent.0, split.to_requester.0), (150, 850));
        i.invariant().unwrap();
        assert!(i.resolve_dispute(agx_core::Bps::new(2_500).unwrap()).is_err(), "only once");
        let mut undisputed = submitted_intent(1_000, 600, 10_000);
        assert!(undisputed.resolve_dispute(agx_core::Bps::new(0).unwrap()).is_err(), "nothing to resolve");
    }

    #[test]
    fn every_crank_takes_one_tip_until_the_pool_is_empty() {
        let mut i = open_intent();
        (i.tip_per_crank, i.tip_pool) = (40, 100);
        assert_eq!([i.take_tip(), i.take_tip(), i.take_tip(), i.take_tip()], [40, 40, 20, 0]);
    }

    #[test]
    fn the_tiebreak_seed_is_fixed_once() {
        let mut i = open_intent();
        i.fix_tiebreak_seed([1; 32]);
        i.fix_tiebreak_seed([2; 32]);
        assert_eq!((i.tiebreak_seed, i.tiebreak_seeded), ([1; 32], 1));
    }

    #[test]
    fn with_no_failover_allowed_the_first_failure_fails_the_intent() {
        let mut i = open_intent();
        i.insert_ranked(entry(5_000, 1)).unwrap();
        i.insert_ranked(entry(4_000, 2)).unwrap();
        i.award(10, Pubkey::default(), 10, 5).unwrap();
        i.fail_winner().unwrap();
        assert!(i.failovers_exhausted());
        i.fail().unwrap();
        i.invariant().expect("a failed intent with max_failovers 0 is a valid state");
    }

    #[test]
    fn bids_open_are_counted_for_closing() {
        let mut i = open_intent();
        i.open_bid().unwrap();
        i.expire(0).unwrap();
        assert!(i.require_closable().is_err());
        i.close_bid().unwrap();
        assert!(i.require_closable().is_err(), "the escrow is still open");
        i.record_escrow_end(0, true).unwrap();
        i.require_closable().unwrap();
        assert!(i.close_bid().is_err(), "never below zero");
    }
}
