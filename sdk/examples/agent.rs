//! An agent on `agx_sdk::agent::AgentRunner`: it offers 90% of the requester's ceiling on every
//! open intent it is able to do, works on a job for a few slots (the runner heartbeats its
//! progress), and delivers. The runner does the rest: registering or loading the agent, sealed
//! bids with salts saved before each commit, reveals, submissions, and closing its bids.
//!
//! ```sh
//! ./scripts/build.sh --sbf-only          # the programs the embedded chain loads
//! cargo run -p agx-sdk --features embedded,rpc --example agent
//! cargo run -p agx-sdk --features embedded,rpc --example agent -- --url http://127.0.0.1:8899 --keypair agent.json
//! ```
//!
//! Without `--url` it runs a sandbox market on the embedded chain: a requester posts one
//! continuous intent, the agent wins it at once, delivers, and is paid. With `--url` it registers
//! (or loads) the keypair's agent on that cluster, staking from the keypair's associated
//! stake-mint account, and runs until interrupted.
use agx_sdk::agent::{AgentRunner, Delivery, Job, Quote, Registration, SaltStore, Strategy, Work, Worker};
use agx_sdk::chain::{Chain, EmbeddedChain, RpcChain, SlotClock};
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use agx_sdk::sandbox::{self, Keys};
use agx_sdk::{accounts::Intent, discover, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The capability bit this agent offers.
const CAPABILITY: u64 = 1;
const STAKE: u64 = 2_000_000;
/// Slots of work per job.
const WORK_SLOTS: u64 = 4;

/// Bids 90% of the ceiling, promising 9,000 bps quality within the intent's latency.
struct NinetyPercent;

impl Strategy for NinetyPercent {
    fn quote(&mut self, _: &Pubkey, intent: &Intent) -> Option<Quote> {
        Some(Quote {
            price: intent.max_price / 10 * 9,
            quality_bps: 9_000,
            latency: intent.max_latency.min(WORK_SLOTS * 4),
            plan_hash: [7; 32],
        })
    }
}

/// Works `WORK_SLOTS` slots on each job, then delivers all of it.
struct Steady;

impl Worker for Steady {
    fn work(&mut self, job: &Job, slot: u64) -> Work {
        let done = slot.saturating_sub(job.started_slot);
        if done < WORK_SLOTS {
            return Work::InProgress {
                progress_bps: u16::try_from(done * 10_000 / WORK_SLOTS).unwrap_or(10_000),
            };
        }
        Work::Done(Delivery {
            result_hash: [8; 32],
            result_uri: format!("https://results.example/{}", job.intent),
            fulfilled_bps: 10_000,
        })
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    match flag("--url") {
        None => {
            let paid = run_embedded()?;
            println!(
                "the agent bid {}, delivered, and was paid {} (the exchange's reputation fee took {})",
                paid.price, paid.paid, paid.fee
            );
            Ok(())
        }
        Some(url) => {
            let keypair = flag("--keypair").ok_or("--keypair <FILE> is needed with --url")?;
            run_on_cluster(&url, &keypair)
        }
    }
}

/// What the embedded run ends with.
pub struct Paid {
    pub agent: Pubkey,
    pub price: u64,
    pub paid: u64,
    /// The exchange's reputation fee on the payment (the sandbox's payment mint bears reputation).
    pub fee: u64,
    pub completed: u32,
}

/// The sandbox market on the embedded chain: one requester, one continuous intent, this agent.
pub fn run_embedded() -> Result<Paid> {
    let authority = Keypair::new();
    let chain = EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible)?;
    let keys = Keys::new(1);
    let market = sandbox::open(&chain, &keys, &authority)?;
    let (requester_key, agent_key) = (keys.get("requester", 0), keys.get("agent", 0));
    sandbox::fund(&chain, &authority, &[requester_key.pubkey(), agent_key.pubkey()])?;
    sandbox::tokens(&chain, &authority, market.pay, requester_key.pubkey(), 10_000_000)?;
    let stake_source = sandbox::tokens(&chain, &authority, market.stake, agent_key.pubkey(), STAKE)?;

    let salts = std::env::temp_dir().join(format!("agx-example-agent-{}.salts.json", std::process::id()));
    let mut runner = start(&chain, agent_key, market.stake, stake_source, &salts)?;

    let mut requester = Requester::new(&chain, requester_key, market.pay)?;
    let want = Want {
        capabilities: CAPABILITY,
        max_price: 1_000_000,
        max_latency: 40,
        kind: AuctionKind::Continuous,
        min_stake: 100_000,
        context_uri: "https://intents.example/example-agent".into(),
        context_hash: [5; 32],
    };
    let mut args = requester.args(&chain, &want)?;
    args.score_threshold = 1; // the first valid bid wins at once
    let intent = requester.post(&chain, args)?;

    // Step the agent until it has delivered, then the requester accepts.
    for _ in 0..40 {
        for activity in runner.step(&chain)? {
            println!("slot {:>3}  {activity:?}", chain.slot()?);
        }
        let state = discover::intent(&chain, &intent)?.ok_or("the intent is gone")?;
        if state.status()? == agx_sdk::exchange::state::IntentStatus::Submitted {
            requester.accept(&chain, &intent, 9_000)?;
            let paid_to = market.pay.associated(&runner.authority());
            let record = discover::agent(&chain, &runner.agent())?.ok_or("the agent is gone")?;
            let fee = discover::exchange_config(&chain)?.reputation_fee(&market.pay.mint, state.payment)?;
            std::fs::remove_file(&salts).ok();
            return Ok(Paid {
                agent: runner.agent(),
                price: state.payment,
                paid: agx_sdk::chain::token_balance(&chain, &paid_to)?,
                fee,
                completed: record.completed,
            });
        }
        chain.wait_for_slot(chain.slot()? + 1)?;
    }
    Err("the agent did not deliver within 40 slots".into())
}

/// Registers (or loads) the keypair's agent on a cluster and runs it until interrupted.
fn run_on_cluster(url: &str, keypair: &str) -> Result<()> {
    let chain = RpcChain::new(url)?;
    let key = solana_keypair::read_keypair_file(keypair).map_err(|e| format!("reading {keypair}: {e}"))?;
    let stake = StakeToken::of(&discover::registry_config(&chain)?);
    let stake_source = stake.associated(&key.pubkey());
    let salts = std::path::PathBuf::from(format!("{keypair}.salts.json"));
    let mut runner = start(&chain, key, stake, stake_source, &salts)?;
    println!("agent {} on {}", runner.agent(), chain.describe());
    loop {
        let slot = chain.slot()?;
        for activity in runner.step(&chain)? {
            println!("slot {slot}  {activity:?}");
        }
        chain.wait_for_slot(slot + 1)?;
    }
}

fn start(
    chain: &dyn Chain,
    key: Keypair,
    stake: StakeToken,
    stake_source: Pubkey,
    salts: &std::path::Path,
) -> Result<AgentRunner<NinetyPercent, Steady>> {
    let registration = Registration {
        capabilities: CAPABILITY,
        metadata_uri: "https://agents.example/example-agent".into(),
        stake: STAKE,
        stake_source,
    };
    Ok(AgentRunner::start(chain, key, stake, &registration, NinetyPercent, Steady, SaltStore::open(salts)?)?)
}
