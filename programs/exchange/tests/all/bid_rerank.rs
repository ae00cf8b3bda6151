//! `bid_rerank` on the built `.so`, in LiteSVM: only a valid revealed bid that is off the
//! board, only between the windows' end and the award.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BidReranked;
use agx_sdk::exchange::state::LEADERBOARD_LEN;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

/// A full board of 8 strong bids, one weaker revealed bid off it, one unrevealed bid.
fn crowded(m: &mut Market) -> (agx_sdk::Pubkey, Vec<TestAgent>, TestAgent, TestAgent) {
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let strong: Vec<TestAgent> = (0..LEADERBOARD_LEN).map(|_| m.agent(MIN_STAKE)).collect();
    let (weak, silent) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let (os, ow) = (opening(10, 9_000, 5), opening(700_000, 2_000, 90));
    for a in &strong {
        m.commit(a, intent, &os).unwrap();
    }
    m.commit(&weak, intent, &ow).unwrap();
    m.commit(&silent, intent, &ow).unwrap();
    m.to_reveal(intent);
    for a in &strong {
        m.reveal(a, intent, &os).unwrap();
    }
    m.reveal(&weak, intent, &ow).unwrap();
    (intent, strong, weak, silent)
}

#[test]
fn brings_an_off_board_bid_into_a_freed_place() {
    let mut m = Market::new();
    let (intent, strong, weak, _) = crowded(&mut m);
    assert_error(&m.rerank(&weak, intent), ExchangeError::BidRerankOutsideSettlement);
    m.to_settle(intent);
    // On a full board of better bids it does not make it, and nothing changes.
    let meta = m.rerank(&weak, intent).unwrap();
    assert_eq!(events::find::<BidReranked>(&meta.logs)[0].rank, None);
    assert_eq!(m.intent_state(intent).off_board, 1);
    let head = m.intent_state(intent).ranked()[0].agent;
    let head_agent = strong.iter().find(|a| a.agent == head).unwrap();
    m.r.svm.send(&[rix::agent_deactivate(head_agent.authority.pubkey())], &[&head_agent.authority]).unwrap();
    m.settle(intent, head).unwrap();
    let meta =
        m.r.svm
            .send_measured(
                "exchange",
                "bid_rerank",
                &[xix::bid_rerank(weak.authority.pubkey(), intent, weak.agent, 0)],
                &[],
            )
            .unwrap();
    assert_eq!(events::find::<BidReranked>(&meta.logs)[0].rank, Some((LEADERBOARD_LEN - 1) as u8));
    let i = m.intent_state(intent);
    assert_eq!((i.off_board, i.leaderboard_len as usize), (0, LEADERBOARD_LEN));
    assert_error(&m.rerank(&weak, intent), ExchangeError::BidAlreadyOnBoard);
}

#[test]
fn refuses_unrevealed_foreign_and_awarded_bids() {
    let mut m = Market::new();
    let (intent, _, weak, silent) = crowded(&mut m);
    m.to_settle(intent);
    assert_error(&m.rerank(&silent, intent), ExchangeError::BidRerankNotRevealed);
    // A bid of another intent.
    let other = m.intent(AuctionKind::FirstPriceSealed);
    let mut ix = xix::bid_rerank(weak.authority.pubkey(), intent, weak.agent, 0);
    ix.retarget(intent, other);
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::CONSTRAINT_HAS_ONE);
    // Type cosplay: the intent passed as the bid.
    let mut ix = xix::bid_rerank(weak.authority.pubkey(), intent, weak.agent, 0);
    ix.retarget(pda::bid(&weak.authority.pubkey(), &intent, &weak.agent, 0), intent);
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    let head = m.intent_state(intent).ranked()[0].agent;
    m.settle(intent, head).unwrap();
    assert_error(&m.rerank(&weak, intent), ExchangeError::BidRerankOutsideSettlement);
    assert!(m.r.svm.account(&pda::bid(&weak.authority.pubkey(), &intent, &weak.agent, 0)).is_some());
}
