//! The sandbox's other side (`agx mcp --sandbox`): on the embedded chain, the slot moves with
//! the wall clock and the house keeps a market going around the caller, so that every tool has
//! someone to deal with. A house requester always has one sealed Vickrey intent open (summaries,
//! at most [`HOUSE_MAX_PRICE`]) and accepts what is delivered to it; a house agent bids on every
//! intent the caller posts and delivers at once; a keeper settles, fails over, finalizes and
//! closes. The caller's own key is funded with SOL, stake tokens and payment tokens.
use agx_keeper::poll::PollingKeeper;
use agx_sdk::accounts::Intent;
use agx_sdk::agent::{AgentRunner, Delivery, Job, Quote, Registration, SaltStore, Strategy, Work, Worker};
use agx_sdk::chain::Chain;
use agx_sdk::exchange::state::{AuctionKind, IntentStatus};
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::requester::{Requester, Want};
use agx_sdk::sandbox::{self, Keys};
use agx_sdk::Pubkey;
use anyhow::{Context, Result};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The house requester's intents: summaries.
pub const HOUSE_CAPABILITIES: u64 = 0b1;
pub const HOUSE_MAX_PRICE: u64 = 5_000_000;
/// Free stake a bidder on the house's intents must have.
pub const HOUSE_MIN_STAKE: u64 = 1_000_000;
/// Slots from award to result the house's intents allow.
const HOUSE_MAX_LATENCY: u64 = 600;
/// Stake and payment tokens the caller's key starts with (100 and 1,000 units).
pub const CALLER_STAKE_TOKENS: u64 = 100_000_000;
pub const CALLER_PAY_TOKENS: u64 = sandbox::REQUESTER_FUNDS;
/// The house stops posting after this many intents: a sandbox left running does not grow
/// without end, and the house requester's funds (1,000 units) cover every escrow.
const HOUSE_MAX_POSTS: u64 = 150;
/// The house agent's stake.
const HOUSE_AGENT_STAKE: u64 = 100_000_000;

/// The house agent bids 80% of the max price at 90% quality, on the caller's intents only.
struct HouseQuotes {
    house_requester: Pubkey,
}

impl Strategy for HouseQuotes {
    fn quote(&mut self, _address: &Pubkey, intent: &Intent) -> Option<Quote> {
        (intent.requester != self.house_requester).then(|| Quote {
            price: (intent.max_price / 10 * 8).max(1),
            quality_bps: 9_000,
            latency: intent.max_latency.min(10),
            plan_hash: [0; 32],
        })
    }
}

/// It delivers the whole job as soon as it has it.
struct HouseWork;

impl Worker for HouseWork {
    fn work(&mut self, job: &Job, _slot: u64) -> Work {
        let result_uri = format!("https://sandbox.agx.example/results/{}", job.intent);
        Work::Done(Delivery {
            result_hash: agx_core::commitment::sha256(result_uri.as_bytes()),
            result_uri,
            fulfilled_bps: 10_000,
        })
    }
}

pub struct House {
    keeper: PollingKeeper,
    agent: AgentRunner<HouseQuotes, HouseWork>,
    requester: Requester,
    window_slots: u64,
    posted: u64,
    /// The payment token, for the caller's defaults.
    pub pay: StakeToken,
}

impl House {
    /// Opens the sandbox market on `chain` (seeded by `keys`), funds `caller`, and sets the house
    /// up, its auctions' windows `window_slots` each.
    pub fn open(chain: &dyn Chain, keys: &Keys, caller: Pubkey, window_slots: u64) -> Result<Self> {
        let authority = keys.get("authority", 0);
        let market = sandbox::open(chain, keys, &authority).context("open the sandbox market")?;
        let (requester_key, agent_key, keeper_key) =
            (keys.get("house-requester", 0), keys.get("house-agent", 0), keys.get("keeper", 0));
        let everyone = [requester_key.pubkey(), agent_key.pubkey(), keeper_key.pubkey(), caller];
        sandbox::fund(chain, &authority, &everyone).context("fund the sandbox's participants")?;
        sandbox::tokens(chain, &authority, market.pay, requester_key.pubkey(), sandbox::REQUESTER_FUNDS)?;
        sandbox::tokens(chain, &authority, market.stake, caller, CALLER_STAKE_TOKENS)?;
        sandbox::tokens(chain, &authority, market.pay, caller, CALLER_PAY_TOKENS)?;
        let stake_source =
            sandbox::tokens(chain, &authority, market.stake, agent_key.pubkey(), HOUSE_AGENT_STAKE)?;
        let registration = Registration {
            capabilities: 0xff,
            metadata_uri: "https://sandbox.agx.example/house-agent".into(),
            stake: HOUSE_AGENT_STAKE,
            stake_source,
        };
        let quotes = HouseQuotes { house_requester: requester_key.pubkey() };
        let agent = AgentRunner::start(
            chain,
            agent_key,
            market.stake,
            &registration,
            quotes,
            HouseWork,
            SaltStore::in_memory(),
        )
        .context("register the house agent")?;
        let keeper = PollingKeeper::start(chain, keeper_key).context("start the sandbox's keeper")?;
        let requester = Requester::new(chain, requester_key, market.pay)?;
        Ok(Self { keeper, agent, requester, window_slots, posted: 0, pay: market.pay })
    }

    /// One round of the house at the chain's slot: the keeper's cranks, the house agent's step,
    /// the house requester's. What went wrong, for the server's log.
    pub fn step(&mut self, chain: &dyn Chain) -> Vec<String> {
        let mut problems = Vec::new();
        match self.keeper.tick(chain) {
            Ok(cranked) => problems.extend(
                cranked
                    .into_iter()
                    .filter_map(|c| c.error.map(|e| format!("keeper {:?} on {}: {e}", c.crank, c.intent))),
            ),
            Err(e) => problems.push(format!("keeper: {e}")),
        }
        if let Err(e) = self.agent.step(chain) {
            problems.push(format!("house agent: {e}"));
        }
        if let Err(e) = self.request(chain) {
            problems.push(format!("house requester: {e}"));
        }
        problems
    }

    /// Keeps one intent taking bids, and accepts every result delivered.
    fn request(&mut self, chain: &dyn Chain) -> Result<(), agx_sdk::Error> {
        let slot = chain.slot()?;
        let mine = self.requester.intents(chain)?;
        for (address, intent) in &mine {
            if intent.status == IntentStatus::Submitted.to_u8() {
                self.requester.accept(chain, address, 9_000)?;
            }
        }
        let taking_bids = mine.iter().any(|(_, i)| {
            i.status == IntentStatus::Open.to_u8() && i.phase(slot) == agx_core::lifecycle::Phase::Bidding
        });
        if !taking_bids && self.posted < HOUSE_MAX_POSTS {
            let context_uri = format!("https://sandbox.agx.example/jobs/{}", self.posted);
            let want = Want {
                capabilities: HOUSE_CAPABILITIES,
                max_price: HOUSE_MAX_PRICE,
                max_latency: HOUSE_MAX_LATENCY,
                kind: AuctionKind::VickreySealed,
                min_stake: HOUSE_MIN_STAKE,
                context_hash: agx_core::commitment::sha256(context_uri.as_bytes()),
                context_uri,
            };
            let mut args = self.requester.args(chain, &want)?;
            (args.bid_window_slots, args.reveal_window_slots) = (self.window_slots, self.window_slots);
            self.requester.post(chain, args)?;
            self.posted += 1;
        }
        Ok(())
    }
}

/// The caller's key in the sandbox when none is given: from the seed, like every other.
pub fn caller_key(keys: &Keys) -> Keypair {
    keys.get("mcp-caller", 0)
}
