//! Scenarios across instructions: a 20-agent Vickrey auction recomputed off-chain with
//! `agx_core`, exact ties, and a Token-2022 market, with every token accounted for.
use agx_core::score::{score_bid, BidTerms, RankKey, Weights};
use agx_core::vickrey::{second_score_payment, Winner};
use agx_sdk::exchange::state::{IntentStatus, LEADERBOARD_LEN};
use agx_sdk::exchange::{AuctionKind, BidOpening};
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{opening, Market, MAX_LATENCY, MAX_PRICE, MIN_STAKE};
use agx_tests::registry::TestAgent;
use agx_tests::token;

struct Bidder {
    agent: TestAgent,
    opening: BidOpening,
    reputation: u16,
}

/// Commits, reveals and settles `bids` on `intent`; returns the off-chain ranking (best first).
fn run_auction(
    m: &mut Market,
    intent: agx_sdk::Pubkey,
    bids: &[Bidder],
    weights: Weights,
) -> Vec<(RankKey, usize)> {
    for b in bids {
        m.commit(&b.agent, intent, &b.opening).unwrap();
        m.assert_accounted(&[intent]);
    }
    m.to_reveal(intent);
    for b in bids {
        m.reveal(&b.agent, intent, &b.opening).unwrap();
    }
    // The first reveal fixed the seed from the commit window's last slot hash.
    let seed = m.intent_state(intent).tiebreak_seed;
    assert_ne!(seed, [0; 32]);
    let limits = agx_core::score::Limits { max_price: MAX_PRICE, max_latency: MAX_LATENCY };
    let mut ranking: Vec<(RankKey, usize)> = bids
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let o = b.opening;
            let terms = BidTerms { price: o.price, quality_bps: o.quality_bps, latency: o.latency };
            let key = RankKey {
                score: score_bid(&weights, &limits, &terms, b.reputation).unwrap(),
                reputation: b.reputation,
                latency: o.latency,
                tiebreak: agx_core::tiebreak::key::<agx_core::commitment::SoftwareSha256>(
                    &xix::commitment(&intent, &b.agent.agent, &o),
                    &seed,
                ),
            };
            (key, i)
        })
        .collect();
    ranking.sort_by_key(|r| std::cmp::Reverse(r.0));
    m.to_settle(intent);
    let head = bids[ranking[0].1].agent.agent;
    m.settle(intent, head).unwrap();
    m.assert_accounted(&[intent]);
    ranking
}

#[test]
fn twenty_agents_vickrey_winner_and_payment_match_core() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let bids: Vec<Bidder> = (0..20u64)
        .map(|i| {
            let agent = m.agent(MIN_STAKE);
            let reputation = 2_000 + ((i * 1_237) % 7_000) as u16;
            m.r.set_reputation(&agent, reputation);
            let o = opening(
                50_000 + (i * 37_931) % 900_000,
                3_000 + ((i * 613) % 7_000) as u16,
                1 + (i * 17) % 99,
            );
            Bidder { agent, opening: o, reputation }
        })
        .collect();
    let ranking = run_auction(&mut m, intent, &bids, Weights::DEFAULT);

    let i = m.intent_state(intent);
    let (winner_key, winner_idx) = ranking[0];
    let w = &bids[winner_idx];
    assert_eq!((i.status, i.winner_agent), (IntentStatus::Awarded.to_u8(), w.agent.agent));
    let limits = agx_core::score::Limits { max_price: MAX_PRICE, max_latency: MAX_LATENCY };
    let winner = Winner {
        terms: BidTerms {
            price: w.opening.price,
            quality_bps: w.opening.quality_bps,
            latency: w.opening.latency,
        },
        reputation: w.reputation,
        tiebreak: winner_key.tiebreak,
    };
    let expected = second_score_payment(&Weights::DEFAULT, &limits, &winner, Some(&ranking[1].0)).unwrap();
    assert_eq!(i.payment, expected, "on-chain Vickrey payment equals the off-chain recomputation");
    assert!(i.payment >= w.opening.price && i.payment <= MAX_PRICE);
    // The on-chain board is the top 8 of the full ranking, in order.
    assert_eq!(usize::from(i.leaderboard_len), LEADERBOARD_LEN);
    for (entry, (key, idx)) in i.leaderboard.iter().zip(&ranking) {
        assert_eq!((entry.agent, entry.rank_key()), (bids[*idx].agent.agent, *key));
    }
    assert_eq!(m.r.agent(&w.agent).locked, MIN_STAKE);
    assert_eq!(agx_sdk::verify::verify_auction(&i), Ok(()), "an observer recomputes the same auction");
    // A tampered payment is caught.
    let mut forged = i;
    forged.payment += 1;
    assert!(matches!(
        agx_sdk::verify::verify_auction(&forged),
        Err(agx_sdk::verify::VerifyError::PaymentMismatch(..))
    ));
}

/// Weights that ignore reputation and speed, so equal price and quality give equal scores.
const QUALITY_AND_COST: [u16; 4] = [5_000, 5_000, 0, 0];

fn tie_market() -> (Market, agx_sdk::Pubkey) {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::FirstPriceSealed);
    args.weights = QUALITY_AND_COST;
    let intent = m.create(args).unwrap();
    (m, intent)
}

fn bidder(m: &mut Market, reputation: u16, latency: u64) -> Bidder {
    let agent = m.agent(MIN_STAKE);
    m.r.set_reputation(&agent, reputation);
    Bidder { agent, opening: opening(400_000, 7_000, latency), reputation }
}

fn weights() -> Weights {
    Weights { quality: 5_000, cost: 5_000, speed: 0, reputation: 0 }
}

#[test]
fn exact_ties_go_to_higher_reputation() {
    let (mut m, intent) = tie_market();
    let bids = vec![bidder(&mut m, 6_000, 10), bidder(&mut m, 6_001, 90)];
    let ranking = run_auction(&mut m, intent, &bids, weights());
    assert_eq!(ranking[0].0.score, ranking[1].0.score, "an exact score tie");
    assert_eq!(m.intent_state(intent).winner_agent, bids[1].agent.agent);
}

#[test]
fn then_to_lower_latency() {
    let (mut m, intent) = tie_market();
    let bids = vec![bidder(&mut m, 6_000, 11), bidder(&mut m, 6_000, 10)];
    run_auction(&mut m, intent, &bids, weights());
    assert_eq!(m.intent_state(intent).winner_agent, bids[1].agent.agent);
}

/// The last tie-break is the commitment hashed with the bank hash of the commit window's last
/// slot (`agx_core::tiebreak`): unknown while bids can be sealed, so a salt ground for a small
/// commitment buys nothing.
#[test]
fn then_to_the_lower_tiebreak_key_seeded_after_the_commit_window() {
    let (mut m, intent) = tie_market();
    let bids = vec![bidder(&mut m, 6_000, 10), bidder(&mut m, 6_000, 10), bidder(&mut m, 6_000, 10)];
    let ranking = run_auction(&mut m, intent, &bids, weights());
    let i = m.intent_state(intent);
    // The harness's SlotHashes holds sha256(slot) for the slots before the current one.
    let last_commit_slot = i.commit_end_slot - 1;
    let expected_seed = agx_core::commitment::sha256(&last_commit_slot.to_le_bytes());
    assert_eq!((i.tiebreak_seed, i.tiebreak_seeded), (expected_seed, 1));
    let key = |b: &Bidder| {
        agx_core::tiebreak::key::<agx_core::commitment::SoftwareSha256>(
            &xix::commitment(&intent, &b.agent.agent, &b.opening),
            &expected_seed,
        )
    };
    let lowest = bids.iter().min_by_key(|b| key(b)).map(|b| b.agent.agent).unwrap();
    assert_eq!(bids[ranking[0].1].agent.agent, lowest);
    assert_eq!(i.winner_agent, lowest);
}

#[test]
fn a_token_2022_market_runs_end_to_end() {
    let mut m = Market::with_token_program(token::TOKEN_2022);
    let intent = m.intent(AuctionKind::VickreySealed);
    let bids = vec![bidder(&mut m, 5_000, 10), bidder(&mut m, 7_000, 20)];
    run_auction(&mut m, intent, &bids, Weights::DEFAULT);
    assert_eq!(m.intent_state(intent).status, IntentStatus::Awarded.to_u8());
    m.assert_accounted(&[intent]);
}
