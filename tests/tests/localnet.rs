//! Scenario tests on a real `solana-test-validator` with both SBF programs loaded at genesis.
//!
//! One validator serves the whole binary (start-up costs seconds and ~1 core); it is started
//! from `main`, so it outlives every test and is stopped by its destructor when they end, pass
//! or fail (and by PR_SET_PDEATHSIG if this process is killed). The harness is libtest-mimic,
//! so the output and flags are cargo test's.
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use agx_sdk::accounts::{decode, decode_zero_copy, Agent, ExchangeConfig, Intent, RegistryConfig};
use agx_sdk::agent_registry::state::ConfigSettings;
use agx_sdk::exchange::{BidOpening, IntentCreateArgs};
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::localnet::LocalValidator;
use agx_sdk::token;
use agx_sdk::{events, ix, pda, Pubkey};
use agx_tests::cluster::{
    airdrop, check, check_code, funded_token_account, send, send_all, staked_agent, vickrey_intent,
    wait_for_confirmed_slot, wait_for_slot,
};
use libtest_mimic::{Arguments, Failed, Trial};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_pubsub_client::pubsub_client::PubsubClient;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcTransactionLogsConfig, RpcTransactionLogsFilter};
use solana_signer::Signer;

/// The registry's heartbeat timeout on this cluster: 30 slots, about 12 s.
const HEARTBEAT_TIMEOUT: u64 = 30;

struct Net {
    validator: LocalValidator,
    /// Upgrade authority of both programs.
    authority: Keypair,
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let (validator, authority) = agx_tests::cluster::start_validator();
    let net = Arc::new(Net { validator, authority });

    let trial = |name: &str, f: fn(&Net) -> Result<(), Failed>| {
        let net = Arc::clone(&net);
        Trial::test(name, move || f(&net))
    };
    let trials = vec![
        trial("programs_are_deployed_upgradeable_by_the_authority", programs_deployed),
        trial(
            "config_init_then_an_agent_stakes_and_wins_an_auction",
            config_init_then_an_agent_stakes_and_wins,
        ),
        trial("keeper_watcher_follows_slots_over_websocket", keeper_follows_slots),
        trial(
            "a_silent_winner_is_failed_over_by_a_crank_and_the_runner_up_delivers",
            silent_winner_failed_over,
        ),
        trial("a_second_validator_starts_beside_this_one", second_validator),
    ];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(net); // stops the validator before the exit code is returned
    conclusion.exit_code()
}

/// Issue 20: with gossip on its default port, a second validator on the machine (a user's `agx
/// localnet` beside the tests) failed with "gossip_addr bind_to port 8000: Address already in
/// use". Every port is picked free now: two run at once.
fn second_validator(net: &Net) -> Result<(), Failed> {
    let config = agx_sdk::localnet::LocalnetConfig::new(Keypair::new().pubkey())?;
    let second = agx_sdk::localnet::LocalValidator::start(&config)?;
    check(second.rpc_url != net.validator.rpc_url, "its own ports")?;
    let (a, b) = (net.validator.rpc().get_slot()?, second.rpc().get_slot()?);
    check(a > 0 && b > 0, format!("both answer (slots {a} and {b})"))?;
    // Its programs are deployed but not initialised: a keeper pointed at it says which config of
    // which program it looked for, and where (issue 21: "configs not found" read like a bug).
    let config = agx_keeper::config::Config {
        urls: vec![second.rpc_url.clone()],
        ws_urls: vec![second.ws_url.clone()],
        keypair: Keypair::new(),
        keypair_path: "in-memory".into(),
        metrics_addr: None,
        max_priority_fee: 0,
        concurrency: 1,
        crank_unprofitable: false,
        stake_reward_price: None,
        stall_heartbeats: agx_keeper::stalls::DEFAULT_STALL_HEARTBEATS,
        log_json: false,
        connect_timeout: Duration::from_secs(5),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let refused = runtime.block_on(agx_keeper::service::Keeper::start(config)).err();
    let message = refused.ok_or("a keeper started on a cluster without configs")?.to_string();
    for part in [
        format!("the registry config {} (program {})", pda::registry_config().0, agent_registry::ID),
        format!("the exchange config {} (program {})", pda::exchange_config().0, exchange::ID),
        format!("not found on {}", second.rpc_url),
    ] {
        check(message.contains(&part), format!("{part:?} in {message:?}"))?;
    }
    Ok(())
}

fn programs_deployed(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    for (name, id) in agx_sdk::PROGRAMS {
        let program = rpc.get_account(&id).map_err(|e| format!("{name}: {e}"))?;
        check(program.executable, format!("{name} is executable"))?;
        check(
            program.owner == anchor_lang::solana_program::bpf_loader_upgradeable::ID,
            format!("{name} is owned by the upgradeable loader, not {}", program.owner),
        )?;
        let data = rpc.get_account_data(&pda::program_data(&id))?;
        // ProgramData header: tag u32, slot u64, Option<Pubkey> (tag byte + key).
        check(data[12] == 1, format!("{name} has an upgrade authority"))?;
        check(
            data[13..45] == net.authority.pubkey().to_bytes(),
            format!("{name}'s upgrade authority is the test key"),
        )?;
    }
    Ok(())
}

/// An intruder cannot initialise; the upgrade authority can, and the config reads back and the
/// event arrives over the websocket; a second init fails with the specific error. Then an agent
/// registers, stakes real SPL tokens, and wins a sealed Vickrey auction whose settlement locks
/// its stake through the exchange -> registry CPI.
fn config_init_then_an_agent_stakes_and_wins(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let authority = &net.authority;
    airdrop(&rpc, &authority.pubkey())?;
    let intruder = Keypair::new();
    airdrop(&rpc, &intruder.pubkey())?;

    // Subscribe before sending, so the notifications cannot be missed.
    let (_registry_sub, registry_logs) = subscribe_logs(&net.validator.ws_url, &agent_registry::ID)?;
    let (_exchange_sub, exchange_logs) = subscribe_logs(&net.validator.ws_url, &exchange::ID)?;

    let stake = StakeToken {
        mint: agx_sdk::cluster::create_mint(&rpc, authority, token::TOKEN, 6)?,
        program: token::TOKEN,
    };
    let settings = |admin| ConfigSettings {
        admin,
        operator: pda::exchange_authority().0,
        unstake_cooldown_slots: 10,
        heartbeat_timeout_slots: HEARTBEAT_TIMEOUT,
        stake_mint_freeze_allowed: false,
    };
    let err = send(
        &rpc,
        ix::registry_config_init(intruder.pubkey(), settings(intruder.pubkey()), stake),
        &intruder,
    )
    .expect_err("intruder init must fail");
    check_code(err, agent_registry::error::RegistryError::ConfigInitNotUpgradeAuthority.into())?;

    let admin_key = Keypair::new();
    let admin = admin_key.pubkey();
    send(&rpc, ix::registry_config_init(authority.pubkey(), settings(admin), stake), authority)?;
    send(&rpc, ix::exchange_config_init(authority.pubkey(), ix::default_config_args(admin)), authority)?;

    let registry: RegistryConfig = decode(&rpc.get_account_data(&pda::registry_config().0)?)?;
    check(registry.admin == admin && registry.version == RegistryConfig::VERSION, "registry config")?;
    check(registry.bump == pda::registry_config().1, "registry config bump")?;
    let exchange_config: ExchangeConfig = decode(&rpc.get_account_data(&pda::exchange_config().0)?)?;
    check(
        exchange_config.admin == admin && exchange_config.version == ExchangeConfig::VERSION,
        "exchange config",
    )?;

    let event = wait_event::<events::registry::RegistryConfigInitialized>(&registry_logs, |_| true)?;
    check(event.config == pda::registry_config().0 && event.admin == admin, "registry event fields")?;
    let event = wait_event::<events::exchange::ExchangeConfigInitialized>(&exchange_logs, |_| true)?;
    check(event.config == pda::exchange_config().0 && event.admin == admin, "exchange event fields")?;

    let err = send(
        &rpc,
        ix::registry_config_init(authority.pubkey(), settings(Pubkey::new_unique()), stake),
        authority,
    )
    .expect_err("second init must fail");
    check_code(err, agent_registry::error::RegistryError::ConfigAlreadyInitialized.into())?;
    let again: RegistryConfig = decode(&rpc.get_account_data(&pda::registry_config().0)?)?;
    check(again.admin == admin, "a failed re-init leaves the config unchanged")?;

    // An agent registers and stakes through the real token program.
    let (agent_address, agent_key, tokens) = staked_agent(&rpc, authority, stake)?;

    // A sealed Vickrey auction on the real clock: commit, reveal, settle. Settlement locks the
    // winner's stake in the registry by CPI signed by the exchange's authority PDA.
    let requester_tokens = funded_token_account(&rpc, authority, stake.mint, authority.pubkey(), 2_000_000)?;
    let args = IntentCreateArgs { max_failovers: 1, tip_per_crank: 2_000_000, ..vickrey_intent(7, 20) };
    let intent = pda::intent(&authority.pubkey(), 7).0;
    send(&rpc, xix::intent_create(authority.pubkey(), stake, requester_tokens, args), authority)?;
    let opening =
        BidOpening { price: 400_000, quality_bps: 9_000, latency: 12, plan_hash: [5; 32], salt: [6; 32] };
    let commitment = xix::commitment(&intent, &agent_address, &opening);
    send(&rpc, xix::bid_commit(agent_key.pubkey(), intent, agent_address, 0, commitment), &agent_key)?;
    let state = |rpc: &RpcClient| -> Result<Intent, Failed> {
        Ok(decode_zero_copy(&rpc.get_account_data(&intent)?)?)
    };
    wait_for_slot(&rpc, state(&rpc)?.commit_end_slot)?;
    send(&rpc, xix::bid_reveal(agent_key.pubkey(), intent, agent_address, 0, opening), &agent_key)?;
    wait_for_slot(&rpc, state(&rpc)?.reveal_end_slot)?;
    send(&rpc, xix::auction_settle_for(authority.pubkey(), intent, &state(&rpc)?), authority)?;
    let awarded = state(&rpc)?;
    check(
        awarded.winner_agent == agent_address && awarded.payment == 400_000,
        "awarded at the ask (single bid)",
    )?;
    let event = wait_event::<events::exchange::AuctionAwarded>(&exchange_logs, |e| e.intent == intent)?;
    check(event.agent == agent_address && event.stake_locked == 1_000, "AuctionAwarded over the websocket")?;
    check(
        token::account_amount(&rpc.get_account_data(&pda::escrow(&intent).0)?) == Some(1_000_000),
        "the escrow still holds the max price",
    )?;

    let agent: Agent = decode(&rpc.get_account_data(&agent_address)?)?;
    check(
        agent.staked == 1_200 && agent.locked == 1_000 && agent.free_stake() == 200,
        "stake locked by the CPI",
    )?;
    let vault = rpc.get_account_data(&pda::stake_vault(&agent_address).0)?;
    check(token::account_amount(&vault) == Some(1_200), "vault holds the stake")?;
    check(token::account_amount(&rpc.get_account_data(&tokens)?) == Some(3_800), "agent keeps the rest")?;
    let event =
        wait_event::<events::registry::AgentRegistered>(&registry_logs, |e| e.agent == agent_address)?;
    check(event.agent == agent_address, "AgentRegistered over the websocket")?;

    // The admin names the payment mint as reputation-bearing, the winner delivers and the
    // requester accepts: paid, refunded, stake released, reputation earned, and every account of
    // the intent closed afterwards.
    let mut settings = xix::default_settings();
    settings.reputation_mints =
        vec![agx_sdk::exchange::ReputationMint { mint: stake.mint, weight_bps: 10_000 }];
    // Its payouts pay the reputation fee into the exchange's fee vault, created with it.
    let fee_vault = xix::fee_vault_create(authority.pubkey(), stake);
    send_all(&rpc, &[fee_vault, xix::config_update(admin, settings)], authority, &[&admin_key])?;
    let ix =
        xix::result_submit(agent_key.pubkey(), intent, tokens, [8; 32], "https://r.example".into(), 10_000);
    send(&rpc, ix, &agent_key)?;
    let submitted = state(&rpc)?;
    send(&rpc, xix::result_accept(intent, &submitted, stake, tokens, requester_tokens, 9_000), authority)?;
    let event = wait_event::<events::exchange::JobCompleted>(&exchange_logs, |e| e.intent == intent)?;
    check(event.paid == 400_000 && event.refunded == 600_000, "JobCompleted over the websocket")?;
    // 400,000 less the default 2% fee.
    check(token::account_amount(&rpc.get_account_data(&tokens)?) == Some(395_800), "the winner is paid")?;
    let fees = rpc.get_account_data(&pda::fee_vault(&stake.mint, &stake.program))?;
    check(token::account_amount(&fees) == Some(8_000), "the reputation fee is in the fee vault")?;
    check(
        token::account_amount(&rpc.get_account_data(&requester_tokens)?) == Some(1_600_000),
        "the requester gets the rest back",
    )?;
    let agent: Agent = decode(&rpc.get_account_data(&agent_address)?)?;
    check(
        agent.locked == 0 && agent.completed == 1 && agent.reputation > 0,
        "stake released, reputation earned",
    )?;
    let ix =
        xix::bid_close(authority.pubkey(), intent, agent_address, 0, agent_key.pubkey(), authority.pubkey());
    send(&rpc, ix, authority)?;
    send(&rpc, xix::intent_close(authority.pubkey(), intent, authority.pubkey()), authority)?;
    for (what, address) in [
        ("escrow", pda::escrow(&intent).0),
        ("bid", pda::bid(&agent_key.pubkey(), &intent, &agent_address, 0)),
        ("intent", intent),
    ] {
        let gone = rpc.get_account_with_commitment(&address, rpc.commitment())?.value.is_none();
        check(gone, format!("the {what} account is closed"))?;
    }
    Ok(())
}

/// On the real clock: the Vickrey winner never heartbeats; once the registry's heartbeat timeout
/// has passed since the award, a keeper's `failover_trigger` slashes it (compensation to the
/// requester, a reward to the keeper), cuts it off and hands the job to the runner-up, which
/// delivers and is paid. Balances are read back from the chain.
fn silent_winner_failed_over(net: &Net) -> Result<(), Failed> {
    let rpc = net.validator.rpc();
    let authority = &net.authority;
    // The configs are created by the first scenario; wait for them.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let exchange_config = loop {
        if let Ok(data) = rpc.get_account_data(&pda::exchange_config().0) {
            break decode::<ExchangeConfig>(&data)?;
        }
        check(std::time::Instant::now() < deadline, "the configs exist within 120 s")?;
        std::thread::sleep(Duration::from_millis(500));
    };
    let registry: RegistryConfig = decode(&rpc.get_account_data(&pda::registry_config().0)?)?;
    let stake = StakeToken { mint: registry.stake_mint, program: token::TOKEN };
    let (requester, keeper) = (Keypair::new(), Keypair::new());
    for key in [&requester, &keeper] {
        airdrop(&rpc, &key.pubkey())?;
    }
    // Intents are paid in the stake mint here: the requester's one account takes the refund and
    // the slash compensation.
    let requester_tokens = funded_token_account(&rpc, authority, stake.mint, requester.pubkey(), 2_000_000)?;
    let keeper_tokens = funded_token_account(&rpc, authority, stake.mint, keeper.pubkey(), 0)?;
    let agents = [staked_agent(&rpc, authority, stake)?, staked_agent(&rpc, authority, stake)?];
    let args = IntentCreateArgs {
        bid_bond: exchange_config.min_bid_bond,
        max_failovers: 2,
        tip_per_crank: 1_000_000,
        ..vickrey_intent(8, 10)
    };
    let intent = pda::intent(&requester.pubkey(), 8).0;
    send(&rpc, xix::intent_create(requester.pubkey(), stake, requester_tokens, args), &requester)?;
    let openings = [(300_000, 9_000, 10), (500_000, 8_000, 20)].map(|(price, quality_bps, latency)| {
        BidOpening { price, quality_bps, latency, plan_hash: [5; 32], salt: [price as u8; 32] }
    });
    for ((agent, key, _), opening) in agents.iter().zip(&openings) {
        let commitment = xix::commitment(&intent, agent, opening);
        send(&rpc, xix::bid_commit(key.pubkey(), intent, *agent, 0, commitment), key)?;
    }
    let state = |rpc: &RpcClient| -> Result<Intent, Failed> {
        Ok(decode_zero_copy(&rpc.get_account_data(&intent)?)?)
    };
    wait_for_slot(&rpc, state(&rpc)?.commit_end_slot)?;
    for ((agent, key, _), opening) in agents.iter().zip(&openings) {
        send(&rpc, xix::bid_reveal(key.pubkey(), intent, *agent, 0, *opening), key)?;
    }
    wait_for_slot(&rpc, state(&rpc)?.reveal_end_slot)?;
    send(&rpc, xix::auction_settle_for(keeper.pubkey(), intent, &state(&rpc)?), &keeper)?;
    let awarded = state(&rpc)?;
    let ((winner, _, _), (runner_up, runner_up_key, runner_up_tokens)) = (&agents[0], &agents[1]);
    check(
        awarded.winner_agent == *winner && awarded.standby_agent == *runner_up,
        "awarded, runner-up on standby",
    )?;

    // The winner stays silent; the crank is refused until the timeout has passed, then lands.
    let accounts = xix::FailoverAccounts {
        stake,
        requester_stake_tokens: requester_tokens,
        pay: stake,
        requester_tokens,
    };
    let crank = |state: &Intent| {
        xix::failover_trigger(keeper.pubkey(), Some(keeper_tokens), intent, state, &accounts)
    };
    let early = send(&rpc, crank(&awarded), &keeper).expect_err("a fresh award is not failed over");
    check_code(early, exchange::error::ExchangeError::FailoverNotDue.into())?;
    // Transactions are simulated at confirmed commitment: wait until that bank is past the
    // timeout too, not only the processed tip.
    wait_for_confirmed_slot(&rpc, awarded.award_slot + HEARTBEAT_TIMEOUT)?;
    send(&rpc, crank(&awarded), &keeper)?;
    let promoted = state(&rpc)?;
    check(
        promoted.winner_agent == *runner_up && promoted.excluded[0] == *winner,
        "the runner-up holds the job",
    )?;
    // Half of the 1,000-atom hold slashed: 450 to the requester, 50 to the keeper.
    let failed: Agent = decode(&rpc.get_account_data(winner)?)?;
    check(failed.staked == 700 && failed.locked == 0 && failed.failed == 1, "the silent winner is slashed")?;
    check(token::account_amount(&rpc.get_account_data(&keeper_tokens)?) == Some(50), "the keeper's reward")?;
    check(
        token::account_amount(&rpc.get_account_data(&requester_tokens)?) == Some(2_000_000 - 1_000_000 + 450),
        "the requester's compensation",
    )?;
    let stale = send(&rpc, crank(&awarded), &keeper).expect_err("the same failure cannot be cranked twice");
    check_code(stale, exchange::error::ExchangeError::FailoverStale.into())?;

    // The runner-up delivers and the requester accepts: paid its ask, the rest refunded.
    let ix = xix::result_submit(
        runner_up_key.pubkey(),
        intent,
        *runner_up_tokens,
        [8; 32],
        "https://r.example".into(),
        10_000,
    );
    send(&rpc, ix, runner_up_key)?;
    let submitted = state(&rpc)?;
    send(
        &rpc,
        xix::result_accept(intent, &submitted, stake, *runner_up_tokens, requester_tokens, 9_000),
        &requester,
    )?;
    // The first scenario named this mint reputation-bearing: the default 2% fee is taken.
    check(
        token::account_amount(&rpc.get_account_data(runner_up_tokens)?) == Some(5_000 - 1_200 + 490_000),
        "the runner-up is paid its ask, less the reputation fee",
    )?;
    check(
        token::account_amount(&rpc.get_account_data(&requester_tokens)?) == Some(2_000_000 - 500_000 + 450),
        "the requester paid only the runner-up and kept the compensation",
    )?;
    let done: Agent = decode(&rpc.get_account_data(runner_up)?)?;
    check(done.locked == 0 && done.completed == 1, "the runner-up's stake released")?;
    Ok(())
}

/// The keeper's slot watcher sees the tip advance on a live validator.
fn keeper_follows_slots(net: &Net) -> Result<(), Failed> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (tip_tx, tip_rx) = tokio::sync::watch::channel(0u64);
    let before = net.validator.rpc().get_slot_with_commitment(CommitmentConfig::processed())?;
    let seen = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(60),
            agx_keeper::watcher::follow_slots(&net.validator.ws_url, tip_tx, Some(3)),
        )
        .await
    })??;
    check(seen == 3, format!("three slot notifications, got {seen}"))?;
    let tip = *tip_rx.borrow();
    check(tip >= before, format!("tip {tip} is at or past the slot {before} read before subscribing"))?;
    Ok(())
}

type LogsReceiver = std::sync::mpsc::Receiver<Vec<String>>;

/// Subscribes to the logs of transactions that mention `program` (confirmed commitment).
fn subscribe_logs(
    ws_url: &str,
    program: &Pubkey,
) -> Result<(std::thread::JoinHandle<()>, LogsReceiver), Failed> {
    let (subscription, receiver) = PubsubClient::logs_subscribe(
        ws_url,
        RpcTransactionLogsFilter::Mentions(vec![program.to_string()]),
        RpcTransactionLogsConfig { commitment: Some(CommitmentConfig::confirmed()) },
    )?;
    let (tx, rx) = std::sync::mpsc::channel();
    let forward = std::thread::spawn(move || {
        let _keep = subscription;
        while let Ok(response) = receiver.recv() {
            if response.value.err.is_none() && tx.send(response.value.logs).is_err() {
                break;
            }
        }
    });
    Ok((forward, rx))
}

/// The first event `E` that `wanted` accepts (scenarios run at once on one validator, so the
/// stream carries other tests' events too).
fn wait_event<E: events::ProgramEvent>(
    logs: &LogsReceiver,
    wanted: impl Fn(&E) -> bool,
) -> Result<E, Failed> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let lines = logs.recv_timeout(left).map_err(|e| format!("no event over websocket: {e}"))?;
        if let Some(event) = events::find::<E>(&lines).into_iter().find(|e| wanted(e)) {
            return Ok(event);
        }
    }
    Err("no event over websocket within 60 s".into())
}
