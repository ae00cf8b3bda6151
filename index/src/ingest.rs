//! An event into rows. Each event is written once, keyed by (signature, index in the
//! transaction's logs): the row in `events` is inserted first, and the derived rows (intents,
//! bids, agents, their histories) change only when it was new, so replaying a transaction, a
//! backfill overlapping a live stream, or a restart from an earlier slot changes nothing.
use agx_sdk::events::NamedEvent;
use serde_json::Value;

use crate::db::{Db, Param};
use crate::Error;

/// Where an event was: its transaction, its position among the transaction's events, its slot.
#[derive(Clone, Copy, Debug)]
pub struct At<'a> {
    pub signature: &'a str,
    pub idx: u32,
    pub slot: u64,
    /// The order the index received it in.
    pub seq: u64,
    /// The transaction's fee payer, where the source says (a crank's sender).
    pub payer: Option<&'a str>,
    /// Whether a party's own action (a bid placed, a hire accepted) is in the same transaction:
    /// an award there is not a crank.
    pub by_party: bool,
}

/// Events that a permissionless crank emits, and the crank's name in the index.
fn crank_of(name: &str, by_party: bool) -> Option<&'static str> {
    Some(match name {
        "AuctionAwarded" if !by_party => "award",
        "AuctionExpired" => "expire",
        "FailoverTriggered" => "failover",
        "StandbyFailed" => "standby_failed",
        "IntentClosed" => "intent_close",
        "BidClosed" => "bid_close",
        _ => return None,
    })
}

/// Whether an event named `name` may come from a crank (whose sender the index records).
pub fn may_be_crank(name: &str) -> bool {
    crank_of(name, false).is_some()
}

/// Whether `name` is a party's own action that can award in the same transaction.
pub fn is_party_action(name: &str) -> bool {
    matches!(name, "BidRevealed" | "AgentHired")
}

/// Reads fields of one event, naming it in errors.
struct Fields<'a> {
    event: &'a NamedEvent,
    value: &'a Value,
}

impl<'a> Fields<'a> {
    fn of(event: &'a NamedEvent) -> Self {
        Self { event, value: &event.fields }
    }

    fn at(&self, value: &'a Value) -> Self {
        Self { event: self.event, value }
    }

    fn missing(&self, field: &'static str) -> Error {
        Error::Field { event: self.event.name.clone(), field }
    }

    fn get(&self, field: &'static str) -> Result<&'a Value, Error> {
        self.value.get(field).ok_or_else(|| self.missing(field))
    }

    fn text(&self, field: &'static str) -> Result<Param, Error> {
        self.get(field)?.as_str().map(Param::from).ok_or_else(|| self.missing(field))
    }

    fn int(&self, field: &'static str) -> Result<Param, Error> {
        let v = self.get(field)?.as_u64().ok_or_else(|| self.missing(field))?;
        i64::try_from(v)
            .map(Param::Int)
            .map_err(|_| Error::TooLarge { event: self.event.name.clone(), field })
    }

    /// A key that is the default (all ones in base58) stands for none.
    fn key_or_null(&self, field: &'static str) -> Result<Param, Error> {
        let key = self.text(field)?;
        Ok(if key.text() == Some(DEFAULT_KEY) { Param::Null } else { key })
    }

    fn json(&self, field: &'static str) -> Result<Param, Error> {
        Ok(Param::Text(self.get(field)?.to_string()))
    }
}

/// The default public key, base58.
const DEFAULT_KEY: &str = "11111111111111111111111111111111";

/// Writes `event` (at `at`) and what it changes. Returns whether it was new.
pub fn apply(db: &mut dyn Db, at: At, event: &NamedEvent) -> Result<bool, Error> {
    // The intent an event is about (a link is about the child it links).
    let intent =
        ["intent", "child"].iter().find_map(|k| event.fields.get(*k).and_then(serde_json::Value::as_str));
    let fresh = db.execute(
        "INSERT INTO events (signature, idx, seq, slot, program, name, fields, payer, intent) \
         VALUES (?1, ?2, ?7, ?3, ?4, ?5, ?6, ?8, ?9) ON CONFLICT (signature, idx) DO NOTHING",
        &[
            at.signature.into(),
            Param::Int(i64::from(at.idx)),
            slot(at.slot)?,
            event.program.into(),
            event.name.as_str().into(),
            Param::Text(event.fields.to_string()),
            slot(at.seq)?,
            Param::from(at.payer),
            Param::from(intent),
        ],
    )? == 1;
    if fresh {
        derive(db, at, event)?;
        if let (Some(crank), Some(intent)) = (crank_of(&event.name, at.by_party), intent) {
            let tip = event
                .fields
                .get("tip")
                .and_then(serde_json::Value::as_u64)
                .and_then(|t| i64::try_from(t).ok());
            db.execute(
                "INSERT INTO cranks (signature, idx, seq, slot, intent, crank, sender, tip) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (signature, idx) DO NOTHING",
                &[
                    at.signature.into(),
                    Param::Int(i64::from(at.idx)),
                    slot(at.seq)?,
                    slot(at.slot)?,
                    intent.into(),
                    crank.into(),
                    Param::from(at.payer),
                    Param::from(tip),
                ],
            )?;
            // Unknown senders (a log stream without the transaction) are counted under ''.
            db.execute(
                "INSERT INTO crank_senders (sender, cranks, tips) VALUES (?1, 1, ?2) \
                 ON CONFLICT (sender) DO UPDATE SET cranks = crank_senders.cranks + 1, tips = crank_senders.tips + ?2",
                &[at.payer.unwrap_or("").into(), Param::Int(tip.unwrap_or(0))],
            )?;
        }
    }
    Ok(fresh)
}

fn slot(slot: u64) -> Result<Param, Error> {
    i64::try_from(slot).map(Param::Int).map_err(|_| Error::Query(format!("slot {slot} above 2^63")))
}

/// Records `intent`'s new status, in its row and its history.
fn status(db: &mut dyn Db, at: At, intent: &Param, status: &str) -> Result<(), Error> {
    let was = db.rows("SELECT status FROM intents WHERE address = ?1", std::slice::from_ref(intent))?;
    if let Some(was) = was.first().and_then(|r| r.first()).and_then(Param::text).filter(|w| *w != status) {
        count_status(db, was, -1)?;
        count_status(db, status, 1)?;
    }
    db.execute("UPDATE intents SET status = ?2 WHERE address = ?1", &[intent.clone(), status.into()])?;
    db.execute(
        "INSERT INTO intent_status (signature, idx, intent, seq, slot, status) VALUES (?1, ?2, ?3, ?6, ?4, ?5) \
         ON CONFLICT (signature, idx) DO NOTHING",
        &[
            at.signature.into(),
            Param::Int(i64::from(at.idx)),
            intent.clone(),
            slot(at.slot)?,
            status.into(),
            slot(at.seq)?,
        ],
    )?;
    Ok(())
}

/// Adds `delta` to the intents counted in `status` (what a list's total reads).
fn count_status(db: &mut dyn Db, status: &str, delta: i64) -> Result<(), Error> {
    db.execute(
        "INSERT INTO status_counts (status, intents) VALUES (?1, ?2) \
         ON CONFLICT (status) DO UPDATE SET intents = status_counts.intents + ?2",
        &[status.into(), Param::Int(delta)],
    )?;
    Ok(())
}

/// `intent` ended refunded (the event's `refunded` atoms) at this event's slot.
fn refunded(db: &mut dyn Db, at: At, f: &Fields, intent: &Param) -> Result<(), Error> {
    db.execute(
        "UPDATE intents SET refunded = ?2, ended_slot = ?3 WHERE address = ?1",
        &[intent.clone(), f.int("refunded")?, slot(at.slot)?],
    )?;
    Ok(())
}

/// An agent's stake total `column` (`staked` or `locked`) as the event reports it after the change.
fn stake(db: &mut dyn Db, f: &Fields, column: &'static str) -> Result<(), Error> {
    db.execute(
        &format!("INSERT INTO agents (agent, {column}) VALUES (?1, ?2) ON CONFLICT (agent) DO UPDATE SET {column} = ?2"),
        &[f.text("agent")?, f.int(column)?],
    )?;
    Ok(())
}

/// An agent's reputation at this event, into its row and its history.
fn reputation(db: &mut dyn Db, at: At, f: &Fields, kind: &str, value: Param) -> Result<(), Error> {
    let agent = f.text("agent")?;
    let reputation = f.int("reputation")?;
    db.execute(
        "INSERT INTO agents (agent, reputation) VALUES (?1, ?2) \
         ON CONFLICT (agent) DO UPDATE SET reputation = ?2",
        &[agent.clone(), reputation.clone()],
    )?;
    db.execute(
        "INSERT INTO agent_history (signature, idx, agent, seq, slot, kind, value, reputation) \
         VALUES (?1, ?2, ?3, ?8, ?4, ?5, ?6, ?7) ON CONFLICT (signature, idx) DO NOTHING",
        &[
            at.signature.into(),
            Param::Int(i64::from(at.idx)),
            agent,
            slot(at.slot)?,
            kind.into(),
            value,
            reputation,
            slot(at.seq)?,
        ],
    )?;
    Ok(())
}

fn derive(db: &mut dyn Db, at: At, event: &NamedEvent) -> Result<(), Error> {
    let f = Fields::of(event);
    match (event.program, event.name.as_str()) {
        ("exchange", "IntentCreated") => {
            let terms = f.at(f.get("terms")?);
            let intent = f.text("intent")?;
            let created = db.execute(
                "INSERT INTO intents (address, requester, intent_id, mint, kind, capabilities, max_price, \
                 max_latency, min_stake, min_reputation, weights, context_uri, evaluator, evaluator_fee, \
                 deadline_slot, created_slot, commit_end_slot, reveal_end_slot, status, terms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 'open', ?19) \
                 ON CONFLICT (address) DO NOTHING",
                &[
                    intent.clone(),
                    f.text("requester")?,
                    f.int("intent_id")?,
                    f.text("mint")?,
                    terms.text("auction_kind")?,
                    terms.int("required_capabilities")?,
                    terms.int("max_price")?,
                    terms.int("max_latency")?,
                    terms.int("min_stake")?,
                    terms.int("min_reputation")?,
                    terms.json("weights")?,
                    terms.text("context_uri")?,
                    terms.key_or_null("evaluator")?,
                    terms.int("evaluator_fee")?,
                    match terms.int("deadline_slot")? {
                        Param::Int(0) => Param::Null,
                        d => d,
                    },
                    f.int("created_slot")?,
                    f.int("commit_end_slot")?,
                    f.int("reveal_end_slot")?,
                    f.json("terms")?,
                ],
            )?;
            if created == 1 {
                count_status(db, "open", 1)?;
            }
            status(db, at, &intent, "open")?;
        }
        ("exchange", "BidCommitted") => {
            db.execute(
                "INSERT INTO bids (bid, intent, agent, commitment, bond, fate, slot) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'committed', ?6) ON CONFLICT (bid) DO NOTHING",
                &[
                    f.text("bid")?,
                    f.text("intent")?,
                    f.text("agent")?,
                    f.json("commitment")?,
                    f.int("bond")?,
                    slot(at.slot)?,
                ],
            )?;
            db.execute("UPDATE intents SET bids = bids + 1 WHERE address = ?1", &[f.text("intent")?])?;
        }
        ("exchange", "BidRevealed") => {
            // A continuous auction's bid is placed and revealed at once: no commit came first.
            let placed = db.execute(
                "INSERT INTO bids (bid, intent, agent, fate, slot) VALUES (?1, ?2, ?3, 'revealed', ?4) \
                 ON CONFLICT (bid) DO NOTHING",
                &[f.text("bid")?, f.text("intent")?, f.text("agent")?, slot(at.slot)?],
            )?;
            if placed == 1 {
                db.execute("UPDATE intents SET bids = bids + 1 WHERE address = ?1", &[f.text("intent")?])?;
            }
            db.execute(
                "UPDATE bids SET price = ?2, quality_bps = ?3, latency = ?4, reputation = ?5, score = ?6, \
                 fate = 'revealed' WHERE bid = ?1",
                &[
                    f.text("bid")?,
                    f.int("price")?,
                    f.int("quality_bps")?,
                    f.int("latency")?,
                    f.int("reputation")?,
                    f.int("score")?,
                ],
            )?;
        }
        ("exchange", "BidDisqualified") => {
            db.execute("UPDATE bids SET fate = 'disqualified' WHERE bid = ?1", &[f.text("bid")?])?;
        }
        ("exchange", "AuctionAwarded") => {
            let intent = f.text("intent")?;
            db.execute(
                "UPDATE intents SET winner_agent = ?2, payment = ?3, award_slot = ?4 WHERE address = ?1",
                &[intent.clone(), f.text("agent")?, f.int("payment")?, f.int("slot")?],
            )?;
            db.execute("UPDATE bids SET fate = 'won' WHERE bid = ?1", &[f.text("bid")?])?;
            status(db, at, &intent, "awarded")?;
        }
        ("exchange", "AuctionExpired") => {
            let intent = f.text("intent")?;
            refunded(db, at, &f, &intent)?;
            status(db, at, &intent, "expired")?;
        }
        ("exchange", "IntentCancelled") => {
            let intent = f.text("intent")?;
            refunded(db, at, &f, &intent)?;
            status(db, at, &intent, "cancelled")?;
        }
        ("exchange", "ResultSubmitted") => {
            let intent = f.text("intent")?;
            db.execute(
                "UPDATE intents SET fulfilled_bps = ?2 WHERE address = ?1",
                &[intent.clone(), f.int("fulfilled_bps")?],
            )?;
            status(db, at, &intent, "submitted")?;
        }
        ("exchange", "DisputeOpened") => status(db, at, &f.text("intent")?, "disputed")?,
        ("exchange", "JobCompleted") | ("exchange", "DisputeResolved") => {
            let intent = f.text("intent")?;
            let rating =
                if event.name == "JobCompleted" { f.int("rating_bps")? } else { f.int("agent_share_bps")? };
            db.execute(
                "UPDATE intents SET paid = ?2, refunded = ?3, rating_bps = ?4, ended_slot = ?5 WHERE address = ?1",
                &[intent.clone(), f.int("paid")?, f.int("refunded")?, rating, slot(at.slot)?],
            )?;
            status(db, at, &intent, "completed")?;
        }
        ("exchange", "FailoverTriggered") => {
            let intent = f.text("intent")?;
            db.execute(
                "UPDATE intents SET failovers = ?2, winner_agent = ?3, payment = ?4, round = ?5 WHERE address = ?1",
                &[intent.clone(), f.int("failovers")?, f.key_or_null("winner_agent")?, f.int("payment")?, f.int("round")?],
            )?;
            let next = match f.int("result")? {
                Param::Int(0) => "awarded",
                Param::Int(1) => "open",
                _ => "failed",
            };
            if next == "failed" {
                refunded(db, at, &f, &intent)?;
            }
            status(db, at, &intent, next)?;
        }
        ("exchange", "IntentLinked") => {
            db.execute(
                "UPDATE intents SET parent = ?2 WHERE address = ?1",
                &[f.text("child")?, f.text("parent")?],
            )?;
        }
        ("exchange", "IntentClosed") => {
            db.execute(
                "UPDATE intents SET closed_slot = ?2 WHERE address = ?1",
                &[f.text("intent")?, slot(at.slot)?],
            )?;
        }
        ("agent_registry", "AgentRegistered") => {
            db.execute(
                "INSERT INTO agents (agent, capabilities, registered_slot, reputation) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (agent) DO UPDATE SET capabilities = ?2, registered_slot = ?3",
                &[f.text("agent")?, f.int("capabilities")?, f.int("slot")?, f.int("reputation")?],
            )?;
        }
        ("agent_registry", "StakeDeposited") | ("agent_registry", "StakeWithdrawn") => {
            stake(db, &f, "staked")?;
        }
        ("agent_registry", "StakeLocked")
        | ("agent_registry", "StakeUnlocked")
        | ("agent_registry", "AgentHired") => stake(db, &f, "locked")?,
        ("agent_registry", "StakeSlashed") => {
            stake(db, &f, "staked")?;
            stake(db, &f, "locked")?;
        }
        ("agent_registry", "AgentHeartbeat") => {
            db.execute(
                "UPDATE agents SET last_heartbeat_slot = ?2, progress_bps = ?3 WHERE agent = ?1",
                &[f.text("agent")?, f.int("slot")?, f.int("progress_bps")?],
            )?;
        }
        ("agent_registry", "OutcomeSettled") | ("agent_registry", "ReputationRecorded") => {
            let kind = f.get("kind")?.as_str().ok_or_else(|| f.missing("kind"))?.to_lowercase();
            // A coalition member whose stake was only released: nothing entered its history.
            let recorded = event.fields.get("recorded").and_then(Value::as_bool).unwrap_or(true);
            let column = match kind.as_str() {
                "completed" => "completed",
                "failed" => "failed",
                _ => "slashed",
            };
            if recorded {
                db.execute(
                    &format!("UPDATE agents SET {column} = {column} + 1 WHERE agent = ?1"),
                    &[f.text("agent")?],
                )?;
            }
            if event.name == "OutcomeSettled" {
                stake(db, &f, "locked")?;
                // The event reports the agent's total; the standby's release and the hold handed
                // to a successor (the agent's hold before its slash) are deltas.
                if let standby @ Param::Text(_) = f.key_or_null("standby")? {
                    db.execute(
                        "UPDATE agents SET locked = CASE WHEN locked > ?2 THEN locked - ?2 ELSE 0 END WHERE agent = ?1",
                        &[standby, f.int("standby_released")?],
                    )?;
                }
                if let successor @ Param::Text(_) = f.key_or_null("successor")? {
                    let hold = f
                        .get("released")?
                        .as_u64()
                        .unwrap_or(0)
                        .saturating_add(f.get("slashed")?.as_u64().unwrap_or(0));
                    db.execute(
                        "UPDATE agents SET locked = locked + ?2 WHERE agent = ?1",
                        &[successor, Param::Int(i64::try_from(hold).unwrap_or(i64::MAX))],
                    )?;
                }
            }
            let value =
                if event.name == "OutcomeSettled" { f.int("counted_value")? } else { f.int("value")? };
            if recorded {
                reputation(db, at, &f, &kind, value)?;
            }
        }
        ("agent_registry", "ReputationCorrected") => reputation(db, at, &f, "corrected", f.int("value")?)?,
        _ => {}
    }
    Ok(())
}
