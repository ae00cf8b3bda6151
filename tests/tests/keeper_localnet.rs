//! The keeper service on a real `solana-test-validator`: nobody but keepers sends a crank.
//!
//! One validator serves the binary. The scenarios run one after another (every keeper sees
//! every intent on the cluster, so two scenarios at once would crank each other's intents), and
//! each ends with every account of its intents closed. Keepers run in-process on a tokio runtime
//! (the same `Keeper` the `agx-keeper` binary runs) and are stopped through their shutdown
//! channel, which also checks that shutdown returns.
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use agx_core::lifecycle::Crank;
use agx_keeper::config::Config;
use agx_keeper::metrics::{CrankOutcome, Metrics};
use agx_keeper::service::{Keeper, Summary};
use agx_sdk::accounts::{decode, decode_zero_copy, Agent, Intent};
use agx_sdk::exchange::{BidOpening, IntentCreateArgs};
use agx_sdk::ix::exchange as xix;
use agx_sdk::localnet::LocalValidator;
use agx_sdk::{pda, token, Pubkey};
use agx_tests::cluster::{
    airdrop, check, exists, funded_token_account, init_market, send, staked_agent, vickrey_intent,
    wait_until, Market,
};
use libtest_mimic::{Arguments, Failed, Trial};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;
use tokio::sync::watch;

/// The registry's heartbeat timeout on this cluster: 20 slots, about 8 s.
const HEARTBEAT_TIMEOUT: u64 = 20;
const TIP: u64 = 1_000_000;
/// Stake-mint atoms each requester starts with (eighteen intents' budgets).
const REQUESTER_ATOMS: u64 = 40_000_000;
/// How long a scenario waits for the keepers to get somewhere.
const PATIENCE: Duration = Duration::from_secs(90);

struct Net {
    validator: LocalValidator,
    authority: Keypair,
    market: Market,
    runtime: tokio::runtime::Runtime,
}

fn main() -> ExitCode {
    // The keepers' warnings (failed cranks, reconnects) go to the test output; RUST_LOG for more.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .init();
    let mut args = Arguments::from_args();
    // Every keeper sees every intent: scenarios must not overlap.
    args.test_threads = Some(1);
    let (validator, authority) = agx_tests::cluster::start_validator();
    let market = init_market(&validator.rpc(), &authority, HEARTBEAT_TIMEOUT).expect("configs");
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let net = Arc::new(Net { validator, authority, market, runtime });
    let trial = |name: &str, f: fn(&Net) -> Result<(), Failed>| {
        let net = Arc::clone(&net);
        Trial::test(name, move || f(&net))
    };
    let trials = vec![
        trial("a_silent_winner_is_failed_over_and_every_crank_is_sent_by_the_keeper", keeper_runs_the_market),
        trial("three_keepers_take_turns_and_fail_at_most_one_transaction_per_ten_cranks", three_keepers),
        trial("cranks_still_happen_through_a_late_start_a_cut_websocket_and_a_dead_rpc", faults),
        trial("a_websocket_that_never_answers_does_not_stop_the_cranks", mute_websocket),
        trial("a_dead_first_url_falls_over_to_the_next_urls_websocket", dead_first_url),
        trial("the_keeper_books_the_tips_the_chain_paid_not_the_ones_it_expected", books_match_the_chain),
        trial("the_agx_keeper_binary_cranks_and_stops_cleanly_on_sigterm", binary_on_sigterm),
        // Last: it restarts the validator under everyone.
        trial("a_deadline_that_passes_across_a_validator_restart_is_cranked", validator_restart),
    ];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(net);
    conclusion.exit_code()
}

/// A keeper running on the test's runtime.
struct Running {
    key: Pubkey,
    metrics: Arc<Metrics>,
    metrics_addr: Option<std::net::SocketAddr>,
    stop: watch::Sender<bool>,
    done: tokio::task::JoinHandle<Summary>,
}

impl Running {
    fn finish(self, net: &Net) -> Result<Summary, Failed> {
        let _ = self.stop.send(true);
        let summary =
            net.runtime.block_on(async { tokio::time::timeout(Duration::from_secs(70), self.done).await });
        Ok(summary.map_err(|_| "the keeper did not shut down within 70 s")??)
    }
}

/// Starts a funded keeper on `urls` and `ws_urls` (the validator's when `None`).
fn start_keeper(
    net: &Net,
    urls: Option<Vec<String>>,
    ws_urls: Option<Vec<String>>,
) -> Result<Running, Failed> {
    let keypair = Keypair::new();
    airdrop(&net.validator.rpc(), &keypair.pubkey())?;
    let key = keypair.pubkey();
    let config = Config {
        urls: urls.unwrap_or_else(|| vec![net.validator.rpc_url.clone()]),
        ws_urls: ws_urls.unwrap_or_else(|| vec![net.validator.ws_url.clone()]),
        keypair,
        keypair_path: "in-memory".into(),
        metrics_addr: Some("127.0.0.1:0".parse()?),
        max_priority_fee: 10_000,
        concurrency: 8,
        crank_unprofitable: false,
        stake_reward_price: None,
        stall_heartbeats: agx_keeper::stalls::DEFAULT_STALL_HEARTBEATS,
        log_json: false,
        connect_timeout: Duration::from_secs(5),
    };
    let keeper = net.runtime.block_on(Keeper::start(config))?;
    let (metrics, metrics_addr) = (keeper.metrics(), keeper.metrics_addr());
    let (stop, stopped) = watch::channel(false);
    let done = net.runtime.spawn(keeper.run(stopped));
    Ok(Running { key, metrics, metrics_addr, stop, done })
}

/// A funded requester with a token account of the stake mint holding [`REQUESTER_ATOMS`].
fn requester(net: &Net) -> Result<(Keypair, Pubkey), Failed> {
    let rpc = net.validator.rpc();
    let requester = Keypair::new();
    airdrop(&rpc, &requester.pubkey())?;
    let tokens = funded_token_account(
        &rpc,
        &net.authority,
        net.market.stake.mint,
        requester.pubkey(),
        REQUESTER_ATOMS,
    )?;
    Ok((requester, tokens))
}

/// An intent nobody bids on: the keeper expires it at `reveal_end` and closes it.
fn unbid_intent(
    net: &Net,
    requester: &Keypair,
    tokens: Pubkey,
    id: u64,
    window: u64,
) -> Result<Pubkey, Failed> {
    let args = IntentCreateArgs { max_failovers: 1, tip_per_crank: TIP, ..vickrey_intent(id, window) };
    send(
        &net.validator.rpc(),
        xix::intent_create(requester.pubkey(), net.market.stake, tokens, args),
        requester,
    )?;
    Ok(pda::intent(&requester.pubkey(), id).0)
}

fn intent_state(rpc: &RpcClient, intent: &Pubkey) -> Result<Intent, Failed> {
    Ok(decode_zero_copy(&rpc.get_account_data(intent)?)?)
}

/// Waits until every one of `accounts` is closed.
fn wait_closed(rpc: &RpcClient, accounts: &[Pubkey], what: &str) -> Result<(), Failed> {
    wait_until(PATIENCE, what, || accounts.iter().all(|a| !exists(rpc, a).unwrap_or(true)).then_some(()))?;
    Ok(())
}

/// `GET /metrics` with an HTTP client, as Prometheus scrapes it.
fn scrape(addr: std::net::SocketAddr, net: &Net) -> Result<String, Failed> {
    let (status, body) = get(addr, "/metrics", net)?;
    check(status == 200, format!("/metrics answered {status}"))?;
    Ok(body)
}

/// `GET path` on the keeper's endpoint: (status, body).
fn get(addr: std::net::SocketAddr, path: &str, net: &Net) -> Result<(u16, String), Failed> {
    let (status, body) = net.runtime.block_on(async move {
        let response = reqwest::get(format!("http://{addr}{path}")).await?;
        let status = response.status().as_u16();
        Ok::<_, reqwest::Error>((status, response.text().await?))
    })?;
    Ok((status, body))
}

/// Two intents, no manual crank: one nobody bids on (expired, closed); one Vickrey auction whose
/// winner stays silent (settled, failed over to the runner-up by silence, which delivers;
/// finalized after the dispute window; its bids and then the intent closed). The keeper earns
/// every tip and the failover reward; balances are read back from the chain.
fn keeper_runs_the_market(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let stake = net.market.stake;
    let keeper = start_keeper(net, None, None)?;
    let keeper_lamports = rpc.get_balance(&keeper.key)?;
    let (requester, requester_tokens) = requester(net)?;
    let agents = [staked_agent(&rpc, &net.authority, stake)?, staked_agent(&rpc, &net.authority, stake)?];

    let unbid = unbid_intent(net, &requester, requester_tokens, 1, 4)?;
    let args = IntentCreateArgs { max_failovers: 2, tip_per_crank: TIP, ..vickrey_intent(2, 10) };
    send(&rpc, xix::intent_create(requester.pubkey(), stake, requester_tokens, args), &requester)?;
    let job = pda::intent(&requester.pubkey(), 2).0;
    let openings = [(300_000, 9_000, 10), (500_000, 8_000, 20)].map(|(price, quality_bps, latency)| {
        BidOpening { price, quality_bps, latency, plan_hash: [5; 32], salt: [price as u8; 32] }
    });
    for ((agent, key, _), opening) in agents.iter().zip(&openings) {
        send(
            &rpc,
            xix::bid_commit(key.pubkey(), job, *agent, 0, xix::commitment(&job, agent, opening)),
            key,
        )?;
    }
    agx_tests::cluster::wait_for_slot(&rpc, intent_state(&rpc, &job)?.commit_end_slot)?;
    for ((agent, key, _), opening) in agents.iter().zip(&openings) {
        send(&rpc, xix::bid_reveal(key.pubkey(), job, *agent, 0, *opening), key)?;
    }
    let ((winner, winner_key, _), (runner_up, runner_up_key, runner_up_tokens)) = (&agents[0], &agents[1]);

    // The keeper settles; the winner never heartbeats and the keeper fails it over.
    wait_until(PATIENCE, "the runner-up holds the job", || {
        intent_state(&rpc, &job).ok().filter(|s| s.winner_agent == *runner_up).map(|_| ())
    })?;
    let failed: Agent = decode(&rpc.get_account_data(winner)?)?;
    check(failed.failed == 1 && failed.locked == 0, "the silent winner was slashed and released")?;
    let ix = xix::result_submit(
        runner_up_key.pubkey(),
        job,
        *runner_up_tokens,
        [8; 32],
        "https://r.example".into(),
        10_000,
    );
    send(&rpc, ix, runner_up_key)?;

    // Finalized, bids closed, both intents closed: by the keeper alone.
    let bids = [
        pda::bid(&winner_key.pubkey(), &job, winner, 0),
        pda::bid(&runner_up_key.pubkey(), &job, runner_up, 0),
    ];
    let mut all = vec![unbid, job, pda::escrow(&unbid).0, pda::escrow(&job).0];
    all.extend(bids);
    wait_closed(&rpc, &all, "every account of both intents closed")?;
    // The last outcome is booked once the keeper has seen it confirmed.
    wait_until(PATIENCE, "seven cranks booked", || {
        (keeper.metrics.cranks_total(CrankOutcome::Landed) >= 7).then_some(())
    })?;
    let metrics_text = scrape(keeper.metrics_addr.ok_or("metrics endpoint")?, net)?;
    let metrics = Arc::clone(&keeper.metrics);
    let keeper_key = keeper.key;
    let summary = keeper.finish(net)?;

    check(
        token::account_amount(&rpc.get_account_data(runner_up_tokens)?) == Some(5_000 - 1_200 + 500_000),
        "the runner-up is paid its ask",
    )?;
    check(
        token::account_amount(&rpc.get_account_data(&requester_tokens)?)
            == Some(REQUESTER_ATOMS - 500_000 + 450),
        "the requester paid the runner-up only and got the compensation in its refund account",
    )?;
    let keeper_tokens = token::associated_address(&keeper_key, &stake.mint, &stake.program);
    check(token::account_amount(&rpc.get_account_data(&keeper_tokens)?) == Some(50), "the failover reward")?;
    // Cranks: unbid settle + close; job settle, failover, finalize, close-bids, close.
    check(summary.landed == 7 && summary.failed == 0 && summary.lost == 0, format!("one keeper: {summary}"))?;
    check(summary.tips_lamports == 6 * TIP, format!("six paid cranks: {summary}"))?;
    for crank in [Crank::Settle, Crank::Failover, Crank::Finalize, Crank::CloseBids, Crank::Close] {
        check(metrics.cranks(crank, CrankOutcome::Landed) >= 1, format!("{crank:?} landed"))?;
    }
    // Seven transactions at the base fee (the idle cluster's priority fee is zero).
    let earned = rpc.get_balance(&keeper_key)? as i128 - keeper_lamports as i128;
    check(earned == (6 * TIP) as i128 - 7 * 5_000, format!("the keeper's balance moved by {earned}"))?;
    for line in [
        "agx_keeper_cranks_total{kind=\"failover\",outcome=\"landed\"} 1",
        "agx_keeper_tips_earned_lamports_total 6000000",
        "agx_keeper_rewards_earned_atoms_total 50",
    ] {
        check(metrics_text.lines().any(|l| l == line), format!("/metrics has {line}:\n{metrics_text}"))?;
    }
    check(
        metrics_text.contains("agx_keeper_crank_latency_slots_count 4"),
        "four deadline cranks timed (two settles, the failover, the finalize)",
    )?;
    Ok(())
}

/// Three keepers that start together. On the first two intents they race (each lost race a
/// fee paid) and learn each other from the chain; then, on sixteen more, they take turns: at
/// most one failed transaction per ten landed cranks (none expected). Each crank lands exactly
/// once, nothing is paid twice, and every keeper's tips cover its fees.
fn three_keepers(net: &Net) -> Result<(), Failed> {
    const MEETING: u64 = 2;
    const INTENTS: u64 = 16;
    let rpc = net.validator.rpc();
    let keepers =
        [start_keeper(net, None, None)?, start_keeper(net, None, None)?, start_keeper(net, None, None)?];
    let keys: Vec<Pubkey> = keepers.iter().map(|k| k.key).collect();
    let balances = || -> Result<Vec<u64>, Failed> { keys.iter().map(|k| Ok(rpc.get_balance(k)?)).collect() };
    // The failed transactions of each keeper so far, as the chain kept them.
    let failed_on_chain = || -> Result<u64, Failed> {
        let mut failed = 0;
        for key in &keys {
            let confirmed = solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config {
                commitment: Some(CommitmentConfig::confirmed()),
                ..Default::default()
            };
            let sent = rpc.get_signatures_for_address_with_config(key, confirmed)?;
            failed += sent.iter().filter(|s| s.err.is_some()).count() as u64;
        }
        Ok(failed)
    };
    let landed = |keepers: &[Running]| -> u64 {
        keepers.iter().map(|k| k.metrics.cranks_total(CrankOutcome::Landed)).sum()
    };
    let start_balances = balances()?;
    let (requester, tokens) = requester(net)?;
    let before = rpc.get_balance(&requester.pubkey())?;
    let mut intents = Vec::new();
    let mut expire = |ids: std::ops::Range<u64>, what: &str| -> Result<(), Failed> {
        let batch: Vec<Pubkey> = ids
            .map(|i| unbid_intent(net, &requester, tokens, 100 + i, 3 + i % 16))
            .collect::<Result<_, _>>()?;
        let escrows: Vec<Pubkey> = batch.iter().map(|i| pda::escrow(i).0).collect();
        wait_closed(&rpc, &[batch.clone(), escrows].concat(), what)?;
        intents.extend(batch);
        Ok(())
    };
    expire(0..MEETING, "the first intents expired and closed")?;
    let (met_failed, met_landed) = (failed_on_chain()?, landed(&keepers));
    // The keepers learn from the chain in the background: let them finish.
    wait_until(Duration::from_secs(10), "each keeper knows the two others", || {
        keepers.iter().all(|k| k.metrics.peers.get() == 2).then_some(())
    })?;
    expire(MEETING..MEETING + INTENTS, "the next intents expired and closed")?;
    let (turns_failed, turns_landed) = (failed_on_chain()? - met_failed, landed(&keepers) - met_landed);
    let summaries: Vec<Summary> = keepers.into_iter().map(|k| k.finish(net)).collect::<Result<_, _>>()?;
    eprintln!(
        "three keepers: {summaries:?}; meeting: {met_failed} failed transactions for {met_landed} cranks; \
         turns: {turns_failed} for {turns_landed}"
    );
    for (key, (start, end)) in keys.iter().zip(start_balances.iter().zip(balances()?)) {
        check(end >= *start, format!("keeper {key}'s tips cover its fees: {start} -> {end} lamports"))?;
    }
    let all = MEETING + INTENTS;
    let landed: u64 = summaries.iter().map(|s| s.landed).sum();
    let failed: u64 = summaries.iter().map(|s| s.failed).sum();
    check(landed == 2 * all, format!("each crank landed once, got {landed} for {all} intents"))?;
    check(failed == 0, format!("no failures, got {failed}"))?;
    check(
        turns_failed * 10 <= turns_landed,
        format!("at most one failed transaction per ten landed cranks: {turns_failed} for {turns_landed}"),
    )?;
    // Each intent cost its requester the creation fee and the two tips paid; rents and the
    // other two tips deposited came back. Its first post also opened its record at the exchange
    // (its next intent id), which stays.
    let spent = before - rpc.get_balance(&requester.pubkey())?;
    let record = rpc.get_minimum_balance_for_rent_exemption(agx_sdk::accounts::RequesterState::SPACE)?;
    check(
        spent == all * (5_000 + 2 * TIP) + record,
        format!("nothing paid twice: the requester spent {spent}"),
    )?;
    Ok(())
}

/// A TCP proxy whose connections the test can cut, and which it can shut for good.
struct Proxy {
    addr: std::net::SocketAddr,
    cut: watch::Sender<u64>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    fn start(net: &Net, upstream: std::net::SocketAddr) -> Result<Self, Failed> {
        let listener = net.runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (cut, cuts) = watch::channel(0u64);
        let accept = net.runtime.spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut cuts = cuts.clone();
                // Only cuts after this connection was accepted end it.
                cuts.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Ok(Self { addr, cut, accept })
    }

    /// Drops every open connection (new ones are still accepted).
    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }

    /// Drops every connection and stops accepting.
    fn shut(self) {
        self.accept.abort();
        self.cut();
    }
}

fn socket_of(url: &str) -> Result<std::net::SocketAddr, Failed> {
    let host_port = url.split("://").nth(1).ok_or("url")?.trim_end_matches('/');
    Ok(host_port.parse()?)
}

/// Faults: intents whose deadlines passed before the keeper started are cranked at start (the
/// resync); the websocket is cut and intents created meanwhile are still cranked (reconnect and
/// resync); the first of two RPC endpoints dies and the keeper carries on with the second.
fn faults(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let (requester, tokens) = requester(net)?;
    let early: Vec<Pubkey> =
        (0..2).map(|i| unbid_intent(net, &requester, tokens, 200 + i, 2)).collect::<Result<_, _>>()?;
    let reveal_end = intent_state(&rpc, &early[1])?.reveal_end_slot;
    agx_tests::cluster::wait_for_confirmed_slot(&rpc, reveal_end + 5)?;

    let ws_proxy = Proxy::start(net, socket_of(&net.validator.ws_url)?)?;
    let rpc_proxy = Proxy::start(net, socket_of(&net.validator.rpc_url)?)?;
    let urls = vec![format!("http://{}", rpc_proxy.addr), net.validator.rpc_url.clone()];
    let keeper = start_keeper(net, Some(urls), Some(vec![format!("ws://{}", ws_proxy.addr)]))?;
    wait_closed(&rpc, &early, "intents past their deadlines at start are cranked")?;

    ws_proxy.cut();
    rpc_proxy.shut();
    let late: Vec<Pubkey> =
        (0..2).map(|i| unbid_intent(net, &requester, tokens, 210 + i, 3)).collect::<Result<_, _>>()?;
    wait_closed(&rpc, &late, "intents created while the websocket was cut are cranked")?;
    let metrics = Arc::clone(&keeper.metrics);
    let summary = keeper.finish(net)?;
    check(summary.landed == 8 && summary.failed == 0, format!("four settles and four closes: {summary}"))?;
    check(metrics.reconnects.get() >= 1, "the websocket reconnected")?;
    check(metrics.resyncs.get() >= 2, "a resync after the reconnect")?;
    check(metrics.rpc_failovers.get() >= 1, "the second RPC endpoint took over")?;
    let status = rpc.get_slot_with_commitment(CommitmentConfig::confirmed())?;
    check(status > reveal_end, "the cluster kept going")?;
    Ok(())
}

/// A websocket that accepts the connection and never answers (issue 21: it hung the keeper, and
/// with slot notifications its only clock, no crank went out). Over RPC the keeper still sees the
/// slot and the intents: both are cranked and closed, and `/healthz` says the keeper is fine.
fn mute_websocket(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let (requester, tokens) = requester(net)?;
    let listener = net.runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let mute = listener.local_addr()?;
    let holder = net.runtime.spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let keeper = start_keeper(net, None, Some(vec![format!("ws://{mute}")]))?;
    let intents: Vec<Pubkey> =
        (0..2).map(|i| unbid_intent(net, &requester, tokens, 500 + i, 3)).collect::<Result<_, _>>()?;
    wait_closed(&rpc, &intents, "intents cranked while the websocket never answers")?;
    let addr = keeper.metrics_addr.ok_or("metrics endpoint")?;
    let (status, health) = get(addr, "/healthz", net)?;
    check(status == 200 && health.starts_with("ok"), format!("/healthz: {status} {health}"))?;
    let metrics = Arc::clone(&keeper.metrics);
    let summary = keeper.finish(net)?;
    holder.abort();
    check(summary.landed == 4 && summary.failed == 0, format!("two settles and two closes: {summary}"))?;
    check(metrics.reconnects.get() >= 1, "the mute websocket was given up on after the connect timeout")?;
    check(metrics.rpc_slot.load(std::sync::atomic::Ordering::Relaxed) > 0, "the slot came over RPC")?;
    Ok(())
}

/// A dead first `--url` (issue 21: its websocket was the only one, so the keeper got no slot
/// notification at all). Each URL now brings its own websocket and the watcher moves to the next
/// when one fails: slots arrive over the second URL's websocket and intents are cranked.
fn dead_first_url(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let (requester, tokens) = requester(net)?;
    // A port nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let urls = vec![format!("http://{dead}"), net.validator.rpc_url.clone()];
    let ws_urls: Vec<String> = urls
        .iter()
        .map(|u| agx_keeper::config::websocket_url_for(u).ok_or("a websocket URL"))
        .collect::<Result<_, _>>()?;
    check(ws_urls[1] == net.validator.ws_url, format!("the validator's websocket is derived: {ws_urls:?}"))?;
    let keeper = start_keeper(net, Some(urls), Some(ws_urls))?;
    let intents: Vec<Pubkey> =
        (0..2).map(|i| unbid_intent(net, &requester, tokens, 600 + i, 3)).collect::<Result<_, _>>()?;
    wait_closed(&rpc, &intents, "intents cranked with a dead first URL")?;
    let metrics = Arc::clone(&keeper.metrics);
    let ws_heard = metrics.ws_slot_at_ms.load(std::sync::atomic::Ordering::Relaxed);
    let summary = keeper.finish(net)?;
    check(summary.landed == 4 && summary.failed == 0, format!("two settles and two closes: {summary}"))?;
    check(ws_heard > 0, "slot notifications came over the second URL's websocket")?;
    check(metrics.reconnects.get() >= 1, "the first websocket failed and the watcher moved on")?;
    Ok(())
}

/// Issue 21, defect 5: a settle that drops a head bidder whose agent no longer qualifies pays no
/// tip, but the keeper booked one. The only bidder deactivates before settlement: the keeper's
/// first settle drops it (no tip), the second expires the intent (a tip), then close-bids (none)
/// and close (a tip). Two tips booked, and exactly what the keeper's balance moved.
fn books_match_the_chain(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let stake = net.market.stake;
    let (requester, requester_tokens) = requester(net)?;
    let (agent, agent_key, _) = staked_agent(&rpc, &net.authority, stake)?;
    let args = IntentCreateArgs { max_failovers: 1, tip_per_crank: TIP, ..vickrey_intent(700, 6) };
    send(&rpc, xix::intent_create(requester.pubkey(), stake, requester_tokens, args), &requester)?;
    let intent = pda::intent(&requester.pubkey(), 700).0;
    let opening =
        BidOpening { price: 300_000, quality_bps: 9_000, latency: 10, plan_hash: [5; 32], salt: [7; 32] };
    send(
        &rpc,
        xix::bid_commit(agent_key.pubkey(), intent, agent, 0, xix::commitment(&intent, &agent, &opening)),
        &agent_key,
    )?;
    agx_tests::cluster::wait_for_slot(&rpc, intent_state(&rpc, &intent)?.commit_end_slot)?;
    send(&rpc, xix::bid_reveal(agent_key.pubkey(), intent, agent, 0, opening), &agent_key)?;
    send(&rpc, agx_sdk::ix::registry::agent_deactivate(agent_key.pubkey()), &agent_key)?;

    let keeper = start_keeper(net, None, None)?;
    let before = rpc.get_balance(&keeper.key)?;
    wait_closed(
        &rpc,
        &[intent, pda::bid(&agent_key.pubkey(), &intent, &agent, 0)],
        "the intent and its bid closed",
    )?;
    wait_until(PATIENCE, "four cranks booked", || {
        (keeper.metrics.cranks_total(CrankOutcome::Landed) >= 4).then_some(())
    })?;
    let key = keeper.key;
    let summary = keeper.finish(net)?;
    let earned = i128::from(rpc.get_balance(&key)?) - i128::from(before);
    check(summary.landed == 4 && summary.failed == 0, format!("drop, expire, close-bids, close: {summary}"))?;
    check(summary.tips_lamports == 2 * TIP, format!("two tips booked (the drop paid none): {summary}"))?;
    check(earned == i128::from(2 * TIP) - 4 * 5_000, format!("the balance moved by {earned}"))?;
    Ok(())
}

/// The `agx-keeper` binary next to this test's executable (`cargo test --workspace` builds it
/// for the keeper's own tests), built if it is missing.
fn keeper_binary() -> Result<std::path::PathBuf, Failed> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).ok_or("test executable path")?;
    let binary = profile_dir.join("agx-keeper");
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "agx-keeper", "--bin", "agx-keeper"])
            .status()?;
        check(status.success() && binary.exists(), format!("build {}", binary.display()))?;
    }
    Ok(binary)
}

/// The binary a keeper operator runs, with flags and a keypair file: it settles and closes an
/// intent, and on SIGTERM drains, prints its summary and exits 0.
fn binary_on_sigterm(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let keypair = Keypair::new();
    airdrop(&rpc, &keypair.pubkey())?;
    let home = std::env::temp_dir().join(format!("agx-keeper-bin-{}", std::process::id()));
    std::fs::create_dir_all(&home)?;
    let keypair_path = home.join("keeper.json");
    // The Solana CLI's keypair file: the 64 bytes as a JSON array.
    std::fs::write(&keypair_path, format!("{:?}", keypair.to_bytes().to_vec()))?;
    let keypair_arg = keypair_path.to_str().ok_or("temp path")?;
    let child = std::process::Command::new(keeper_binary()?)
        .args(["--url", &net.validator.rpc_url, "--ws-url", &net.validator.ws_url])
        .args(["--keypair", keypair_arg, "--metrics-addr", "127.0.0.1:0"])
        // No Solana CLI config or AGX_* settings of the caller's.
        .env("HOME", &home)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let (requester, tokens) = requester(net)?;
    let intent = unbid_intent(net, &requester, tokens, 400, 3)?;
    let closed =
        wait_closed(&rpc, &[intent, pda::escrow(&intent).0], "the binary settles and closes the intent");
    let term = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    let output = child.wait_with_output()?;
    let _ = std::fs::remove_dir_all(&home);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    closed.map_err(|e| format!("{e:?}; keeper stderr:\n{stderr}"))?;
    check(term.success(), "SIGTERM delivered")?;
    check(
        output.status.code() == Some(0),
        format!("exit code 0 after SIGTERM, got {:?}: {stderr}", output.status),
    )?;
    check(stderr.contains("signal received"), format!("the signal was handled: {stderr}"))?;
    // Written to a pipe, not a terminal: plain text, no colour codes (issue 20).
    check(!stderr.contains('\u{1b}'), format!("no ANSI escape codes in logs off a terminal: {stderr:?}"))?;
    check(stdout.contains("2 landed, 0 lost races, 0 failed"), format!("the summary: {stdout}"))?;
    // At start the keeper opened its own stake-mint account (failover rewards); the two tips paid
    // for that rent's share of what it spent, its fees and nothing else.
    let stake = net.market.stake;
    let own_account = token::associated_address(&keypair.pubkey(), &stake.mint, &stake.program);
    let rent = rpc.get_account(&own_account)?.lamports;
    let spent = agx_tests::cluster::AIRDROP + 2 * TIP - rpc.get_balance(&keypair.pubkey())? - rent;
    check(spent > 0 && spent < 2 * TIP / 10, format!("two tips earned, fees of {spent} lamports paid"))?;
    Ok(())
}

/// The validator is restarted on the same ledger while an intent's windows run: the keeper
/// reconnects, resyncs, and settles and closes it.
fn validator_restart(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let keeper = start_keeper(net, None, None)?;
    let (requester, tokens) = requester(net)?;
    let intent = unbid_intent(net, &requester, tokens, 300, 80)?;
    let state = intent_state(&rpc, &intent)?;
    // A restarted test validator resumes from its last snapshot (every 100 slots), not from the
    // tip: restart once a snapshot holds the intent.
    wait_until(Duration::from_secs(120), "a snapshot after the intent's creation", || {
        let snapshot = rpc.get_highest_snapshot_slot().ok()?;
        (snapshot.incremental.unwrap_or(snapshot.full) > state.created_slot).then_some(())
    })?;
    net.validator.restart()?;
    // A new client: the old one's pooled connections died with the old process.
    let rpc = net.validator.rpc();
    let slot = rpc.get_slot_with_commitment(CommitmentConfig::processed())?;
    eprintln!(
        "validator restarted at slot {slot}; the intent's reveal window ends at {}",
        state.reveal_end_slot
    );
    check(
        slot < state.reveal_end_slot && exists(&rpc, &intent)?,
        "the intent is still open after the restart",
    )?;
    wait_closed(
        &rpc,
        &[intent, pda::escrow(&intent).0],
        "the intent is settled and closed after the restart",
    )?;
    let metrics = Arc::clone(&keeper.metrics);
    let summary = keeper.finish(net)?;
    check(summary.landed == 2, format!("settle and close: {summary}"))?;
    check(metrics.reconnects.get() >= 1 && metrics.resyncs.get() >= 2, "reconnected and resynced")?;
    Ok(())
}
