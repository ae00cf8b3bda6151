//! Fuzz targets (bolero) of the core rules the programs run: any input, never a panic, and what
//! each rule promises still holds. Under `cargo test` each target runs for about a second of
//! random inputs; `cargo bolero test` runs one coverage-guided for as long as it is given
//! (`docs/fuzzing.md`). The programs' own targets: `programs/exchange/tests/all/fuzz_instruction_data.rs`.
//!
//! The property tests (`core/tests/properties.rs`) state the same rules over shaped inputs; these
//! feed raw values (every bit pattern, the edges included) so the error paths are the ones hit.
#![allow(clippy::arithmetic_side_effects)] // sums of bounded test values

use agx_core::budget;
use agx_core::coalition::{self, MemberTerms, MAX_MEMBERS};
use agx_core::commitment::{BidOpening, SoftwareSha256};
use agx_core::leaderboard;
use agx_core::payment::{self, Pricing};
use agx_core::reputation::{History, Outcome, Patrons, ReputationParams};
use agx_core::score::{score_bid, BidTerms, Limits, RankKey, Weights};
use agx_core::skills::Skills;
use agx_core::vickrey::Winner;
use agx_core::{slash, tiebreak, Bps, TokenAtoms};
use bolero::check;

type RawWeights = (u16, u16, u16, u16);
type RawTerms = (u64, u16, u64);

fn weights((quality, cost, speed, reputation): RawWeights) -> Weights {
    Weights { quality, cost, speed, reputation }
}

fn terms((price, quality_bps, latency): RawTerms) -> BidTerms {
    BidTerms { price, quality_bps, latency }
}

/// Weights that sum to the whole, from any four values (the program refuses others first).
fn whole_weights(raw: RawWeights) -> Weights {
    let w = weights(raw);
    if w.validate().is_ok() {
        return w;
    }
    let q = w.quality % 10_001;
    let c = w.cost % (10_001 - q);
    let s = w.speed % (10_001 - q - c);
    Weights { quality: q, cost: c, speed: s, reputation: 10_000 - q - c - s }
}

#[test]
fn a_score_is_in_bps_and_rank_keys_order_totally() {
    check!().with_type::<(RawWeights, (u64, u64), RawTerms, u16, RawTerms, u16)>().cloned().for_each(
        |(w, (max_price, max_latency), a, rep_a, b, rep_b)| {
            let (w, limits) = (weights(w), Limits { max_price, max_latency });
            let scored = |t: RawTerms, rep: u16| {
                score_bid(&w, &limits, &terms(t), rep).map(|score| RankKey {
                    score,
                    reputation: rep,
                    latency: t.2,
                    tiebreak: t.0.to_le_bytes().repeat(4).try_into().unwrap(),
                })
            };
            let (Ok(ka), Ok(kb)) = (scored(a, rep_a), scored(b, rep_b)) else { return };
            assert!(ka.score <= 10_000 && kb.score <= 10_000);
            assert_eq!(ka.cmp(&kb), kb.cmp(&ka).reverse(), "antisymmetric");
            if ka == kb {
                assert_eq!(ka.cmp(&kb), core::cmp::Ordering::Equal);
            }
        },
    );
}

#[test]
fn a_second_score_payment_lies_between_the_ask_and_the_cap() {
    check!()
        .with_type::<(RawWeights, (u64, u64), RawTerms, u16, Option<(u16, u16, u64)>, u16)>()
        .cloned()
        .for_each(|(w, (max_price, max_latency), t, reputation, runner_up, premium_cap_bps)| {
            let (w, limits) = (whole_weights(w), Limits { max_price, max_latency });
            // Quality and reputation inside their range, so most inputs reach the payment rule.
            let t = (t.0, t.1 % 10_001, t.2);
            let winner = Winner { terms: terms(t), reputation: reputation % 10_001, tiebreak: [7; 32] };
            let runner_up = runner_up.map(|(score, reputation, latency)| RankKey {
                score: score % 10_001,
                reputation,
                latency,
                tiebreak: [9; 32],
            });
            let pricing = Pricing::SecondScore { premium_cap_bps };
            let Ok(paid) = payment::payment(pricing, &w, &limits, &winner, runner_up.as_ref()) else {
                return;
            };
            let ask = winner.terms.price;
            assert!(paid.0 >= ask, "never below the ask: {paid:?} < {ask}");
            assert!(paid.0 <= max_price, "never above the max price");
            assert!(paid.0 <= payment::premium_cap(ask, premium_cap_bps, max_price).max(ask));
        });
}

#[test]
fn a_payout_split_and_a_slash_account_for_every_atom() {
    check!().with_type::<(u64, u64, u16, u16, Option<u16>)>().cloned().for_each(
        |(escrowed, paid, fulfilled, slash_bps, reward_bps)| {
            if let Ok(bps) = Bps::new(fulfilled) {
                if let Ok(s) = payment::split(TokenAtoms(escrowed), TokenAtoms(paid), bps) {
                    assert_eq!(s.to_agent.0 + s.to_requester.0, escrowed);
                    assert!(s.to_agent.0 <= paid);
                }
            }
            if let Ok(s) = slash::split(escrowed, slash_bps, reward_bps) {
                assert_eq!(s.compensation + s.reward, s.total);
                assert!(s.total <= escrowed);
            }
        },
    );
}

#[test]
fn a_coalition_split_pays_out_exactly_the_amount() {
    check!().with_type::<(u64, Vec<u16>, u8)>().cloned().for_each(|(amount, shares, n)| {
        if let Ok(parts) = coalition::split_by_shares(amount, &shares) {
            assert_eq!(parts.iter().map(|p| u128::from(*p)).sum::<u128>(), u128::from(amount));
            assert!(parts[shares.len().min(MAX_MEMBERS)..].iter().all(|p| *p == 0));
        }
        if let Ok(parts) = coalition::split_equally(amount, usize::from(n)) {
            assert_eq!(parts.iter().map(|p| u128::from(*p)).sum::<u128>(), u128::from(amount));
        }
    });
}

#[test]
fn coalition_terms_that_pass_are_a_valid_partnership() {
    check!().with_type::<Vec<(u8, u16, u64, u8)>>().cloned().for_each(|raw| {
        let members: Vec<MemberTerms> = raw
            .iter()
            .map(|(agent, share_bps, contribution, position)| MemberTerms {
                agent: [*agent; 32],
                share_bps: *share_bps,
                contribution: *contribution,
                role_hash: [0; 32],
                position: *position,
            })
            .collect();
        let (preimage, len) = coalition::terms_preimage(&[1; 32], &members);
        assert_eq!(len, 33 + coalition::MEMBER_PREIMAGE_LEN * members.len().min(MAX_MEMBERS));
        assert!(preimage[len..].iter().all(|b| *b == 0));
        if coalition::check_terms(&members).is_ok() {
            assert!((1..=MAX_MEMBERS).contains(&members.len()));
            assert_eq!(members.iter().map(|m| u32::from(m.share_bps)).sum::<u32>(), 10_000);
            let mut positions: Vec<u8> = members.iter().map(|m| m.position).collect();
            positions.sort_unstable();
            assert!(positions.iter().enumerate().all(|(i, p)| usize::from(*p) == i));
        }
    });
}

#[test]
fn a_budget_never_spends_past_its_caps() {
    check!().with_type::<((u64, u64, u64), u64, bool, u64, u64)>().cloned().for_each(
        |((per_spend_cap, total_cap, expiry_slot), spent, revoked, now, amount)| {
            let limits = budget::Limits { per_spend_cap, total_cap, expiry_slot };
            if let Ok(total) = limits.spend(spent, revoked, now, amount) {
                assert!(!revoked && now < expiry_slot && amount > 0);
                assert!(amount <= per_spend_cap && total <= total_cap);
                assert_eq!(total, spent + amount);
            }
        },
    );
}

#[test]
fn a_reputation_history_scores_in_bps_whatever_it_records() {
    check!().with_type::<((u64, u16, u16, u16), Vec<(u8, u64, Option<u16>)>, u64)>().cloned().for_each(
        |((prior_value, prior_bps, slash_weight, reliability_weight_bps), steps, capabilities)| {
            let params = ReputationParams { prior_value, prior_bps, slash_weight, reliability_weight_bps };
            let (mut history, mut skills) = (History::default(), Skills::default());
            for (kind, value, rating_bps) in steps {
                let outcome = match kind % 3 {
                    0 => Outcome::Completed { value, rating_bps },
                    1 => Outcome::Failed { value },
                    _ => Outcome::Slashed { value },
                };
                let before = history;
                if history.record(outcome).is_err() {
                    assert_eq!(history, before, "a refused record changes nothing");
                }
                let _ = skills.record(capabilities, outcome);
                let _ = history.record_late(value);
            }
            if let Ok(score) = history.score(&params) {
                assert!(score <= 10_000, "{score}");
                if let Ok(scores) = skills.scores(score, &params) {
                    assert!(scores.iter().all(|s| *s <= 10_000));
                }
            }
            assert_eq!(Skills::from_bytes(&skills.to_bytes()), skills, "the stored form round-trips");
        },
    );
}

#[test]
fn the_patron_table_never_credits_more_than_was_paid() {
    check!().with_type::<(Vec<(u8, u64)>, u64)>().cloned().for_each(|(payments, half)| {
        let mut patrons = Patrons::default();
        for (requester, value) in payments {
            let counted = patrons.credit([requester; 32], value, half);
            assert!(counted <= value, "{counted} counted of {value}");
        }
        assert_eq!(Patrons::from_bytes(&patrons.to_bytes()), patrons);
    });
}

#[test]
fn the_leaderboard_stays_ranked_under_any_inserts_and_removes() {
    #[derive(Clone, Copy, Debug)]
    struct Entry(RankKey);
    impl leaderboard::Ranked for Entry {
        fn rank_key(&self) -> RankKey {
            self.0
        }
    }
    check!().with_type::<Vec<(bool, u16, u16, u8)>>().cloned().for_each(|steps| {
        let empty = Entry(RankKey { score: 0, reputation: 0, latency: u64::MAX, tiebreak: [u8::MAX; 32] });
        let (mut board, mut len) = ([empty; 8], 0usize);
        for (n, (remove, score, reputation, at)) in steps.into_iter().enumerate() {
            if remove {
                let _ = leaderboard::remove(&mut board, &mut len, usize::from(at), empty);
            } else {
                let mut tiebreak = [0u8; 32];
                tiebreak[..8].copy_from_slice(&(n as u64).to_le_bytes());
                let key = RankKey { score, reputation, latency: u64::from(at), tiebreak };
                let _ = leaderboard::insert(&mut board, &mut len, Entry(key));
            }
            assert!(len <= board.len());
            assert!(leaderboard::is_ranked(leaderboard::ranked(&board, len)));
        }
    });
}

#[test]
fn a_tiebreak_seed_is_read_from_any_slot_hashes_bytes_without_panic() {
    check!().with_type::<(Vec<u8>, u64)>().cloned().for_each(|(data, commit_end)| {
        if let Some(seed) = tiebreak::seed_from_slot_hashes(&data, commit_end) {
            assert!(data.windows(32).any(|w| w == seed), "the seed is one of the hashes given");
        }
    });
}

#[test]
fn a_commitment_binds_every_field_of_the_opening() {
    check!().with_type::<([u8; 32], [u8; 32], RawTerms, [u8; 32], u8)>().cloned().for_each(
        |(intent, salt, (price, quality_bps, latency), plan_hash, flip)| {
            let opening = BidOpening { intent, agent: [3; 32], price, quality_bps, latency, plan_hash, salt };
            let mut preimage = opening.preimage();
            let at = usize::from(flip) % preimage.len();
            preimage[at] ^= 1;
            assert_ne!(
                agx_core::commitment::sha256(&preimage),
                opening.commitment::<SoftwareSha256>(),
                "one bit changed at byte {at}"
            );
        },
    );
}
