//! The coalition story: intents that ask for two skills no single agent has are won by
//! coalitions of a lead with one skill and a partner with the other. "mirage" (the lead and a
//! partner that goes silent on its first part) asks less and wins both; on the job whose part
//! is never done the keeper fails mirage over at the deadline, slashing only the silent
//! partner, and "atlas" (the lead and a reliable partner) wins the job again and delivers. The
//! lead bids for both coalitions and submits each result once every part is marked done; the
//! requesters' acceptance pays the members by their shares. At the end the lead dissolves both.
use std::path::Path;

use agx_sdk::agent::SaltStore;
use agx_sdk::chain::Chain;
use agx_sdk::exchange::CoalitionMemberArgs;
use agx_sdk::{pda, Pubkey};
use anyhow::{Context, Result};
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::cast::{self, Persona};
use super::{demo_strategy, start_runner, story_registration, AgentSeeds, Runner};
use agx_sdk::sandbox as market;

/// Stake each member puts at risk for a coalition's job (atoms of the stake mint): together
/// above the intents' minimum stake, alone below it.
const CONTRIBUTION: u64 = 300_000;
/// The lead's profit share; the partner has the rest.
const LEAD_SHARE_BPS: u16 = 6_000;

/// A coalition in the summary.
pub struct CoalitionLine {
    pub name: String,
    pub address: Pubkey,
    /// Each member's name and profit share (bps).
    pub members: Vec<(String, u16)>,
}

pub struct CoalitionStory {
    /// The lead, the reliable partner, the flaky one.
    pub runners: Vec<Runner>,
    pub personas: [Persona; 3],
    pub coalitions: Vec<CoalitionLine>,
    /// The lead's authority: it dissolves the coalitions at the end.
    lead: Keypair,
}

/// Registers the story's agents (keys and seeds from `keys`, from `seeds_from` on), forms both
/// coalitions (each partner signs its terms) and starts the runners: the lead's bids for both,
/// each partner works its part of its coalition's jobs.
pub fn start(
    chain: &dyn Chain,
    authority: &Keypair,
    m: &market::Market,
    keys: &market::Keys,
    seeds_from: usize,
    state_dir: &Path,
) -> Result<CoalitionStory> {
    let personas = cast::coalition_personas();
    let signers: [Keypair; 3] = [0, 1, 2].map(|i| keys.get("coalition-agent", i));
    let agents: Vec<Pubkey> = signers.iter().map(|k| pda::agent(&k.pubkey()).0).collect();
    let mut runners = Vec::new();
    for (i, (persona, key)) in personas.iter().zip(&signers).enumerate() {
        let registration = story_registration(chain, authority, m, persona, key)?;
        let store = SaltStore::open(state_dir.join(format!("{}.salts.json", persona.name)))?;
        let seeds = AgentSeeds::of(keys, seeds_from + i);
        let key = key.insecure_clone();
        runners.push(start_runner(chain, seeds, persona, false, key, m.stake, registration, store)?);
    }
    let [mut lead_runner, partner, flaky]: [Runner; 3] =
        runners.try_into().map_err(|_| anyhow::anyhow!("three runners"))?;
    let mut partners = [partner, flaky].map(Some);
    let mut coalitions = Vec::new();
    for (id, offer) in cast::coalition_offers().into_iter().enumerate() {
        let partner = id + 1;
        let member = |agent: Pubkey, share_bps: u16, position: u8, role: &str| CoalitionMemberArgs {
            agent,
            share_bps,
            contribution: CONTRIBUTION,
            role_hash: agx_core::commitment::sha256(role.as_bytes()),
            position,
        };
        let members = vec![
            member(agents[0], LEAD_SHARE_BPS, 0, "audio"),
            member(agents[partner], 10_000 - LEAD_SHARE_BPS, 1, "web"),
        ];
        let address = agx_sdk::coalition::create(chain, &signers[0], agents[0], id as u64, members.clone())
            .with_context(|| format!("coalition_create ({})", offer.name))?;
        agx_sdk::coalition::accept(chain, &signers[partner], &address, agents[partner], Some(&members))
            .with_context(|| format!("coalition_accept ({})", offer.name))?;
        let noise = AgentSeeds::of(keys, seeds_from + 3 + id).noise;
        lead_runner = lead_runner.leading(address, demo_strategy(&offer, noise, false));
        partners[id] = partners[id].take().map(|r| r.with_part_in(address));
        coalitions.push(CoalitionLine {
            name: offer.name.clone(),
            address,
            members: vec![
                (personas[0].name.clone(), LEAD_SHARE_BPS),
                (personas[partner].name.clone(), 10_000 - LEAD_SHARE_BPS),
            ],
        });
    }
    let mut runners = vec![lead_runner];
    runners.extend(partners.into_iter().flatten());
    let [lead, ..] = signers;
    Ok(CoalitionStory { runners, personas, coalitions, lead })
}

impl CoalitionStory {
    /// Dissolves both coalitions (every job ended and every bid closed); their rent goes back
    /// to the lead.
    pub fn dissolve(&self, chain: &dyn Chain) -> Result<()> {
        for c in &self.coalitions {
            if chain.exists(&c.address)? {
                agx_sdk::coalition::dissolve(chain, &self.lead, &c.address)
                    .with_context(|| format!("coalition_dissolve ({})", c.name))?;
            }
        }
        Ok(())
    }

    /// Whether both coalitions may dissolve: neither holds a bid or a job.
    pub fn idle(&self, chain: &dyn Chain) -> Result<bool> {
        for c in &self.coalitions {
            if let Some(state) = agx_sdk::coalition::read(chain, &c.address)? {
                if state.open_bids > 0 {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}
