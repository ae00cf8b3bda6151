//! [`AgentRunner`]: an agent on the exchange, stepped once per slot.
//!
//! Each step it reads the open intents its capabilities cover and asks its [`Strategy`] for
//! terms (or a pass); under a sealed auction it commits with a fresh salt that the
//! [`SaltStore`] has written to disk first, and reveals in the reveal window (also after a
//! restart); under a continuous one it bids in the clear. For every job it holds it runs its
//! [`Worker`], heartbeats while the work goes on, and submits the result (possibly a partial
//! fulfilment) to be paid into its associated account of the intent's mint. Bonds and bid rent
//! come back when its bids close: the keeper closes them, or the runner does once they have
//! lingered. It also works its part of the jobs of coalitions it belongs to, and bids for those
//! it leads ([`Membership`]).
mod coalition;
mod coordinator;
mod salts;

use std::collections::{BTreeMap, BTreeSet};

use agx_core::lifecycle::Phase;
use anchor_lang::prelude::Pubkey;
use exchange::state::{AuctionKind, BidStatus, IntentStatus};
use exchange::{BidOpening, HireTerms};
use solana_keypair::Keypair;
use solana_signer::Signer;

pub use coalition::Membership;
pub use coordinator::{Coordinator, LotOutcome, LotsWorker, NotOwn, Planner, Recovery};
pub use salts::{reveal_due, RevealAttempt, SaltStore, SealedBid};

use crate::accounts::{Agent, Intent};
use crate::chain::Chain;
use crate::ix::exchange as xix;
use crate::ix::registry as rix;
use crate::ix::registry::StakeToken;
use crate::{discover, pda, token, Error};

/// Terms an agent offers for an intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Atoms of the intent's mint.
    pub price: u64,
    pub quality_bps: u16,
    /// Slots from award to result.
    pub latency: u64,
    /// sha256 of the agent's plan for the job.
    pub plan_hash: [u8; 32],
}

impl Quote {
    /// The bid that offers these terms, sealed with `salt`.
    pub fn opening(&self, salt: [u8; 32]) -> BidOpening {
        BidOpening {
            price: self.price,
            quality_bps: self.quality_bps,
            latency: self.latency,
            plan_hash: self.plan_hash,
            salt,
        }
    }
}

/// Decides what to offer.
pub trait Strategy: Send {
    /// Terms for `intent` (at `address`), or `None` to pass.
    fn quote(&mut self, address: &Pubkey, intent: &Intent) -> Option<Quote>;
}

/// A job the agent won.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub intent: Pubkey,
    pub state: Intent,
    /// The slot the runner first saw it awarded.
    pub started_slot: u64,
}

/// A result to submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub result_hash: [u8; 32],
    pub result_uri: String,
    /// How much of the job was done, bps (payment is pro rata).
    pub fulfilled_bps: u16,
}

/// Where a job stands after a step of work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    /// Still working, this far along (bps): the runner heartbeats.
    InProgress { progress_bps: u16 },
    /// Finished: the runner submits it.
    Done(Delivery),
    /// The worker has gone quiet (crashed, stuck): no heartbeat, no result. The keepers will
    /// fail the job over once the agent has been silent for the registry's timeout.
    Silent,
}

/// Does the work. Asked about each job the agent holds, once or twice a step (again after a
/// bid that may have won at once), so its answer should depend on the job and the slot, not on
/// how often it is asked.
pub trait Worker: Send {
    fn work(&mut self, job: &Job, slot: u64) -> Work;
}

/// What a step did, for the runner's owner to show or count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activity {
    Committed {
        intent: Pubkey,
        price: u64,
    },
    Revealed {
        intent: Pubkey,
    },
    Placed {
        intent: Pubkey,
        price: u64,
    },
    Passed {
        intent: Pubkey,
    },
    Won {
        intent: Pubkey,
    },
    Heartbeat {
        progress_bps: u16,
    },
    Submitted {
        intent: Pubkey,
        fulfilled_bps: u16,
    },
    BidClosed {
        intent: Pubkey,
    },
    /// Its valid bid, left off the board, brought back in a re-rank window (`bid_rerank`):
    /// a drop freed a place it deserves.
    Reranked {
        intent: Pubkey,
    },
    /// A direct hire offered to this agent, accepted at its max price.
    HireAccepted {
        intent: Pubkey,
        price: u64,
    },
    /// A direct hire offered to this agent, declined (its strategy would ask more, or it does not
    /// qualify).
    HireDeclined {
        intent: Pubkey,
    },
    /// A coordinator posted a lot of `job` from its budget.
    LotPosted {
        job: Pubkey,
        intent: Pubkey,
        max_price: u64,
    },
    /// A coordinator accepted a lot's result, `paid` atoms to its winner.
    LotAccepted {
        intent: Pubkey,
        paid: u64,
    },
    /// A lot of `job` failed for good (its escrow is back in the budget).
    LotFailed {
        job: Pubkey,
        intent: Pubkey,
    },
    /// A coordinator closed an ended lot (and its bids).
    LotClosed {
        intent: Pubkey,
    },
    /// A bid placed in the clear as `coalition`, by its authority's runner.
    CoalitionPlaced {
        coalition: Pubkey,
        intent: Pubkey,
        price: u64,
    },
    /// This agent's part of `coalition`'s job `intent` marked done.
    PartDone {
        coalition: Pubkey,
        intent: Pubkey,
    },
    /// A transaction the runner sent failed; it goes on with the rest.
    Failed {
        intent: Option<Pubkey>,
        what: &'static str,
        error: String,
    },
}

/// How the runner behaves around the clock.
#[derive(Clone, Copy, Debug)]
pub struct RunnerSettings {
    /// Heartbeat at least this often while a job is in progress (well under the registry's
    /// heartbeat timeout).
    pub heartbeat_every_slots: u64,
    /// Do not send a bid this close to the end of its window (it might land after it).
    pub window_margin_slots: u64,
    /// Close its own bids on a finished intent once they have lingered this long.
    pub close_bids_after_slots: u64,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self { heartbeat_every_slots: 10, window_margin_slots: 2, close_bids_after_slots: 50 }
    }
}

/// How an agent registers.
#[derive(Clone, Debug)]
pub struct Registration {
    pub capabilities: u64,
    pub metadata_uri: String,
    /// Atoms of the stake mint to deposit from `stake_source` (owned by the authority).
    pub stake: u64,
    pub stake_source: Pubkey,
}

pub struct AgentRunner<S, W> {
    authority: Keypair,
    agent: Pubkey,
    strategy: S,
    worker: W,
    store: SaltStore,
    salts: Box<dyn FnMut() -> [u8; 32] + Send>,
    settings: RunnerSettings,
    /// (intent, round) it decided on: bid or passed.
    decided: BTreeSet<(Pubkey, u8)>,
    /// Jobs in progress, by intent, with the slot each started.
    jobs: BTreeMap<Pubkey, u64>,
    /// Bids placed, by intent and round, with the slot the intent was first seen finished.
    bids: BTreeMap<(Pubkey, u8), Option<u64>>,
    last_heartbeat: u64,
    /// Coalitions the agent is a member of (and, for their authority, bids for).
    coalitions: Vec<Membership>,
    /// The exchange's probation for newcomers, read at start.
    probation: agx_core::eligibility::Probation,
    /// Rent of a bid account (`Bid::SPACE` bytes), read at start: the agent creates its bid
    /// accounts itself (`xix::bid_account_create`), holding this and the bond.
    bid_rent: Option<u64>,
}

impl<S: Strategy, W: Worker> AgentRunner<S, W> {
    /// The agent of `authority`, registered (and staked) first if it is not yet.
    pub fn start(
        chain: &dyn Chain,
        authority: Keypair,
        stake: StakeToken,
        registration: &Registration,
        strategy: S,
        worker: W,
        store: SaltStore,
    ) -> Result<Self, Error> {
        let agent = pda::agent(&authority.pubkey()).0;
        if !chain.exists(&agent)? {
            let profile = agent_registry::state::AgentProfile {
                capabilities: registration.capabilities,
                capability_hash: [0; 32],
                metadata_uri: registration.metadata_uri.clone(),
            };
            let mut ixs = vec![rix::agent_register(authority.pubkey(), authority.pubkey(), stake, profile)];
            if registration.stake > 0 {
                ixs.push(rix::stake_deposit(
                    authority.pubkey(),
                    authority.pubkey(),
                    registration.stake_source,
                    stake,
                    registration.stake,
                ));
            }
            chain.send(&ixs, &authority, &[])?;
        }
        let mut bids = BTreeMap::new();
        for sealed in store.sealed() {
            bids.insert((sealed.intent, sealed.round), None);
        }
        let decided = bids.keys().copied().collect();
        Ok(Self {
            authority,
            agent,
            strategy,
            worker,
            store,
            salts: Box::new(os_salt),
            settings: RunnerSettings::default(),
            decided,
            jobs: BTreeMap::new(),
            bids,
            last_heartbeat: 0,
            coalitions: Vec::new(),
            // Read once: the admin changes it rarely, and the program has the last word.
            probation: discover::exchange_config(chain).map(|c| c.probation()).unwrap_or_default(),
            bid_rent: chain.minimum_balance(exchange::state::Bid::SPACE).ok(),
        })
    }

    /// Salts from `source` instead of the operating system (a seeded demo repeats exactly).
    pub fn with_salts(mut self, source: impl FnMut() -> [u8; 32] + Send + 'static) -> Self {
        self.salts = Box::new(source);
        self
    }

    pub fn with_settings(mut self, settings: RunnerSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The registry agent account.
    pub fn agent(&self) -> Pubkey {
        self.agent
    }

    pub fn authority(&self) -> Pubkey {
        self.authority.pubkey()
    }

    pub fn strategy_mut(&mut self) -> &mut S {
        &mut self.strategy
    }

    pub fn worker_mut(&mut self) -> &mut W {
        &mut self.worker
    }

    /// The sealed bids not yet opened.
    pub fn store(&self) -> &SaltStore {
        &self.store
    }

    /// One step at the chain's current slot: first what has a deadline and the agent's stake at
    /// risk (the jobs it holds, delivered or kept alive by a heartbeat; its sealed bids, revealed
    /// in their window), then new bids (and the jobs they won at once), re-ranks and closes. On
    /// a real chain every send waits for its confirmation, so a step with many bids spans slots;
    /// jobs first keeps a busy bidder from missing its own deadlines (failed over, slashed)
    /// while it bids elsewhere.
    pub fn step(&mut self, chain: &dyn Chain) -> Result<Vec<Activity>, Error> {
        let slot = chain.slot()?;
        let mut out = Vec::new();
        let own = self.work(chain, slot, &mut out)?;
        let parts = self.work_parts(chain, slot, &mut out)?;
        let progress = match (own, parts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.heartbeat(chain, slot, progress, &mut out);
        self.reveal(chain, slot, &mut out)?;
        let me: Agent = discover::agent(chain, &self.agent)?.ok_or(Error::AccountMissing(self.agent))?;
        for (address, intent) in discover::open_intents(chain, me.capabilities)? {
            self.bid_on(chain, slot, &me, address, &intent, &mut out);
        }
        self.bid_as_coalitions(chain, slot, &mut out)?;
        // A hire accepted or a bid in the clear may have won at once: a quick worker delivers
        // it in this step still.
        if out.iter().any(|a| matches!(a, Activity::HireAccepted { .. } | Activity::Placed { .. })) {
            self.work(chain, slot, &mut out)?;
        }
        self.rerank(chain, slot, &mut out)?;
        self.collect(chain, slot, &mut out)?;
        Ok(out)
    }

    fn bid_on(
        &mut self,
        chain: &dyn Chain,
        slot: u64,
        me: &Agent,
        address: Pubkey,
        intent: &Intent,
        out: &mut Vec<Activity>,
    ) {
        let key = (address, intent.round);
        if self.decided.contains(&key) || intent.phase(slot) != Phase::Bidding {
            return;
        }
        if slot.saturating_add(self.settings.window_margin_slots) >= intent.commit_end_slot {
            return;
        }
        // The exchange's own rules (`agx_core::eligibility` on the registry's view of the agent:
        // a newcomer below the minimum reputation bids on probation, with the larger bond the
        // program takes, but a hire has no probation), and the cut-off of a failed winner.
        let view = agent_registry::state::AgentView::from(me);
        let standing = exchange::bidding::standing(&view, intent.required_capabilities);
        let requirements = intent.requirements();
        let bond = agx_core::eligibility::bid_bond(
            &standing,
            &view.track(),
            &requirements,
            intent.bid_bond,
            &self.probation,
        );
        let admitted = if intent.kind() == Ok(AuctionKind::Direct) {
            agx_core::eligibility::may_bid(&standing, &requirements).is_ok()
        } else {
            bond.is_ok()
        };
        let eligible = admitted && !intent.is_excluded(&self.agent);
        self.decided.insert(key);
        if intent.kind() == Ok(AuctionKind::Direct) {
            return self.answer_offer(chain, address, intent, eligible, out);
        }
        let quote = if eligible { self.strategy.quote(&address, intent) } else { None };
        let Some(quote) = quote else {
            out.push(Activity::Passed { intent: address });
            return;
        };
        let opening = quote.opening((self.salts)());
        let me_key = self.authority.pubkey();
        let sealed = intent.kind().map(AuctionKind::is_sealed).unwrap_or(true);
        if sealed {
            let bid = SealedBid { intent: address, round: intent.round, opening };
            if let Err(e) = self.store.put(bid) {
                out.push(Activity::Failed {
                    intent: Some(address),
                    what: "salt store",
                    error: e.to_string(),
                });
                return;
            }
            let commitment = xix::commitment(&address, &self.agent, &opening);
            let ix = xix::bid_commit(me_key, address, self.agent, intent.round, commitment);
            match self.send_bid(chain, address, intent.round, bond.ok(), ix) {
                Ok(_) => {
                    self.bids.insert(key, None);
                    out.push(Activity::Committed { intent: address, price: quote.price });
                }
                Err(e) => {
                    // Never sent, or refused: nothing to reveal.
                    let _ = self.store.remove(&address, intent.round);
                    out.push(Activity::Failed {
                        intent: Some(address),
                        what: "bid_commit",
                        error: e.to_string(),
                    });
                }
            }
        } else {
            let ix = xix::bid_place(me_key, address, self.agent, intent.round, opening);
            match self.send_bid(chain, address, intent.round, bond.ok(), ix) {
                Ok(_) => {
                    self.bids.insert(key, None);
                    out.push(Activity::Placed { intent: address, price: quote.price });
                }
                Err(e) => out.push(Activity::Failed {
                    intent: Some(address),
                    what: "bid_place",
                    error: e.to_string(),
                }),
            }
        }
    }

    /// Sends a bid's instruction `ix` on `intent`, its account created first in the same
    /// transaction (rent and `bond`), which saves the program a CPI. Should that fail (someone
    /// funded the address beforehand, so `create_account_with_seed` refuses it; or the rent or
    /// bond read here is stale), the instruction alone, for which the program creates the
    /// account whatever the address holds. An error of the exchange's comes back at once.
    fn send_bid(
        &self,
        chain: &dyn Chain,
        intent: Pubkey,
        round: u8,
        bond: Option<u64>,
        ix: anchor_lang::solana_program::instruction::Instruction,
    ) -> Result<crate::chain::Landed, Error> {
        let me = self.authority.pubkey();
        if let Some(lamports) = self.bid_rent.zip(bond).and_then(|(rent, bond)| rent.checked_add(bond)) {
            let create = xix::bid_account_create(me, intent, self.agent, round, lamports);
            match chain.send(&[create, ix.clone()], &self.authority, &[]) {
                Ok(sent) => return Ok(sent),
                // Refused by the exchange for another reason than the account.
                Err(e) if e.program_error().is_some() && !e.is("BidAccountUnderfunded") => return Err(e),
                Err(_) => {}
            }
        }
        chain.send(&[ix], &self.authority, &[])
    }

    /// A direct hire: offered to this agent, it accepts at the max price when its strategy
    /// would ask no more, and declines otherwise; offered to another, it passes.
    fn answer_offer(
        &mut self,
        chain: &dyn Chain,
        address: Pubkey,
        intent: &Intent,
        eligible: bool,
        out: &mut Vec<Activity>,
    ) {
        if intent.hire_agent != self.agent {
            out.push(Activity::Passed { intent: address });
            return;
        }
        let me = self.authority.pubkey();
        let quote = if eligible { self.strategy.quote(&address, intent) } else { None };
        let (ix, what) = match quote.filter(|q| q.price <= intent.max_price) {
            Some(quote) => {
                let terms = HireTerms {
                    price: intent.max_price,
                    quality_bps: quote.quality_bps,
                    latency: quote.latency,
                };
                (xix::hire_accept(me, address, self.agent, intent.round, terms), "hire_accept")
            }
            None => (xix::hire_decline(me, address, self.agent), "hire_decline"),
        };
        match chain.send(&[ix], &self.authority, &[]) {
            Ok(_) if what == "hire_accept" => {
                out.push(Activity::HireAccepted { intent: address, price: intent.max_price });
            }
            Ok(_) => out.push(Activity::HireDeclined { intent: address }),
            Err(e) => out.push(Activity::Failed { intent: Some(address), what, error: e.to_string() }),
        }
    }

    fn reveal(&mut self, chain: &dyn Chain, slot: u64, out: &mut Vec<Activity>) -> Result<(), Error> {
        for attempt in salts::reveal_due(chain, &self.authority, &self.agent, &mut self.store, slot)? {
            out.push(match attempt.outcome {
                Ok(_) => Activity::Revealed { intent: attempt.intent },
                Err(e) => Activity::Failed {
                    intent: Some(attempt.intent),
                    what: "bid_reveal",
                    error: e.to_string(),
                },
            });
        }
        Ok(())
    }

    /// Works the jobs the agent holds alone; the least progress among those in progress.
    fn work(&mut self, chain: &dyn Chain, slot: u64, out: &mut Vec<Activity>) -> Result<Option<u16>, Error> {
        let held = discover::intents(
            chain,
            &[
                discover::intent_status_filter(IntentStatus::Awarded),
                discover::intent_winner_filter(&self.agent),
            ],
        )?;
        self.jobs.retain(|intent, _| held.iter().any(|(a, _)| a == intent));
        let mut progress = None;
        for (address, state) in held {
            let started_slot = *self.jobs.entry(address).or_insert_with(|| {
                out.push(Activity::Won { intent: address });
                slot
            });
            let job = Job { intent: address, state, started_slot };
            match self.worker.work(&job, slot) {
                Work::InProgress { progress_bps } => {
                    progress = Some(progress.unwrap_or(progress_bps).min(progress_bps))
                }
                Work::Silent => {}
                Work::Done(delivery) => {
                    if self.submit(chain, address, &state, &delivery, out) {
                        self.jobs.remove(&address);
                    }
                }
            }
        }
        Ok(progress)
    }

    /// Submits `delivery` for the job `address`, to be paid into the authority's associated
    /// account of the mint (created if missing); whether it landed.
    fn submit(
        &self,
        chain: &dyn Chain,
        address: Pubkey,
        state: &Intent,
        delivery: &Delivery,
        out: &mut Vec<Activity>,
    ) -> bool {
        let me = self.authority.pubkey();
        let payout = token::associated_address(&me, &state.mint, &state.token_program);
        let ixs = [
            token::create_associated_idempotent(me, me, state.mint, state.token_program),
            xix::result_submit(
                me,
                address,
                payout,
                delivery.result_hash,
                delivery.result_uri.clone(),
                delivery.fulfilled_bps,
            ),
        ];
        match chain.send(&ixs, &self.authority, &[]) {
            Ok(_) => {
                out.push(Activity::Submitted { intent: address, fulfilled_bps: delivery.fulfilled_bps });
                true
            }
            Err(e) => {
                out.push(Activity::Failed {
                    intent: Some(address),
                    what: "result_submit",
                    error: e.to_string(),
                });
                false
            }
        }
    }

    /// Heartbeats `progress` (the least among the jobs and parts in progress), at most every
    /// `heartbeat_every_slots`.
    fn heartbeat(&mut self, chain: &dyn Chain, slot: u64, progress: Option<u16>, out: &mut Vec<Activity>) {
        if let Some(progress_bps) = progress {
            if slot >= self.last_heartbeat.saturating_add(self.settings.heartbeat_every_slots) {
                let ix = rix::agent_heartbeat(self.authority.pubkey(), progress_bps);
                match chain.send(&[ix], &self.authority, &[]) {
                    Ok(_) => {
                        self.last_heartbeat = slot;
                        out.push(Activity::Heartbeat { progress_bps });
                    }
                    Err(e) => out.push(Activity::Failed {
                        intent: None,
                        what: "agent_heartbeat",
                        error: e.to_string(),
                    }),
                }
            }
        }
    }

    /// Brings its valid bids back onto their boards while a re-rank window is open: a drop at
    /// settlement (an agent that no longer qualified) freed a place, and a bid not brought back
    /// before the window closes is not considered, like one never revealed.
    fn rerank(&mut self, chain: &dyn Chain, slot: u64, out: &mut Vec<Activity>) -> Result<(), Error> {
        let keys: Vec<(Pubkey, u8)> = self.bids.keys().copied().collect();
        for (intent, round) in keys {
            let Some(state) = discover::intent(chain, &intent)? else { continue };
            let bid = pda::bid(&self.authority.pubkey(), &intent, &self.agent, round);
            let window_open = state.round == round
                && state.status() == Ok(IntentStatus::Open)
                && slot < state.rerank_end_slot
                && state.off_board > 0;
            if !window_open || state.ranked().iter().any(|e| e.bid == bid) {
                continue;
            }
            // Only a revealed bid can come back (a committed one was never opened).
            let revealed = discover::bid(chain, &bid)?.is_some_and(|b| b.is(BidStatus::Revealed));
            if !revealed {
                continue;
            }
            match chain.send(
                &[xix::bid_rerank(self.authority.pubkey(), intent, self.agent, round)],
                &self.authority,
                &[],
            ) {
                Ok(_) => out.push(Activity::Reranked { intent }),
                Err(e) => out.push(Activity::Failed {
                    intent: Some(intent),
                    what: "bid_rerank",
                    error: e.to_string(),
                }),
            }
        }
        Ok(())
    }

    /// Forgets bids that are closed; closes its own once their intent has been finished for a
    /// while (the bond and the rent come back to the authority either way).
    fn collect(&mut self, chain: &dyn Chain, slot: u64, out: &mut Vec<Activity>) -> Result<(), Error> {
        let keys: Vec<(Pubkey, u8)> = self.bids.keys().copied().collect();
        for (intent, round) in keys {
            let bid = pda::bid(&self.authority.pubkey(), &intent, &self.agent, round);
            if !chain.exists(&bid)? {
                self.bids.remove(&(intent, round));
                continue;
            }
            let Some(state) = discover::intent(chain, &intent)? else { continue };
            if !state.status().map(IntentStatus::is_terminal).unwrap_or(false) {
                continue;
            }
            let since = *self.bids.entry((intent, round)).or_insert(None).get_or_insert(slot);
            if slot < since.saturating_add(self.settings.close_bids_after_slots) {
                continue;
            }
            let ix = xix::bid_close(
                self.authority.pubkey(),
                intent,
                self.agent,
                round,
                self.authority.pubkey(),
                state.requester,
            );
            match chain.send(&[ix], &self.authority, &[]) {
                Ok(_) => {
                    self.bids.remove(&(intent, round));
                    out.push(Activity::BidClosed { intent });
                }
                Err(e) => out.push(Activity::Failed {
                    intent: Some(intent),
                    what: "bid_close",
                    error: e.to_string(),
                }),
            }
        }
        Ok(())
    }
}

/// A salt from the operating system's generator.
pub fn os_salt() -> [u8; 32] {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).expect("the operating system's random generator");
    salt
}
