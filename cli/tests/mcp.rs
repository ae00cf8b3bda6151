//! `agx mcp` (issue 27, first slice) driven by rmcp's own client over stdio, against the
//! embedded sandbox market: the tools are listed with their schemas, the market's settings are
//! the chain's, and a bad address or a missing argument comes back as an error a model can read.
use rmcp::model::CallToolRequestParams;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::ServiceExt;
use serde_json::json;

fn args(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().cloned().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_reads_the_sandbox_market_through_the_tools() {
    let transport =
        TokioChildProcess::new(tokio::process::Command::new(env!("CARGO_BIN_EXE_agx")).configure(|c| {
            c.args(["mcp", "--sandbox"]);
        }))
        .unwrap();
    let client = ().serve(transport).await.expect("an MCP session with agx mcp");
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(names, ["agent_show", "auction_verify", "intent_show", "intents_open", "market_status"]);
    let show = tools.iter().find(|t| t.name == "intent_show").unwrap();
    assert_eq!(show.input_schema["required"], json!(["address"]), "{:?}", show.input_schema);

    let status = client.call_tool(CallToolRequestParams::new("market_status")).await.unwrap();
    assert_eq!(status.is_error, Some(false));
    let status = status.structured_content.expect("structured JSON");
    assert!(status["chain"].as_str().is_some_and(|c| c.starts_with("embedded")), "{status}");
    assert!(status["registry"]["heartbeat_timeout_slots"].as_u64() > Some(0), "{status}");

    let open = client
        .call_tool(
            CallToolRequestParams::new("intents_open").with_arguments(args(json!({"capabilities": 1}))),
        )
        .await
        .unwrap();
    assert_eq!(open.structured_content, Some(json!({"intents": []})), "a fresh sandbox has no intents");

    let bad = client
        .call_tool(
            CallToolRequestParams::new("intent_show").with_arguments(args(json!({"address": "nowhere"}))),
        )
        .await
        .unwrap();
    assert_eq!(bad.is_error, Some(true));
    assert!(format!("{:?}", bad.content).contains("'nowhere' is not a base58 address"), "{bad:?}");

    let missing = client.call_tool(CallToolRequestParams::new("agent_show")).await;
    assert!(missing.is_err() || missing.as_ref().is_ok_and(|r| r.is_error == Some(true)), "{missing:?}");
    client.cancel().await.unwrap();
}
