//! `agx demo`: a small market running its whole course. Agents (the SDK's `AgentRunner`, each
//! with its own strategy, worker and salt store) bid on intents of every auction kind that
//! requesters post; the keeper settles, fails over, finalizes and closes; one agent goes silent
//! and is failed over, one delivers in part, one result is disputed and arbitrated. A
//! coordinator wins a job, buys it in two lots with the budget its sponsor gave it; the lots'
//! specialists deliver (one after a failover: the first goes silent), and the coordinator
//! delivers the job. Coalitions win two intents no single agent covers, one after a member
//! failed its part (`coalitions`). A newcomer wins an intent asking a minimum reputation it
//! lacks, on probation. At the end the summary is read back from the chain and
//! checked to the atom, escrows, budget and payouts together, with the tree of the job and its
//! lots and the coalitions' jobs.
//!
//! On the embedded chain by default (deterministic for a `--seed`), on a local validator with
//! `--validator`, on any cluster with `--url`.
mod board;
mod cast;
mod coalitions;
mod dashboard;
mod observe;
mod trust;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use agx_keeper::poll::PollingKeeper;
use agx_sdk::agent::{Activity, AgentRunner, Coordinator, Registration, SaltStore};
use agx_sdk::chain::{Chain, EmbeddedChain, RpcChain, SlotClock};
use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
use agx_sdk::ix::exchange as xix;
use agx_sdk::localnet::{LocalValidator, LocalnetConfig};
use agx_sdk::requester::{Requester, Want};
use agx_sdk::{discover, pda, Pubkey};
use anyhow::{bail, Context, Result};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::Output;
use agx_sdk::sandbox::{self as market, Keys};
use cast::{
    DemoPlanner, DemoStrategy, DemoWorker, OnlyFor, Persona, AUDIO, COORDINATION, LOT_WORK, SKILLS, VISION,
    WEB,
};
use observe::{AgentLine, Ledger, Role, Story, Tracked};

/// Slots between two postings.
const POST_EVERY_SLOTS: u64 = 3;
const REQUESTERS: usize = 3;
/// The intent (by index) whose requester disputes the result, and the one whose requester
/// never reviews it (the keeper finalizes it after the dispute window).
const DISPUTED: usize = 3;
const UNREVIEWED: usize = 5;
const OPEN_TO_ALL: usize = 7;
/// Free stake a bidder needs, and the winner puts at risk (atoms of the stake mint).
const MIN_STAKE: u64 = 500_000;
/// What the arbitrator grants the agent of a disputed result, bps of its payment.
const ARBITRATED_SHARE_BPS: u16 = 5_000;
/// The coordinated job: its price ceiling, latency, and each lot's ceiling; the sponsor's budget
/// covers three lots (one could be bought again).
const JOB_PRICE: u64 = 3_000_000;
const JOB_LATENCY: u64 = 200;
const LOT_PRICE: u64 = 1_000_000;
const BUDGET: u64 = 3 * LOT_PRICE;
/// The coalition story's intents, each asking for two skills no single agent has, and their
/// price ceiling.
const COALITION_INTENTS: usize = 2;
const COALITION_PRICE: u64 = 2_000_000;
/// The probation story's intent: the minimum reputation it asks (the newcomer has 0) and its
/// price ceiling.
const PROBATION_MIN_REPUTATION: u16 = 2_000;
const PROBATION_PRICE: u64 = 1_000_000;
/// Intents posted with the job: the coalitions' and the probation story's.
const STORY_INTENTS: usize = COALITION_INTENTS + 1;

#[derive(clap::Args)]
pub struct Args {
    /// Run on a local solana-test-validator started for the demo (not the embedded chain).
    #[arg(long)]
    validator: bool,
    /// Seed for every key, persona and salt (an embedded run repeats exactly).
    #[arg(long, default_value_t = 1, env = "AGX_DEMO_SEED")]
    seed: u64,
    /// Agents in the market.
    #[arg(long, default_value_t = 10)]
    agents: usize,
    /// Intents posted.
    #[arg(long, default_value_t = 12)]
    intents: usize,
    /// Embedded chain: one slot every 400 ms, as a cluster (default: as fast as possible).
    #[arg(long)]
    realtime: bool,
    /// Give up after this many slots.
    #[arg(long, default_value_t = 2_000)]
    max_slots: u64,
    /// Where the agents keep their salt stores (default: a temporary directory).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Embedded chain: one slot every this many milliseconds (`--realtime` is 400; with
    /// `--web` the default is 100, to watch the market move).
    #[arg(long, conflicts_with = "realtime")]
    slot_ms: Option<u64>,
    /// Index every event of the run into this database (embedded chain): a SQLite file, or a
    /// PostgreSQL connection string (postgres://...). Repeat to fill several; `agx index` and
    /// `agx web` read them.
    #[arg(long)]
    index: Vec<String>,
    /// Serve the live dashboard of the run at this address (e.g. 127.0.0.1:8787; port 0: any
    /// free port, printed at start), from the first --index or a temporary one. It stays up
    /// after the market ends, until Ctrl-C. Embedded chain.
    #[arg(long)]
    web: Option<std::net::SocketAddr>,
}

impl Args {
    /// How the embedded chain's clock runs.
    fn clock(&self) -> SlotClock {
        match (self.realtime, self.slot_ms, self.web) {
            (true, _, _) => SlotClock::RealTime { slot_time: Duration::from_millis(400) },
            (false, Some(0), _) | (false, None, None) => SlotClock::AsFastAsPossible,
            (false, Some(ms), _) => SlotClock::RealTime { slot_time: Duration::from_millis(ms) },
            (false, None, Some(_)) => SlotClock::RealTime { slot_time: Duration::from_millis(100) },
        }
    }
}

/// A chain and what keeps it alive.
struct Venue {
    chain: Box<dyn Chain>,
    /// The validator started for the demo (stopped when dropped).
    _validator: Option<LocalValidator>,
    /// RPC and websocket URLs, when the keeper service can run against them.
    urls: Option<(String, String)>,
}

fn venue(args: &Args, url: Option<String>, authority: &Keypair, out: &Output) -> Result<Venue> {
    if let Some(url) = url {
        let url = agx_keeper::config::resolve_url(&url);
        let ws = agx_keeper::config::websocket_url_for(&url).context("no websocket URL for --url")?;
        let chain = RpcChain::new(&url)?;
        return Ok(Venue { chain: Box::new(chain), _validator: None, urls: Some((url, ws)) });
    }
    if args.validator {
        let config = LocalnetConfig::new(authority.pubkey()).context(
            "--validator needs solana-test-validator: run ./scripts/demo.sh --validator, which builds it",
        )?;
        out.progress(&format!("starting {} ...", config.validator.display()));
        let validator = LocalValidator::start(&config)?;
        let chain = RpcChain::new(&validator.rpc_url)?;
        let urls = Some((validator.rpc_url.clone(), validator.ws_url.clone()));
        return Ok(Venue { chain: Box::new(chain), _validator: Some(validator), urls });
    }
    let chain = EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), args.clock())?;
    Ok(Venue { chain: Box::new(chain), _validator: None, urls: None })
}

/// The keeper: polling on the embedded chain, the keeper service on a cluster.
enum Keeper {
    Polling(PollingKeeper),
    Service {
        shutdown: tokio::sync::watch::Sender<bool>,
        handle: std::thread::JoinHandle<Result<agx_keeper::service::Summary>>,
        stake_tokens: Pubkey,
    },
}

fn start_keeper(chain: &dyn Chain, keypair: Keypair, urls: Option<(String, String)>) -> Result<Keeper> {
    let Some((url, ws_url)) = urls else {
        return Ok(Keeper::Polling(PollingKeeper::start(chain, keypair)?));
    };
    let stake_tokens = agx_sdk::ix::registry::StakeToken::of(&discover::registry_config(chain)?)
        .associated(&keypair.pubkey());
    let config = agx_keeper::config::Config {
        urls: vec![url],
        ws_urls: vec![ws_url],
        keypair,
        keypair_path: PathBuf::new(),
        metrics_addr: None,
        max_priority_fee: 10_000,
        concurrency: 4,
        // The demo's keeper works for the market it runs, not for profit: a failover that must
        // create a requester's stake-mint account costs its rent (~0.002 SOL), more than a tip.
        crank_unprofitable: true,
        stake_reward_price: None,
        stall_heartbeats: agx_keeper::stalls::DEFAULT_STALL_HEARTBEATS,
        log_json: false,
        connect_timeout: Duration::from_secs(10),
    };
    let (shutdown, rx) = tokio::sync::watch::channel(false);
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || -> Result<agx_keeper::service::Summary> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        runtime.block_on(async move {
            let keeper = match agx_keeper::service::Keeper::start(config).await {
                Ok(k) => {
                    let _ = started_tx.send(Ok(()));
                    k
                }
                Err(e) => {
                    let _ = started_tx.send(Err(e.to_string()));
                    bail!("keeper did not start");
                }
            };
            Ok(keeper.run(rx).await)
        })
    });
    match started_rx.recv() {
        Ok(Ok(())) => Ok(Keeper::Service { shutdown, handle, stake_tokens }),
        Ok(Err(e)) => bail!("the keeper could not start: {e}"),
        Err(_) => bail!("the keeper thread ended during start-up"),
    }
}

type Runner = AgentRunner<OnlyFor<DemoStrategy>, DemoWorker>;

pub fn run(args: Args, url: Option<String>, keypair: Option<PathBuf>, out: Output) -> Result<()> {
    let started = Instant::now();
    if args.agents < 2 || args.intents == 0 {
        bail!("the demo needs at least 2 agents and 1 intent (--agents, --intents)");
    }
    let keys = Keys::new(args.seed);
    let authority = match &keypair {
        Some(path) => crate::chain::read_keypair(path)?,
        None => keys.get("authority", 0),
    };
    let venue = venue(&args, url, &authority, &out)?;
    let chain: &dyn Chain = venue.chain.as_ref();
    out.progress(&format!("chain: {}", chain.describe()));
    let m = market::open(chain, &keys, &authority)?;
    let fee_vault = pda::fee_vault(&m.pay.mint, &m.pay.program);
    let fees_before = agx_sdk::chain::token_balance(chain, &fee_vault)?;

    // Participants.
    let personas = cast::personas(args.agents, |i| keys.bytes("persona", i));
    let agent_keys: Vec<Keypair> = (0..args.agents as u64).map(|i| keys.get("agent", i)).collect();
    let requester_keys: Vec<Keypair> = (0..REQUESTERS as u64).map(|i| keys.get("requester", i)).collect();
    let keeper_key = keys.get("keeper", 0);
    let (sponsor, story_keys) = (keys.get("sponsor", 0), [0, 1, 2].map(|i| keys.get("story-agent", i)));
    let mut everyone: Vec<Pubkey> = agent_keys.iter().chain(&requester_keys).map(|k| k.pubkey()).collect();
    everyone.extend([keeper_key.pubkey(), m.arbitrator.pubkey(), sponsor.pubkey()]);
    everyone.extend(story_keys.iter().map(|k| k.pubkey()));
    everyone.extend((0..3).map(|i| keys.get("coalition-agent", i).pubkey()));
    everyone.push(keys.get("newcomer", 0).pubkey());
    market::fund(chain, &authority, &everyone)?;

    // The salt stores (secrets until revealed) live in a temporary directory unless told
    // otherwise; it is removed when the run ends, fails, or is interrupted (Ctrl-C).
    let temp_dir = match &args.state_dir {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix(&format!("agx-demo-{}-", args.seed)).tempdir()?),
    };
    let state_dir = match (&args.state_dir, &temp_dir) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temp)) => temp.path().to_path_buf(),
        (None, None) => unreachable!("a temporary directory when none is given"),
    };
    if temp_dir.is_some() {
        let dir = state_dir.clone();
        ctrlc::set_handler(move || {
            let _ = std::fs::remove_dir_all(&dir);
            std::process::exit(130);
        })
        .context("installing the Ctrl-C handler")?;
    }
    let mut runners: Vec<Runner> = Vec::new();
    let mut lines = Vec::new();
    let mut names = BTreeMap::new();
    for (i, (persona, key)) in personas.iter().zip(agent_keys).enumerate() {
        let source = market::tokens(chain, &authority, m.stake, key.pubkey(), persona.stake)?;
        let registration = Registration {
            capabilities: persona.capabilities,
            metadata_uri: format!("https://agents.example/{}", persona.name),
            stake: persona.stake,
            stake_source: source,
        };
        let store = SaltStore::open(state_dir.join(format!("{}.salts.json", persona.name)))?;
        let runner =
            start_runner(chain, AgentSeeds::of(&keys, i), persona, true, key, m.stake, registration, store)?;
        names.insert(runner.agent(), persona.name.clone());
        lines.push(agent_line(chain, &persona.name, runner.authority(), runner.agent())?);
        runners.push(runner);
    }
    // The coordinator story: a coordinator with a budget from its sponsor, and two specialists.
    let [coordinator_persona, quick, steady] = cast::story_personas();
    let [coordinator_key, quick_key, steady_key] = story_keys;
    let coordinator_authority = coordinator_key.pubkey();
    let budget = pda::budget(&sponsor.pubkey(), &pda::agent(&coordinator_authority).0, 0).0;
    let seeds_from = args.agents;
    let mut coordinator = {
        let registration = story_registration(chain, &authority, &m, &coordinator_persona, &coordinator_key)?;
        let store = SaltStore::open(state_dir.join(format!("{}.salts.json", coordinator_persona.name)))?;
        let AgentSeeds { noise, salts } = AgentSeeds::of(&keys, seeds_from);
        let strategy = demo_strategy(&coordinator_persona, noise, false);
        let planner = DemoPlanner { lot_price: LOT_PRICE, min_stake: MIN_STAKE };
        let mut n = 0u64;
        Coordinator::start(chain, coordinator_key, m.stake, &registration, strategy, planner, budget, store)
            .context("registering the coordinator")?
            .with_salts(move || {
                n += 1;
                salts.bytes("salt", n)
            })
    };
    let sponsor_tokens = market::tokens(chain, &authority, m.pay, sponsor.pubkey(), market::REQUESTER_FUNDS)?;
    let budget_args = agx_sdk::exchange::BudgetCreateArgs {
        budget_id: 0,
        per_spend_cap: LOT_PRICE,
        total_cap: BUDGET,
        expiry_slot: chain.slot()? + args.max_slots * 2,
        allowlist: Vec::new(),
    };
    agx_sdk::budget::create(chain, &sponsor, coordinator.agent(), m.pay, budget_args)
        .context("budget_create")?;
    agx_sdk::budget::fund(chain, &sponsor, &budget, sponsor_tokens, BUDGET).context("budget_fund")?;
    for (offset, (persona, key)) in [(1, (&quick, quick_key)), (2, (&steady, steady_key))] {
        let registration = story_registration(chain, &authority, &m, persona, &key)?;
        let store = SaltStore::open(state_dir.join(format!("{}.salts.json", persona.name)))?;
        let seeds = AgentSeeds::of(&keys, seeds_from + offset);
        let runner = start_runner(chain, seeds, persona, false, key, m.stake, registration, store)?;
        runners.push(runner);
    }
    for (persona, agent, authority) in [
        (&coordinator_persona, coordinator.agent(), coordinator_authority),
        (&quick, runners[runners.len() - 2].agent(), runners[runners.len() - 2].authority()),
        (&steady, runners[runners.len() - 1].agent(), runners[runners.len() - 1].authority()),
    ] {
        names.insert(agent, persona.name.clone());
        lines.push(agent_line(chain, &persona.name, authority, agent)?);
    }
    names.insert(coordinator_authority, coordinator_persona.name.clone());
    // The coalition story: a lead and two partners, in two coalitions.
    let mut coalition_story = coalitions::start(chain, &authority, &m, &keys, seeds_from + 3, &state_dir)?;
    for (runner, persona) in coalition_story.runners.iter().zip(&coalition_story.personas) {
        names.insert(runner.agent(), persona.name.clone());
        lines.push(agent_line(chain, &persona.name, runner.authority(), runner.agent())?);
    }
    for c in &coalition_story.coalitions {
        names.insert(c.address, format!("coalition {}", c.name));
    }
    runners.extend(std::mem::take(&mut coalition_story.runners));
    // The probation story: a newcomer whose skill only one intent asks for, with a minimum
    // reputation it does not have.
    let newcomer = {
        let persona = cast::newcomer_persona();
        let key = keys.get("newcomer", 0);
        let registration = story_registration(chain, &authority, &m, &persona, &key)?;
        let store = SaltStore::open(state_dir.join(format!("{}.salts.json", persona.name)))?;
        let seeds = AgentSeeds::of(&keys, seeds_from + 8);
        let runner = start_runner(chain, seeds, &persona, false, key, m.stake, registration, store)?;
        names.insert(runner.agent(), persona.name.clone());
        lines.push(agent_line(chain, &persona.name, runner.authority(), runner.agent())?);
        let agent = (persona.name.clone(), runner.agent());
        runners.push(runner);
        agent
    };

    let mut requesters = Vec::new();
    for key in requester_keys {
        let tokens = market::tokens(chain, &authority, m.pay, key.pubkey(), market::REQUESTER_FUNDS)?;
        let requester = Requester::new(chain, key, m.pay)?;
        debug_assert_eq!(requester.tokens(), tokens);
        requesters.push(requester);
    }
    let mut requester_accounts: Vec<(Pubkey, Pubkey)> =
        requesters.iter().map(|r| (r.pubkey(), r.tokens())).collect();
    // The sponsor pays for the lots through the budget: it spends like a requester.
    requester_accounts.push((sponsor.pubkey(), sponsor_tokens));
    let keeper_address = keeper_key.pubkey();
    let keeper_lamports_before = chain.lamports(&keeper_address)?;
    let mut keeper = start_keeper(chain, keeper_key, venue.urls.clone())?;
    out.progress(&format!(
        "market open: {} agents, {} requesters, stake mint {} (SPL Token), payment mint {} (Token-2022); set up in {:.1} s",
        runners.len(),
        requesters.len(),
        m.stake.mint,
        m.pay.mint,
        started.elapsed().as_secs_f64()
    ));

    // The market runs.
    let mut board = board::Board::new(out);
    let first_slot = chain.slot()?;
    let mut tracked: Vec<Tracked> = Vec::new();
    let mut reviewed = std::collections::BTreeSet::new();
    let mut first_award = None;
    let mut trust_stories = trust::TrustStories::default();
    let index_targets = match (&args.web, temp_dir.as_ref()) {
        (Some(_), _) if args.index.is_empty() => {
            let dir = temp_dir.as_ref().map(|t| t.path().to_path_buf()).unwrap_or_else(|| state_dir.clone());
            vec![dir.join("market.db").to_string_lossy().into_owned()]
        }
        _ => args.index.clone(),
    };
    if !index_targets.is_empty() && chain.tape(usize::MAX).is_none() {
        bail!(
            "--index and --web follow the embedded chain's tape; on a validator run `agx index follow --database FILE --url URL` beside the demo (it backfills what it missed) and `agx web --database FILE`"
        );
    }
    let mut indexers = index_targets
        .iter()
        .map(|target| {
            agx_index::open(target)
                .with_context(|| format!("open the index {target}"))
                .and_then(|db| Ok(agx_index::Indexer::new(db)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let dashboard = match (args.web, index_targets.first()) {
        (Some(listen), Some(target)) => {
            for indexer in &mut indexers {
                indexer.follow(chain).context("index")?;
            }
            Some(dashboard::Dashboard::start(target, listen, out)?)
        }
        _ => None,
    };
    // The plain agents' keys (the runners own theirs): an agent rated below its promise replies.
    let reply_keys: Vec<Keypair> = (0..args.agents as u64).map(|i| keys.get("agent", i)).collect();
    let reply_key_refs: Vec<&Keypair> = reply_keys.iter().collect();
    let parallel = venue.urls.is_some();
    let mut slot = first_slot;
    let job_index = args.intents;
    let mut job: Option<Pubkey> = None;
    let mut budget_returned = None;
    loop {
        // The coordinated job, posted first.
        if job.is_none() {
            let requester = &mut requesters[job_index % REQUESTERS];
            let want = Want {
                capabilities: COORDINATION.1,
                max_price: JOB_PRICE,
                max_latency: JOB_LATENCY,
                kind: AuctionKind::Continuous,
                min_stake: MIN_STAKE,
                context_uri: format!("https://intents.example/{job_index}.json"),
                context_hash: keys.bytes("context", job_index as u64),
            };
            let args = requester.args(chain, &want)?;
            let address = requester.post(chain, args).context("posting the coordinated job")?;
            let t = Tracked::new(job_index, address, AuctionKind::Continuous, COORDINATION.0)
                .with_role(Role::Job);
            board.line(&format!("slot {slot:>4}  {}  posted, up to {JOB_PRICE} atoms", t.label()));
            tracked.push(t);
            job = Some(address);
            // The coalition story's intents: audio and web together.
            for i in 0..COALITION_INTENTS {
                let index = job_index + 1 + i;
                let requester = &mut requesters[index % REQUESTERS];
                let want = Want {
                    capabilities: AUDIO.1 | WEB.1,
                    max_price: COALITION_PRICE,
                    max_latency: 40,
                    kind: AuctionKind::Continuous,
                    min_stake: MIN_STAKE,
                    context_uri: format!("https://intents.example/{index}.json"),
                    context_hash: keys.bytes("context", index as u64),
                };
                let args = requester.args(chain, &want)?;
                let address = requester.post(chain, args).context("posting a coalition intent")?;
                let t = Tracked::new(index, address, AuctionKind::Continuous, "audio+web")
                    .with_role(Role::Coalition);
                board.line(&format!("slot {slot:>4}  {}  posted, up to {COALITION_PRICE} atoms", t.label()));
                tracked.push(t);
            }
            // The probation story's intent: a skill only the newcomer has, and a minimum
            // reputation it lacks.
            let index = job_index + 1 + COALITION_INTENTS;
            let requester = &mut requesters[index % REQUESTERS];
            let want = Want {
                capabilities: VISION.1,
                max_price: PROBATION_PRICE,
                max_latency: 40,
                kind: AuctionKind::Continuous,
                min_stake: MIN_STAKE,
                context_uri: format!("https://intents.example/{index}.json"),
                context_hash: keys.bytes("context", index as u64),
            };
            let mut args = requester.args(chain, &want)?;
            args.min_reputation = PROBATION_MIN_REPUTATION;
            let address = requester.post(chain, args).context("posting the probation intent")?;
            let t =
                Tracked::new(index, address, AuctionKind::Continuous, VISION.0).with_role(Role::Probation);
            board.line(&format!(
                "slot {slot:>4}  {}  posted, up to {PROBATION_PRICE} atoms, minimum reputation {PROBATION_MIN_REPUTATION}",
                t.label()
            ));
            tracked.push(t);
        }

        // Post what is due.
        let plain = |tracked: &[Tracked]| tracked.iter().filter(|t| t.role == Role::Plain).count();
        while plain(&tracked) < args.intents && slot >= first_slot + plain(&tracked) as u64 * POST_EVERY_SLOTS
        {
            let index = plain(&tracked);
            let kind = [AuctionKind::FirstPriceSealed, AuctionKind::VickreySealed, AuctionKind::Continuous]
                [index % 3];
            // One intent any agent may take: more bids than the board holds, so some fall off it
            // (and verify_auction_with_bids checks them against it).
            let (skill, capabilities) =
                if index == OPEN_TO_ALL { ("any", 0) } else { SKILLS[index % SKILLS.len()] };
            let requester = &mut requesters[index % REQUESTERS];
            let want = Want {
                capabilities,
                max_price: 1_000_000 * (1 + index as u64 % 3),
                max_latency: 40,
                kind,
                min_stake: MIN_STAKE,
                context_uri: format!("https://intents.example/{index}.json"),
                context_hash: keys.bytes("context", index as u64),
            };
            let args = requester.args(chain, &want)?;
            let address = requester.post(chain, args).with_context(|| format!("posting intent {index}"))?;
            let t = Tracked::new(index, address, kind, skill);
            board.line(&format!("slot {slot:>4}  {}  posted, up to {} atoms", t.label(), want.max_price));
            tracked.push(t);
        }

        // Agents.
        let activities: Vec<Result<Vec<Activity>, agx_sdk::Error>> = if parallel {
            std::thread::scope(|s| {
                let handles: Vec<_> = runners.iter_mut().map(|r| s.spawn(|| r.step(chain))).collect();
                handles.into_iter().map(|h| h.join().expect("agent thread")).collect()
            })
        } else {
            runners.iter_mut().map(|r| r.step(chain)).collect()
        };
        let mut bids = (0, 0, 0);
        // Bids counted, failures printed, the rest ignored.
        let mut common = |name: &str, activity: Activity, board: &mut board::Board| match activity {
            Activity::Committed { .. } => bids.0 += 1,
            Activity::Revealed { .. } => bids.1 += 1,
            Activity::Placed { .. } | Activity::CoalitionPlaced { .. } => bids.2 += 1,
            Activity::Failed { intent, what, error } => {
                let on = intent.map_or_else(String::new, |i| format!(" on {i}"));
                board.line(&format!("slot {slot:>4}  {name}: {what}{on} failed: {error}"))
            }
            Activity::Reranked { intent } => board
                .line(&format!("slot {slot:>4}  {name}: its bid on {intent} back on the board (re-rank)")),
            _ => {}
        };
        for (runner, result) in runners.iter().zip(activities) {
            let name = &names[&runner.agent()];
            for activity in result.with_context(|| format!("{name} step"))? {
                if let Activity::PartDone { coalition, intent } = activity {
                    let label =
                        tracked.iter().find(|t| t.address == intent).map(Tracked::label).unwrap_or_default();
                    board.line(&format!(
                        "slot {slot:>4}  {label}  {name} did its part for {}",
                        names[&coalition]
                    ));
                    continue;
                }
                common(name, activity, &mut board);
            }
        }
        for activity in coordinator.step(chain).context("coordinator step")? {
            let name = &coordinator_persona.name;
            match activity {
                Activity::LotPosted { job, intent, max_price } => {
                    let index = job_index
                        + 1
                        + STORY_INTENTS
                        + tracked.iter().filter(|t| t.role == Role::Lot).count();
                    let mut t =
                        Tracked::new(index, intent, AuctionKind::Continuous, LOT_WORK.0).with_role(Role::Lot);
                    t.parent = Some(job);
                    board.line(&format!(
                        "slot {slot:>4}  {}  posted by {name} from its budget, up to {max_price} atoms",
                        t.label()
                    ));
                    tracked.push(t);
                }
                Activity::LotAccepted { intent, paid } => {
                    let lot = tracked.iter_mut().find(|t| t.address == intent);
                    let label = lot
                        .map(|t| {
                            t.saw(IntentStatus::Completed, slot);
                            t.label()
                        })
                        .unwrap_or_default();
                    board.line(&format!(
                        "slot {slot:>4}  {label}  accepted by {name}: {paid} atoms to its winner"
                    ));
                }
                other => common(name, other, &mut board),
            }
        }
        if bids != (0, 0, 0) {
            board.line(&format!(
                "slot {slot:>4}  bids: {} committed, {} revealed, {} placed in the clear",
                bids.0, bids.1, bids.2
            ));
        }

        // Requesters review submitted results; the arbitrator rules on disputes.
        let mut accepted = Vec::new();
        for t in tracked.iter().filter(|t| t.role != Role::Lot) {
            let Some(state) = discover::intent(chain, &t.address)? else { continue };
            let requester = &requesters[t.index % REQUESTERS];
            match state.status() {
                Ok(IntentStatus::Submitted) if reviewed.insert(t.address) => {
                    if t.role == Role::Plain && t.index == DISPUTED {
                        requester.dispute(chain, &t.address, keys.bytes("dispute", t.index as u64))?;
                    } else if t.role != Role::Plain || t.index != UNREVIEWED {
                        let rating = if state.fulfilled_bps == 10_000 { 9_000 } else { 4_000 };
                        requester.accept(chain, &t.address, rating)?;
                        accepted.push(t.address);
                    }
                }
                Ok(IntentStatus::Disputed) if arbitrator_rules(chain, &m)? => {
                    let token = agx_sdk::ix::registry::StakeToken::of_intent(&state);
                    let ix = xix::dispute_resolve(
                        m.arbitrator.pubkey(),
                        t.address,
                        &state,
                        token,
                        state.winner_tokens,
                        state.refund_tokens,
                        ARBITRATED_SHARE_BPS,
                        None,
                    );
                    chain.send(&[ix], &m.arbitrator, &[]).context("dispute_resolve")?;
                    board.line(&format!(
                        "slot {slot:>4}  {}  arbitrated: the agent keeps {}%",
                        t.label(),
                        ARBITRATED_SHARE_BPS / 100
                    ));
                }
                _ => {}
            }
        }

        for t in tracked.iter_mut().filter(|t| accepted.contains(&t.address)) {
            t.saw(IntentStatus::Completed, slot);
        }

        // The keeper (the service cranks on its own).
        if let Keeper::Polling(k) = &mut keeper {
            for c in k.tick(chain)? {
                let label =
                    tracked.iter().find(|t| t.address == c.intent).map(Tracked::label).unwrap_or_default();
                match c.error {
                    None => board.line(&format!("slot {slot:>4}  {label}  keeper: {:?}", c.crank)),
                    Some(e) => {
                        board.line(&format!("slot {slot:>4}  {label}  keeper: {:?} failed: {e}", c.crank))
                    }
                }
            }
        }

        for line in observe::observe(chain, &mut tracked, &names, slot)? {
            board.line(&line);
        }
        for line in trust_stories.step(chain, &tracked, &reply_key_refs, &m.arbitrator, &names, slot)? {
            board.line(&line);
        }
        for indexer in &mut indexers {
            indexer.follow(chain).context("index")?;
        }
        if first_award.is_none() && tracked.iter().any(|t| t.statuses.contains(&IntentStatus::Awarded)) {
            first_award = Some(started.elapsed());
        }
        // The job done and closed, the sponsor takes back what is left of the budget.
        let job_closed = tracked.iter().any(|t| t.role == Role::Job && t.closed);
        if job_closed && budget_returned.is_none() {
            let returned =
                agx_sdk::budget::revoke(chain, &sponsor, &budget, sponsor_tokens).context("budget_revoke")?;
            agx_sdk::budget::close(chain, &sponsor, &budget, sponsor_tokens).context("budget_close")?;
            board.line(&format!(
                "slot {slot:>4}  the sponsor revoked and closed the budget: {returned} atoms back"
            ));
            budget_returned = Some(returned);
        }
        board.draw(slot, tracked.len(), &tracked);
        if plain(&tracked) == args.intents
            && budget_returned.is_some()
            && tracked.iter().all(|t| t.closed)
            && coalition_story.idle(chain)?
        {
            coalition_story.dissolve(chain)?;
            board.line(&format!("slot {slot:>4}  the lead dissolved both coalitions"));
            break;
        }
        if slot > first_slot + args.max_slots {
            bail!("the market did not finish within {} slots (--max-slots)", args.max_slots);
        }
        slot = chain.wait_for_slot(slot + 1)?;
    }
    board.finish();
    for (indexer, target) in indexers.iter_mut().zip(&index_targets) {
        indexer.follow(chain).context("index")?;
        out.progress(&format!("indexed {} events into {target}", indexer.events()?));
    }

    let (keeper_kind, landed, failed, keeper_stake_tokens) = match keeper {
        Keeper::Polling(k) => ("polling", k.totals().landed, k.totals().failed, k.stake_tokens()),
        Keeper::Service { shutdown, handle, stake_tokens } => {
            let _ = shutdown.send(true);
            let summary = handle.join().map_err(|_| anyhow::anyhow!("keeper thread panicked"))??;
            ("service", summary.landed, summary.failed, stake_tokens)
        }
    };
    // Bids the keeper has not closed yet are closed by then; wait a moment on a cluster.
    let story = Story {
        coordinator: coordinator_persona.name.clone(),
        coordinator_authority,
        budget,
        funded: BUDGET,
        returned: budget_returned.unwrap_or(0),
    };
    let ledger = Ledger {
        tracked: &tracked,
        story: &story,
        coalitions: &coalition_story.coalitions,
        newcomer: &newcomer,
        probation_multiplier: discover::exchange_config(chain)?.probation_bond_multiplier,
        agents: &lines,
        requesters: &requester_accounts,
        requester_funds: market::REQUESTER_FUNDS,
        fee_vault: (fee_vault, fees_before),
        pay: m.pay,
        stake: m.stake,
        keeper: (keeper_kind, landed, failed),
        keeper_lamports: (keeper_lamports_before, chain.lamports(&keeper_address)?),
        keeper_stake_tokens,
        slots: slot - first_slot,
        wall: started.elapsed(),
        first_award,
        chain: chain.describe(),
        seed: args.seed,
        trust: trust_stories.json(),
    };
    let summary = observe::summarize(chain, &ledger)?;
    out.result(&summary.text, &summary.json);
    if !summary.problems.is_empty() {
        bail!("the demo's checks failed: {}", summary.problems.join("; "));
    }
    if let Some(dashboard) = dashboard {
        out.progress(&format!(
            "the market has ended; the dashboard stays up at {} (Ctrl-C to stop)",
            dashboard.url()
        ));
        if temp_dir.is_none() {
            ctrlc::set_handler(|| std::process::exit(130)).context("installing the Ctrl-C handler")?;
        }
        dashboard.wait();
    }
    drop(temp_dir);
    Ok(())
}

/// The summary's line for `agent` (of `authority`), named `name`, as it stands when registered.
fn agent_line(chain: &dyn Chain, name: &str, authority: Pubkey, agent: Pubkey) -> Result<AgentLine> {
    let record = discover::agent(chain, &agent)?.context("agent registered")?;
    Ok(AgentLine {
        name: name.to_string(),
        authority,
        agent,
        reputation_before: record.reputation,
        deposited: record.staked,
    })
}

/// Each agent's own streams of quote noise and salts, drawn from the demo's seed.
struct AgentSeeds {
    noise: Keys,
    salts: Keys,
}

impl AgentSeeds {
    fn of(keys: &Keys, index: usize) -> Self {
        let stream = |name: &str| {
            Keys::new(u64::from_le_bytes(keys.bytes(name, index as u64)[..8].try_into().expect("8 bytes")))
        };
        AgentSeeds { noise: stream("noise"), salts: stream("salts") }
    }
}

#[allow(clippy::too_many_arguments)]
fn start_runner(
    chain: &dyn Chain,
    seeds: AgentSeeds,
    persona: &Persona,
    open_to_all: bool,
    key: Keypair,
    stake: agx_sdk::ix::registry::StakeToken,
    registration: Registration,
    store: SaltStore,
) -> Result<Runner> {
    let AgentSeeds { noise: noise_keys, salts: salt_keys } = seeds;
    let strategy = demo_strategy(persona, noise_keys, open_to_all);
    let worker = DemoWorker { behaviour: persona.behaviour, latency: persona.latency, jobs: Vec::new() };
    let mut n = 0u64;
    let runner = AgentRunner::start(chain, key, stake, &registration, strategy, worker, store)
        .with_context(|| format!("registering {}", persona.name))?
        .with_salts(move || {
            n += 1;
            salt_keys.bytes("salt", n)
        });
    Ok(runner)
}

/// Whether the demo's arbitrator is the exchange's (on a cluster set up by someone else it may
/// not be: disputes then end when the keeper finalizes after the arbitration window).
fn arbitrator_rules(chain: &dyn Chain, m: &market::Market) -> Result<bool> {
    Ok(discover::exchange_config(chain)?.arbitrator == m.arbitrator.pubkey())
}

/// `persona`'s quotes, with noise per intent from `noise`, on intents asking for one of its
/// capabilities (and on those open to all when `open_to_all`).
fn demo_strategy(persona: &Persona, noise: Keys, open_to_all: bool) -> OnlyFor<DemoStrategy> {
    let strategy = DemoStrategy {
        persona: persona.clone(),
        entropy: Box::new(move |intent: &Pubkey| {
            noise.bytes("quote", u64::from_le_bytes(intent.to_bytes()[..8].try_into().expect("8 bytes")))[0]
        }),
    };
    OnlyFor { mask: persona.capabilities, open_to_all, inner: strategy }
}

/// Stake tokens for one of the story's agents, and how it registers.
fn story_registration(
    chain: &dyn Chain,
    authority: &Keypair,
    m: &market::Market,
    persona: &Persona,
    key: &Keypair,
) -> Result<Registration> {
    let source = market::tokens(chain, authority, m.stake, key.pubkey(), persona.stake)?;
    Ok(Registration {
        capabilities: persona.capabilities,
        metadata_uri: format!("https://agents.example/{}", persona.name),
        stake: persona.stake,
        stake_source: source,
    })
}
