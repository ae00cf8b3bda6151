//! `agx demo` as a user runs it, on the embedded chain: its JSON summary parsed back, the run
//! repeated for the same seed, and each bad input's message.
use std::process::{Command, Output};

use serde_json::Value;

fn agx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agx")).args(args).env_remove("AGX_URL").output().expect("run agx")
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "agx failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is not one JSON document ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

/// The summary without its wall-clock figures.
fn without_timings(mut v: Value) -> Value {
    for key in ["wall_ms", "first_award_ms"] {
        v.as_object_mut().unwrap().remove(key);
    }
    // The load figures in wall time; those in slots must repeat.
    for key in ["wall_s", "intents_per_wall_second"] {
        v["load"].as_object_mut().unwrap().remove(key);
    }
    v
}

#[test]
fn the_demo_market_runs_to_its_end_with_every_atom_accounted_for_and_repeats_for_a_seed() {
    let first = json_of(&agx(&["demo", "--output", "json"]));
    assert_eq!(first["problems"], serde_json::json!([]), "the demo's own checks against the chain");
    assert_eq!(
        first["intents"], 18,
        "12 plain intents, a coordinated job and its 2 lots, 2 for coalitions, 1 on probation"
    );
    assert_eq!(first["verified"], 18, "verify_auction passed for every intent");
    assert!(first["failed_over"].as_u64().unwrap() >= 1, "the silent agent was failed over: {first}");
    assert_eq!(first["disputed"], 1);
    assert!(first["partial"].as_u64().unwrap() >= 1, "a partial delivery: {first}");
    let (paid, fees) =
        (first["paid_to_agents"].as_u64().unwrap(), first["reputation_fees"].as_u64().unwrap());
    assert!(fees > 0, "the payment mint bears reputation, so payouts pay the fee");
    assert_eq!(paid + fees, first["spent_by_requesters"].as_u64().unwrap());
    assert!(first["stake_slashed"].as_u64().unwrap() > 0, "the silent agent lost stake");
    assert_eq!(first["keeper"]["kind"], "polling");
    assert_eq!(first["keeper"]["failed"], 0);
    let agents = first["agents"].as_array().unwrap();
    assert_eq!(
        agents.len(),
        17,
        "10 plain agents, a coordinator and 2 specialists, a lead and 2 partners, a newcomer"
    );
    assert!(agents.iter().any(|a| a["failed"].as_u64() > Some(0)), "someone failed a job");
    assert!(agents.iter().all(|a| a["reputation_after"].as_u64() >= a["reputation_before"].as_u64()
        || a["failed"].as_u64() > Some(0)));

    // The coordinator story: the job bought in two lots from the budget, one lot failed over
    // from the silent specialist to the other, the job delivered, the budget's every atom
    // either spent on a lot or back with its sponsor.
    let story = &first["coordinator"];
    let jobs = story["tree"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{story}");
    assert_eq!(jobs[0]["outcome"], "completed");
    let lots = jobs[0]["lots"].as_array().unwrap();
    assert_eq!(lots.len(), 2);
    assert!(lots.iter().all(|l| l["outcome"].as_str().unwrap().starts_with("completed")), "{story}");
    assert_eq!(lots.iter().filter(|l| l["failovers"] == 1).count(), 1, "one lot failed over: {story}");
    let spent_on_lots = story["spent_on_lots"].as_u64().unwrap();
    assert_eq!(
        story["budget_returned"].as_u64().unwrap() + spent_on_lots,
        story["budget_funded"].as_u64().unwrap()
    );
    let paid_for_lots: u64 = agents
        .iter()
        .filter(|a| a["name"].as_str().unwrap().starts_with("specialist"))
        .map(|a| a["earned"].as_u64().unwrap())
        .sum();
    assert!(paid_for_lots > 0 && paid_for_lots < spent_on_lots, "the lots' pay less the reputation fee");

    // The coalition story: both intents ask for two skills no single agent has; mirage (the lead
    // and the flaky partner) wins both, its partner goes silent on one, mirage is failed over
    // and atlas (the lead and the reliable partner) delivers it. Only the partner that failed
    // its part lost stake and recorded a failure; every member was paid by its share.
    let coalitions = &first["coalitions"];
    let names: Vec<&str> =
        coalitions["formed"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["atlas", "mirage"], "{coalitions}");
    let intents = coalitions["intents"].as_array().unwrap();
    assert_eq!(intents.len(), 2, "{coalitions}");
    assert!(intents.iter().all(|i| i["outcome"].as_str().unwrap().starts_with("completed")), "{coalitions}");
    let failed_over: Vec<&Value> = intents.iter().filter(|i| i["failovers"] == 1).collect();
    assert_eq!(failed_over.len(), 1, "one coalition intent failed over: {coalitions}");
    assert_eq!(failed_over[0]["winner"], "atlas", "{coalitions}");
    assert!(intents.iter().any(|i| i["failovers"] == 0 && i["winner"] == "mirage"), "{coalitions}");
    let agent = |name: &str| agents.iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("{name}"));
    let (lead, partner, flaky) = (agent("lead-audio"), agent("partner-web"), agent("partner-web-flaky"));
    assert_eq!(
        (lead["completed"].as_u64(), lead["failed"].as_u64(), lead["stake_lost"].as_u64()),
        (Some(2), Some(0), Some(0))
    );
    assert_eq!((partner["completed"].as_u64(), partner["failed"].as_u64()), (Some(1), Some(0)));
    assert_eq!((flaky["completed"].as_u64(), flaky["failed"].as_u64()), (Some(1), Some(1)));
    assert!(flaky["stake_lost"].as_u64() > Some(0), "the silent partner was slashed: {flaky}");
    assert!(partner["earned"].as_u64() > Some(0) && flaky["earned"].as_u64() > Some(0), "paid by shares");
    assert!(lead["earned"].as_u64() > partner["earned"].as_u64(), "the lead's share is 60%");

    // The probation story: a newcomer with reputation 0 wins an intent asking 2,000 (bidding on
    // probation, with the larger bond) and delivers its first job.
    let probation = &first["probation"];
    assert_eq!(probation["won_by_newcomer"], true, "{probation}");
    assert_eq!(probation["outcome"], "completed", "{probation}");
    assert!(probation["min_reputation"].as_u64() > Some(0), "{probation}");
    let newcomer = agent("newcomer-vision");
    assert_eq!((newcomer["reputation_before"].as_u64(), newcomer["completed"].as_u64()), (Some(0), Some(1)));

    // The trust stories: the partial agent, rated 40% for a job it delivered 60% of (within its
    // promise), replies with a bond and the arbitrator corrects the rating; the coordinator,
    // waiting on its lots at 50%, is flagged stalled by the keeper's rule.
    let trust = &first["trust"];
    assert_eq!(
        (trust["replies_contested"].as_u64(), trust["replies_corrected"].as_u64()),
        (Some(1), Some(1)),
        "{trust}"
    );
    assert!(trust["stalled_flags"].as_u64() >= Some(1), "{trust}");

    let again = json_of(&agx(&["demo", "--output", "json"]));
    assert_eq!(without_timings(first.clone()), without_timings(again), "the same seed, the same market");
    let other =
        json_of(&agx(&["demo", "--output", "json", "--seed", "2", "--agents", "5", "--intents", "6"]));
    assert_eq!(other["problems"], serde_json::json!([]));
    assert_eq!(
        other["intents"],
        6 + 3 + 2 + 1,
        "and the stories' job, lots, coalition and probation intents"
    );
    assert_ne!(without_timings(first)["agents"], without_timings(other)["agents"]);
}

#[test]
fn text_output_shows_the_market_as_it_runs_then_the_summary() {
    let out = agx(&["demo", "--agents", "4", "--intents", "4"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "chain: embedded",
        "posted, up to",
        "awarded to",
        "keeper: Settle",
        "closed:",
        "Summary",
        "Every atom accounted for",
    ] {
        assert!(text.contains(expected), "no '{expected}' in:\n{text}");
    }
}

#[test]
fn bad_input_says_what_to_do() {
    /// Arguments, environment, and what the error must say.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 3] = [
        (&["demo", "--agents", "1"], &[], "at least 2 agents"),
        (&["demo", "--url", "http://127.0.0.1:9"], &[], "does not answer"),
        (
            &["demo", "--validator"],
            &[("SOLANA_TEST_VALIDATOR", "/nonexistent/solana-test-validator")],
            "./scripts/demo.sh --validator",
        ),
    ];
    for (args, env, message) in cases {
        let out =
            Command::new(env!("CARGO_BIN_EXE_agx")).args(args).envs(env.iter().copied()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: ") && stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// `./scripts/demo.sh --output json` prints one JSON document on stdout: its set-up output (the
/// toolchain check, the SBF build) goes to stderr.
#[test]
fn the_demo_script_prints_only_json_with_output_json() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/demo.sh");
    let out = Command::new("bash")
        .arg(script)
        .args(["--output", "json", "--agents", "3", "--intents", "2"])
        .env_remove("AGX_URL")
        .output()
        .expect("run scripts/demo.sh");
    let summary = json_of(&out);
    assert_eq!(
        (summary["intents"].as_u64(), &summary["problems"]),
        (Some(2 + 3 + 2 + 1), &serde_json::json!([]))
    );
}

/// Sizes the sandbox cannot fund from its first airdrop are funded, not refused half-way: 45
/// agents once failed with `custom program error: 0x1` (the authority's 1,000 SOL ran out).
#[test]
fn a_large_market_is_funded() {
    let summary = json_of(&agx(&["demo", "--output", "json", "--agents", "45", "--intents", "2"]));
    assert_eq!(summary["agents"].as_array().map(Vec::len), Some(45 + 3 + 3 + 1), "and the stories' 7 agents");
    assert_eq!(summary["problems"], serde_json::json!([]));
}

/// `agx keeper --help` shows the keeper's own flags (it showed only agx's).
#[test]
fn keeper_help_lists_the_keepers_flags() {
    let out = agx(&["keeper", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for flag in ["--ws-url", "--metrics-addr", "--max-priority-fee", "--crank-unprofitable"] {
        assert!(text.contains(flag), "{flag} in:\n{text}");
    }
}

/// A malformed --url is refused with what is accepted (it was "builder error").
#[test]
fn a_malformed_url_says_what_is_accepted() {
    let out = agx(&["--url", "foo", "status"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid --url 'foo'") && err.contains("mainnet-beta"), "{err}");
}

/// `agx keygen` writes an owner-only keypair and will not overwrite one without --force.
#[test]
fn keygen_writes_an_owner_only_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/me.json");
    let p = path.to_str().unwrap();
    let out = agx(&["keygen", "-o", p, "--output", "json"]);
    let made = json_of(&out);
    let key = solana_keypair_read(&path);
    assert_eq!(made["pubkey"].as_str(), Some(key.as_str()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again = agx(&["keygen", "-o", p]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(solana_keypair_read(&path), key, "the key was not replaced");
    assert!(agx(&["keygen", "-o", p, "--force"]).status.success());
    assert_ne!(solana_keypair_read(&path), key);
}

/// The public key of the keypair file at `path` (as base58).
fn solana_keypair_read(path: &std::path::Path) -> String {
    use solana_signer::Signer;
    solana_keypair::read_keypair_file(path).unwrap().pubkey().to_string()
}

/// `agx demo --index FILE` fills the market's memory as it runs (issue 26): the index agrees
/// with the demo's own summary (read from the chain), and `agx index` reads it back.
#[test]
fn the_demo_fills_an_index_that_agrees_with_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("market.db");
    let path = file.to_str().unwrap();
    let summary =
        json_of(&agx(&["demo", "--output", "json", "--agents", "5", "--intents", "6", "--index", path]));
    assert_eq!(summary["problems"], serde_json::json!([]));
    let stats = json_of(&agx(&["index", "stats", "--database", path, "--output", "json"]));
    assert_eq!(stats["intents"], summary["intents"], "every intent indexed: {stats}");
    let finished: u64 = summary["outcomes"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    let completed: u64 = summary["outcomes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("completed"))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert_eq!(stats["by_status"]["completed"].as_u64(), Some(completed), "{stats}");
    assert_eq!(stats["intents"].as_u64(), Some(finished));
    let failed_over = summary["failed_over"].as_u64().unwrap() as f64 / finished as f64;
    assert!((stats["failover_rate"].as_f64().unwrap() - failed_over).abs() < 1e-9, "{stats}");
    // Paid to agents: the index's payouts are the chain's, atom for atom.
    let intents =
        json_of(&agx(&["index", "intents", "--database", path, "--limit", "500", "--output", "json"]));
    let rows = intents["intents"].as_array().unwrap();
    assert_eq!(rows.len() as u64, finished);
    assert!(rows.iter().all(|i| i["closed_slot"].is_i64()), "every intent's close is indexed");
    // One intent in full: its status history ends completed and its winning bid has its parts.
    let done = rows.iter().find(|i| i["status"] == "completed" && i["failovers"] == 0).unwrap();
    let one = json_of(&agx(&[
        "index",
        "intent",
        done["address"].as_str().unwrap(),
        "--database",
        path,
        "--output",
        "json",
    ]));
    let history: Vec<&str> =
        one["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!((history.first(), history.last()), (Some(&"open"), Some(&"completed")), "{history:?}");
    let won = one["bids_detail"].as_array().unwrap().iter().find(|b| b["fate"] == "won").expect("the winner");
    assert!(won["parts"]["quality"].as_u64() == won["quality_bps"].as_u64(), "{won}");
    let bad = agx(&["index", "intents", "--database", path, "--status", "done"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("status must be one of"));
    let missing = agx(&["index", "stats", "--database", "/nonexistent/market.db"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("agx demo --index"));
}

/// One demo run indexed into SQLite and into PostgreSQL (a real server) at once: every query of
/// `agx index` answers the same on both, for the market and for each intent and agent.
#[test]
fn a_demo_indexed_into_sqlite_and_postgresql_answers_every_query_the_same() {
    let server = agx_index::testing::PostgresServer::start().unwrap_or_else(|e| panic!("PostgreSQL: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("market.db");
    let (sqlite, postgres) = (file.to_str().unwrap().to_owned(), server.url());
    let summary = json_of(&agx(&[
        "demo",
        "--output",
        "json",
        "--agents",
        "6",
        "--intents",
        "6",
        "--index",
        &sqlite,
        "--index",
        &postgres,
    ]));
    assert_eq!(summary["problems"], serde_json::json!([]));
    let ask = |db: &str, args: &[&str]| {
        let mut all = vec!["index"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database", db, "--output", "json"]);
        json_of(&agx(&all))
    };
    let both = |args: &[&str]| {
        let (a, b) = (ask(&sqlite, args), ask(&postgres, args));
        assert_eq!(a, b, "agx index {args:?}: SQLite and PostgreSQL differ");
        a
    };
    let stats = both(&["stats"]);
    assert_eq!(stats["intents"], summary["intents"], "{stats}");
    let cranks = both(&["cranks", "--limit", "500"]);
    assert!(cranks["recent"].as_array().unwrap().iter().any(|c| c["crank"] == "failover"), "{cranks}");
    let intents = both(&["intents", "--limit", "500"]);
    for intent in intents["intents"].as_array().unwrap() {
        let address = intent["address"].as_str().unwrap();
        both(&["intent", address]);
        let verified = both(&["verify", address]);
        assert_eq!(verified["verified"], true, "{verified}");
    }
    let agents = both(&["agents", "--limit", "500"]);
    for agent in agents["agents"].as_array().unwrap() {
        both(&["agent", agent["agent"].as_str().unwrap()]);
    }
}

/// `agx web` serves the index's API: the same JSON as `agx index`, 400 for a bad parameter with
/// its message, 404 for an unknown address, the OpenAPI document.
#[test]
fn the_web_api_serves_the_index() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("market.db");
    let path = file.to_str().unwrap();
    json_of(&agx(&["demo", "--output", "json", "--agents", "4", "--intents", "4", "--index", path]));
    let mut server = Command::new(env!("CARGO_BIN_EXE_agx"))
        .args(["web", "--database", path, "--listen", "127.0.0.1:0", "--output", "json"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let at = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    let get = |route: &str| -> (u16, Value) {
        let mut stream = std::net::TcpStream::connect(&at).unwrap();
        write!(stream, "GET {route} HTTP/1.1\r\nHost: {at}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
        (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{route}: {e}: {response}")))
    };
    let (status, stats) = get("/api/stats");
    assert_eq!(
        (status, &stats),
        (200, &json_of(&agx(&["index", "stats", "--database", path, "--output", "json"])))
    );
    let (status, page) = get("/api/intents?status=completed&limit=2");
    assert_eq!(
        (status, page["intents"].as_array().unwrap().len(), page["limit"].as_i64()),
        (200, 2, Some(2))
    );
    let address = page["intents"][0]["address"].as_str().unwrap().to_owned();
    let (status, one) = get(&format!("/api/intents/{address}"));
    assert_eq!((status, one["address"].as_str()), (200, Some(address.as_str())));
    let winner = one["winner_agent"].as_str().unwrap().to_owned();
    let (status, history) = get(&format!("/api/agents/{winner}/history"));
    assert!(status == 200 && history["jobs_won"].as_i64() >= Some(1), "{history}");
    for (route, message) in [
        ("/api/intents?status=done", "status must be one of"),
        ("/api/intents?limit=0", "limit must be 1 to 500"),
        ("/api/agents?offset=x", "offset must be an integer"),
    ] {
        let (status, body) = get(route);
        assert!(
            status == 400 && body["error"].as_str().unwrap().contains(message),
            "{route}: {status} {body}"
        );
    }
    assert_eq!(get("/api/intents/nowhere").0, 404);
    let (status, openapi) = get("/api/openapi.json");
    assert!(status == 200 && openapi["paths"]["/api/intents"].is_object(), "{openapi}");
    server.kill().unwrap();
    server.wait().unwrap();
}
