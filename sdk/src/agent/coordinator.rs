//! A coordinator (seeds 001 and 002): an agent that wins a job, splits it into lots, buys each
//! lot on the market with its budget (sub-intents, one winner each), accepts what comes back,
//! closes the lots, and delivers the job once every lot has ended.
//!
//! It is an [`AgentRunner`] whose worker reports a job in progress until the coordinator has its
//! delivery, and whose strategy never bids on the coordinator's own lots. What to split, what a
//! failed lot becomes and what the whole delivery is are the [`Planner`]'s: a failed lot is
//! re-posted (a new commitment under the budget's cap) or absorbed (the coordinator does it, or
//! delivers less and is paid pro rata).
use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use exchange::state::{Intent, IntentStatus};
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::{Activity, AgentRunner, Delivery, Job, Registration, RunnerSettings, Strategy, Work, Worker};
use crate::chain::Chain;
use crate::ix::exchange as xix;
use crate::ix::registry::StakeToken;
use crate::requester::{args_for, Want};
use crate::{discover, Error};

/// Bid closes sent with a lot's close in one transaction (each names six accounts).
const BID_CLOSES_PER_TRANSACTION: usize = 4;

/// How a lot ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LotOutcome {
    /// Its winner delivered and the coordinator accepted: `paid` atoms to the winner.
    Delivered { intent: Pubkey, winner: Pubkey, result_hash: [u8; 32], paid: u64 },
    /// Nobody delivered it (expired unbid, cancelled, or failed after its failovers): its
    /// escrow is back in the budget.
    Failed { intent: Pubkey },
}

/// What the coordinator does with a lot that failed for good.
#[derive(Clone, Debug)]
pub enum Recovery {
    /// Buy it again (a new intent, a new commitment under the budget's cap).
    Repost(Want),
    /// Keep the failure: the planner's `combine` accounts for it.
    Absorb,
}

/// The coordinator's judgement.
pub trait Planner: Send {
    /// The lots `job` splits into, each posted with [`crate::requester::args_for`]'s defaults.
    /// Each must end, auction and slowest delivery, by the slot the job's winner promised
    /// (`ChildOutlastsParent`).
    fn split(&mut self, job: &Job, slot: u64) -> Vec<Want>;
    /// What to do about a lot that failed for good.
    fn recover(&mut self, job: &Job, failed: &Intent, slot: u64) -> Recovery;
    /// The job's delivery, once every lot has ended and closed.
    fn combine(&mut self, job: &Job, lots: &[LotOutcome]) -> Delivery;
    /// The rating given to a lot's delivery when accepting it, bps.
    fn rate(&mut self, _lot: &Intent) -> u16 {
        agx_core::BPS_DENOMINATOR
    }
}

/// The runner's worker: a job is in progress until the coordinator has its delivery.
#[derive(Default)]
pub struct LotsWorker {
    ready: BTreeMap<Pubkey, Delivery>,
}

impl Worker for LotsWorker {
    fn work(&mut self, job: &Job, _slot: u64) -> Work {
        match self.ready.get(&job.intent) {
            Some(delivery) => Work::Done(delivery.clone()),
            None => Work::InProgress { progress_bps: 5_000 },
        }
    }
}

/// The runner's strategy: `inner`'s, except on intents the coordinator posted itself.
pub struct NotOwn<S> {
    inner: S,
    requester: Pubkey,
}

impl<S: Strategy> Strategy for NotOwn<S> {
    fn quote(&mut self, address: &Pubkey, intent: &Intent) -> Option<super::Quote> {
        (intent.requester != self.requester).then(|| self.inner.quote(address, intent)).flatten()
    }
}

/// A job being bought in lots: the lots posted, how the ended ones ended, and the slot each
/// was first seen ready to close.
#[derive(Default)]
struct Lots {
    posted: Vec<Pubkey>,
    ended: BTreeMap<Pubkey, LotOutcome>,
    closable_since: BTreeMap<Pubkey, u64>,
}

pub struct Coordinator<S, P> {
    runner: AgentRunner<NotOwn<S>, LotsWorker>,
    authority: Keypair,
    planner: P,
    budget: Pubkey,
    jobs: BTreeMap<Pubkey, Lots>,
    /// Slots an ended lot is left to keepers before the coordinator closes it itself.
    close_after: u64,
}

impl<S: Strategy, P: Planner> Coordinator<S, P> {
    /// The coordinator of `authority`'s agent (registered and staked first if it is not yet),
    /// buying lots with `budget` (a budget of that agent).
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        chain: &dyn Chain,
        authority: Keypair,
        stake: StakeToken,
        registration: &Registration,
        strategy: S,
        planner: P,
        budget: Pubkey,
        store: super::SaltStore,
    ) -> Result<Self, Error> {
        let strategy = NotOwn { inner: strategy, requester: authority.pubkey() };
        let runner = AgentRunner::start(
            chain,
            authority.insecure_clone(),
            stake,
            registration,
            strategy,
            LotsWorker::default(),
            store,
        )?;
        let close_after = RunnerSettings::default().close_bids_after_slots;
        Ok(Self { runner, authority, planner, budget, jobs: BTreeMap::new(), close_after })
    }

    pub fn with_settings(mut self, settings: RunnerSettings) -> Self {
        self.close_after = settings.close_bids_after_slots;
        self.runner = self.runner.with_settings(settings);
        self
    }

    pub fn with_salts(mut self, source: impl FnMut() -> [u8; 32] + Send + 'static) -> Self {
        self.runner = self.runner.with_salts(source);
        self
    }

    /// The registry agent account.
    pub fn agent(&self) -> Pubkey {
        self.runner.agent()
    }

    pub fn budget(&self) -> Pubkey {
        self.budget
    }

    /// The lots posted for `job`, in order.
    pub fn lots(&self, job: &Pubkey) -> &[Pubkey] {
        self.jobs.get(job).map_or(&[], |lots| &lots.posted)
    }

    /// One step at the chain's current slot: post the lots of new jobs, tend the posted ones,
    /// hand finished jobs to the runner, then the runner's own step (bids, heartbeats,
    /// submissions).
    pub fn step(&mut self, chain: &dyn Chain) -> Result<Vec<Activity>, Error> {
        let slot = chain.slot()?;
        let mut out = Vec::new();
        let held = discover::intents(
            chain,
            &[
                discover::intent_status_filter(IntentStatus::Awarded),
                discover::intent_winner_filter(&self.runner.agent()),
            ],
        )?;
        for (address, state) in &held {
            let job = Job { intent: *address, state: *state, started_slot: slot };
            if !self.jobs.contains_key(address) {
                let terms = self.planner.split(&job, slot);
                let mut lots = Lots::default();
                for want in terms {
                    self.post(chain, &job, want, &mut lots, &mut out)?;
                }
                self.jobs.insert(*address, lots);
            }
            self.tend(chain, &job, slot, &mut out)?;
        }
        self.jobs.retain(|address, _| held.iter().any(|(a, _)| a == address));
        out.extend(self.runner.step(chain)?);
        Ok(out)
    }

    /// Posts one lot of `job` from the budget, linked under it.
    fn post(
        &mut self,
        chain: &dyn Chain,
        job: &Job,
        want: Want,
        lots: &mut Lots,
        out: &mut Vec<Activity>,
    ) -> Result<(), Error> {
        let args = args_for(chain, &want, discover::next_intent_id(chain, &self.authority.pubkey())?)?;
        let max_price = args.max_price;
        match crate::budget::post_intent(chain, &self.authority, &self.budget, args, Some(job.intent)) {
            Ok(intent) => {
                lots.posted.push(intent);
                out.push(Activity::LotPosted { job: job.intent, intent, max_price });
            }
            Err(e) => out.push(Activity::Failed {
                intent: Some(job.intent),
                what: "intent_create_from_budget",
                error: e.to_string(),
            }),
        }
        Ok(())
    }

    /// Accepts delivered lots, records ended ones, closes them and their bids, and hands the
    /// job to the runner once every lot is closed.
    fn tend(
        &mut self,
        chain: &dyn Chain,
        job: &Job,
        slot: u64,
        out: &mut Vec<Activity>,
    ) -> Result<(), Error> {
        let Some(mut lots) = self.jobs.remove(&job.intent) else { return Ok(()) };
        let mut open = 0;
        for intent in lots.posted.clone() {
            let Some(state) = discover::intent(chain, &intent)? else {
                // Closed: if it ended out of sight (another closed it first), count it failed
                // unless it was seen delivered.
                lots.ended.entry(intent).or_insert(LotOutcome::Failed { intent });
                continue;
            };
            open += 1;
            let Ok(status) = state.status() else { continue };
            match status {
                IntentStatus::Submitted => self.accept(chain, intent, &state, &mut lots, out),
                IntentStatus::Expired | IntentStatus::Failed | IntentStatus::Cancelled => {
                    if lots.ended.insert(intent, LotOutcome::Failed { intent }).is_none() {
                        out.push(Activity::LotFailed { job: job.intent, intent });
                        if let Recovery::Repost(want) = self.planner.recover(job, &state, slot) {
                            self.post(chain, job, want, &mut lots, out)?;
                        }
                    }
                    self.close(chain, intent, &state, slot, &mut lots, out)?;
                }
                IntentStatus::Completed => {
                    lots.ended.entry(intent).or_insert(LotOutcome::Delivered {
                        intent,
                        winner: state.winner_agent,
                        result_hash: state.result_hash,
                        paid: 0,
                    });
                    self.close(chain, intent, &state, slot, &mut lots, out)?;
                }
                IntentStatus::Open | IntentStatus::Awarded | IntentStatus::Disputed => {}
            }
        }
        if open == 0 && lots.posted.iter().all(|lot| lots.ended.contains_key(lot)) {
            let outcomes: Vec<LotOutcome> =
                lots.posted.iter().filter_map(|lot| lots.ended.get(lot)).copied().collect();
            let delivery = self.planner.combine(job, &outcomes);
            self.runner.worker_mut().ready.insert(job.intent, delivery);
        }
        self.jobs.insert(job.intent, lots);
        Ok(())
    }

    /// Accepts a lot's result: its winner paid into the account it named, the rest back to the
    /// budget.
    fn accept(
        &mut self,
        chain: &dyn Chain,
        intent: Pubkey,
        state: &Intent,
        lots: &mut Lots,
        out: &mut Vec<Activity>,
    ) {
        let token = StakeToken::of_intent(state);
        let rating = self.planner.rate(state);
        let ix = xix::result_accept(intent, state, token, state.winner_tokens, state.refund_tokens, rating);
        let before = crate::chain::token_balance(chain, &state.winner_tokens).unwrap_or(0);
        match chain.send(&[ix], &self.authority, &[]) {
            Ok(_) => {
                let after = crate::chain::token_balance(chain, &state.winner_tokens).unwrap_or(before);
                let paid = after.saturating_sub(before);
                lots.ended.insert(
                    intent,
                    LotOutcome::Delivered {
                        intent,
                        winner: state.winner_agent,
                        result_hash: state.result_hash,
                        paid,
                    },
                );
                out.push(Activity::LotAccepted { intent, paid });
            }
            Err(e) => out.push(Activity::Failed {
                intent: Some(intent),
                what: "result_accept",
                error: e.to_string(),
            }),
        }
    }

    /// Closes an ended lot (its bids first) once keepers have left it for
    /// `close_bids_after_slots`, so the job no longer counts it; the crank tips come to the
    /// coordinator.
    fn close(
        &mut self,
        chain: &dyn Chain,
        intent: Pubkey,
        state: &Intent,
        slot: u64,
        lots: &mut Lots,
        out: &mut Vec<Activity>,
    ) -> Result<(), Error> {
        if state.escrow_open != 0 {
            return Ok(());
        }
        let since = *lots.closable_since.entry(intent).or_insert(slot);
        if slot < since.saturating_add(self.close_after) {
            return Ok(());
        }
        let me = self.authority.pubkey();
        let bids = discover::bids(chain, &intent)?;
        let mut ixs: Vec<_> = bids
            .iter()
            .take(BID_CLOSES_PER_TRANSACTION)
            .map(|(_, bid)| xix::bid_close(me, intent, bid.agent, bid.round, bid.bidder, state.requester))
            .collect();
        // With more bids than fit, the intent closes at a later step.
        if bids.len() <= BID_CLOSES_PER_TRANSACTION {
            ixs.push(xix::intent_close_stored(me, intent, state));
        }
        match chain.send(&ixs, &self.authority, &[]) {
            Ok(_) => out.push(Activity::LotClosed { intent }),
            Err(e) => out.push(Activity::Failed {
                intent: Some(intent),
                what: "intent_close",
                error: e.to_string(),
            }),
        }
        Ok(())
    }
}
