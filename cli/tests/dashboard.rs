//! The live dashboard in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `scripts/setup.sh` installs), driven over WebDriver, against a running embedded demo
//! (`agx demo --web`): the page shows intents move open -> awarded -> completed and a failover
//! as they happen, without a reload; once the market has ended, the numbers it shows are the
//! chain's (the demo's summary) and the index's (its API); "verify" recomputes an auction. A
//! screenshot is kept at `target/tmp/dashboard.png`.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// A request to `host` (HTTP/1.1, one connection per request): the response's status and JSON
/// body, read by its `Content-Length` (chromedriver keeps the connection open).
fn try_http(host: &str, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(host).map_err(|e| format!("connect {host}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(|e| format!("{method} {path}: {e}"))?;
    let status = status_line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut payload = Vec::new();
    match length {
        Some(n) => {
            payload.resize(n, 0);
            reader.read_exact(&mut payload).map_err(|e| e.to_string())?;
        }
        None => {
            reader.read_to_end(&mut payload).map_err(|e| e.to_string())?;
        }
    }
    let payload = String::from_utf8_lossy(&payload);
    let value = serde_json::from_str(&payload).map_err(|e| format!("{method} {path}: {e}: {payload}"))?;
    Ok((status, value))
}

fn http(host: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    try_http(host, method, path, body).unwrap_or_else(|e| panic!("{e}"))
}

/// A WebDriver session on a chromedriver.
struct Browser {
    driver: Child,
    host: String,
    session: String,
}

impl Browser {
    fn start() -> Self {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                std::path::Path::new(tool).exists(),
                "{tool} is missing: install Debian's chromium and chromium-driver (scripts/setup.sh does)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let host = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while TcpStream::connect(&host).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,2600"]
            }
        }}});
        let (status, created) = http(&host, "POST", "/session", Some(&capabilities));
        assert_eq!(status, 200, "new session: {created}");
        let session = created["value"]["sessionId"].as_str().expect("a session id").to_owned();
        Self { driver, host, session }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, reply) =
            http(&self.host, method, &format!("/session/{}{path}", self.session), body.as_ref());
        assert_eq!(status, 200, "{method} {path}: {reply}");
        reply["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    /// Runs `script` in the page; it returns a JSON string, parsed here.
    fn eval(&self, script: &str) -> Value {
        let text = self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})));
        serde_json::from_str(text.as_str().unwrap_or("null")).unwrap_or(Value::Null)
    }

    /// Clicks the element `css` selects, as a user would. The page redraws its tables as events
    /// arrive: an element found just before a redraw is stale, and is found again.
    fn click(&self, css: &str) {
        for _ in 0..20 {
            let found = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
            let id =
                found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap().to_owned();
            let path = format!("/session/{}/element/{id}/click", self.session);
            let (status, reply) = http(&self.host, "POST", &path, Some(&json!({})));
            match (status, reply["value"]["error"].as_str()) {
                (200, _) => return,
                (_, Some("stale element reference")) => std::thread::sleep(Duration::from_millis(100)),
                _ => panic!("click {css}: {status} {reply}"),
            }
        }
        panic!("click {css}: the element went stale 20 times");
    }

    fn screenshot(&self) -> Vec<u8> {
        let png = self.call("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = try_http(&self.host, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The running demo, its output collected as it comes.
struct Demo {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Demo {
    fn start() -> (Self, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agx"))
            .args(["demo", "--output", "json", "--web", "127.0.0.1:0", "--slot-ms", "40"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, stderr) = (Arc::new(Mutex::new(String::new())), Arc::new(Mutex::new(String::new())));
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let err_lines = BufReader::new(child.stderr.take().unwrap());
        let into = stderr.clone();
        std::thread::spawn(move || {
            for line in err_lines.lines().map_while(Result::ok) {
                if let Some(url) = line.split("dashboard of the run at ").nth(1) {
                    let _ = url_tx.send(url.split_whitespace().next().unwrap_or("").to_owned());
                }
                into.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut out = child.stdout.take().unwrap();
        let into = stdout.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = out.read(&mut buf) {
                into.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let url = url_rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("the demo printed no dashboard URL: {}", stderr.lock().unwrap()));
        (Self { child, stdout, stderr }, url)
    }

    /// The summary, once the market has ended.
    fn summary(&self) -> Option<Value> {
        serde_json::from_str(self.stdout.lock().unwrap().trim()).ok()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the page shows: each intent row's status and failovers, the tiles, the agents, the
/// cranks listed, and the event number it last drew.
/// Whether every agent row the page shows that the chain's summary lists has the chain's
/// reputation and completed jobs (asserted one by one once the page has settled).
fn agents_match_the_chain(page: &Value, summary: &Value) -> bool {
    let chain: std::collections::BTreeMap<&str, &Value> = summary["agents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["agent"].as_str()?, a)))
        .collect();
    page["agents"].as_array().into_iter().flatten().all(|row| {
        let Some(agent) = row[0].as_str().and_then(|key| chain.get(key)) else { return true };
        let reputation = agent["reputation_after"].as_u64().map(|r| format!("{:.2}%", r as f64 / 100.0));
        row[1].as_str() == reputation.as_deref()
            && row[2].as_str().and_then(|c| c.parse::<u64>().ok()) == agent["completed"].as_u64()
    })
}

const READ_PAGE: &str = r#"
const rows = [...document.querySelectorAll('#intents tbody tr')].map(tr => [tr.dataset.intent, tr.dataset.status, Number(tr.dataset.failovers)]);
const tile = id => document.getElementById(id).textContent.replace(/,/g, '');
const agents = [...document.querySelectorAll('#agents tbody tr')].map(tr => [tr.dataset.agent, tr.children[1].textContent, tr.children[6].textContent.replace(/,/g, '')]);
const cranks = [...document.querySelectorAll('#cranks tbody tr')].map(tr => tr.dataset.crank);
return JSON.stringify({rows, agents, cranks, seq: document.body.dataset.seq || null, busy: document.body.dataset.busy || null, live: document.getElementById('live').textContent,
  intents: tile('stat-intents'), completed: tile('stat-completed'), failed_over: tile('stat-failed-over'), paid: tile('stat-paid')});
"#;

#[test]
fn the_dashboard_shows_the_market_live_and_agrees_with_the_chain_and_the_index() {
    let (demo, url) = Demo::start();
    let host = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let browser = Browser::start();
    browser.open(&url);

    // Watch, without reloading, until the market has ended and the page has drawn the last event.
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let (mut failover_row, mut failover_crank, mut live) = (false, false, false);
    let started = Instant::now();
    let (summary, page) = loop {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the market did not end on the page: {}",
            demo.stderr.lock().unwrap()
        );
        let page = browser.eval(READ_PAGE);
        live |= page["live"] == "live";
        for row in page["rows"].as_array().into_iter().flatten() {
            let (intent, status) = (row[0].as_str().unwrap().to_owned(), row[1].as_str().unwrap().to_owned());
            let statuses = seen.entry(intent).or_default();
            if statuses.last() != Some(&status) {
                statuses.push(status);
            }
            failover_row |= row[2].as_u64() > Some(0);
        }
        failover_crank |= page["cranks"].as_array().into_iter().flatten().any(|c| c == "failover");
        if let Some(summary) = demo.summary() {
            let (_, head) = http(&host, "GET", "/api/head", None);
            // The page has drawn the index's last event, and the index has caught up with the
            // chain: the market's end is in the summary before the index has read its last
            // transactions, so the agents' rows may still be one job behind.
            if page["seq"] == json!(head["seq"].to_string())
                && page["busy"] == "false"
                && agents_match_the_chain(&page, &summary)
            {
                break (summary, page);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(live, "the page followed the event stream");
    let order = |statuses: &Vec<String>| {
        let mut want = ["open", "awarded", "completed"].iter().peekable();
        for s in statuses {
            if want.peek().is_some_and(|w| *w == s) {
                want.next();
            }
        }
        want.peek().is_none()
    };
    let moved = seen.values().filter(|s| order(s)).count();
    assert!(moved >= 1, "an intent moved open -> awarded -> completed on the page: {seen:?}");
    assert!(
        seen.values().any(|s| s.first().map(String::as_str) == Some("open")),
        "intents appeared while still open: {seen:?}"
    );
    assert!(
        failover_row && failover_crank,
        "a failover appeared (row {failover_row}, crank {failover_crank})"
    );

    // The numbers shown are the chain's (the demo's summary) and the index's (its API).
    let (_, stats) = http(&host, "GET", "/api/stats", None);
    let shown = |key: &str| page[key].as_str().unwrap().parse::<u64>().unwrap();
    assert_eq!(shown("intents"), summary["intents"].as_u64().unwrap(), "intents: the chain's");
    assert_eq!(shown("intents"), stats["intents"].as_u64().unwrap(), "intents: the index's");
    assert_eq!(shown("failed_over"), summary["failed_over"].as_u64().unwrap(), "failovers: the chain's");
    assert_eq!(shown("failed_over"), stats["failed_over"].as_u64().unwrap());
    assert_eq!(shown("completed"), stats["by_status"]["completed"].as_u64().unwrap());
    assert_eq!(shown("paid"), stats["paid"].as_u64().unwrap());
    let chain_agents: std::collections::BTreeMap<&str, &Value> =
        summary["agents"].as_array().unwrap().iter().map(|a| (a["agent"].as_str().unwrap(), a)).collect();
    let mut compared = 0;
    for row in page["agents"].as_array().unwrap() {
        let Some(chain) = chain_agents.get(row[0].as_str().unwrap()) else { continue };
        let reputation = format!("{:.2}%", chain["reputation_after"].as_u64().unwrap() as f64 / 100.0);
        assert_eq!(row[1].as_str(), Some(reputation.as_str()), "{row} against the chain's {chain}");
        assert_eq!(
            row[2].as_str().unwrap().parse::<u64>().ok(),
            chain["completed"].as_u64(),
            "{row}: {chain}"
        );
        compared += 1;
    }
    assert!(compared >= 4, "the page lists the market's agents: {}", page["agents"]);

    // Verify an auction from the page: its recomputation agrees with the chain.
    let (_, vickrey) = http(&host, "GET", "/api/intents?status=completed&limit=500", None);
    let address = vickrey["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "VickreySealed" && i["failovers"] == 0)
        .map(|i| i["address"].as_str().unwrap().to_owned())
        .expect("a completed Vickrey auction");
    browser.click(&format!("#intents tr[data-intent='{address}']"));
    browser.click("#verify");
    let started = Instant::now();
    let verdict = loop {
        let v = browser.eval(
            "const p = document.querySelector('#verify-result p'); return JSON.stringify(p ? {verified: p.dataset.verified, checks: document.querySelectorAll('#verify-result li.ok').length, board: document.querySelectorAll('#board tbody tr').length} : null);",
        );
        if !v.is_null() {
            break v;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "verify showed nothing");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(verdict["verified"], "true", "{verdict}");
    assert!(verdict["checks"].as_u64() >= Some(3) && verdict["board"].as_u64() >= Some(2), "{verdict}");

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let png = browser.screenshot();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");
    std::fs::write(&shot, png).unwrap();
    println!("screenshot: {}", shot.display());
}
