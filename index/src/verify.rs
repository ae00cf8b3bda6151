//! Recomputing an auction from the index alone, with `agx_core`, as any observer can (the
//! dashboard's "verify" button). The accounts are closed by then; the events carry what is
//! needed: the intent's terms (`IntentCreated`), each bid's terms, reputation and score
//! (`BidRevealed`), the award (`AuctionAwarded`).
//!
//! Three rules are checked for the first award (a failover hands the job on by the board the
//! chain kept, which the later events record): every revealed score is `agx_core`'s for its
//! terms; the winner is the one the auction kind prescribes; the payment is the kind's. One
//! thing the logs cannot settle: two bids equal in score, reputation and latency are ordered by
//! the slot-hash tie-break, whose seed no event carries; such a tie is reported, not judged.
use agx_core::payment::{payment, Pricing};
use agx_core::score::{score_bid, BidTerms, Limits, RankKey, Weights};
use agx_core::vickrey::Winner;
use serde_json::{json, Value};

use crate::db::Db;
use crate::Error;

/// A revealed bid, as its event told it.
#[derive(Clone, Debug)]
struct Revealed {
    seq: i64,
    bid: String,
    agent: String,
    terms: BidTerms,
    reputation: u16,
    score: u16,
}

impl Revealed {
    /// Its rank by `agx_core`'s order without the tie-break (which the logs cannot recompute):
    /// every bid gets the same tie-break key, so two bids equal up to it compare equal.
    fn rank(&self) -> RankKey {
        self.key(0)
    }

    fn key(&self, tiebreak: u8) -> RankKey {
        RankKey {
            score: self.score,
            reputation: self.reputation,
            latency: self.terms.latency,
            tiebreak: [tiebreak; 32],
        }
    }
}

fn check(rule: &str, ok: bool, detail: String) -> Value {
    json!({"rule": rule, "ok": ok, "detail": detail})
}

fn u16_of(v: &Value) -> Option<u16> {
    v.as_u64().and_then(|n| u16::try_from(n).ok())
}

/// The recomputation of `address`'s auction; `None` if the index does not hold the intent.
pub fn verify(db: &dyn Db, address: &str) -> Result<Option<Value>, Error> {
    let Some(row) = db
        .rows("SELECT terms, failovers FROM intents WHERE address = ?1", &[address.into()])?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let terms: Value = row[0].text().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    let w: Vec<u16> = terms["weights"].as_array().into_iter().flatten().filter_map(u16_of).collect();
    let weights = match w.as_slice() {
        [quality, cost, speed, reputation] => {
            Weights { quality: *quality, cost: *cost, speed: *speed, reputation: *reputation }
        }
        _ => return Err(Error::Query(format!("intent {address}: its terms carry no weights"))),
    };
    let limits = Limits {
        max_price: terms["max_price"].as_u64().unwrap_or(0),
        max_latency: terms["max_latency"].as_u64().unwrap_or(0),
    };
    let kind = terms["auction_kind"].as_str().unwrap_or("").to_owned();
    let threshold = u16_of(&terms["score_threshold"]).unwrap_or(0);
    let premium_cap_bps = u16_of(&terms["vickrey_premium_cap_bps"]).unwrap_or(0);

    let mut revealed = Vec::new();
    let mut disqualified = Vec::new();
    let mut award: Option<(i64, Value)> = None;
    for r in db.rows(
        "SELECT seq, name, fields FROM events WHERE intent = ?1 \
         AND name IN ('BidRevealed', 'BidDisqualified', 'AuctionAwarded') ORDER BY seq",
        &[address.into()],
    )? {
        let (Some(seq), Some(name)) = (r[0].int(), r[1].text()) else { continue };
        let fields: Value = r[2].text().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        match name {
            "AuctionAwarded" if award.is_none() => award = Some((seq, fields)),
            "BidDisqualified" if award.is_none() => {
                disqualified.push(fields["bid"].as_str().unwrap_or("").to_owned())
            }
            "BidRevealed" => {
                let bid = || -> Option<Revealed> {
                    Some(Revealed {
                        seq,
                        bid: fields["bid"].as_str()?.to_owned(),
                        agent: fields["agent"].as_str()?.to_owned(),
                        terms: BidTerms {
                            price: fields["price"].as_u64()?,
                            quality_bps: u16_of(&fields["quality_bps"])?,
                            latency: fields["latency"].as_u64()?,
                        },
                        reputation: u16_of(&fields["reputation"])?,
                        score: u16_of(&fields["score"])?,
                    })
                };
                revealed.extend(bid());
            }
            _ => {}
        }
    }

    let mut checks = Vec::new();
    let wrong: Vec<String> = revealed
        .iter()
        .filter_map(|b| match score_bid(&weights, &limits, &b.terms, b.reputation) {
            Ok(s) if s == b.score => None,
            Ok(s) => Some(format!("bid {} scored {} on chain, {s} recomputed", b.bid, b.score)),
            Err(e) => Some(format!("bid {}: agx_core refuses its terms: {e}", b.bid)),
        })
        .collect();
    checks.push(check(
        "every revealed score is agx_core's for its terms",
        wrong.is_empty(),
        if wrong.is_empty() {
            format!("{} of {} scores recomputed equal", revealed.len(), revealed.len())
        } else {
            wrong.join("; ")
        },
    ));

    let mut recomputed = Value::Null;
    match &award {
        None => checks.push(check("award", true, "not awarded (yet): nothing more to recompute".into())),
        Some(_) if kind == "Direct" => checks.push(check(
            "award",
            true,
            "a direct hire: the named agent accepted at the max price; no auction to recompute".into(),
        )),
        Some((award_seq, fields)) => {
            let candidates: Vec<&Revealed> =
                revealed.iter().filter(|b| b.seq < *award_seq && !disqualified.contains(&b.bid)).collect();
            let winner_bid = fields["bid"].as_str().unwrap_or("");
            let paid = fields["payment"].as_u64().unwrap_or(0);
            match candidates.iter().find(|b| b.bid == winner_bid) {
                None => checks.push(check(
                    "the winner is a revealed, qualified bid",
                    false,
                    format!("bid {winner_bid} won, but no qualified bid of that address was revealed before the award"),
                )),
                Some(winner) => {
                    let at_once = kind == "Continuous" && threshold > 0 && winner.score >= threshold;
                    let others: Vec<&&Revealed> = candidates.iter().filter(|b| b.bid != winner.bid).collect();
                    if at_once {
                        let earlier = others.iter().find(|b| b.seq < winner.seq && b.score >= threshold);
                        checks.push(check(
                            "the first bid to reach the score threshold wins at once",
                            earlier.is_none(),
                            match earlier {
                                None => format!("{} reached {threshold} first, with {}", winner.bid, winner.score),
                                Some(b) => format!("{} reached the threshold earlier, with {}", b.bid, b.score),
                            },
                        ));
                    } else {
                        let better = others.iter().find(|b| b.rank() > winner.rank());
                        let tied = others.iter().filter(|b| b.rank() == winner.rank()).count();
                        checks.push(check(
                            "the best bid wins (score, then reputation, then lower latency)",
                            better.is_none(),
                            match better {
                                Some(b) => format!("{} outranks the winner: score {} against {}", b.bid, b.score, winner.score),
                                None if tied > 0 => format!(
                                    "the winner ({}) ties {tied} bid(s) on score, reputation and latency: the slot-hash tie-break decided, which the logs cannot recompute",
                                    winner.score
                                ),
                                None => format!("the winner's score {} ranks first of {}", winner.score, candidates.len()),
                            },
                        ));
                    }
                    let pricing = if kind == "VickreySealed" {
                        Pricing::SecondScore { premium_cap_bps }
                    } else {
                        Pricing::Ask
                    };
                    // The runner-up sets a second-score price; with an exact tie the tie-break
                    // (unknown here) decides whether the winner needs to beat or only to tie it.
                    let runner_up = others.iter().max_by_key(|b| b.rank());
                    let mut prices = Vec::new();
                    for (win_key, lose_key) in [(0u8, 255u8), (255, 0)] {
                        let w = Winner { terms: winner.terms, reputation: winner.reputation, tiebreak: [win_key; 32] };
                        let r = runner_up.map(|b| b.key(lose_key));
                        if let Ok(p) = payment(pricing, &weights, &limits, &w, r.as_ref()) {
                            prices.push(p.0);
                        }
                    }
                    prices.dedup();
                    let ok = prices.contains(&paid);
                    checks.push(check(
                        if kind == "VickreySealed" {
                            "the payment is the second-score price, within the premium cap"
                        } else {
                            "the payment is the winner's ask"
                        },
                        ok,
                        format!(
                            "paid {paid}; recomputed {}",
                            prices.iter().map(u64::to_string).collect::<Vec<_>>().join(" or ")
                        ),
                    ));
                    recomputed = json!({"winner_bid": winner.bid, "winner_agent": winner.agent, "payment": prices.first()});
                }
            }
        }
    }
    let failovers = row[1].int().unwrap_or(0);
    if failovers > 0 {
        checks.push(check(
            "failovers",
            true,
            format!(
                "{failovers} failover(s) later handed the job on; the checks above are of the first award"
            ),
        ));
    }
    let verified = checks.iter().all(|c| c["ok"] == json!(true));
    Ok(Some(json!({
        "intent": address,
        "kind": kind,
        "verified": verified,
        "bids": revealed.len(),
        "checks": checks,
        "recomputed": recomputed,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_intent_is_none() {
        let db = crate::Sqlite::in_memory().unwrap();
        assert!(verify(&db, "nowhere").unwrap().is_none());
    }

    #[test]
    fn the_rank_ignores_the_tiebreak_and_prefers_lower_latency() {
        let bid = |latency| Revealed {
            seq: 0,
            bid: String::new(),
            agent: String::new(),
            terms: BidTerms { price: 1, quality_bps: 1, latency },
            reputation: 5,
            score: 7,
        };
        assert!(bid(3).rank() > bid(4).rank());
        assert_eq!(bid(3).rank(), bid(3).rank());
    }
}
