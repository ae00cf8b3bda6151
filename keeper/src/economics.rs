//! Whether a crank pays for itself, and the priority fee to bid.
//!
//! A crank earns the intent's tip (`tip_per_crank` lamports while the pool lasts) and, for a
//! failover, a share of the slash in the stake mint. It costs the base fee per signature plus the
//! priority fee (`price × compute-unit limit`), and rent when it must create the requester's
//! stake-mint account. The keeper sends it when the tip covers the cost, or when it earns a stake
//! reward, or when the operator cranks regardless (`--crank-unprofitable`).
use agx_core::lifecycle::Crank;

/// Lamports per signature (the cluster's base fee).
pub const BASE_FEE_LAMPORTS: u64 = 5_000;

/// Compute-unit limit requested per crank: about twice what `bench/cu.json` measures, so a
/// longer leaderboard or an extra skipped candidate still fits.
pub fn compute_unit_limit(crank: Crank, candidates: usize, bids: usize) -> u32 {
    let units: u64 = match crank {
        Crank::Settle => 40_000,
        Crank::Finalize => 60_000,
        Crank::Close => 30_000,
        Crank::CloseBids => 10_000 + 40_000 * bids as u64,
        // Create-idempotent of the compensation account, then the failover with its candidates.
        Crank::Failover => 90_000 + 8_000 * candidates as u64,
    };
    units.min(1_400_000) as u32
}

/// What a crank is expected to pay the keeper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Payoff {
    pub tip_lamports: u64,
    /// Failover reward in stake-mint atoms (not convertible to lamports here).
    pub reward_atoms: u64,
}

/// What it costs to send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub signatures: u64,
    pub compute_unit_limit: u32,
    pub micro_lamports_per_cu: u64,
    pub rent_lamports: u64,
}

impl Cost {
    pub fn lamports(&self) -> u64 {
        let priority = (self.compute_unit_limit as u128)
            .saturating_mul(self.micro_lamports_per_cu as u128)
            .div_ceil(1_000_000);
        BASE_FEE_LAMPORTS
            .saturating_mul(self.signatures)
            .saturating_add(u64::try_from(priority).unwrap_or(u64::MAX))
            .saturating_add(self.rent_lamports)
    }
}

/// Whether to send.
pub fn worth_sending(payoff: Payoff, cost: Cost, crank_unprofitable: bool) -> bool {
    crank_unprofitable || payoff.reward_atoms > 0 || payoff.tip_lamports >= cost.lamports()
}

/// The priority fee to bid: the 75th percentile of the recent fees paid for the accounts the
/// crank writes (zeros included: an idle cluster needs none), capped by the operator.
pub fn priority_fee(mut recent: Vec<u64>, cap: u64) -> u64 {
    if recent.is_empty() {
        return 0;
    }
    recent.sort_unstable();
    let at = (recent.len() * 3).div_ceil(4).saturating_sub(1);
    recent[at].min(cap)
}

/// The failover reward the caller would earn: the caller's part of `agx_core::slash::split`, the
/// function the program slashes with (0 for settings that are not fractions).
pub fn failover_reward(hold: u64, slash_bps: u16, reward_bps: u16) -> u64 {
    agx_core::slash::split(hold, slash_bps, Some(reward_bps)).map_or(0, |slash| slash.reward)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crank_is_sent_when_its_tip_covers_fee_and_priority_fee() {
        let cost = Cost {
            signatures: 1,
            compute_unit_limit: 40_000,
            micro_lamports_per_cu: 100_000,
            rent_lamports: 0,
        };
        assert_eq!(cost.lamports(), 5_000 + 4_000);
        assert!(worth_sending(Payoff { tip_lamports: 9_000, reward_atoms: 0 }, cost, false));
        assert!(!worth_sending(Payoff { tip_lamports: 8_999, reward_atoms: 0 }, cost, false));
        assert!(worth_sending(Payoff { tip_lamports: 0, reward_atoms: 0 }, cost, true), "operator's choice");
        assert!(worth_sending(Payoff { tip_lamports: 0, reward_atoms: 1 }, cost, false), "a stake reward");
    }

    #[test]
    fn the_priority_fee_follows_recent_fees_under_the_cap() {
        assert_eq!(priority_fee(vec![], 1_000), 0);
        assert_eq!(priority_fee(vec![0, 0, 0, 0], 1_000), 0);
        assert_eq!(priority_fee(vec![40, 10, 30, 20], 1_000), 30);
        assert_eq!(priority_fee(vec![5_000; 8], 1_000), 1_000);
    }

    #[test]
    fn the_reward_is_the_programs_floor_of_a_floor() {
        // The test market: a 1,000-atom hold, half slashed, 10% of that to the caller.
        assert_eq!(failover_reward(1_000, 5_000, 1_000), 50);
        assert_eq!(failover_reward(99, 5_000, 1_000), 4);
        assert_eq!(failover_reward(u64::MAX, 10_000, 10_000), u64::MAX);
        assert_eq!(failover_reward(1_000, 10_001, 1_000), 0, "not a fraction");
    }
}
