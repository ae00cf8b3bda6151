//! The one key the server signs with, and what it keeps for it: the limits, the spending of the
//! last hour, the sealed bids' salts (on disk, before each commit is sent), the log of every
//! transaction sent, and the upkeep between calls (reveals when due, keep-alive heartbeats).
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use agx_sdk::agent::{reveal_due, SaltStore};
use agx_sdk::chain::{AccountData, Chain, Filter, Landed, Taped};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::ix::registry as rix;
use agx_sdk::{discover, pda, Error, Instruction, Pubkey};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::limits::{Limits, Refusal, SpendLedger};

pub struct Wallet {
    keypair: Keypair,
    pub limits: Limits,
    salts: Mutex<SaltStore>,
    salts_path: PathBuf,
    spent: Mutex<SpendLedger>,
    log: Mutex<Option<std::fs::File>>,
    /// The progress last reported with `heartbeat`, and the slot of the last heartbeat sent.
    beat: Mutex<(u16, u64)>,
    /// The slot the jobs held were last looked up (a scan of the exchange's accounts).
    jobs_checked: Mutex<u64>,
}

impl Wallet {
    /// `keypair`'s wallet; its salts in `salts_path` (what an earlier server left there is
    /// revealed when due), its transactions appended to `log` as JSON lines (and to stderr).
    pub fn open(
        keypair: Keypair,
        limits: Limits,
        salts_path: PathBuf,
        log: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        if let Some(dir) = salts_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let salts = SaltStore::open(&salts_path)?;
        let log =
            match log {
                Some(path) => {
                    Some(std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| {
                        anyhow::anyhow!("cannot open the signature log {}: {e}", path.display())
                    })?)
                }
                None => None,
            };
        Ok(Self {
            keypair,
            limits,
            salts: Mutex::new(salts),
            salts_path,
            spent: Mutex::new(SpendLedger::default()),
            log: Mutex::new(log),
            beat: Mutex::new((0, 0)),
            jobs_checked: Mutex::new(0),
        })
    }

    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    pub fn keypair(&self) -> &Keypair {
        &self.keypair
    }

    /// Its registry agent account (registered or not).
    pub fn agent(&self) -> Pubkey {
        pda::agent(&self.pubkey()).0
    }

    pub fn salts_path(&self) -> &std::path::Path {
        &self.salts_path
    }

    pub fn salts(&self) -> std::sync::MutexGuard<'_, SaltStore> {
        self.salts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `chain`, with every transaction sent through it logged as done by `tool`.
    pub fn logged<'a>(&'a self, chain: &'a dyn Chain, tool: &'static str) -> Logged<'a> {
        Logged { inner: chain, wallet: self, tool }
    }

    /// Whether `amount` more atoms may be escrowed now.
    pub fn spend_allowed(&self, amount: u64) -> Result<(), Refusal> {
        self.spent.lock().unwrap_or_else(|e| e.into_inner()).allowed(&self.limits, amount, Instant::now())
    }

    pub fn spent(&self, amount: u64) {
        self.spent.lock().unwrap_or_else(|e| e.into_inner()).record(amount, Instant::now());
    }

    pub fn spent_last_hour(&self) -> u64 {
        self.spent.lock().unwrap_or_else(|e| e.into_inner()).in_window(Instant::now())
    }

    /// Progress reported by a heartbeat sent at `slot`: kept up by [`Wallet::tend`].
    pub fn beat(&self, progress_bps: u16, slot: u64) {
        *self.beat.lock().unwrap_or_else(|e| e.into_inner()) = (progress_bps, slot);
    }

    fn write_log(&self, line: serde_json::Value) {
        eprintln!("agx mcp: {line}");
        if let Some(file) = self.log.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            // The log is a record for people; a full disk must not stop the market's calls.
            let _ = writeln!(file, "{line}").and_then(|()| file.flush());
        }
    }

    /// The upkeep at `slot`: reveals the sealed bids whose reveal window is open (an earlier
    /// server's too), and, while the agent holds a job, a heartbeat with the progress last
    /// reported often enough that the job is not failed over for silence (the keepers fail a
    /// job over after the registry's heartbeat timeout; the caller may think slower than that).
    /// What went wrong, for the server's log.
    pub fn tend(&self, chain: &dyn Chain, slot: u64, heartbeat_timeout: u64) -> Vec<String> {
        let mut problems = Vec::new();
        let agent = self.agent();
        let has_salts = !self.salts().is_empty();
        if has_salts {
            let logged = self.logged(chain, "reveal (due)");
            match reveal_due(&logged, &self.keypair, &agent, &mut self.salts(), slot) {
                Ok(attempts) => {
                    problems.extend(
                        attempts
                            .into_iter()
                            .filter_map(|a| a.outcome.err().map(|e| format!("reveal on {}: {e}", a.intent))),
                    );
                }
                Err(e) => problems.push(format!("reveals: {e}")),
            }
        }
        let (progress, last) = *self.beat.lock().unwrap_or_else(|e| e.into_inner());
        let every = (heartbeat_timeout / 3).max(1);
        let mut checked = self.jobs_checked.lock().unwrap_or_else(|e| e.into_inner());
        if slot < last.saturating_add(every) || slot < checked.saturating_add(every) {
            return problems;
        }
        *checked = slot;
        drop(checked);
        let working = discover::intents(
            chain,
            &[discover::intent_status_filter(IntentStatus::Awarded), discover::intent_winner_filter(&agent)],
        );
        match working {
            Ok(jobs) if jobs.is_empty() => {}
            Ok(_) => {
                let logged = self.logged(chain, "heartbeat (keep-alive)");
                match logged.send(&[rix::agent_heartbeat(self.pubkey(), progress)], &self.keypair, &[]) {
                    Ok(_) => self.beat(progress, slot),
                    Err(e) => problems.push(format!("keep-alive heartbeat: {e}")),
                }
            }
            Err(e) => problems.push(format!("jobs held: {e}")),
        }
        problems
    }
}

/// A chain whose sends are logged with their signature (or their error) and the tool that sent
/// them: every transaction the server signs goes through one.
pub struct Logged<'a> {
    inner: &'a dyn Chain,
    wallet: &'a Wallet,
    tool: &'static str,
}

impl Logged<'_> {
    fn logged(&self, payer: &Keypair, sent: Result<Landed, Error>) -> Result<Landed, Error> {
        let at = agx_keeper::metrics::unix_millis();
        let signer = payer.pubkey().to_string();
        self.wallet.write_log(match &sent {
            Ok(landed) => {
                json!({"at_ms": at, "tool": self.tool, "signer": signer, "signature": landed.signature})
            }
            Err(e) => json!({"at_ms": at, "tool": self.tool, "signer": signer, "error": e.to_string()}),
        });
        sent
    }
}

impl Chain for Logged<'_> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn slot(&self) -> Result<u64, Error> {
        self.inner.slot()
    }
    fn slot_time(&self) -> Duration {
        self.inner.slot_time()
    }
    fn account(&self, address: &Pubkey) -> Result<Option<AccountData>, Error> {
        self.inner.account(address)
    }
    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Filter],
    ) -> Result<Vec<(Pubkey, AccountData)>, Error> {
        self.inner.program_accounts(program, filters)
    }
    fn minimum_balance(&self, len: usize) -> Result<u64, Error> {
        self.inner.minimum_balance(len)
    }
    fn send(&self, ixs: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Landed, Error> {
        self.logged(payer, self.inner.send(ixs, payer, signers))
    }
    fn send_with_tables(
        &self,
        ixs: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        tables: &[agx_sdk::lookup::AddressLookupTableAccount],
    ) -> Result<Landed, Error> {
        self.logged(payer, self.inner.send_with_tables(ixs, payer, signers, tables))
    }
    fn airdrop(&self, to: &Pubkey, lamports: u64) -> Result<(), Error> {
        self.inner.airdrop(to, lamports)
    }
    fn tape(&self, cursor: usize) -> Option<(Vec<Taped>, usize)> {
        self.inner.tape(cursor)
    }
    fn wait_for_slot(&self, slot: u64) -> Result<u64, Error> {
        self.inner.wait_for_slot(slot)
    }
}
