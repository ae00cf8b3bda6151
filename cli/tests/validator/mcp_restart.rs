//! `agx mcp --url` on the validator: a bid committed through the server whose process is then
//! killed (the client's connection lost with it) is not lost: its salt was on disk before the
//! commit was sent, and a new server with the same store reveals it in the reveal window. Both
//! servers log what they signed.
use std::time::{Duration, Instant};

use agx_sdk::chain::{Chain, RpcChain};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use libtest_mimic::Failed;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::ServiceExt;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;

async fn tool(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    name: &'static str,
    args: Value,
) -> Result<Value, Failed> {
    let request =
        CallToolRequestParams::new(name).with_arguments(args.as_object().cloned().unwrap_or_default());
    let result = client.call_tool(request).await.map_err(|e| format!("{name}: {e}"))?;
    if result.is_error != Some(false) {
        return Err(format!("{name} {args}: {:?}", result.content).into());
    }
    result.structured_content.ok_or_else(|| format!("{name}: no structured content").into())
}

pub fn mcp_reveals_after_a_lost_connection(
    url: &str,
    authority: &Keypair,
    stake: StakeToken,
    pay: StakeToken,
) -> Result<(), Failed> {
    let chain = RpcChain::new(url).map_err(|e| e.to_string())?;
    let (me, requester) = (Keypair::new(), Keypair::new());
    agx_sdk::sandbox::fund(&chain, authority, &[me.pubkey(), requester.pubkey()])
        .map_err(|e| e.to_string())?;
    agx_sdk::sandbox::tokens(&chain, authority, stake, me.pubkey(), 10_000).map_err(|e| e.to_string())?;
    agx_sdk::sandbox::tokens(&chain, authority, pay, requester.pubkey(), 1_000).map_err(|e| e.to_string())?;
    let mut requester = Requester::new(&chain, requester, pay).map_err(|e| e.to_string())?;
    let want = Want {
        capabilities: 1,
        max_price: 1_000,
        max_latency: 100,
        kind: agx_sdk::exchange::state::AuctionKind::VickreySealed,
        min_stake: 0,
        context_uri: String::new(),
        context_hash: [0; 32],
    };
    let mut args = requester.args(&chain, &want).map_err(|e| e.to_string())?;
    (args.bid_window_slots, args.reveal_window_slots) = (40, 80);
    let intent = requester.post(&chain, args).map_err(|e| e.to_string())?;

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let key_file = dir.path().join("me.json");
    solana_keypair::write_keypair_file(&me, &key_file).map_err(|e| e.to_string())?;
    let (salts, log) = (dir.path().join("salts.json"), dir.path().join("signatures.jsonl"));
    let server = || {
        let command = tokio::process::Command::new(env!("CARGO_BIN_EXE_agx")).configure(|c| {
            c.args(["--url", url, "--keypair", key_file.to_str().unwrap(), "mcp"]).args([
                "--salts",
                salts.to_str().unwrap(),
                "--log",
                log.to_str().unwrap(),
            ]);
        });
        TokioChildProcess::builder(command).stderr(std::process::Stdio::null()).spawn().map(|(t, _)| t)
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let first = server().map_err(|e| e.to_string())?;
        let pid = first.id().ok_or("the first server has no pid")?;
        let client = ().serve(first).await.map_err(|e| e.to_string())?;
        tool(&client, "agent_register", json!({"capabilities": "summarize", "stake": 5_000})).await?;
        let bid = tool(
            &client,
            "bid_submit",
            json!({"intent": intent.to_string(), "price": 900, "quality_bps": 8_000, "latency": 50}),
        )
        .await?;
        if bid["committed"] != true {
            return Err(format!("bid_submit: {bid}").into());
        }
        // The server dies with the commit made and not revealed; the connection goes with it.
        std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .map_err(|e| e.to_string())?;
        drop(client);
        let stored = std::fs::read_to_string(&salts).map_err(|e| e.to_string())?;
        if !stored.contains(&intent.to_string()) {
            return Err(format!("the salt is not on disk: {stored}").into());
        }
        let second = ().serve(server().map_err(|e| e.to_string())?).await.map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let state = agx_sdk::discover::intent(&chain, &intent)
                .map_err(|e| e.to_string())?
                .ok_or("intent gone")?;
            if state.reveal_count == 1 {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no reveal by slot {} (reveals {}..{})",
                    chain.slot().unwrap_or(0),
                    state.commit_end_slot,
                    state.reveal_end_slot
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let shown = tool(&second, "intent_show", json!({"address": intent.to_string()})).await?;
        let board = shown["leaderboard"].as_array().cloned().unwrap_or_default();
        if board.len() != 1 || board[0]["price"] != 900 {
            return Err(format!("the revealed bid: {shown}").into());
        }
        // The server forgets the salt once its reveal is confirmed to it (a moment after the
        // chain shows it).
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::fs::read_to_string(&salts).map_err(|e| e.to_string())?.contains(&intent.to_string()) {
            if Instant::now() > deadline {
                return Err("a revealed salt stays in the store".into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        second.cancel().await.map_err(|e| e.to_string())?;
        let lines = std::fs::read_to_string(&log).map_err(|e| e.to_string())?;
        for tool in ["\"bid_submit\"", "\"reveal (due)\""] {
            if !lines.lines().any(|l| l.contains(tool) && l.contains("\"signature\"")) {
                return Err(format!("no signature of {tool} in the log: {lines}").into());
            }
        }
        Ok(())
    })
}
