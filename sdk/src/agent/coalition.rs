//! Coalitions in the [`AgentRunner`]: a runner may be a member of coalitions
//! ([`AgentRunner::with_part_in`]) and the authority of some ([`AgentRunner::leading`]).
//!
//! - As a member it works its part of every job a coalition holds, with its own [`Worker`]:
//!   progress goes into its heartbeat (a coalition is silent only when every member is), and
//!   a finished part is marked done on-chain (`coalition_part_done`), in the same transaction
//!   as the member's associated account of the intent's mint is made (its share is paid
//!   there); the part's delivery itself stays with the member.
//! - As the coalition's authority it also bids for the coalition, with the coalition's own
//!   [`Strategy`], on the continuous auctions whose requirements the coalition meets
//!   (`agx_core::coalition::may_bid` on its members as the registry holds them), and once every
//!   part is done it submits its own delivery as the coalition's result.
//!
//! Sealed auctions are left to the builders (`ix::exchange::bid_commit` / `bid_reveal` with
//! `coalition::with_members`): a runner keeps one salt store, for its agent.
use std::collections::{BTreeMap, BTreeSet};

use agent_registry::state::AgentView;
use agx_core::coalition::MemberStanding;
use agx_core::lifecycle::Phase;
use anchor_lang::prelude::Pubkey;
use exchange::state::{AuctionKind, Coalition, IntentStatus};
use solana_signer::Signer;

use super::{Activity, AgentRunner, Delivery, Job, Strategy, Work, Worker};
use crate::chain::Chain;
use crate::ix::exchange::coalition as cix;
use crate::{discover, token, Error};

/// A coalition a runner's agent belongs to.
pub struct Membership {
    coalition: Pubkey,
    /// What the coalition offers; only the coalition's authority bids with it.
    strategy: Option<Box<dyn Strategy>>,
    /// (intent, round) the coalition decided on.
    decided: BTreeSet<(Pubkey, u8)>,
    /// The coalition's jobs seen, with the slot each was first seen awarded.
    jobs: BTreeMap<Pubkey, u64>,
    /// The authority's own deliveries, kept until every part is done.
    deliveries: BTreeMap<Pubkey, Delivery>,
}

impl Membership {
    fn new(coalition: Pubkey, strategy: Option<Box<dyn Strategy>>) -> Self {
        Self {
            coalition,
            strategy,
            decided: BTreeSet::new(),
            jobs: BTreeMap::new(),
            deliveries: BTreeMap::new(),
        }
    }

    pub fn coalition(&self) -> Pubkey {
        self.coalition
    }
}

/// Each member's agent as the program reads it, with its contribution, or `None` when a
/// member's agent is gone.
fn members(chain: &dyn Chain, coalition: &Coalition) -> Result<Option<Vec<(AgentView, u64)>>, Error> {
    let mut out = Vec::with_capacity(coalition.members().len());
    for m in coalition.members() {
        let Some(agent) = discover::agent(chain, &m.agent)? else { return Ok(None) };
        out.push((AgentView::from(&agent), m.contribution));
    }
    Ok(Some(out))
}

/// The members' standings on a job asking for `capabilities`, as the program checks them.
fn standings(members: &[(AgentView, u64)], capabilities: u64) -> Vec<MemberStanding> {
    members
        .iter()
        .map(|(view, contribution)| MemberStanding {
            standing: exchange::bidding::standing(view, capabilities),
            contribution: *contribution,
        })
        .collect()
}

impl<S: Strategy, W: Worker> AgentRunner<S, W> {
    /// Works this agent's part of every job `coalition` holds (see the module).
    pub fn with_part_in(mut self, coalition: Pubkey) -> Self {
        self.coalitions.push(Membership::new(coalition, None));
        self
    }

    /// Bids as `coalition`, whose authority this runner's key is, with `strategy`; works this
    /// agent's part of its jobs and submits the result once every part is done.
    pub fn leading(mut self, coalition: Pubkey, strategy: impl Strategy + 'static) -> Self {
        self.coalitions.push(Membership::new(coalition, Some(Box::new(strategy))));
        self
    }

    /// The coalitions it belongs to.
    pub fn memberships(&self) -> impl Iterator<Item = Pubkey> + '_ {
        self.coalitions.iter().map(Membership::coalition)
    }

    pub(super) fn bid_as_coalitions(
        &mut self,
        chain: &dyn Chain,
        slot: u64,
        out: &mut Vec<Activity>,
    ) -> Result<(), Error> {
        let mut memberships = std::mem::take(&mut self.coalitions);
        let result = memberships.iter_mut().try_for_each(|m| self.bid_as(chain, slot, m, out));
        self.coalitions = memberships;
        result
    }

    fn bid_as(
        &mut self,
        chain: &dyn Chain,
        slot: u64,
        m: &mut Membership,
        out: &mut Vec<Activity>,
    ) -> Result<(), Error> {
        let Some(strategy) = m.strategy.as_mut() else { return Ok(()) };
        let Some(coalition) = crate::coalition::read(chain, &m.coalition)? else { return Ok(()) };
        if coalition.authority != self.authority.pubkey() || !coalition.is_ready() {
            return Ok(());
        }
        let Some(members) = members(chain, &coalition)? else { return Ok(()) };
        let capabilities = members.iter().fold(0, |all, (view, _)| all | view.capabilities);
        for (address, intent) in discover::open_intents(chain, capabilities)? {
            let key = (address, intent.round);
            if m.decided.contains(&key)
                || intent.kind() != Ok(AuctionKind::Continuous)
                || intent.phase(slot) != Phase::Bidding
                || slot.saturating_add(self.settings.window_margin_slots) >= intent.commit_end_slot
            {
                continue;
            }
            m.decided.insert(key);
            let standings = standings(&members, intent.required_capabilities);
            let eligible = agx_core::coalition::may_bid(&standings, &intent.requirements()).is_ok()
                && !intent.is_excluded(&m.coalition);
            let Some(quote) = eligible.then(|| strategy.quote(&address, &intent)).flatten() else {
                out.push(Activity::Passed { intent: address });
                continue;
            };
            let opening = quote.opening((self.salts)());
            match crate::coalition::bid_place(chain, &self.authority, &m.coalition, &address, opening) {
                Ok(_) => out.push(Activity::CoalitionPlaced {
                    coalition: m.coalition,
                    intent: address,
                    price: quote.price,
                }),
                Err(e) => out.push(Activity::Failed {
                    intent: Some(address),
                    what: "bid_place (coalition)",
                    error: e.to_string(),
                }),
            }
        }
        Ok(())
    }

    /// Works this agent's parts of its coalitions' jobs; the least progress among the parts in
    /// progress.
    pub(super) fn work_parts(
        &mut self,
        chain: &dyn Chain,
        slot: u64,
        out: &mut Vec<Activity>,
    ) -> Result<Option<u16>, Error> {
        let mut memberships = std::mem::take(&mut self.coalitions);
        let mut progress: Option<u16> = None;
        let mut result = Ok(());
        for m in memberships.iter_mut() {
            match self.work_part(chain, slot, m, out) {
                Ok(Some(p)) => progress = Some(progress.map_or(p, |q| q.min(p))),
                Ok(None) => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.coalitions = memberships;
        result.map(|_| progress)
    }

    fn work_part(
        &mut self,
        chain: &dyn Chain,
        slot: u64,
        m: &mut Membership,
        out: &mut Vec<Activity>,
    ) -> Result<Option<u16>, Error> {
        let held = discover::intents(
            chain,
            &[
                discover::intent_status_filter(IntentStatus::Awarded),
                discover::intent_winner_filter(&m.coalition),
            ],
        )?;
        m.jobs.retain(|intent, _| held.iter().any(|(a, _)| a == intent));
        m.deliveries.retain(|intent, _| held.iter().any(|(a, _)| a == intent));
        if held.is_empty() {
            return Ok(None);
        }
        let Some(coalition) = crate::coalition::read(chain, &m.coalition)? else { return Ok(None) };
        let Ok(index) = coalition.member_index(&self.agent) else { return Ok(None) };
        let leads = coalition.authority == self.authority.pubkey();
        let mut progress: Option<u16> = None;
        for (address, mut state) in held {
            let started_slot = *m.jobs.entry(address).or_insert_with(|| {
                out.push(Activity::Won { intent: address });
                slot
            });
            if state.parts_done >> index & 1 == 0 {
                let job = Job { intent: address, state, started_slot };
                match self.worker.work(&job, slot) {
                    Work::InProgress { progress_bps } => {
                        progress = Some(progress.map_or(progress_bps, |p| p.min(progress_bps)));
                        continue;
                    }
                    Work::Silent => continue,
                    Work::Done(delivery) => {
                        // The member's account of the mint, for its share of the payout.
                        let me = self.authority.pubkey();
                        let ixs = [
                            token::create_associated_idempotent(me, me, state.mint, state.token_program),
                            cix::part_done(me, address, m.coalition, self.agent),
                        ];
                        match chain.send(&ixs, &self.authority, &[]) {
                            Ok(_) => out.push(Activity::PartDone { coalition: m.coalition, intent: address }),
                            Err(e) => {
                                out.push(Activity::Failed {
                                    intent: Some(address),
                                    what: "coalition_part_done",
                                    error: e.to_string(),
                                });
                                continue;
                            }
                        }
                        if leads {
                            m.deliveries.insert(address, delivery);
                        }
                        state = discover::intent(chain, &address)?.ok_or(Error::AccountMissing(address))?;
                    }
                }
            }
            if !leads || !state.parts_all_done() {
                continue;
            }
            let delivery = match m.deliveries.get(&address) {
                Some(delivery) => delivery.clone(),
                // Marked in an earlier life of the runner: its worker delivers again.
                None => match self.worker.work(&Job { intent: address, state, started_slot }, slot) {
                    Work::Done(delivery) => delivery,
                    _ => continue,
                },
            };
            if self.submit(chain, address, &state, &delivery, out) {
                m.deliveries.remove(&address);
            }
        }
        Ok(progress)
    }
}
