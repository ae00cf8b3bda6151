//! `docs/cli.md`'s walkthrough, run as written: every command of its "Walkthrough" section, in
//! order, in a fresh directory and HOME, against the localnet it starts (`agx localnet --keeper`
//! on a free port), then what it left on the chain is checked: the agent paid for one job and
//! a quarter of a disputed one, less the reputation fee, two jobs on its record. The transcript
//! is printed (`cargo test --test walkthrough -- --nocapture`).
use std::path::Path;
use std::process::Command;

/// The walkthrough's commands: the ```sh blocks of its section, in order.
fn walkthrough(doc: &str) -> Vec<String> {
    let section = doc.split("\n## Walkthrough").nth(1).expect("a Walkthrough section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in section.lines() {
        match line.trim() {
            "```sh" => in_block = true,
            "```" => in_block = false,
            command if in_block && !command.is_empty() => commands.push(command.to_string()),
            _ => {}
        }
    }
    commands
}

fn free_port() -> u16 {
    (0..100)
        .find_map(|_| {
            let p = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
            let next = std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok();
            next.then_some(p)
        })
        .expect("a free port pair")
}

#[test]
fn the_cli_walkthrough_runs_as_documented() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/cli.md")).unwrap();
    let commands = walkthrough(&doc);
    assert!(commands.len() > 30, "the walkthrough has its commands: {commands:?}");
    let validator = agx_sdk::localnet::find_validator().expect("a solana-test-validator (scripts/setup.sh)");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let mut script = String::from("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for command in &commands {
        let command = command.replace("8899", &port);
        script.push_str(&format!("printf '%s\\n' {}\n{command}\n", shell_quote(&format!("$ {command}"))));
    }
    // What the test checks afterwards, while the localnet still runs.
    script.push_str("agx balance $AGENT --output json > final-balance.json\n");
    script.push_str("agx agent show --keypair agent.json --output json > final-agent.json\n");
    script.push_str(WRONG_KEY);
    let bin = Path::new(env!("CARGO_BIN_EXE_agx")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("HOME", dir.path())
        .env("SOLANA_TEST_VALIDATOR", &validator)
        .env_remove("AGX_URL")
        .env_remove("AGX_KEYPAIR")
        .output()
        .expect("run bash");
    let transcript = String::from_utf8_lossy(&out.stdout);
    println!("{transcript}");
    assert!(
        out.status.success(),
        "the walkthrough failed:\n{transcript}\n{}\nlocalnet log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(dir.path().join("localnet.log")).unwrap_or_default()
    );
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).unwrap()).unwrap()
    };
    let balance = read("final-balance.json");
    let atoms = |name: &str| {
        balance["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["atoms"].as_u64().unwrap())
    };
    // 800,000 and a quarter of 600,000, each less the 2% reputation fee.
    assert_eq!(atoms("pay"), Some(784_000 + 147_000), "{balance}");
    assert_eq!(atoms("stake"), Some(1_000_000), "3,000,000 minted, 2,000,000 staked: {balance}");
    let agent = read("final-agent.json");
    assert_eq!(
        (agent["completed"].as_u64(), agent["staked"].as_u64()),
        (Some(2), Some(2_000_000)),
        "{agent}"
    );
    assert!(agent["reputation"].as_u64().unwrap() > 0, "{agent}");
}

/// Issue 20: every subcommand run with a wrong key is refused with exit code 1 and a message
/// (before, `agx intent accept` by anyone but the requester panicked with exit 101); those that
/// need a particular signer name it.
const WRONG_KEY: &str = r#"
OPEN=$(agx intent post --mint $PAY --capabilities translate --max-price 1000000 --commit-window 2000 --reveal-window 2000 --keypair requester.json --output json | jq -r .intent)
agx keygen -o stranger.json --force > /dev/null
agx airdrop 1 --keypair stranger.json > /dev/null
refused() {
  want="$1"; shift
  set +e; agx "$@" --keypair stranger.json > out.txt 2> err.txt; code=$?; set -e
  if [ "$code" -ne 1 ] || grep -q panicked err.txt || ! grep -q -- "$want" err.txt; then
    echo "agx $* with a wrong key: exit $code, expected 1 and '$want':"; cat err.txt; exit 1
  fi
  echo "refused with a wrong key: agx $* -> $(head -1 err.txt | cut -c1-150)"
}
refused "pass --keypair" intent accept $OPEN
refused "pass --keypair" intent dispute $OPEN --reason x
refused "pass --keypair" intent cancel $OPEN
refused "pass --keypair" intent resolve $OPEN --agent-share-bps 0
refused "nothing to claim" intent claim $OPEN
refused "is not an agent" bid commit $OPEN --price 1 --quality 1 --latency 1
refused "is not an agent" bid reveal $OPEN
refused "is not an agent" bid place $OPEN --price 1 --quality 1 --latency 1
refused "is not an agent" result submit $OPEN --result-uri x
refused "is not an agent" agent update --capabilities code
refused "is not an agent" agent stake 1
refused "is not an agent" agent unstake 1
refused "is not an agent" agent withdraw
refused "is not an agent" agent heartbeat
refused "pass --keypair" admin config update --reputation-fee-bps 100
refused "pass --keypair" admin config pause
refused "no admin of the exchange is pending" admin config accept
refused "not the mint authority" faucet stake 1
refused "holds 0 atoms" intent post --mint $PAY --capabilities translate --max-price 1000
refused "is not an intent" intent show $AGENT
refused "invalid --url" status --url foo
# A key without SOL: the runtime's "no record of a prior credit" comes with what to do.
agx keygen -o broke.json --force > /dev/null
set +e; agx agent register --capabilities code --keypair broke.json > /dev/null 2> err.txt; code=$?; set -e
[ "$code" -eq 1 ] && grep -q "has no SOL" err.txt && ! grep -q panicked err.txt
echo "no SOL: $(grep hint err.txt)"
agx status --output json | jq -e '.exchange_config.address and .registry_config.admin' > /dev/null
# The admin's settings, by the admin.
agx admin config update --reputation-fee-bps 150 --dispute-window-slots 5000 --keypair $AUTHORITY --output json \
  | jq -e '.exchange.reputation_fee_bps == 150 and .exchange.dispute_window_slots == 5000' > /dev/null
agx admin config pause --keypair $AUTHORITY --output json | jq -e '.exchange.paused' > /dev/null
set +e; agx intent post --mint $PAY --capabilities translate --max-price 1 --keypair requester.json > /dev/null 2> err.txt; code=$?; set -e
[ "$code" -eq 1 ] && grep -q ExchangePaused err.txt
agx admin config unpause --keypair $AUTHORITY --output json | jq -e '.exchange.paused == false' > /dev/null
echo "admin: settings updated; paused (a post refused with ExchangePaused); unpaused"
"#;

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
