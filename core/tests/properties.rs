//! Property tests of the core rules: determinism, monotonicity, total order, Vickrey payment
//! against brute force, and no panics on any input.
use agx_core::leaderboard;
use agx_core::payment::split;
use agx_core::reputation::{accountable_rating, History, Outcome, ReputationParams};
use agx_core::score::{score_bid, BidTerms, Limits, RankKey, Weights};
use agx_core::vickrey::{second_score_payment, PaymentError, Winner};
use agx_core::{Bps, TokenAtoms};
use proptest::prelude::*;

fn weights() -> impl Strategy<Value = Weights> {
    // Three cut points in 0..=10000 split the whole into four weights summing to 10000.
    (0u16..=10_000, 0u16..=10_000, 0u16..=10_000).prop_map(|(a, b, c)| {
        let mut cuts = [a, b, c];
        cuts.sort_unstable();
        Weights {
            quality: cuts[0],
            cost: cuts[1] - cuts[0],
            speed: cuts[2] - cuts[1],
            reputation: 10_000 - cuts[2],
        }
    })
}

fn limits() -> impl Strategy<Value = Limits> {
    (1u64..=u64::MAX, 1u64..=u64::MAX).prop_map(|(max_price, max_latency)| Limits { max_price, max_latency })
}

/// Limits with a small max price so that every price can be tried.
fn small_limits() -> impl Strategy<Value = Limits> {
    (1u64..=3_000, 1u64..=500).prop_map(|(max_price, max_latency)| Limits { max_price, max_latency })
}

fn terms_within(l: Limits) -> impl Strategy<Value = BidTerms> {
    (0..=l.max_price, 0u16..=10_000, 0..=l.max_latency).prop_map(|(price, quality_bps, latency)| BidTerms {
        price,
        quality_bps,
        latency,
    })
}

fn rank(w: &Weights, l: &Limits, t: &BidTerms, rep: u16, tiebreak: [u8; 32]) -> RankKey {
    RankKey { score: score_bid(w, l, t, rep).unwrap(), reputation: rep, latency: t.latency, tiebreak }
}

fn outcome(kind: u8, value: u64, rating_bps: Option<u16>) -> Outcome {
    match kind {
        0 => Outcome::Completed { value, rating_bps },
        1 => Outcome::Failed { value },
        _ => Outcome::Slashed { value },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scores_are_deterministic_and_bounded(
        (w, l, t) in (weights(), limits()).prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l))),
        rep in 0u16..=10_000,
    ) {
        let a = score_bid(&w, &l, &t, rep).unwrap();
        prop_assert_eq!(a, score_bid(&w, &l, &t, rep).unwrap());
        prop_assert!(a <= 10_000);
    }

    #[test]
    fn better_terms_never_lower_the_score(
        (w, l, t) in (weights(), limits()).prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l))),
        rep in 0u16..=10_000,
        cheaper in any::<u64>(), higher_quality in any::<u16>(), faster in any::<u64>(), more_rep in any::<u16>(),
    ) {
        let base = score_bid(&w, &l, &t, rep).unwrap();
        let lower_price = BidTerms { price: t.price - cheaper % t.price.saturating_add(1).max(1), ..t };
        prop_assert!(score_bid(&w, &l, &lower_price, rep).unwrap() >= base);
        let better_quality = BidTerms { quality_bps: t.quality_bps + higher_quality % (10_001 - t.quality_bps), ..t };
        prop_assert!(score_bid(&w, &l, &better_quality, rep).unwrap() >= base);
        let lower_latency = BidTerms { latency: t.latency - faster % t.latency.saturating_add(1).max(1), ..t };
        prop_assert!(score_bid(&w, &l, &lower_latency, rep).unwrap() >= base);
        let better_rep = rep + more_rep % (10_001 - rep);
        prop_assert!(score_bid(&w, &l, &t, better_rep).unwrap() >= base);
    }

    #[test]
    fn rank_is_a_total_order_with_no_ties_between_distinct_bids(
        a in (any::<u16>(), any::<u16>(), any::<u64>(), any::<[u8; 32]>()),
        b in (any::<u16>(), any::<u16>(), any::<u64>(), any::<[u8; 32]>()),
        c in (any::<u16>(), any::<u16>(), any::<u64>(), any::<[u8; 32]>()),
    ) {
        let key = |(score, reputation, latency, commitment)| RankKey { score, reputation, latency, tiebreak: commitment };
        let (a, b, c) = (key(a), key(b), key(c));
        // Antisymmetric, and equal only when identical.
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&b).is_eq(), a == b);
        if a.tiebreak != b.tiebreak { prop_assert!(a.cmp(&b).is_ne()); }
        // Transitive.
        if a >= b && b >= c { prop_assert!(a >= c); }
    }

    #[test]
    fn vickrey_payment_equals_brute_force(
        (w, l, wt, rt) in (weights(), small_limits())
            .prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l), terms_within(l))),
        wrep in 0u16..=10_000, rrep in 0u16..=10_000,
        wc in any::<[u8; 32]>(), rc in any::<[u8; 32]>(),
    ) {
        let winner = Winner { terms: wt, reputation: wrep, tiebreak: wc };
        let runner_up = rank(&w, &l, &rt, rrep, rc);
        let at_ask = rank(&w, &l, &wt, wrep, wc);
        let paid = second_score_payment(&w, &l, &winner, Some(&runner_up));
        if at_ask <= runner_up {
            prop_assert_eq!(paid, Err(PaymentError::NotTheWinner));
        } else {
            let paid = paid.unwrap();
            let brute = (wt.price..=l.max_price)
                .filter(|p| winner.rank_at(&w, &l, *p).unwrap() > runner_up)
                .max()
                .unwrap();
            prop_assert_eq!(paid, brute);
            prop_assert!(wt.price <= paid && paid <= l.max_price);
            prop_assert!(winner.rank_at(&w, &l, paid).unwrap() > runner_up);
        }
    }

    #[test]
    fn vickrey_single_bid_pays_the_ask(
        (w, l, t) in (weights(), limits()).prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l))),
        rep in 0u16..=10_000, c in any::<[u8; 32]>(),
    ) {
        let winner = Winner { terms: t, reputation: rep, tiebreak: c };
        prop_assert_eq!(second_score_payment(&w, &l, &winner, None), Ok(t.price));
    }

    #[test]
    fn vickrey_is_the_highest_winning_price_at_any_size(
        (w, l, wt, rt) in (weights(), limits())
            .prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l), terms_within(l))),
        wrep in 0u16..=10_000, rrep in 0u16..=10_000,
    ) {
        let winner = Winner { terms: wt, reputation: wrep, tiebreak: [0; 32] };
        let runner_up = rank(&w, &l, &rt, rrep, [1; 32]);
        if let Ok(paid) = second_score_payment(&w, &l, &winner, Some(&runner_up)) {
            prop_assert!(wt.price <= paid && paid <= l.max_price);
            prop_assert!(winner.rank_at(&w, &l, paid).unwrap() > runner_up);
            if paid < l.max_price {
                prop_assert!(winner.rank_at(&w, &l, paid + 1).unwrap() < runner_up);
            }
        }
    }

    /// The capped second-score payment is the second-score price or the cap, whichever is
    /// lower, never below the ask, never above the max price; a wider cap never pays less.
    #[test]
    fn the_premium_cap_bounds_vickrey_and_never_lowers_below_the_ask(
        (w, l, wt, rt) in (weights(), limits())
            .prop_flat_map(|(w, l)| (Just(w), Just(l), terms_within(l), terms_within(l))),
        wrep in 0u16..=10_000, rrep in 0u16..=10_000, cap in any::<u16>(), wider in any::<u16>(),
    ) {
        let winner = Winner { terms: wt, reputation: wrep, tiebreak: [0; 32] };
        let runner_up = rank(&w, &l, &rt, rrep, [1; 32]);
        let capped = |c| agx_core::payment::payment(
            agx_core::payment::Pricing::SecondScore { premium_cap_bps: c }, &w, &l, &winner, Some(&runner_up));
        if let Ok(second) = second_score_payment(&w, &l, &winner, Some(&runner_up)) {
            let paid = capped(cap).unwrap().0;
            let bound = agx_core::payment::premium_cap(wt.price, cap, l.max_price);
            prop_assert_eq!(paid, second.min(bound));
            prop_assert!(wt.price <= paid && paid <= l.max_price);
            prop_assert!(capped(cap.max(wider)).unwrap().0 >= paid);
        }
    }

    #[test]
    fn no_panics_on_arbitrary_input(
        w in (any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>()),
        l in (any::<u64>(), any::<u64>()),
        t in (any::<u64>(), any::<u16>(), any::<u64>()),
        rep in any::<u16>(),
        ru in (any::<u16>(), any::<u16>(), any::<u64>()),
    ) {
        let w = Weights { quality: w.0, cost: w.1, speed: w.2, reputation: w.3 };
        let l = Limits { max_price: l.0, max_latency: l.1 };
        let t = BidTerms { price: t.0, quality_bps: t.1, latency: t.2 };
        let _ = score_bid(&w, &l, &t, rep);
        let winner = Winner { terms: t, reputation: rep, tiebreak: [0; 32] };
        let runner_up = RankKey { score: ru.0, reputation: ru.1, latency: ru.2, tiebreak: [1; 32] };
        let _ = second_score_payment(&w, &l, &winner, Some(&runner_up));
    }

    #[test]
    fn reputation_is_bounded_and_never_panics(
        outcomes in proptest::collection::vec((0u8..3, any::<u64>(), proptest::option::of(any::<u16>())), 0..40),
        params in (any::<u64>(), any::<u16>(), any::<u16>(), any::<u16>()),
    ) {
        let params = ReputationParams {
            prior_value: params.0, prior_bps: params.1, slash_weight: params.2, reliability_weight_bps: params.3,
        };
        let mut h = History::default();
        for (kind, value, rating) in outcomes {
            let before = h;
            if h.record(outcome(kind, value, rating)).is_err() { prop_assert_eq!(h, before); }
        }
        if let Ok(s) = h.score(&params) { prop_assert!(s <= 10_000); }
        if let Ok(s) = h.score(&ReputationParams::DEFAULT) { prop_assert!(s <= 10_000); }
    }

    #[test]
    fn failure_never_raises_and_a_slash_hurts_at_least_as_much(
        history in proptest::collection::vec(
            (0u8..3, 0u64..1_000_000_000_000, proptest::option::of(0u16..=10_000)), 0..20),
        value in 0u64..1_000_000_000_000,
    ) {
        let p = ReputationParams::DEFAULT;
        let mut h = History::default();
        for (kind, v, rating) in history {
            h.record(outcome(kind, v, rating)).unwrap();
        }
        let base = h.score(&p).unwrap();
        let mut failed = h;
        failed.record(Outcome::Failed { value }).unwrap();
        prop_assert!(failed.score(&p).unwrap() <= base);
        let mut slashed = h;
        slashed.record(Outcome::Slashed { value }).unwrap();
        prop_assert!(slashed.score(&p).unwrap() <= failed.score(&p).unwrap());
    }

    #[test]
    fn no_history_scores_below_a_fresh_start_so_re_registering_never_helps(
        history in proptest::collection::vec(
            (0u8..3, 0u64..1_000_000_000_000, proptest::option::of(0u16..=10_000)), 0..20),
    ) {
        let p = ReputationParams::DEFAULT;
        let mut h = History::default();
        for (kind, v, rating) in history {
            h.record(outcome(kind, v, rating)).unwrap();
        }
        prop_assert!(h.score(&p).unwrap() >= History::default().score(&p).unwrap());
    }

    #[test]
    fn the_leaderboard_is_the_top_k_of_everything_inserted(
        scores in proptest::collection::vec((0u16..=50, any::<[u8; 4]>()), 0..40),
        removals in proptest::collection::vec(0usize..8, 0..6),
    ) {
        let keys: Vec<Entry> = scores
            .iter()
            .enumerate()
            .map(|(i, (score, salt))| {
                let mut commitment = [0u8; 32];
                commitment[..4].copy_from_slice(salt);
                commitment[4..12].copy_from_slice(&(i as u64).to_le_bytes());
                Entry(RankKey { score: *score, reputation: 0, latency: 0, tiebreak: commitment })
            })
            .collect();
        let mut board = [Entry(EMPTY); 8];
        let mut len = 0usize;
        let mut off_board = 0usize;
        for k in &keys {
            let ins = leaderboard::insert(&mut board, &mut len, *k);
            off_board += usize::from(ins.dropped_off);
        }
        let mut expected: Vec<RankKey> = keys.iter().map(|e| e.0).collect();
        expected.sort_by(|a, b| b.cmp(a));
        let top: Vec<RankKey> = expected.iter().take(8).copied().collect();
        prop_assert_eq!(leaderboard::ranked(&board, len).iter().map(|e| e.0).collect::<Vec<_>>(), top);
        prop_assert_eq!(off_board, keys.len().saturating_sub(8));
        for at in removals {
            let before = len;
            let removed = leaderboard::remove(&mut board, &mut len, at, Entry(EMPTY));
            prop_assert_eq!(removed.is_some(), at < before);
            prop_assert!(leaderboard::is_ranked(leaderboard::ranked(&board, len)));
        }
    }

    #[test]
    fn the_split_conserves_the_escrow_and_pays_at_most_the_payment(
        escrowed in any::<u64>(), payment in any::<u64>(), fulfilled in 0u16..=10_000,
    ) {
        let bps = Bps::new(fulfilled).unwrap();
        match split(TokenAtoms(escrowed), TokenAtoms(payment), bps) {
            Ok(s) => {
                prop_assert_eq!(s.to_agent.0 as u128 + s.to_requester.0 as u128, escrowed as u128);
                prop_assert!(s.to_agent.0 <= payment);
            }
            Err(_) => prop_assert!(payment > escrowed),
        }
    }

    #[test]
    fn overpromising_never_pays_in_reputation(
        promised in 0u16..=10_000, higher in 0u16..=10_000, rating in 0u16..=10_000,
    ) {
        let (low, high) = (promised.min(higher), promised.max(higher));
        let honest = accountable_rating(low, rating).unwrap();
        let bold = accountable_rating(high, rating).unwrap();
        prop_assert!(bold <= honest);
        prop_assert!(honest <= rating);
        if rating >= low { prop_assert_eq!(honest, rating); }
    }
}

const EMPTY: RankKey = RankKey { score: 0, reputation: 0, latency: 0, tiebreak: [0; 32] };

#[derive(Clone, Copy, Debug)]
struct Entry(RankKey);

impl leaderboard::Ranked for Entry {
    fn rank_key(&self) -> RankKey {
        self.0
    }
}
