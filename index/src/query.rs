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
];

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
    // The casts type the parameters for PostgreSQL, which cannot infer a bare `$1 IS NULL`.
    let filters = "(CAST(?1 AS TEXT) IS NULL OR status = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR (capabilities & ?2) = ?2)";
    let params = [Param::from(filter.status.clone()), Param::from(capability)];
    let total = count(db, &format!("SELECT COUNT(*) FROM intents WHERE {filters}"), &params)?;
    let sql = format!(
        "SELECT {} FROM intents WHERE {filters} ORDER BY created_slot DESC, address LIMIT ?3 OFFSET ?4",
        INTENT_COLUMNS.join(", ")
    );
    let mut all = params.to_vec();
    all.extend([Param::Int(page.limit), Param::Int(page.offset)]);
    let rows: Vec<Value> = db.rows(&sql, &all)?.iter().map(|r| object(INTENT_COLUMNS, r)).collect();
    Ok(json!({"total": total, "limit": page.limit, "offset": page.offset, "intents": rows}))
}

/// One intent with its status history and its bids, each revealed bid with the four parts of
/// its score recomputed from the intent's terms (`agx_core::score`); `None` if unknown.
pub fn intent(db: &dyn Db, address: &str) -> Result<Option<Value>, Error> {
    let sql = format!("SELECT {}, terms FROM intents WHERE address = ?1", INTENT_COLUMNS.join(", "));
    let Some(row) = db.rows(&sql, &[address.into()])?.into_iter().next() else { return Ok(None) };
    let mut out = object(INTENT_COLUMNS, &row);
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
    Ok(json!({
        "intents": intents,
        "by_status": by_status,
        "events": count(db, "SELECT COUNT(*) FROM events", &[])?,
        "bids": bids,
        "bids_per_intent": if intents > 0 { json!(bids as f64 / intents as f64) } else { Value::Null },
        "failover_rate": if intents > 0 { json!(failed_over as f64 / intents as f64) } else { Value::Null },
        "clearing_by_capability": clearing,
        "slots_post_to_award": slots("SELECT COUNT(*), CAST(SUM(award_slot - created_slot) AS BIGINT) FROM intents WHERE award_slot IS NOT NULL")?,
        "slots_post_to_end": slots("SELECT COUNT(*), CAST(SUM(ended_slot - created_slot) AS BIGINT) FROM intents WHERE ended_slot IS NOT NULL")?,
    }))
}
