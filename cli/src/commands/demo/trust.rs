//! Two trust stories the demo watches each slot (issue 25): the agent's right of reply (an agent
//! rated well below what it delivered, within its promise, contests the rating with a bond; the
//! judge corrects it when the job was at least half delivered, upholds it otherwise) and stalled progress (a winner whose
//! heartbeats keep reporting the same progress is flagged, with the keeper's rule,
//! `agx_keeper::stalls`).
use std::collections::{BTreeMap, BTreeSet};

use agx_keeper::stalls::{Change, Stalls, DEFAULT_STALL_HEARTBEATS};
use agx_sdk::agent_registry::state::AgentView;
use agx_sdk::chain::Chain;
use agx_sdk::exchange::state::{IntentStatus, ReplyState};
use agx_sdk::reply::{self, Question};
use agx_sdk::{discover, Pubkey};
use anyhow::{Context, Result};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::observe::Tracked;

/// The judge corrects a contested rating when the job was delivered at least this far, bps.
const CORRECTED_FROM_FULFILLED_BPS: u16 = 5_000;
/// An agent replies only when its claim is this far above its rating, bps (a bond for a point
/// or two is not worth it).
const REPLY_MARGIN_BPS: u16 = 1_000;

#[derive(Default)]
pub struct TrustStories {
    stalls: Option<Stalls>,
    /// Intents whose rating was contested, and how each reply ended (`Some(corrected)`).
    replies: BTreeMap<Pubkey, Option<bool>>,
    /// Intents flagged stalled at least once.
    stalled: BTreeSet<Pubkey>,
}

impl TrustStories {
    /// One slot: replies to contest, replies to decide, winners to flag.
    pub fn step(
        &mut self,
        chain: &dyn Chain,
        tracked: &[Tracked],
        agent_keys: &[&Keypair],
        arbitrator: &Keypair,
        names: &BTreeMap<Pubkey, String>,
        slot: u64,
    ) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        let stalls = self.stalls.get_or_insert_with(|| Stalls::new(DEFAULT_STALL_HEARTBEATS));
        for t in tracked.iter().filter(|t| !t.closed) {
            let Some(state) = t.last else { continue };
            let name = names.get(&state.winner_agent).cloned().unwrap_or_default();
            match (state.status(), reply::state_of(&state)) {
                (Ok(IntentStatus::Awarded), _) => {
                    let view = chain.account(&state.winner_agent)?.and_then(|a| AgentView::read(&a.data));
                    let Some(view) = view else { continue };
                    match stalls.observe(state.winner_agent, view.stalled_beats, view.progress_bps) {
                        Some(Change::Stalled(s)) => {
                            self.stalled.insert(t.address);
                            lines.push(format!(
                                "slot {slot:>4}  {}  stalled: {name} reported {}% for {} heartbeats in a row",
                                t.label(),
                                s.progress_bps / 100,
                                s.beats
                            ));
                        }
                        Some(Change::Moving(_)) => {
                            lines.push(format!("slot {slot:>4}  {}  {name} is moving again", t.label()))
                        }
                        None => {}
                    }
                }
                (Ok(IntentStatus::Completed), ReplyState::Open) if !self.replies.contains_key(&t.address) => {
                    // The agent claims the share it delivered, up to its promise.
                    let claim = state.promised_bps.min(state.fulfilled_bps);
                    let Some(key) = agent_keys.iter().find(|k| k.pubkey() == state.winner_authority) else {
                        continue;
                    };
                    if claim < state.rating_bps.saturating_add(REPLY_MARGIN_BPS) {
                        continue;
                    }
                    let bond = reply::contest(chain, key, &t.address, claim).context("rating_contest")?;
                    self.replies.insert(t.address, None);
                    lines.push(format!(
                        "slot {slot:>4}  {}  {name} replied to its {}% rating, claiming {}% (bond {bond} lamports)",
                        t.label(),
                        state.rating_bps / 100,
                        claim / 100
                    ));
                }
                (Ok(IntentStatus::Completed), ReplyState::Contested) => {
                    // Read only when a reply waits: the config is the judges' windows.
                    let config = discover::exchange_config(chain)?;
                    if reply::judge_of(&state, &config, Question::Reply, slot) != Some(arbitrator.pubkey()) {
                        continue;
                    }
                    let corrected = state.fulfilled_bps >= CORRECTED_FROM_FULFILLED_BPS;
                    let rating = if corrected { state.claimed_rating_bps } else { state.rating_bps };
                    reply::resolve(chain, arbitrator, &t.address, rating).context("rating_resolve")?;
                    self.replies.insert(t.address, Some(corrected));
                    let how = if corrected {
                        "corrected: the bond back to the agent"
                    } else {
                        "upheld: the bond to the requester"
                    };
                    lines.push(format!(
                        "slot {slot:>4}  {}  arbitrated the reply: {}% {how}",
                        t.label(),
                        rating / 100
                    ));
                }
                _ => {}
            }
        }
        Ok(lines)
    }

    /// The stories for the summary.
    pub fn json(&self) -> serde_json::Value {
        let ended = |corrected: bool| self.replies.values().filter(|r| **r == Some(corrected)).count();
        json!({
            "replies_contested": self.replies.len(),
            "replies_corrected": ended(true),
            "replies_upheld": ended(false),
            "stalled_flags": self.stalled.len(),
        })
    }
}
