//! The demo's agents: each has skills, a price level, a quality, a speed and a stake; one goes
//! silent on its first job, one delivers its first job only in part. Their strategy and worker
//! are the SDK's traits, as an agent developer would write them.
use agx_sdk::accounts::Intent;
use agx_sdk::agent::{Delivery, Job, LotOutcome, Planner, Quote, Recovery, Strategy, Work, Worker};
use agx_sdk::requester::Want;
use agx_sdk::Pubkey;

/// Capability bits the demo's intents ask for.
pub const SKILLS: [(&str, u64); 4] = {
    use agx_sdk::capabilities::NAMES;
    [(NAMES[0], 1), (NAMES[1], 2), (NAMES[2], 4), (NAMES[3], 8)]
};

/// How an agent behaves once it holds a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Reliable,
    /// Stops answering (no heartbeat, no result) on its first job; fine afterwards.
    SilentOnFirstJob,
    /// Delivers 60% of its first job; fine afterwards.
    PartialOnFirstJob,
}

#[derive(Clone, Debug)]
pub struct Persona {
    pub name: String,
    pub capabilities: u64,
    /// Its ask as a share of the intent's maximum price, bps.
    pub price_bps: u64,
    pub quality_bps: u16,
    /// Slots it promises (and takes twice over to do the work, within the promise).
    pub latency: u64,
    pub stake: u64,
    pub behaviour: Behaviour,
}

/// `count` personas, varied by `entropy` (from the seed).
pub fn personas(count: usize, entropy: impl Fn(u64) -> [u8; 32]) -> Vec<Persona> {
    (0..count)
        .map(|i| {
            let e = entropy(i as u64);
            let skill = i % SKILLS.len();
            let capabilities = SKILLS[skill].1 | SKILLS[(skill + 1) % SKILLS.len()].1;
            let behaviour = match i {
                0 => Behaviour::SilentOnFirstJob,
                1 => Behaviour::PartialOnFirstJob,
                _ => Behaviour::Reliable,
            };
            // The silent and the partial agents are cheap, so that they win early.
            let price_bps = match behaviour {
                Behaviour::Reliable => 5_000 + u64::from(e[0]) * 4_000 / 255,
                _ => 3_000 + u64::from(e[0]) * 500 / 255,
            };
            Persona {
                name: format!("agent-{i:02}-{}", SKILLS[skill].0),
                capabilities,
                price_bps,
                quality_bps: 6_000 + u16::from(e[1]) * 15,
                latency: 6 + u64::from(e[2]) % 20,
                stake: 1_000_000 * (1 + u64::from(e[3]) % 5),
                behaviour,
            }
        })
        .collect()
}

/// Quotes its level with a little noise per intent, when the intent allows its latency.
pub struct DemoStrategy {
    pub persona: Persona,
    pub entropy: Box<dyn Fn(&Pubkey) -> u8 + Send>,
}

impl Strategy for DemoStrategy {
    fn quote(&mut self, address: &Pubkey, intent: &Intent) -> Option<Quote> {
        if self.persona.latency > intent.max_latency {
            return None;
        }
        // +-5% around its level.
        let noise = u64::from((self.entropy)(address)) * 1_000 / 255;
        let bps = (self.persona.price_bps + noise).saturating_sub(500).clamp(1, 10_000);
        let price = intent.max_price.checked_mul(bps)? / 10_000;
        Some(Quote {
            price: price.max(1),
            quality_bps: self.persona.quality_bps,
            latency: self.persona.latency,
            plan_hash: sha256(self.persona.name.as_bytes()),
        })
    }
}

/// Works for half its promised latency, reporting progress; see [`Behaviour`].
pub struct DemoWorker {
    pub behaviour: Behaviour,
    pub latency: u64,
    /// Jobs seen, in order.
    pub jobs: Vec<Pubkey>,
}

impl Worker for DemoWorker {
    fn work(&mut self, job: &Job, slot: u64) -> Work {
        if !self.jobs.contains(&job.intent) {
            self.jobs.push(job.intent);
        }
        let first = self.jobs.first() == Some(&job.intent);
        if first && self.behaviour == Behaviour::SilentOnFirstJob {
            return Work::Silent;
        }
        let needed = (self.latency / 2).max(2);
        let done = slot.saturating_sub(job.started_slot);
        if done < needed {
            return Work::InProgress {
                progress_bps: u16::try_from(done * 10_000 / needed).unwrap_or(10_000),
            };
        }
        let fulfilled_bps =
            if first && self.behaviour == Behaviour::PartialOnFirstJob { 6_000 } else { 10_000 };
        let result_hash = sha256(&job.intent.to_bytes());
        Work::Done(Delivery {
            result_hash,
            result_uri: format!("https://results.example/{}", job.intent),
            fulfilled_bps,
        })
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    agx_core::commitment::sha256(bytes)
}

/// The capability a coordinated job asks for, and the one its lots ask for: held only by the
/// coordinator, and by the two lot specialists.
pub const COORDINATION: (&str, u64) = (agx_sdk::capabilities::NAMES[4], 1 << 4);
pub const LOT_WORK: (&str, u64) = (agx_sdk::capabilities::NAMES[5], 1 << 5);

/// The coordinator and the two lot specialists: the cheaper specialist goes silent on its first
/// lot, which is failed over to the other.
pub fn story_personas() -> [Persona; 3] {
    let persona = |name: &str, capabilities, price_bps, quality_bps, latency, behaviour| Persona {
        name: name.into(),
        capabilities,
        price_bps,
        quality_bps,
        latency,
        stake: 2_000_000,
        behaviour,
    };
    [
        persona("coordinator-data", COORDINATION.1, 8_000, 9_000, 150, Behaviour::Reliable),
        persona("specialist-quick", LOT_WORK.1, 3_000, 9_000, 8, Behaviour::SilentOnFirstJob),
        persona("specialist-steady", LOT_WORK.1, 6_000, 8_000, 12, Behaviour::Reliable),
    ]
}

/// A strategy that quotes only intents asking for one of `mask`'s capabilities, and intents
/// open to all when `open_to_all` (the story's agents stay out of the plain market).
pub struct OnlyFor<S> {
    pub mask: u64,
    pub open_to_all: bool,
    pub inner: S,
}

impl<S: Strategy> Strategy for OnlyFor<S> {
    fn quote(&mut self, address: &Pubkey, intent: &Intent) -> Option<Quote> {
        let required = intent.required_capabilities;
        let wanted = required & self.mask != 0 || (self.open_to_all && required == 0);
        wanted.then(|| self.inner.quote(address, intent)).flatten()
    }
}

/// The coordinator's judgement: a job is two lots of lot work, each up to `lot_price`; a lot
/// that fails for good is absorbed (the job is delivered in part, paid pro rata).
pub struct DemoPlanner {
    pub lot_price: u64,
    pub min_stake: u64,
}

impl Planner for DemoPlanner {
    fn split(&mut self, job: &Job, _slot: u64) -> Vec<Want> {
        (0..2u8)
            .map(|i| Want {
                capabilities: LOT_WORK.1,
                max_price: self.lot_price,
                max_latency: 40,
                kind: agx_sdk::exchange::state::AuctionKind::Continuous,
                min_stake: self.min_stake,
                context_uri: format!("https://intents.example/{}/lot-{i}.json", job.intent),
                context_hash: sha256(&[job.intent.to_bytes().as_slice(), &[i]].concat()),
            })
            .collect()
    }

    fn recover(&mut self, _job: &Job, _failed: &Intent, _slot: u64) -> Recovery {
        Recovery::Absorb
    }

    fn combine(&mut self, job: &Job, lots: &[LotOutcome]) -> Delivery {
        let mut hashes = job.intent.to_bytes().to_vec();
        let mut delivered = 0u64;
        for lot in lots {
            if let LotOutcome::Delivered { result_hash, .. } = lot {
                hashes.extend_from_slice(result_hash);
                delivered += 1;
            }
        }
        let fulfilled = (delivered * 10_000).checked_div(lots.len() as u64).unwrap_or(10_000);
        Delivery {
            result_hash: sha256(&hashes),
            result_uri: format!("https://results.example/{}", job.intent),
            fulfilled_bps: u16::try_from(fulfilled).unwrap_or(10_000).max(1),
        }
    }
}

/// The skills the coalition story's intents ask for together: no single agent of the demo holds
/// both.
pub const AUDIO: (&str, u64) = (agx_sdk::capabilities::NAMES[6], 1 << 6);
pub const WEB: (&str, u64) = (agx_sdk::capabilities::NAMES[7], 1 << 7);

/// The coalition story's agents: a lead with one skill and two partners with the other; the
/// second partner goes silent on its first part. They bid only as coalitions.
pub fn coalition_personas() -> [Persona; 3] {
    let persona = |name: &str, capabilities, behaviour| Persona {
        name: name.into(),
        capabilities,
        price_bps: 10_000,
        quality_bps: 9_000,
        latency: 10,
        stake: 2_000_000,
        behaviour,
    };
    [
        persona("lead-audio", AUDIO.1, Behaviour::Reliable),
        persona("partner-web", WEB.1, Behaviour::Reliable),
        persona("partner-web-flaky", WEB.1, Behaviour::SilentOnFirstJob),
    ]
}

/// What each coalition offers (a [`DemoStrategy`] persona each): "atlas" (the lead and the
/// reliable partner) and "mirage" (the lead and the flaky partner), which asks less and so wins
/// first.
pub fn coalition_offers() -> [Persona; 2] {
    let offer = |name: &str, price_bps| Persona {
        name: name.into(),
        capabilities: AUDIO.1 | WEB.1,
        price_bps,
        quality_bps: 9_000,
        latency: 16,
        stake: 0,
        behaviour: Behaviour::Reliable,
    };
    [offer("atlas", 7_000), offer("mirage", 5_000)]
}

/// The probation story's skill: held only by the newcomer.
pub const VISION: (&str, u64) = ("bit8", 1 << 8);

/// A newcomer with a skill nobody else has, registered with no record: the intent asking for it
/// wants a minimum reputation the newcomer does not have, and it bids on probation.
pub fn newcomer_persona() -> Persona {
    Persona {
        name: "newcomer-vision".into(),
        capabilities: VISION.1,
        price_bps: 6_000,
        quality_bps: 8_500,
        latency: 10,
        stake: 2_000_000,
        behaviour: Behaviour::Reliable,
    }
}
