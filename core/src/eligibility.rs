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

/// May the agent of a ranked bid still hold the job at settlement?
pub fn may_hold_job(agent: &Standing, intent: &Requirements) -> bool {
    agent.active && agent.free_stake >= intent.min_stake
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: Requirements = Requirements { capabilities: 0b101, min_stake: 100, min_reputation: 2_000 };
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
