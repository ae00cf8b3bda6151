//! The SDK's behaviour on a chain, run unchanged on both implementations (`tests/sdk_embedded.rs`
//! on LiteSVM, `tests/sdk_localnet.rs` on a validator): slots, accounts, named program errors,
//! discovery, and an agent runner that is killed between its commit and its reveal, comes back
//! from its salt store, reveals, wins, delivers and is paid; then a coalition of two
//! specialists wins a job neither could bid on alone and is paid by shares.
use std::path::Path;

use agx_keeper::poll::PollingKeeper;
use agx_sdk::accounts::Intent;
use agx_sdk::agent::{
    Activity, AgentRunner, Delivery, Job, Quote, Registration, SaltStore, Strategy, Work, Worker,
};
use agx_sdk::chain::{token_balance, Chain};
use agx_sdk::exchange::state::{AuctionKind, BidStatus, IntentStatus, ReplyState};
use agx_sdk::requester::{Requester, Want};
use agx_sdk::sandbox::{self, Keys};
use agx_sdk::{discover, pda, token, Pubkey};
use anyhow::{bail, ensure, Context, Result};
use solana_keypair::Keypair;
use solana_signer::Signer;

const PRICE: u64 = 400_000;
const CAPABILITY: u64 = 0b10;

struct FixedQuote;

impl Strategy for FixedQuote {
    fn quote(&mut self, _: &Pubkey, _: &Intent) -> Option<Quote> {
        Some(Quote { price: PRICE, quality_bps: 9_000, latency: 10, plan_hash: [3; 32] })
    }
}

/// Delivers in full on the first step with the job.
struct Prompt;

impl Worker for Prompt {
    fn work(&mut self, job: &Job, _: u64) -> Work {
        Work::Done(Delivery {
            result_hash: job.intent.to_bytes(),
            result_uri: "https://r.example".into(),
            fulfilled_bps: 10_000,
        })
    }
}

/// Steps `runner` (and `keeper`) once per slot until `done` holds, for at most `slots` slots.
fn step_until(
    chain: &dyn Chain,
    runner: &mut AgentRunner<FixedQuote, Prompt>,
    mut keeper: Option<&mut PollingKeeper>,
    slots: u64,
    mut done: impl FnMut(&[Activity]) -> Result<bool>,
) -> Result<()> {
    let start = chain.slot()?;
    loop {
        let activities = runner.step(chain)?;
        if let Some(Activity::Failed { what, error, .. }) =
            activities.iter().find(|a| matches!(a, Activity::Failed { .. }))
        {
            bail!("{what} failed: {error}");
        }
        if let Some(k) = keeper.as_deref_mut() {
            for crank in k.tick(chain)? {
                ensure!(crank.error.is_none(), "keeper {:?} failed: {:?}", crank.crank, crank.error);
            }
        }
        if done(&activities)? {
            return Ok(());
        }
        let slot = chain.slot()?;
        ensure!(slot < start + slots, "not done within {slots} slots");
        chain.wait_for_slot(slot + 1)?;
    }
}

pub fn run(chain: &dyn Chain, authority: &Keypair, dir: &Path) -> Result<()> {
    let keys = Keys::new(0x5dc);
    let market = sandbox::open(chain, &keys, authority).context("sandbox")?;

    // Slots move forward, and a wait returns at or after the slot asked for.
    let now = chain.slot()?;
    let reached = chain.wait_for_slot(now + 2)?;
    ensure!(reached >= now + 2 && chain.slot()? >= reached, "waited for {} and got {reached}", now + 2);

    // Accounts: none where nothing was made; lamports land to the lamport.
    let nobody = keys.get("nobody", 0).pubkey();
    ensure!(
        chain.account(&nobody)?.is_none() && chain.lamports(&nobody)? == 0,
        "an empty address has no account"
    );
    let (agent_key, requester_key, keeper_key) =
        (keys.get("agent", 0), keys.get("requester", 0), keys.get("keeper", 0));
    sandbox::fund(chain, authority, &[agent_key.pubkey(), requester_key.pubkey(), keeper_key.pubkey()])?;
    ensure!(chain.lamports(&agent_key.pubkey())? == 20_000_000_000, "funded exactly");

    // A program's refusal comes back by name.
    let empty = agx_sdk::agent_registry::state::AgentProfile {
        capabilities: 0,
        capability_hash: [0; 32],
        metadata_uri: String::new(),
    };
    let refused = chain
        .send(
            &[agx_sdk::ix::registry::agent_register(
                agent_key.pubkey(),
                agent_key.pubkey(),
                market.stake,
                empty,
            )],
            &agent_key,
            &[],
        )
        .err()
        .context("registering with no capability must fail")?;
    ensure!(refused.is("AgentCapabilitiesEmpty"), "named error, got {refused}");
    ensure!(refused.to_string().starts_with("agent_registry::AgentCapabilitiesEmpty"), "{refused}");

    // A requester posts a sealed intent; discovery shows it to capable agents only.
    sandbox::tokens(chain, authority, market.pay, requester_key.pubkey(), 10 * PRICE)?;
    let mut requester = Requester::new(chain, requester_key, market.pay)?;
    let want = Want {
        capabilities: CAPABILITY,
        max_price: 2 * PRICE,
        max_latency: 40,
        kind: AuctionKind::FirstPriceSealed,
        min_stake: 1_000,
        context_uri: "https://intents.example/suite.json".into(),
        context_hash: [9; 32],
    };
    let args = requester.args(chain, &want)?;
    let intent = requester.post(chain, args.clone())?;
    let again = requester.post(chain, args).err().context("the same intent id twice must fail")?;
    ensure!(again.is("IntentAlreadyExists"), "named error, got {again}");
    ensure!(
        discover::open_intents(chain, CAPABILITY | 1)?.iter().any(|(a, _)| *a == intent),
        "open to a capable agent"
    );
    ensure!(
        !discover::open_intents(chain, 1)?.iter().any(|(a, _)| *a == intent),
        "hidden from an incapable one"
    );

    // An agent registers through its runner, commits, and is killed before revealing.
    let source = sandbox::tokens(chain, authority, market.stake, agent_key.pubkey(), 5_000)?;
    let registration = Registration {
        capabilities: CAPABILITY,
        metadata_uri: "https://agents.example/suite".into(),
        stake: 5_000,
        stake_source: source,
    };
    let salts = dir.join("suite-agent.salts.json");
    let restarted_key = agent_key.insecure_clone();
    // What a process does at start: open its store, load (or register) its agent.
    let start = |key: Keypair| -> Result<AgentRunner<FixedQuote, Prompt>> {
        Ok(AgentRunner::start(
            chain,
            key,
            market.stake,
            &registration,
            FixedQuote,
            Prompt,
            SaltStore::open(&salts)?,
        )?)
    };
    let mut runner = start(agent_key)?;
    let agent = runner.agent();
    ensure!(discover::agents(chain, CAPABILITY, 0)?.iter().any(|(a, _)| *a == agent), "listed by capability");
    step_until(chain, &mut runner, None, 10, |acts| {
        Ok(acts.iter().any(|a| matches!(a, Activity::Committed { .. })))
    })?;
    ensure!(SaltStore::open(&salts)?.len() == 1, "the salt is on disk before the commit is sent");
    drop(runner);

    // It comes back from its store and reveals; the keeper settles; it delivers; it is paid.
    let mut runner = start(restarted_key)?;
    let state = discover::intent(chain, &intent)?.context("intent")?;
    chain.wait_for_slot(state.commit_end_slot)?;
    step_until(chain, &mut runner, None, 10, |acts| {
        Ok(acts.iter().any(|a| matches!(a, Activity::Revealed { .. })))
    })?;
    let bid: agx_sdk::accounts::Bid = agx_sdk::accounts::decode(
        &chain.account(&pda::bid(&runner.authority(), &intent, &agent, 0))?.context("bid")?.data,
    )?;
    ensure!(bid.is(BidStatus::Revealed) && bid.price == PRICE, "the restarted runner opened its own bid");
    ensure!(SaltStore::open(&salts)?.is_empty(), "nothing left to reveal");
    let mut keeper = PollingKeeper::start(chain, keeper_key)?;
    step_until(chain, &mut runner, Some(&mut keeper), 80, |acts| {
        Ok(acts.iter().any(|a| matches!(a, Activity::Submitted { .. })))
    })?;
    let state = discover::intent(chain, &intent)?.context("intent")?;
    ensure!(
        state.status()? == IntentStatus::Submitted && state.winner_agent == agent,
        "submitted by the winner"
    );
    // Rated 6,000 against the 9,000 it promised: the agent may reply.
    requester.accept(chain, &intent, 6_000)?;
    let paid_to = token::associated_address(&runner.authority(), &market.pay.mint, &market.pay.program);
    let fee = discover::exchange_config(chain)?.reputation_fee(&market.pay.mint, PRICE)?;
    ensure!(fee > 0, "the sandbox's payment mint bears reputation: a fee is due");
    ensure!(
        token_balance(chain, &paid_to)? == PRICE - fee,
        "paid its first-price ask, less the reputation fee"
    );
    ensure!(
        token_balance(chain, &requester.tokens())? == 10 * PRICE - PRICE,
        "the rest of the escrow came back"
    );
    let record = discover::agent(chain, &agent)?.context("agent")?;
    ensure!(
        record.completed == 1 && record.locked == 0 && record.reputation > 0,
        "completed, unlocked, reputed"
    );
    // The agent contests the rating with a bond; the arbitrator corrects it to 8,000: the bond
    // comes back to the lamport and the reputation takes the corrected rating.
    let winner = keys.get("agent", 0);
    let held = chain.lamports(&intent)?;
    let bond = agx_sdk::reply::contest(chain, &winner, &intent, 8_500)?;
    ensure!(bond > 0 && chain.lamports(&intent)? == held + bond, "the bond is held in the intent");
    let before = chain.lamports(&winner.pubkey())?;
    let contested = discover::intent(chain, &intent)?.context("intent")?;
    ensure!(agx_sdk::reply::state_of(&contested) == ReplyState::Contested, "contested");
    let config = discover::exchange_config(chain)?;
    let judge = agx_sdk::reply::judge_of(&contested, &config, agx_sdk::reply::Question::Reply, chain.slot()?);
    ensure!(judge == Some(market.arbitrator.pubkey()), "no evaluator: the arbitrator judges");
    sandbox::fund(chain, authority, &[market.arbitrator.pubkey()])?;
    agx_sdk::reply::resolve(chain, &market.arbitrator, &intent, 8_000)?;
    ensure!(chain.lamports(&winner.pubkey())? == before + bond, "the bond came back, to the lamport");
    ensure!(chain.lamports(&intent)? == held, "and left the intent");
    let corrected = discover::agent(chain, &agent)?.context("agent")?;
    ensure!(corrected.reputation > record.reputation, "the corrected rating raised the reputation");
    // The keeper closes the bid (bond and rent back to the agent) and the intent.
    step_until(chain, &mut runner, Some(&mut keeper), 40, |_| Ok(!chain.exists(&intent)?))?;
    ensure!(!chain.exists(&pda::bid(&runner.authority(), &intent, &agent, 0))?, "bid closed");
    coalition(chain, authority, &market, &keys, &mut requester, &mut keeper)
}

/// Two specialists no single agent replaces form a coalition, win a continuous intent needing
/// both, mark their parts done, and are paid by shares; then a requester hires the coalition
/// directly and pays it the same way; the keeper closes the bid and both intents.
fn coalition(
    chain: &dyn Chain,
    authority: &Keypair,
    market: &sandbox::Market,
    keys: &Keys,
    requester: &mut Requester,
    keeper: &mut PollingKeeper,
) -> Result<()> {
    use agx_sdk::exchange::CoalitionMemberArgs;
    let (lead, partner) = (keys.get("coalition", 0), keys.get("coalition", 1));
    sandbox::fund(chain, authority, &[lead.pubkey(), partner.pubkey()])?;
    let mut members = Vec::new();
    for (key, capabilities, share, contribution) in
        [(&lead, 0b0100, 6_000, 300), (&partner, 0b1000, 4_000, 200)]
    {
        let source = sandbox::tokens(chain, authority, market.stake, key.pubkey(), 1_000)?;
        let profile = agx_sdk::agent_registry::state::AgentProfile {
            capabilities,
            capability_hash: [0; 32],
            metadata_uri: "https://agents.example/specialist".into(),
        };
        let register =
            agx_sdk::ix::registry::agent_register(key.pubkey(), key.pubkey(), market.stake, profile);
        let deposit =
            agx_sdk::ix::registry::stake_deposit(key.pubkey(), key.pubkey(), source, market.stake, 1_000);
        chain.send(&[register, deposit], key, &[])?;
        members.push(CoalitionMemberArgs {
            agent: pda::agent(&key.pubkey()).0,
            share_bps: share,
            contribution,
            role_hash: [u8::try_from(members.len()).unwrap_or(0); 32],
            position: u8::try_from(members.len()).unwrap_or(0),
        });
    }
    let (lead_agent, partner_agent) = (members[0].agent, members[1].agent);
    let coalition = agx_sdk::coalition::create(chain, &lead, lead_agent, 1, members.clone())?;
    ensure!(
        agx_sdk::coalition::accept(chain, &partner, &coalition, partner_agent, Some(&members))?,
        "ready once both signed"
    );
    let want = Want {
        capabilities: 0b1100,
        max_price: PRICE,
        max_latency: 40,
        kind: AuctionKind::Continuous,
        min_stake: 500,
        context_uri: "https://intents.example/both.json".into(),
        context_hash: [4; 32],
    };
    let mut args = requester.args(chain, &want)?;
    args.score_threshold = 5_000;
    let intent = requester.post(chain, args)?;
    let opening = agx_sdk::exchange::BidOpening {
        price: PRICE / 2 + 1,
        quality_bps: 9_000,
        latency: 10,
        plan_hash: [5; 32],
        salt: [6; 32],
    };
    agx_sdk::coalition::bid_place(chain, &lead, &coalition, &intent, opening)?;
    let held = discover::intent(chain, &intent)?.context("intent")?;
    ensure!(held.winner_agent == coalition && held.coalition_members == 2, "won at the threshold");
    ensure!(
        !agx_sdk::coalition::mark_done(chain, &partner, &intent, &coalition, partner_agent)?,
        "one part left"
    );
    ensure!(agx_sdk::coalition::mark_done(chain, &lead, &intent, &coalition, lead_agent)?, "every part done");
    let lead_tokens = token::associated_address(&lead.pubkey(), &market.pay.mint, &market.pay.program);
    let partner_tokens = token::associated_address(&partner.pubkey(), &market.pay.mint, &market.pay.program);
    for (key, account) in [(&lead, lead_tokens), (&partner, partner_tokens)] {
        let create = token::create_associated_idempotent(
            key.pubkey(),
            key.pubkey(),
            market.pay.mint,
            market.pay.program,
        );
        chain.send(&[create], key, &[])?;
        ensure!(chain.exists(&account)?, "payout account");
    }
    let submit = agx_sdk::ix::exchange::result_submit(
        lead.pubkey(),
        intent,
        lead_tokens,
        [7; 32],
        "https://r.example/both".into(),
        10_000,
    );
    chain.send(&[submit], &lead, &[])?;
    requester.accept(chain, &intent, 9_000)?;
    // The sandbox's mint bears reputation: its fee comes off the coalition's share first.
    let fee = discover::exchange_config(chain)?.reputation_fee(&market.pay.mint, PRICE / 2 + 1)?;
    let net = PRICE / 2 + 1 - fee;
    let partner_share = net * 4_000 / 10_000;
    ensure!(token_balance(chain, &partner_tokens)? == partner_share, "the partner's share");
    ensure!(token_balance(chain, &lead_tokens)? == net - partner_share, "the lead's, with the dust");

    // Hired directly: the lead's authority accepts for the coalition, each contribution locked
    // at once; only the authority may (refused before sending otherwise).
    let mut offer = requester.args(chain, &Want { kind: AuctionKind::Direct, ..want.clone() })?;
    offer.hire_agent = coalition;
    let hired = requester.post(chain, offer)?;
    let terms = agx_sdk::exchange::HireTerms { price: PRICE, quality_bps: 9_000, latency: 10 };
    ensure!(
        matches!(
            agx_sdk::coalition::hire_accept(chain, &partner, &coalition, &hired, terms),
            Err(agx_sdk::Error::MissingSigner { .. })
        ),
        "a member that is not the authority cannot accept"
    );
    agx_sdk::coalition::hire_accept(chain, &lead, &coalition, &hired, terms)?;
    let held = discover::intent(chain, &hired)?.context("hired intent")?;
    ensure!(held.winner_agent == coalition && held.coalition_members == 2, "hired");
    ensure!(
        agx_sdk::coalition::read(chain, &coalition)?.is_some_and(|c| c.open_bids >= 1),
        "the hire counts"
    );
    agx_sdk::coalition::mark_done(chain, &partner, &hired, &coalition, partner_agent)?;
    agx_sdk::coalition::mark_done(chain, &lead, &hired, &coalition, lead_agent)?;
    let (lead_before, partner_before) =
        (token_balance(chain, &lead_tokens)?, token_balance(chain, &partner_tokens)?);
    let submit = agx_sdk::ix::exchange::result_submit(
        lead.pubkey(),
        hired,
        lead_tokens,
        [8; 32],
        "https://r.example/hired".into(),
        10_000,
    );
    chain.send(&[submit], &lead, &[])?;
    requester.accept(chain, &hired, 9_000)?;
    let net = PRICE - discover::exchange_config(chain)?.reputation_fee(&market.pay.mint, PRICE)?;
    let partner_share = net * 4_000 / 10_000;
    ensure!(
        token_balance(chain, &partner_tokens)? - partner_before == partner_share,
        "hired: the partner's share"
    );
    ensure!(token_balance(chain, &lead_tokens)? - lead_before == net - partner_share, "hired: the lead's");

    // Delivered in part: the requester accepts and, in the same transaction, posts the rest as a
    // new intent funded by the refund, its context bound to the first.
    let mut args = requester.args(chain, &want)?;
    args.score_threshold = 5_000;
    let partial = requester.post(chain, args)?;
    agx_sdk::coalition::bid_place(chain, &lead, &coalition, &partial, opening)?;
    agx_sdk::coalition::mark_done(chain, &partner, &partial, &coalition, partner_agent)?;
    agx_sdk::coalition::mark_done(chain, &lead, &partial, &coalition, lead_agent)?;
    let submit = agx_sdk::ix::exchange::result_submit(
        lead.pubkey(),
        partial,
        lead_tokens,
        [9; 32],
        "https://r.example/half".into(),
        5_000,
    );
    chain.send(&[submit], &lead, &[])?;
    let before = token_balance(chain, &requester.tokens())?;
    let rest = requester.accept_and_repost(chain, &partial, 9_000)?;
    let rest_state = discover::intent(chain, &rest)?.context("the rest")?;
    // The winner is paid half of its ask (5,000 bps fulfilled), rounded down; the rest comes back.
    let refund = PRICE - (PRICE / 2 + 1) * 5_000 / 10_000;
    ensure!(rest_state.max_price == refund && rest_state.escrowed == refund, "the rest is worth the refund");
    ensure!(token_balance(chain, &requester.tokens())? == before, "the refund funds the rest, atom for atom");
    let first = discover::intent(chain, &partial)?.context("the first")?;
    let (uri, hash) =
        agx_sdk::requester::rest_context(&partial, &first.context_hash, "https://intents.example/both.json");
    ensure!(rest_state.context_hash == hash, "the rest's context is bound to the first");
    ensure!(
        rest_state.context_uri[..usize::from(rest_state.context_uri_len)] == *uri.as_bytes(),
        "and says which intent it continues"
    );
    ensure!(
        rest_state.required_capabilities == first.required_capabilities
            && rest_state.min_stake == first.min_stake,
        "the same requirements"
    );
    requester.cancel(chain, &rest)?;

    // The keeper closes the coalition's bids and the intents; the coalition is idle and dissolves.
    let mut idle = None;
    for _ in 0..40 {
        for crank in keeper.tick(chain)? {
            ensure!(crank.error.is_none(), "keeper {:?} failed: {:?}", crank.crank, crank.error);
        }
        if !chain.exists(&intent)? && !chain.exists(&hired)? && !chain.exists(&partial)? {
            idle = agx_sdk::coalition::read(chain, &coalition)?;
            break;
        }
        chain.wait_for_slot(chain.slot()? + 1)?;
    }
    ensure!(idle.is_some_and(|c| c.open_bids == 0), "the keeper closed the bid and the intent");
    agx_sdk::coalition::dissolve(chain, &lead, &coalition)?;
    Ok(())
}
