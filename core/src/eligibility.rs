//! Who may bid on an intent, and who may still hold its job at settlement.
//!
//! - To bid (commit, reveal, place): the agent is active, has every capability the intent
//!   requires, free stake of at least `min_stake` and reputation of at least `min_reputation`.
//! - To hold the job at settlement (as the winner, or as the Vickrey standby whose stake is
//!   locked too): still active, with free stake of at least `min_stake`. Capabilities and
//!   reputation were checked when the bid was placed and revealed.
//!
//! The program, the SDK (to pick bids worth sending) and the keeper (to pick failover
//! candidates) apply these same rules.

/// What the registry says about an agent, as far as bidding is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub active: bool,
    /// Capability bitmask.
    pub capabilities: u64,
    /// Stake neither locked nor unstaking, atoms of the stake mint.
    pub free_stake: u64,
    /// bps.
    pub reputation: u16,
}

/// What an intent asks of its bidders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirements {
    /// Every bit must be set in the agent's capabilities.
    pub capabilities: u64,
    /// Atoms of the stake mint; locked on award.
    pub min_stake: u64,
    /// bps.
    pub min_reputation: u16,
}

/// The rule an agent breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ineligible {
    Inactive,
    CapabilitiesMissing,
    StakeTooLow,
    ReputationTooLow,
}

/// Does an agent with `capabilities` have every capability in `required`?
pub fn has_capabilities(capabilities: u64, required: u64) -> bool {
    capabilities & required == required
}

/// May the agent bid? The first rule it breaks, in the order above.
pub fn may_bid(agent: &Standing, intent: &Requirements) -> Result<(), Ineligible> {
    if !agent.active {
        return Err(Ineligible::Inactive);
    }
    if !has_capabilities(agent.capabilities, intent.capabilities) {
        return Err(Ineligible::CapabilitiesMissing);
    }
    if agent.free_stake < intent.min_stake {
        return Err(Ineligible::StakeTooLow);
    }
    if agent.reputation < intent.min_reputation {
        return Err(Ineligible::ReputationTooLow);
    }
    Ok(())
}

/// Probation (issue 25): while an agent is a newcomer (fewer than `max_completed` completed
/// jobs, no failure, no slash), an intent's minimum reputation does not shut it out for ever: it
/// may bid with `bond_multiplier` times the intent's bid bond instead. A multiplier of 0 turns
/// probation off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Probation {
    pub bond_multiplier: u16,
    pub max_completed: u16,
}

/// An agent's track record, as probation reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Track {
    pub completed: u32,
    pub failed: u32,
    pub slashed: u32,
}

impl Probation {
    /// Is an agent with `track` a newcomer that probation admits?
    pub fn admits(&self, track: &Track) -> bool {
        self.bond_multiplier > 0
            && track.failed == 0
            && track.slashed == 0
            && track.completed < u32::from(self.max_completed)
    }
}

/// The bond (lamports) an agent with `agent` standing and `track` record deposits to bid on an
/// intent asking `intent` with bid bond `bond`: `bond` when [`may_bid`] admits it; `bond` times
/// the multiplier when only its reputation falls short and probation admits it; the broken rule
/// otherwise (`ReputationTooLow` also when the probation bond would overflow).
pub fn bid_bond(
    agent: &Standing,
    track: &Track,
    intent: &Requirements,
    bond: u64,
    probation: &Probation,
) -> Result<u64, Ineligible> {
    match may_bid(agent, intent) {
        Ok(()) => Ok(bond),
        Err(Ineligible::ReputationTooLow) if probation.admits(track) => {
            bond.checked_mul(u64::from(probation.bond_multiplier)).ok_or(Ineligible::ReputationTooLow)
        }
        Err(rule) => Err(rule),
    }
}

/// May the agent of a ranked bid still hold the job at settlement?
pub fn may_hold_job(agent: &Standing, intent: &Requirements) -> bool {
    agent.active && agent.free_stake >= intent.min_stake
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    use super::*;

    const REQ: Requirements = Requirements { capabilities: 0b101, min_stake: 100, min_reputation: 2_000 };
    const ON: Probation = Probation { bond_multiplier: 5, max_completed: 3 };

    proptest::proptest! {
        #[test]
        fn probation_waives_only_the_reputation_minimum_and_never_lowers_the_bond(
            active: bool, caps in 0u64..16, stake in 0u64..200, rep in 0u16..=10_000,
            completed in 0u32..5, failed in 0u32..2, slashed in 0u32..2,
            multiplier in 0u16..10, max_completed in 0u16..5, bond in 0u64..1_000_000,
        ) {
            let agent = Standing { active, capabilities: caps, free_stake: stake, reputation: rep };
            let track = Track { completed, failed, slashed };
            let probation = Probation { bond_multiplier: multiplier, max_completed };
            let strict = may_bid(&agent, &REQ);
            match bid_bond(&agent, &track, &REQ, bond, &probation) {
                Ok(paid) if strict.is_ok() => proptest::prop_assert_eq!(paid, bond),
                Ok(paid) => {
                    proptest::prop_assert_eq!(strict, Err(Ineligible::ReputationTooLow));
                    proptest::prop_assert!(probation.admits(&track) && paid == bond * u64::from(multiplier));
                }
                Err(rule) => proptest::prop_assert_eq!(Err(rule), strict),
            }
        }
    }

    #[test]
    fn a_newcomer_below_the_minimum_bids_on_probation_with_the_larger_bond() {
        let low = Standing { reputation: 1_999, ..OK };
        let new = Track::default();
        assert_eq!(bid_bond(&OK, &new, &REQ, 10, &ON), Ok(10), "in its own standing: the intent's bond");
        assert_eq!(bid_bond(&low, &new, &REQ, 10, &ON), Ok(50));
        assert_eq!(bid_bond(&low, &Track { completed: 2, ..new }, &REQ, 10, &ON), Ok(50));
        // Not a newcomer any more, or with a failure: the minimum holds.
        for track in [Track { completed: 3, ..new }, Track { failed: 1, ..new }, Track { slashed: 1, ..new }]
        {
            assert_eq!(bid_bond(&low, &track, &REQ, 10, &ON), Err(Ineligible::ReputationTooLow));
        }
        let off = Probation { bond_multiplier: 0, ..ON };
        assert_eq!(bid_bond(&low, &new, &REQ, 10, &off), Err(Ineligible::ReputationTooLow));
        // Probation waives the reputation minimum only.
        let no_stake = Standing { free_stake: 99, ..low };
        assert_eq!(bid_bond(&no_stake, &new, &REQ, 10, &ON), Err(Ineligible::StakeTooLow));
        assert_eq!(bid_bond(&low, &new, &REQ, u64::MAX, &ON), Err(Ineligible::ReputationTooLow));
    }
    const OK: Standing = Standing { active: true, capabilities: 0b111, free_stake: 100, reputation: 2_000 };

    #[test]
    fn each_rule_has_its_reason() {
        assert_eq!(may_bid(&OK, &REQ), Ok(()));
        assert_eq!(may_bid(&Standing { active: false, ..OK }, &REQ), Err(Ineligible::Inactive));
        assert_eq!(
            may_bid(&Standing { capabilities: 0b011, ..OK }, &REQ),
            Err(Ineligible::CapabilitiesMissing)
        );
        assert_eq!(may_bid(&Standing { free_stake: 99, ..OK }, &REQ), Err(Ineligible::StakeTooLow));
        assert_eq!(may_bid(&Standing { reputation: 1_999, ..OK }, &REQ), Err(Ineligible::ReputationTooLow));
    }

    #[test]
    fn holding_the_job_needs_activity_and_free_stake_only() {
        assert!(may_hold_job(&Standing { reputation: 0, capabilities: 0, ..OK }, &REQ));
        assert!(!may_hold_job(&Standing { free_stake: 99, ..OK }, &REQ));
        assert!(!may_hold_job(&Standing { active: false, ..OK }, &REQ));
    }
}
