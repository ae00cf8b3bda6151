//! The index from real event payloads (the programs' own event types, logged as the runtime
//! logs them), on both backends (SQLite, and PostgreSQL on a real server started for the test):
//! an intent's life and its bid land in their rows, the score's parts are recomputed from the
//! posted terms, replaying changes nothing, a reopened file resumes, and both backends answer
//! every query identically.
use agx_index::query::{self, IntentFilter, Page};
use agx_index::testing::PostgresServer;
use agx_index::{Db, Indexer, Postgres, Sqlite};
use agx_sdk::agent_registry::events::{AgentRegistered, OutcomeSettled};
use agx_sdk::agent_registry::state::OutcomeKind;
use agx_sdk::exchange::events::{
    AuctionAwarded, BidRevealed, FailoverTriggered, IntentClosed, IntentCreated, JobCompleted,
    ResultSubmitted,
};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, IntentCreateArgs};
use agx_sdk::Pubkey;
use anchor_lang::Event;
use base64::Engine;

/// A transaction's logs: `program` invoked, logging each payload.
fn logs(program: Pubkey, payloads: &[Vec<u8>]) -> Vec<String> {
    let mut out = vec![format!("Program {program} invoke [1]")];
    for p in payloads {
        out.push(format!("Program data: {}", base64::engine::general_purpose::STANDARD.encode(p)));
    }
    out.push(format!("Program {program} success"));
    out
}

fn key(n: u8) -> Pubkey {
    Pubkey::new_from_array([n; 32])
}

fn terms() -> IntentCreateArgs {
    IntentCreateArgs {
        intent_id: 7,
        required_capabilities: 0b11,
        min_stake: 100,
        min_reputation: 0,
        weights: [4_000, 3_000, 2_000, 1_000],
        max_price: 1_000_000,
        max_latency: 100,
        context_hash: [1; 32],
        context_uri: "https://intents.example/7.json".into(),
        success_criteria_hash: [2; 32],
        auction_kind: AuctionKind::VickreySealed,
        bid_window_slots: 20,
        reveal_window_slots: 20,
        bid_bond: 1_000_000,
        score_threshold: 0,
        max_failovers: 2,
        tip_per_crank: 5_000,
        vickrey_premium_cap_bps: 2_500,
        hire_agent: Pubkey::default(),
        deadline_slot: 0,
        evaluator: key(9),
        evaluator_fee: 25_000,
    }
}

/// The transactions of one intent's life: posted, a bid placed, awarded, delivered, paid,
/// the agent's outcome, closed.
fn life() -> Vec<(u64, String, Vec<String>)> {
    let (intent, agent, bid) = (key(1), key(2), key(3));
    let x = agx_sdk::exchange::ID;
    let r = agx_sdk::agent_registry::ID;
    let created = IntentCreated {
        intent,
        requester: key(4),
        intent_id: 7,
        mint: key(5),
        escrowed: 1_025_000,
        tip_per_crank: 5_000,
        tip_pool: 25_000,
        auction_kind: 1,
        commit_end_slot: 30,
        reveal_end_slot: 50,
        vickrey_premium_cap_bps: 2_500,
        terms: terms(),
        refund_owner: key(4),
        created_slot: 10,
    };
    let registered = AgentRegistered {
        agent,
        authority: key(6),
        vault: key(7),
        capabilities: 0b11,
        capability_hash: [0; 32],
        metadata_uri: String::new(),
        reputation: 0,
        slot: 5,
    };
    let revealed = BidRevealed {
        intent,
        bid,
        agent,
        price: 400_000,
        quality_bps: 9_000,
        latency: 20,
        reputation: 0,
        score: 7_000,
        rank: Some(0),
    };
    let awarded = AuctionAwarded {
        intent,
        bid,
        agent,
        payment: 450_000,
        stake_locked: 100,
        slot: 50,
        standby_agent: None,
    };
    let submitted = ResultSubmitted {
        intent,
        agent,
        result_hash: [8; 32],
        result_uri: "https://results.example/7".into(),
        fulfilled_bps: 10_000,
        dispute_end_slot: 90,
    };
    let completed = JobCompleted {
        intent,
        agent,
        paid: 450_000,
        refunded: 575_000,
        fulfilled_bps: 10_000,
        rating_bps: 9_000,
        reputation_rating_bps: 9_000,
        reputation_value: 450_000,
        finalized: false,
    };
    let outcome = OutcomeSettled {
        agent,
        standby: Pubkey::default(),
        successor: Pubkey::default(),
        released: 100,
        standby_released: 0,
        slashed: 0,
        kind: OutcomeKind::Completed,
        value: 450_000,
        counted_value: 450_000,
        requester: key(4),
        rating_bps: Some(9_000),
        locked: 0,
        reputation: 3_100,
        open_bids: 1,
        recorded: true,
    };
    let closed = IntentClosed { intent, status: IntentStatus::Completed, lamports: 0, tip: 5_000 };
    vec![
        (5, "register".into(), logs(r, &[registered.data()])),
        (10, "post".into(), logs(x, &[created.data()])),
        (35, "reveal".into(), logs(x, &[revealed.data()])),
        (50, "settle".into(), logs(x, &[awarded.data()])),
        (70, "submit".into(), logs(x, &[submitted.data()])),
        // Accepting: the exchange's event, then the registry's in its CPI.
        (75, "accept".into(), {
            let mut l = logs(x, &[completed.data()]);
            l.pop();
            l.extend(logs(r, &[outcome.data()]));
            l.push(format!("Program {x} success"));
            l
        }),
        (80, "close".into(), logs(x, &[closed.data()])),
    ]
}

/// Runs `check` on an index in SQLite (in memory) and on one in a fresh PostgreSQL server;
/// returns what each gave.
fn on_both<T>(check: impl Fn(&mut Indexer<Box<dyn Db>>) -> T) -> (T, T) {
    let server = PostgresServer::start().unwrap_or_else(|e| panic!("a PostgreSQL server for the test: {e}"));
    let sqlite: Box<dyn Db> = Box::new(Sqlite::in_memory().unwrap());
    let postgres: Box<dyn Db> = Box::new(Postgres::connect(&server.url()).unwrap());
    let a = check(&mut Indexer::new(sqlite).unwrap());
    let b = check(&mut Indexer::new(postgres).unwrap());
    (a, b)
}

fn ingest<D: Db>(ix: &mut Indexer<D>, txs: &[(u64, String, Vec<String>)]) -> usize {
    ix.ingest(txs.iter().map(|(slot, signature, logs)| agx_index::Tx {
        slot: *slot,
        signature,
        payer: Some("keeper"),
        logs,
    }))
    .unwrap()
}

#[test]
fn an_intents_life_lands_in_its_rows_once() {
    let (sqlite, postgres) = on_both(|ix| {
        assert_eq!(ingest(ix, &life()), 8, "every event, the CPI's attributed to the registry");
        assert_eq!(ingest(ix, &life()), 0, "a replay writes nothing");
        let intent = query::intent(&ix.db, &key(1).to_string()).unwrap().expect("indexed");
        assert_eq!(intent["status"], "completed");
        assert_eq!(intent["kind"], "VickreySealed");
        assert_eq!(
            (intent["max_price"].as_i64(), intent["payment"].as_i64(), intent["paid"].as_i64()),
            (Some(1_000_000), Some(450_000), Some(450_000))
        );
        assert_eq!(intent["evaluator"], key(9).to_string());
        assert_eq!((intent["closed_slot"].as_i64(), intent["bids"].as_i64()), (Some(80), Some(1)));
        let history: Vec<&str> =
            intent["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
        assert_eq!(history, ["open", "awarded", "submitted", "completed"]);
        let bid = &intent["bids_detail"][0];
        assert_eq!(bid["fate"], "won");
        // cost: (1,000,000 - 400,000) / 1,000,000; speed: (100 - 20) / 100.
        assert_eq!(
            bid["parts"],
            serde_json::json!({"quality": 9_000, "cost": 6_000, "speed": 8_000, "reputation": 0})
        );
        let agent = query::agent_history(&ix.db, &key(2).to_string(), Page::new(None, None).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(
            (agent["reputation"].as_i64(), agent["completed"].as_i64(), agent["jobs_won"].as_i64()),
            (Some(3_100), Some(1), Some(1))
        );
        assert_eq!(agent["history"][0]["kind"], "completed");
        let stats = query::stats(&ix.db).unwrap();
        assert_eq!((stats["intents"].as_i64(), stats["events"].as_i64()), (Some(1), Some(8)));
        assert_eq!(stats["clearing_by_capability"][0]["clearing_bps"], 4_500);
        // The totals of a status filter are kept as statuses change: the intent moved out of open.
        let total = |status: &str| {
            let filter = IntentFilter { status: Some(status.into()), capability: None };
            query::intents(&ix.db, &filter, Page::new(None, None).unwrap()).unwrap()["total"].as_i64()
        };
        assert_eq!((total("open"), total("completed")), (Some(0), Some(1)));
        // The settle and the close are cranks, sent by the fee payer; the close's tip is counted.
        let cranks = query::cranks(&ix.db, Page::new(None, None).unwrap()).unwrap();
        let kinds: Vec<&str> =
            cranks["recent"].as_array().unwrap().iter().map(|c| c["crank"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["intent_close", "award"], "{cranks}");
        assert_eq!(
            cranks["by_sender"],
            serde_json::json!([{"sender": "keeper", "cranks": 2, "tips": 5_000}])
        );
        assert_eq!(cranks["due"], serde_json::json!([]), "a closed intent needs no crank");
        // The recomputation from the index: the one bid's score, the winner, the Vickrey price.
        let verified = agx_index::verify::verify(&ix.db, &key(1).to_string()).unwrap().unwrap();
        assert_eq!(verified["checks"][0]["ok"], true, "{verified}");
        assert_eq!(verified["recomputed"]["winner_bid"], key(3).to_string(), "{verified}");
        (intent, agent, stats, cranks)
    });
    assert_eq!(sqlite, postgres, "both backends answer alike");
    assert_eq!(postgres.0["history"][3]["status"], "completed");
}

#[test]
fn a_failed_over_intent_counts_its_failovers() {
    let (sqlite, postgres) = on_both(|ix| {
        let txs = life();
        ingest(ix, &txs[..4]);
        let failed = FailoverTriggered {
            intent: key(1),
            failed_agent: key(2),
            cause: 0,
            slashed: 50,
            reward: 5,
            result: 2,
            winner_agent: Pubkey::default(),
            payment: 0,
            execution_deadline_slot: 0,
            round: 0,
            failovers: 1,
            refunded: 1_025_000,
        };
        ingest(ix, &[(200, "failover".into(), logs(agx_sdk::exchange::ID, &[failed.data()]))]);
        let intent = query::intent(&ix.db, &key(1).to_string()).unwrap().unwrap();
        assert_eq!(
            (intent["status"].as_str(), intent["failovers"].as_i64(), intent["winner_agent"].is_null()),
            (Some("failed"), Some(1), true)
        );
        let failed = query::intents(
            &ix.db,
            &IntentFilter { status: Some("failed".into()), capability: Some(0b1) },
            Page::new(None, None).unwrap(),
        )
        .unwrap();
        assert_eq!(failed["total"], 1);
        let none = query::intents(
            &ix.db,
            &IntentFilter { status: None, capability: Some(0b100) },
            Page::new(None, None).unwrap(),
        )
        .unwrap();
        assert_eq!(none["total"], 0, "asks for capabilities 0b11 only");
        (intent, failed, query::stats(&ix.db).unwrap())
    });
    assert_eq!(sqlite, postgres, "both backends answer alike");
}

#[test]
fn bad_parameters_are_refused_by_name() {
    let db = Sqlite::in_memory().unwrap();
    let err = |r: Result<serde_json::Value, agx_index::Error>| r.unwrap_err().to_string();
    assert!(Page::new(Some(0), None).unwrap_err().to_string().contains("limit must be 1 to 500"));
    assert!(Page::new(Some(501), None).is_err() && Page::new(None, Some(-1)).is_err());
    let bad = IntentFilter { status: Some("done".into()), capability: None };
    assert!(err(query::intents(&db, &bad, Page::new(None, None).unwrap())).contains("status must be one of"));
}

#[test]
fn a_reopened_file_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let txs = life();
    {
        let mut ix = Indexer::new(Sqlite::open(&path).unwrap()).unwrap();
        ingest(&mut ix, &txs[..3]);
        assert_eq!(ix.last_slot().unwrap(), Some(35));
    }
    let mut ix = Indexer::new(Sqlite::open(&path).unwrap()).unwrap();
    assert_eq!(ix.last_slot().unwrap(), Some(35), "kept on disk");
    // A restart re-reads from an earlier point: what it had is not written twice.
    assert_eq!(ingest(&mut ix, &txs), 5);
    assert_eq!(ix.events().unwrap(), 8);
    let intent = query::intent(&ix.db, &key(1).to_string()).unwrap().unwrap();
    let history: Vec<&str> =
        intent["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["open", "awarded", "submitted", "completed"], "in the order received");
}
