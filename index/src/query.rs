//! What the index answers, as JSON: the API's payloads and the CLI's output. Every list is
//! paginated (`limit` at most [`MAX_LIMIT`], `offset`); a bad parameter is an
//! [`Error::Query`] that names it.
use serde_json::{json, Map, Value};

use crate::db::{Db, Param};
use crate::Error;

/// Most rows one page returns.
pub const MAX_LIMIT: i64 = 500;
/// Rows a page returns when the caller does not say.
pub const DEFAULT_LIMIT: i64 = 50;
/// Statuses an intent can have in the index.
pub const STATUSES: &[&str] =
    &["open", "awarded", "submitted", "disputed", "completed", "expired", "cancelled", "failed"];

/// A page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Self, Error> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        let offset = offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::Query(format!("limit must be 1 to {MAX_LIMIT}, got {limit}")));
        }
        if offset < 0 {
            return Err(Error::Query(format!("offset must be 0 or more, got {offset}")));
        }
        Ok(Self { limit, offset })
    }
}

/// Which intents to list.
#[derive(Clone, Debug, Default)]
pub struct IntentFilter {
    pub status: Option<String>,
    /// Intents asking for every capability in this mask.
    pub capability: Option<u64>,
}

const INTENT_COLUMNS: &[&str] = &[
    "address",
    "requester",
    "intent_id",
    "mint",
    "kind",
    "capabilities",
    "max_price",
    "max_latency",
    "min_stake",
    "min_reputation",
    "context_uri",
    "evaluator",
    "evaluator_fee",
    "deadline_slot",
    "created_slot",
    "commit_end_slot",
    "reveal_end_slot",
    "status",
    "bids",
    "winner_agent",
    "payment",
    "award_slot",
    "fulfilled_bps",
    "paid",
    "refunded",
    "rating_bps",
    "failovers",
    "ended_slot",
    "closed_slot",
    "parent",
    "round",
];

/// The intent columns and, for an awarded job, its winner's last reported progress.
fn intent_select() -> String {
    format!(
        "{}, (SELECT progress_bps FROM agents WHERE agents.agent = intents.winner_agent) AS winner_progress_bps, \
         (SELECT last_heartbeat_slot FROM agents WHERE agents.agent = intents.winner_agent) AS winner_heartbeat_slot",
        INTENT_COLUMNS.join(", ")
    )
}

/// [`INTENT_COLUMNS`] and the two columns [`intent_select`] adds.
fn intent_columns() -> Vec<&'static str> {
    let mut all = INTENT_COLUMNS.to_vec();
    all.extend(["winner_progress_bps", "winner_heartbeat_slot"]);
    all
}

fn object(columns: &[&str], row: &[Param]) -> Value {
    let mut out = Map::new();
    for (name, value) in columns.iter().zip(row) {
        out.insert((*name).to_owned(), value.json());
    }
    Value::Object(out)
}

fn count(db: &dyn Db, sql: &str, params: &[Param]) -> Result<i64, Error> {
    Ok(crate::db::scalar(db, sql, params)?.unwrap_or(0))
}

/// Intents, newest first.
pub fn intents(db: &dyn Db, filter: &IntentFilter, page: Page) -> Result<Value, Error> {
    if let Some(s) = &filter.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(Error::Query(format!("status must be one of {}, got '{s}'", STATUSES.join(", "))));
        }
    }
    let capability = filter
        .capability
        .map(|c| i64::try_from(c).map_err(|_| Error::Query(format!("capability {c} is above 2^63"))))
        .transpose()?;
    // Only the filters given, so that the planner can use the indexes (status, created slot).
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut params = Vec::new();
    if let Some(status) = &filter.status {
        params.push(Param::from(status.as_str()));
        conditions.push(format!("status = ?{}", params.len()));
    }
    if let Some(capability) = capability {
        params.push(Param::Int(capability));
        conditions.push(format!("(capabilities & ?{0}) = ?{0}", params.len()));
    }
    let filters = conditions.join(" AND ");
    let (limit_at, offset_at) = (params.len() + 1, params.len() + 2);
    // A status alone: its count is kept as statuses change; otherwise counted.
    let total = match (&filter.status, capability) {
        (Some(status), None) => {
            count(db, "SELECT intents FROM status_counts WHERE status = ?1", &[status.as_str().into()])?
        }
        _ => count(db, &format!("SELECT COUNT(*) FROM intents WHERE {filters}"), &params)?,
    };
    let sql = format!(
        "SELECT {} FROM intents WHERE {filters} ORDER BY created_slot DESC, address LIMIT ?{limit_at} OFFSET ?{offset_at}",
        intent_select()
    );
    let mut all = params.to_vec();
    all.extend([Param::Int(page.limit), Param::Int(page.offset)]);
    let columns = intent_columns();
    let rows: Vec<Value> = db.rows(&sql, &all)?.iter().map(|r| object(&columns, r)).collect();
    Ok(json!({"total": total, "limit": page.limit, "offset": page.offset, "intents": rows}))
}

/// One intent with its status history and its bids, each revealed bid with the four parts of
/// its score recomputed from the intent's terms (`agx_core::score`); `None` if unknown.
pub fn intent(db: &dyn Db, address: &str) -> Result<Option<Value>, Error> {
    let sql = format!("SELECT {}, terms FROM intents WHERE address = ?1", intent_select());
    let Some(row) = db.rows(&sql, &[address.into()])?.into_iter().next() else { return Ok(None) };
    let mut out = object(&intent_columns(), &row);
    let terms: Value =
        row.last().and_then(Param::text).and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    let limits = agx_core::score::Limits {
        max_price: terms["max_price"].as_u64().unwrap_or(0),
        max_latency: terms["max_latency"].as_u64().unwrap_or(0),
    };
    let weights: Vec<u64> =
        terms["weights"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect();
    const BID_COLUMNS: &[&str] = &[
        "bid",
        "agent",
        "commitment",
        "bond",
        "price",
        "quality_bps",
        "latency",
        "reputation",
        "score",
        "fate",
        "slot",
    ];
    let bids = db
        .rows(&format!("SELECT {} FROM bids WHERE intent = ?1 ORDER BY score DESC, slot", BID_COLUMNS.join(", ")), &[address.into()])?
        .iter()
        .map(|r| {
            let mut bid = object(BID_COLUMNS, r);
            let (price, quality, latency, reputation) = (
                bid["price"].as_u64(),
                bid["quality_bps"].as_u64().and_then(|q| u16::try_from(q).ok()),
                bid["latency"].as_u64(),
                bid["reputation"].as_u64().and_then(|q| u16::try_from(q).ok()),
            );
            if let (Some(price), Some(quality_bps), Some(latency), Some(reputation)) = (price, quality, latency, reputation) {
                let terms = agx_core::score::BidTerms { price, quality_bps, latency };
                if let Ok(c) = agx_core::score::components(&limits, &terms, reputation) {
                    bid["parts"] = json!({"quality": c.quality, "cost": c.cost, "speed": c.speed, "reputation": c.reputation});
                }
            }
            bid
        })
        .collect::<Vec<_>>();
    let history = db
        .rows("SELECT slot, status FROM intent_status WHERE intent = ?1 ORDER BY seq", &[address.into()])?
        .iter()
        .map(|r| object(&["slot", "status"], r))
        .collect::<Vec<_>>();
    out["weights"] = json!(weights);
    out["terms"] = terms;
    out["bids_detail"] = json!(bids);
    out["history"] = json!(history);
    Ok(Some(out))
}

const AGENT_COLUMNS: &[&str] = &[
    "agent",
    "capabilities",
    "registered_slot",
    "reputation",
    "completed",
    "failed",
    "slashed",
    "last_heartbeat_slot",
    "progress_bps",
    "staked",
    "locked",
];

/// Agents, best reputation first.
pub fn agents(db: &dyn Db, page: Page) -> Result<Value, Error> {
    let total = count(db, "SELECT COUNT(*) FROM agents", &[])?;
    let rows = db
        .rows(
            &format!(
                "SELECT {} FROM agents ORDER BY reputation DESC, agent LIMIT ?1 OFFSET ?2",
                AGENT_COLUMNS.join(", ")
            ),
            &[Param::Int(page.limit), Param::Int(page.offset)],
        )?
        .iter()
        .map(|r| object(AGENT_COLUMNS, r))
        .collect::<Vec<_>>();
    Ok(json!({"total": total, "limit": page.limit, "offset": page.offset, "agents": rows}))
}

/// An agent's record over time (each outcome and correction, with the reputation after it), and
/// the jobs it won; `None` if unknown.
pub fn agent_history(db: &dyn Db, agent: &str, page: Page) -> Result<Option<Value>, Error> {
    let sql = format!("SELECT {} FROM agents WHERE agent = ?1", AGENT_COLUMNS.join(", "));
    let Some(row) = db.rows(&sql, &[agent.into()])?.into_iter().next() else { return Ok(None) };
    let mut out = object(AGENT_COLUMNS, &row);
    let history = db
        .rows(
            "SELECT slot, kind, value, reputation FROM agent_history WHERE agent = ?1 \
             ORDER BY seq LIMIT ?2 OFFSET ?3",
            &[agent.into(), Param::Int(page.limit), Param::Int(page.offset)],
        )?
        .iter()
        .map(|r| object(&["slot", "kind", "value", "reputation"], r))
        .collect::<Vec<_>>();
    let won = count(db, "SELECT COUNT(*) FROM intents WHERE winner_agent = ?1", &[agent.into()])?;
    out["history"] = json!(history);
    out["jobs_won"] = json!(won);
    Ok(Some(out))
}

/// The keeper's view: the most recent cranks (who sent them, for what tip), and the cranks due
/// next by the intents' indexed terms: an open auction settles (award or expiry) from the end of
/// its windows; an awarded job fails over at its execution deadline (award slot plus the
/// winner's promised latency and the config's grace) or earlier if its agent goes silent; an
/// ended intent closes once its rating can no longer be contested.
pub fn cranks(db: &dyn Db, page: Page) -> Result<Value, Error> {
    const COLUMNS: &[&str] = &["slot", "intent", "crank", "sender", "tip", "signature"];
    let total = count(db, "SELECT CAST(COALESCE(SUM(cranks), 0) AS BIGINT) FROM crank_senders", &[])?;
    let recent = db
        .rows(
            &format!("SELECT {} FROM cranks ORDER BY seq DESC LIMIT ?1 OFFSET ?2", COLUMNS.join(", ")),
            &[Param::Int(page.limit), Param::Int(page.offset)],
        )?
        .iter()
        .map(|r| object(COLUMNS, r))
        .collect::<Vec<_>>();
    let mut by_sender = Vec::new();
    for r in
        db.rows("SELECT sender, cranks, tips FROM crank_senders ORDER BY cranks DESC, sender LIMIT 20", &[])?
    {
        let sender = if r[0].text() == Some("") { Value::Null } else { r[0].json() };
        by_sender.push(json!({"sender": sender, "cranks": r[1].json(), "tips": r[2].json()}));
    }
    let due = db
        .rows(
            "SELECT address, status, CASE \
               WHEN status = 'open' THEN reveal_end_slot \
               WHEN status = 'awarded' THEN award_slot + COALESCE((SELECT latency FROM bids WHERE bids.intent = intents.address AND fate = 'won' LIMIT 1), max_latency) \
               ELSE ended_slot END AS due_slot \
             FROM intents WHERE closed_slot IS NULL AND status IN ('open', 'awarded', 'completed', 'expired', 'failed') \
             ORDER BY due_slot, address LIMIT ?1",
            &[Param::Int(page.limit)],
        )?
        .iter()
        .map(|r| {
            let crank = match r[1].text() {
                Some("open") => "settle",
                Some("awarded") => "failover",
                _ => "close",
            };
            json!({"intent": r[0].json(), "status": r[1].json(), "crank": crank, "from_slot": r[2].json()})
        })
        .collect::<Vec<_>>();
    Ok(
        json!({"total": total, "limit": page.limit, "offset": page.offset, "recent": recent, "by_sender": by_sender, "due": due}),
    )
}

/// Counts of `values` in ten equal buckets of 0..=`top` (the last bucket includes `top`).
fn histogram(values: impl IntoIterator<Item = i64>, top: i64) -> Vec<i64> {
    let mut buckets = vec![0i64; 10];
    for v in values {
        let i = usize::try_from(v.clamp(0, top).saturating_mul(10) / top.max(1)).unwrap_or(0).min(9);
        buckets[i] += 1;
    }
    buckets
}

/// The last slot the index holds an event of, and the number of the last event (what the live
/// page follows).
pub fn head(db: &dyn Db) -> Result<Value, Error> {
    // Two subqueries: each MAX alone is one step down its index; both in one SELECT scan the table.
    let row = db
        .rows("SELECT (SELECT MAX(slot) FROM events), (SELECT MAX(seq) FROM events)", &[])?
        .into_iter()
        .next()
        .unwrap_or_default();
    Ok(json!({"slot": row.first().map(Param::json), "seq": row.get(1).map(Param::json)}))
}

/// Market analytics: intents by status, bids per intent, failover rate, clearing price as a
/// share of the max price by capability mask, and slots from post to award and to the end.
pub fn stats(db: &dyn Db) -> Result<Value, Error> {
    let mut by_status = Map::new();
    for row in db.rows("SELECT status, COUNT(*) FROM intents GROUP BY status ORDER BY status", &[])? {
        if let (Some(status), Some(n)) = (row[0].text(), row[1].int()) {
            by_status.insert(status.to_owned(), json!(n));
        }
    }
    let intents = count(db, "SELECT COUNT(*) FROM intents", &[])?;
    let bids = count(db, "SELECT COUNT(*) FROM bids", &[])?;
    let failed_over = count(db, "SELECT COUNT(*) FROM intents WHERE failovers > 0", &[])?;
    let clearing = db
        .rows(
            "SELECT capabilities, COUNT(*), CAST(SUM(payment * 10000 / max_price) AS BIGINT) FROM intents \
             WHERE payment IS NOT NULL AND max_price > 0 GROUP BY capabilities ORDER BY capabilities",
            &[],
        )?
        .iter()
        .filter_map(|r| {
            let (caps, n, sum) = (r[0].int()?, r[1].int()?, r[2].int()?);
            Some(json!({"capabilities": caps, "awarded": n, "clearing_bps": sum / n.max(1)}))
        })
        .collect::<Vec<_>>();
    let slots = |sql: &str| -> Result<Value, Error> {
        let row = db.rows(sql, &[])?.into_iter().next().unwrap_or_default();
        Ok(match (row.first().and_then(Param::int), row.get(1).and_then(Param::int)) {
            (Some(n), Some(sum)) if n > 0 => json!(sum / n),
            _ => Value::Null,
        })
    };
    let scores = histogram(
        db.rows("SELECT score FROM bids WHERE score IS NOT NULL", &[])?.iter().filter_map(|r| r[0].int()),
        10_000,
    );
    let mut bids_per_intent = Map::new();
    for r in db.rows("SELECT bids, COUNT(*) FROM intents GROUP BY bids ORDER BY bids", &[])? {
        if let (Some(n), Some(k)) = (r[0].int(), r[1].int()) {
            bids_per_intent.insert(n.to_string(), json!(k));
        }
    }
    Ok(json!({
        "intents": intents,
        "by_status": by_status,
        "agents": count(db, "SELECT COUNT(*) FROM agents", &[])?,
        "cranks": count(db, "SELECT COUNT(*) FROM cranks", &[])?,
        "failed_over": failed_over,
        "paid": count(db, "SELECT CAST(COALESCE(SUM(paid), 0) AS BIGINT) FROM intents", &[])?,
        "score_histogram": scores,
        "bids_per_intent_histogram": bids_per_intent,
        "events": count(db, "SELECT COUNT(*) FROM events", &[])?,
        "bids": bids,
        "bids_per_intent": if intents > 0 { json!(bids as f64 / intents as f64) } else { Value::Null },
        "failover_rate": if intents > 0 { json!(failed_over as f64 / intents as f64) } else { Value::Null },
        "clearing_by_capability": clearing,
        "slots_post_to_award": slots("SELECT COUNT(*), CAST(SUM(award_slot - created_slot) AS BIGINT) FROM intents WHERE award_slot IS NOT NULL")?,
        "slots_post_to_end": slots("SELECT COUNT(*), CAST(SUM(ended_slot - created_slot) AS BIGINT) FROM intents WHERE ended_slot IS NOT NULL")?,
    }))
}
