//! Recomputing an auction from on-chain data with `agx_core`, as any observer can.
use agx_core::score::{score_bid, BidTerms, RankKey};
use anchor_lang::prelude::Pubkey;
use exchange::state::{AuctionKind, Bid, BidStatus, Intent, IntentStatus, LEADERBOARD_LEN};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the intent account holds an unknown status or auction kind")]
    Corrupt,
    #[error("leaderboard entry {0}: its score {1} is not agx_core's {2}")]
    ScoreMismatch(usize, u16, u16),
    #[error("leaderboard entry {0} does not rank strictly below entry {1}")]
    NotRanked(usize, usize),
    #[error("the awarded winner is not the leaderboard head")]
    WinnerNotHead,
    #[error("the payment {0} is not agx_core's {1}")]
    PaymentMismatch(u64, u64),
    #[error("agx_core refused the terms: {0}")]
    Core(String),
    #[error("bid {0}: its stored score {1} is not agx_core's {2}")]
    BidScoreMismatch(Pubkey, u16, u16),
    #[error("bid {0} is on the board with other terms than its account's")]
    BoardDiffersFromBid(Pubkey),
    #[error("bid {0} is off the board but outranks {1}")]
    LeftOut(Pubkey, &'static str),
    #[error("the payment {0} is above the intent's Vickrey premium cap {1} (its ask plus {2} bps)")]
    PremiumAboveCap(u64, u64, u16),
}

/// Checks that every leaderboard entry's score is `agx_core`'s for its terms, that the board
/// is strictly ranked by `agx_core`'s total order, and, once awarded, that the winner is the
/// head, that the payment stays within the requester's Vickrey premium cap over the winner's
/// ask (and its max price), and that it is what the auction kind prescribes.
pub fn verify_auction(intent: &Intent) -> Result<(), VerifyError> {
    let ranked = intent.ranked();
    for (i, e) in ranked.iter().enumerate() {
        let score = score_bid(&intent.weights(), &intent.limits(), &e.terms(), e.reputation)
            .map_err(|err| VerifyError::Core(err.to_string()))?;
        if score != e.score {
            return Err(VerifyError::ScoreMismatch(i, e.score, score));
        }
    }
    for i in 1..ranked.len() {
        if ranked[i - 1].rank_key() <= ranked[i].rank_key() {
            return Err(VerifyError::NotRanked(i, i - 1));
        }
    }
    if intent.status().map_err(|_| VerifyError::Corrupt)? != IntentStatus::Awarded {
        return Ok(());
    }
    // Once awarded, the board is frozen with the winner at its head.
    let head = ranked.first().ok_or(VerifyError::WinnerNotHead)?;
    if head.agent != intent.winner_agent || head.bid != intent.winner_bid {
        return Err(VerifyError::WinnerNotHead);
    }
    let kind = intent.kind().map_err(|_| VerifyError::Corrupt)?;
    let cap = match kind {
        AuctionKind::VickreySealed => {
            agx_core::payment::premium_cap(head.price, intent.vickrey_premium_cap_bps, intent.max_price)
        }
        AuctionKind::FirstPriceSealed | AuctionKind::Continuous | AuctionKind::Direct => head.price,
    };
    if intent.payment > cap {
        return Err(VerifyError::PremiumAboveCap(intent.payment, cap, intent.vickrey_premium_cap_bps));
    }
    let expected = intent
        .head_payment(kind)
        .ok_or(VerifyError::WinnerNotHead)?
        .map_err(|e| VerifyError::Core(format!("{e:?}")))?
        .0;
    if expected != intent.payment {
        return Err(VerifyError::PaymentMismatch(intent.payment, expected));
    }
    Ok(())
}

/// [`verify_auction`], and then every revealed bid of the current round from its own account,
/// including those that fell off the board: its score is `agx_core`'s, a bid on the board
/// carries its account's terms, and a bid off the board ranks below the board's last entry
/// when the board is full, and below the winner once awarded (unless its agent was cut off by
/// a failover, or a drop opened a re-rank window in which nobody brought it back: such a bid
/// is not considered, like one never revealed; and at most `Intent::passed_over` of them may
/// be candidates a failover passed over because they no longer qualified). Returns how many
/// bid accounts were checked.
pub fn verify_auction_with_bids(intent: &Intent, bids: &[(Pubkey, Bid)]) -> Result<usize, VerifyError> {
    verify_auction(intent)?;
    let ranked = intent.ranked();
    let awarded = intent.status().map_err(|_| VerifyError::Corrupt)? == IntentStatus::Awarded;
    let mut checked = 0;
    let mut passed_over = 0;
    for (address, bid) in bids.iter().filter(|(_, b)| b.round == intent.round && b.is(BidStatus::Revealed)) {
        let terms = BidTerms { price: bid.price, quality_bps: bid.quality_bps, latency: bid.latency };
        let score = score_bid(&intent.weights(), &intent.limits(), &terms, bid.reputation)
            .map_err(|e| VerifyError::Core(e.to_string()))?;
        if score != bid.score {
            return Err(VerifyError::BidScoreMismatch(*address, bid.score, score));
        }
        let key = RankKey {
            score,
            reputation: bid.reputation,
            latency: bid.latency,
            tiebreak: agx_core::tiebreak::key::<agx_core::commitment::SoftwareSha256>(
                &bid.commitment,
                &intent.tiebreak_seed,
            ),
        };
        match ranked.iter().find(|e| e.bid == *address) {
            Some(e) if e.terms() != terms || e.rank_key() != key || e.agent != bid.agent => {
                return Err(VerifyError::BoardDiffersFromBid(*address))
            }
            Some(_) => {}
            None if intent.is_excluded(&bid.agent) => {}
            // A drop opened a re-rank window this round and the bid was not brought back.
            None if intent.rerank_end_slot != 0 => {}
            None => {
                if ranked.len() == LEADERBOARD_LEN && ranked.last().is_some_and(|tail| key > tail.rank_key())
                {
                    return Err(VerifyError::LeftOut(*address, "the board's last entry"));
                }
                if awarded && ranked.first().is_some_and(|head| key > head.rank_key()) {
                    // A failover of this round passed its agent over (it no longer qualified).
                    passed_over += 1;
                    if passed_over > usize::from(intent.passed_over) {
                        return Err(VerifyError::LeftOut(*address, "the winner"));
                    }
                }
            }
        }
        checked += 1;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use exchange::state::LeaderboardEntry;

    use super::*;

    fn bid(intent: &Intent, price: u64, commitment: u8) -> Bid {
        let terms = BidTerms { price, quality_bps: 9_000, latency: 10 };
        Bid {
            version: Bid::VERSION,
            bump: 255,
            status: BidStatus::Revealed.to_u8(),
            round: 0,
            intent: Pubkey::new_unique(),
            agent: Pubkey::new_unique(),
            bidder: Pubkey::new_unique(),
            commitment: [commitment; 32],
            bond: 0,
            committed_slot: 1,
            price,
            quality_bps: 9_000,
            latency: 10,
            plan_hash: [0; 32],
            score: score_bid(&intent.weights(), &intent.limits(), &terms, 0).unwrap(),
            reputation: 0,
            bidder_kind: 0,
            reserved: [0; 5],
        }
    }

    fn entry(intent: &Intent, address: Pubkey, b: &Bid) -> LeaderboardEntry {
        LeaderboardEntry {
            bid: address,
            agent: b.agent,
            tiebreak: agx_core::tiebreak::key::<agx_core::commitment::SoftwareSha256>(
                &b.commitment,
                &intent.tiebreak_seed,
            ),
            price: b.price,
            latency: b.latency,
            score: b.score,
            reputation: b.reputation,
            quality_bps: b.quality_bps,
            bidder_kind: 0,
            padding: [0; 1],
        }
    }

    /// An awarded first-price intent whose board holds only `on_board`.
    fn awarded(on_board: &(Pubkey, Bid)) -> Intent {
        let mut i: Intent = bytemuck::Zeroable::zeroed();
        i.weights = [4_000, 3_000, 2_000, 1_000];
        i.max_price = 1_000;
        i.max_latency = 100;
        i.auction_kind = AuctionKind::FirstPriceSealed.to_u8();
        i.status = IntentStatus::Awarded.to_u8();
        i.tiebreak_seed = [7; 32];
        i.leaderboard[0] = entry(&i, on_board.0, &on_board.1);
        i.leaderboard_len = 1;
        i.winner_agent = on_board.1.agent;
        i.winner_bid = on_board.0;
        i.payment = on_board.1.price;
        i
    }

    #[test]
    fn a_payment_above_the_premium_cap_is_caught() {
        let mut terms_only: Intent = bytemuck::Zeroable::zeroed();
        terms_only.weights = [4_000, 3_000, 2_000, 1_000];
        (terms_only.max_price, terms_only.max_latency) = (1_000, 100);
        let winner = (Pubkey::new_unique(), bid(&terms_only, 400, 1));
        let mut intent = awarded(&winner);
        intent.auction_kind = AuctionKind::VickreySealed.to_u8();
        intent.vickrey_premium_cap_bps = 2_500;
        // A lone Vickrey winner is paid its ask.
        assert_eq!(verify_auction(&intent), Ok(()));
        intent.payment = 501;
        assert_eq!(verify_auction(&intent), Err(VerifyError::PremiumAboveCap(501, 500, 2_500)));
        intent.payment = 500;
        assert_eq!(
            verify_auction(&intent),
            Err(VerifyError::PaymentMismatch(500, 400)),
            "within the cap, still not core's"
        );
    }

    #[test]
    fn a_better_bid_left_off_the_board_is_caught() {
        let mut terms_only: Intent = bytemuck::Zeroable::zeroed();
        terms_only.weights = [4_000, 3_000, 2_000, 1_000];
        terms_only.max_price = 1_000;
        terms_only.max_latency = 100;
        let winner = (Pubkey::new_unique(), bid(&terms_only, 600, 1));
        let intent = awarded(&winner);
        assert_eq!(verify_auction_with_bids(&intent, std::slice::from_ref(&winner)), Ok(1));
        let worse = (Pubkey::new_unique(), bid(&intent, 900, 2));
        assert_eq!(verify_auction_with_bids(&intent, &[winner, worse]), Ok(2));
        let better = (Pubkey::new_unique(), bid(&intent, 300, 3));
        assert_eq!(
            verify_auction_with_bids(&intent, &[winner, better]),
            Err(VerifyError::LeftOut(better.0, "the winner"))
        );
        // After a drop opened a re-rank window, a bid nobody brought back is not considered.
        let mut reranked_late = intent;
        reranked_late.rerank_end_slot = 40;
        assert_eq!(verify_auction_with_bids(&reranked_late, &[winner, better]), Ok(2));
        // A failover passed one candidate over: one better bid off the board is explained, two are not.
        let mut passed_one = intent;
        passed_one.passed_over = 1;
        assert_eq!(verify_auction_with_bids(&passed_one, &[winner, better]), Ok(2));
        let also_better = (Pubkey::new_unique(), bid(&intent, 200, 4));
        assert_eq!(
            verify_auction_with_bids(&passed_one, &[winner, better, also_better]),
            Err(VerifyError::LeftOut(also_better.0, "the winner"))
        );
        let mut lying = winner;
        lying.1.price = 500;
        assert!(matches!(
            verify_auction_with_bids(&intent, &[lying]),
            Err(VerifyError::BidScoreMismatch(..))
        ));
        let mut moved = winner;
        moved.1.score = score_bid(
            &intent.weights(),
            &intent.limits(),
            &BidTerms { price: 500, quality_bps: 9_000, latency: 10 },
            0,
        )
        .unwrap();
        moved.1.price = 500;
        assert_eq!(
            verify_auction_with_bids(&intent, &[moved]),
            Err(VerifyError::BoardDiffersFromBid(moved.0))
        );
    }
}
