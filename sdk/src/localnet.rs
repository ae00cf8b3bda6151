//! A local `solana-test-validator` with both programs loaded at genesis, on loopback.
//!
//! Used by `agx localnet` and by the validator tests. It picks free ports, keeps its ledger in a
//! temporary directory (unless told otherwise), waits until the node answers and produces slots,
//! and stops the process when dropped. The child also gets `PR_SET_PDEATHSIG`, so it dies with
//! its parent even when the parent is killed and no destructor runs.
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anchor_lang::prelude::Pubkey;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::RpcClient;

use crate::PROGRAMS;

#[derive(Debug, thiserror::Error)]
pub enum LocalnetError {
    #[error(
        "no solana-test-validator found: set SOLANA_TEST_VALIDATOR, put it on PATH, or run \
         scripts/install-validator.sh (installs into ~/.cache/solana-validator)"
    )]
    ValidatorNotFound,
    #[error("program {0} not found: run scripts/build.sh first")]
    ProgramNotFound(PathBuf),
    #[error("no free loopback ports found")]
    NoFreePorts,
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("validator exited during start-up ({status}); log tail:\n{log}")]
    Exited { status: String, log: String },
    #[error("validator not ready after {0:?}; log tail:\n{1}")]
    NotReady(Duration, String),
}

/// Where to find the validator binary: `$SOLANA_TEST_VALIDATOR`, then `PATH`, then the cache
/// that `scripts/install-validator.sh` fills (`$SOLANA_VALIDATOR_DIR` or ~/.cache/solana-validator).
pub fn find_validator() -> Result<PathBuf, LocalnetError> {
    if let Some(p) = std::env::var_os("SOLANA_TEST_VALIDATOR") {
        let p = PathBuf::from(p);
        return if p.is_file() { Ok(p) } else { Err(LocalnetError::ValidatorNotFound) };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("solana-test-validator");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let cache = std::env::var_os("SOLANA_VALIDATOR_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/solana-validator")))
        .ok_or(LocalnetError::ValidatorNotFound)?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(&cache)
        .map_err(|_| LocalnetError::ValidatorNotFound)?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/solana-test-validator"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop().ok_or(LocalnetError::ValidatorNotFound)
}

pub use crate::program_dir;

/// How to start the validator.
#[derive(Clone, Debug)]
pub struct LocalnetConfig {
    pub validator: PathBuf,
    pub program_dir: PathBuf,
    /// Upgrade authority of both programs (the only key allowed to run `config_init`).
    pub upgrade_authority: Pubkey,
    /// Keep the ledger here instead of a temporary directory (it is reset at start).
    pub ledger: Option<PathBuf>,
    /// JSON-RPC port; the websocket is this + 1. `None` picks free ports.
    pub rpc_port: Option<u16>,
    pub ready_timeout: Duration,
    /// More arguments for the validator (e.g. `--account-dir DIR` to load accounts at genesis).
    pub extra_args: Vec<std::ffi::OsString>,
}

impl LocalnetConfig {
    pub fn new(upgrade_authority: Pubkey) -> Result<Self, LocalnetError> {
        Ok(Self {
            validator: find_validator()?,
            program_dir: program_dir(),
            upgrade_authority,
            ledger: None,
            rpc_port: None,
            ready_timeout: Duration::from_secs(120),
            extra_args: Vec::new(),
        })
    }
}

/// A running validator; dropping it stops the process and removes a temporary ledger.
pub struct LocalValidator {
    child: std::sync::Mutex<Child>,
    /// The validator binary and its arguments, `--reset` aside (a restart keeps the ledger).
    command: (PathBuf, Vec<std::ffi::OsString>),
    ready_timeout: Duration,
    pub rpc_url: String,
    pub ws_url: String,
    pub ledger: PathBuf,
    _temp_ledger: Option<tempfile::TempDir>,
}

impl LocalValidator {
    pub fn start(config: &LocalnetConfig) -> Result<Self, LocalnetError> {
        let mut programs = Vec::new();
        for (name, id) in PROGRAMS {
            let so = config.program_dir.join(format!("{name}.so"));
            if !so.is_file() {
                return Err(LocalnetError::ProgramNotFound(so));
            }
            programs.push((id, so));
        }
        let (ledger, temp) = match &config.ledger {
            Some(dir) => (dir.clone(), None),
            None => {
                let t = tempfile::Builder::new().prefix("agx-ledger-").tempdir()?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        let rpc_port = match config.rpc_port {
            Some(p) => p,
            None => free_port_pair().ok_or(LocalnetError::NoFreePorts)?,
        };
        let faucet_port =
            free_port(&[rpc_port, rpc_port.saturating_add(1)]).ok_or(LocalnetError::NoFreePorts)?;
        // Gossip too: left to its default (8000), a second validator on the machine (a user's
        // `agx localnet` beside the tests) failed to bind it.
        let gossip_port = free_port(&[rpc_port, rpc_port.saturating_add(1), faucet_port])
            .ok_or(LocalnetError::NoFreePorts)?;
        let dynamic = free_range(30, &[rpc_port, rpc_port.saturating_add(1), faucet_port, gossip_port])
            .ok_or(LocalnetError::NoFreePorts)?;

        let mut args: Vec<std::ffi::OsString> = vec!["--ledger".into(), ledger.clone().into()];
        for arg in [
            "--quiet",
            "--bind-address",
            "127.0.0.1",
            "--rpc-port",
            &rpc_port.to_string(),
            "--faucet-port",
            &faucet_port.to_string(),
            "--gossip-port",
            &gossip_port.to_string(),
            "--dynamic-port-range",
            &format!("{}-{}", dynamic.0, dynamic.1),
            "--limit-ledger-size",
            "10000",
        ] {
            args.push(arg.into());
        }
        let authority = config.upgrade_authority.to_string();
        for (id, so) in &programs {
            args.extend([
                "--upgradeable-program".into(),
                id.to_string().into(),
                so.clone().into(),
                authority.clone().into(),
            ]);
        }
        args.extend(config.extra_args.iter().cloned());
        let command = (config.validator.clone(), args);
        let child = spawn(&command, true)?;

        let validator = Self {
            child: std::sync::Mutex::new(child),
            command,
            ready_timeout: config.ready_timeout,
            rpc_url: format!("http://127.0.0.1:{rpc_port}"),
            ws_url: format!("ws://127.0.0.1:{}", rpc_port.saturating_add(1)),
            ledger,
            _temp_ledger: temp,
        };
        validator.wait_ready(config.ready_timeout)?;
        Ok(validator)
    }

    /// Stops the validator and starts it again on the same ledger and ports (what an operator's
    /// restart looks like to clients: connections drop, the chain goes on from where it was).
    pub fn restart(&self) -> Result<(), LocalnetError> {
        {
            let mut child = self.child.lock().expect("validator lock");
            terminate(&mut child);
            *child = spawn(&self.command, false)?;
        }
        self.wait_ready(self.ready_timeout)
    }

    /// A JSON-RPC client at `confirmed` commitment (finalized lags ~30 slots on a test validator).
    pub fn rpc(&self) -> RpcClient {
        RpcClient::new_with_commitment(self.rpc_url.clone(), CommitmentConfig::confirmed())
    }

    /// `Some(status)` once the validator process has exited.
    pub fn exited(&self) -> std::io::Result<Option<std::process::ExitStatus>> {
        self.child.lock().expect("validator lock").try_wait()
    }

    pub fn pid(&self) -> u32 {
        self.child.lock().expect("validator lock").id()
    }

    /// The last lines of the validator's own log (for error messages).
    pub fn log_tail(&self) -> String {
        log_tail(&self.ledger)
    }

    fn wait_ready(&self, timeout: Duration) -> Result<(), LocalnetError> {
        let rpc = RpcClient::new_with_timeout_and_commitment(
            self.rpc_url.clone(),
            Duration::from_secs(2),
            CommitmentConfig::processed(),
        );
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(status) = self.exited()? {
                return Err(LocalnetError::Exited { status: status.to_string(), log: self.log_tail() });
            }
            // Healthy and producing slots: blockhashes from `confirmed` are then usable.
            if rpc.get_health().is_ok()
                && rpc.get_slot_with_commitment(CommitmentConfig::confirmed()).unwrap_or(0) > 0
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(LocalnetError::NotReady(timeout, self.log_tail()))
    }

    /// Stops the validator (also done on drop).
    pub fn stop(&self) {
        let mut child = self.child.lock().expect("validator lock");
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for LocalValidator {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Stops the process as an operator would: SIGTERM, then SIGKILL after 10 s.
#[allow(unsafe_code)]
fn terminate(child: &mut Child) {
    // SAFETY: kill(2) on our own child's pid touches no memory.
    let pid = i32::try_from(child.id()).unwrap_or(0);
    if pid > 0 && unsafe { libc::kill(pid, libc::SIGTERM) } == 0 {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Starts the validator process (`--reset`: a fresh ledger from genesis).
fn spawn(command: &(PathBuf, Vec<std::ffi::OsString>), reset: bool) -> std::io::Result<Child> {
    let mut cmd = Command::new(&command.0);
    cmd.args(&command.1);
    if reset {
        cmd.arg("--reset");
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    die_with_parent(&mut cmd);
    cmd.spawn()
}

fn log_tail(ledger: &Path) -> String {
    let text = std::fs::read_to_string(ledger.join("validator.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn port_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok() && UdpSocket::bind(("127.0.0.1", port)).is_ok()
}

/// A port P such that P and P+1 are free (JSON-RPC and websocket).
fn free_port_pair() -> Option<u16> {
    (0..50).find_map(|_| {
        let p = TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok()?.port();
        let next = p.checked_add(1)?;
        (port_free(p) && port_free(next)).then_some(p)
    })
}

fn free_port(avoid: &[u16]) -> Option<u16> {
    (0..50).find_map(|_| {
        let p = TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok()?.port();
        (!avoid.contains(&p) && port_free(p)).then_some(p)
    })
}

/// A run of `len` free ports (the validator's gossip/TPU/repair sockets) away from `avoid`.
fn free_range(len: u16, avoid: &[u16]) -> Option<(u16, u16)> {
    let seed = std::process::id() as u16;
    (0..200u16).find_map(|i| {
        // Spread candidates over 20000..60000 so parallel runs rarely collide.
        let start =
            20_000u16.checked_add((seed.wrapping_mul(97).wrapping_add(i.wrapping_mul(211))) % 40_000)?;
        let end = start.checked_add(len)?;
        let clear = (start..end).all(|p| !avoid.contains(&p) && port_free(p));
        clear.then_some((start, end))
    })
}

/// Makes the kernel send SIGKILL to the child when this process dies, so a killed test run
/// never leaves a validator behind.
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
