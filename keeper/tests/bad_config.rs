//! The `agx-keeper` binary on bad settings: one clear line on stderr and exit code 2, before it
//! touches any cluster it was not pointed at.
use std::path::{Path, PathBuf};
use std::process::Command;

fn keeper(args: &[&str], home: &Path) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_agx-keeper"))
        .args(args)
        // A clean environment: no Solana CLI config, no AGX_* variables from the caller.
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("run agx-keeper");
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    (output.status.code(), stderr)
}

fn keypair_file(dir: &Path) -> PathBuf {
    let path = dir.join("id.json");
    let bytes: Vec<u8> = solana_keypair::Keypair::new().to_bytes().to_vec();
    std::fs::write(&path, serde_json::to_string(&bytes).unwrap()).unwrap();
    path
}

/// A loopback port with nothing listening.
fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("http://127.0.0.1:{port}")
}

fn assert_one_line(code: Option<i32>, stderr: &str, expected: &str) {
    assert_eq!(code, Some(2), "exit code 2 for {expected:?}; stderr: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: ") && last.contains(expected), "{expected:?} not in {stderr:?}");
}

#[test]
fn a_missing_keypair_says_where_it_looked_and_how_to_make_one() {
    let home = tempfile::tempdir().unwrap();
    let (code, stderr) = keeper(&["--url", &dead_url()], home.path());
    assert_one_line(code, &stderr, ".config/solana/id.json: file not found");
    assert!(stderr.contains("solana-keygen new"));
}

#[test]
fn an_unreachable_cluster_is_named() {
    let home = tempfile::tempdir().unwrap();
    let keypair = keypair_file(home.path());
    let url = dead_url();
    let (code, stderr) = keeper(&["--url", &url, "--keypair", keypair.to_str().unwrap()], home.path());
    assert_one_line(code, &stderr, &format!("no RPC endpoint answered within 5s: {url}"));
}

#[test]
fn invalid_addresses_are_refused_before_connecting() {
    let home = tempfile::tempdir().unwrap();
    let keypair = keypair_file(home.path());
    let k = keypair.to_str().unwrap();
    let (code, stderr) = keeper(&["--url", "localhost:8899", "-k", k], home.path());
    assert_one_line(code, &stderr, "invalid --url 'localhost:8899'");
    let (code, stderr) = keeper(&["--ws-url", "http://127.0.0.1:8900", "-k", k], home.path());
    assert_one_line(code, &stderr, "invalid --ws-url");
    let (code, stderr) = keeper(&["--metrics-addr", "metrics", "-k", k], home.path());
    assert_one_line(code, &stderr, "invalid --metrics-addr 'metrics'");
}

#[test]
fn a_config_file_with_an_unknown_key_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let keypair = keypair_file(home.path());
    let file = home.path().join("keeper.toml");
    std::fs::write(&file, "urlz = [\"http://127.0.0.1:8899\"]\n").unwrap();
    let (code, stderr) =
        keeper(&["--config", file.to_str().unwrap(), "-k", keypair.to_str().unwrap()], home.path());
    assert_one_line(code, &stderr, "unknown field `urlz`");
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let (code, stderr) = keeper(&["--urls", "x"], home.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unexpected argument '--urls'"), "{stderr}");
}
