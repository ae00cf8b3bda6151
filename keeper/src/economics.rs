//! Whether a crank pays for itself, and the priority fee to bid.
//!
//! A crank earns the intent's tip (`tip_per_crank` lamports while the pool lasts) and, for a
//! failover, a share of the slash in the stake mint. It costs the base fee per signature plus the
//! priority fee (`price × compute-unit limit`), and rent when it must create the requester's
//! stake-mint account. The keeper sends it when what it pays covers the cost, or when the operator
//! cranks regardless (`--crank-unprofitable`). A stake-mint reward is worth lamports only at a
//! price the operator sets (`--stake-reward-price`, lamports per 1,000,000 atoms): the keeper
//! cannot know what a stake atom is worth, and a 50-atom reward must not justify any fee.
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

/// What `payoff` is worth in lamports: the tip, plus the reward at `reward_price` lamports per
/// 1,000,000 stake-mint atoms (`None`: the reward counts for nothing).
pub fn payoff_lamports(payoff: Payoff, reward_price: Option<u64>) -> u64 {
    let reward = reward_price.map_or(0, |price| {
        let lamports = u128::from(payoff.reward_atoms).saturating_mul(u128::from(price)) / 1_000_000;
        u64::try_from(lamports).unwrap_or(u64::MAX)
    });
    payoff.tip_lamports.saturating_add(reward)
}

/// Whether to send.
pub fn worth_sending(
    payoff: Payoff,
    cost: Cost,
    crank_unprofitable: bool,
    reward_price: Option<u64>,
) -> bool {
    crank_unprofitable || payoff_lamports(payoff, reward_price) >= cost.lamports()
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

    /// The review's case: a 50-atom failover reward was sent whatever it cost. Now a reward is
    /// worth what the operator's price says, and nothing without one.
    #[test]
    fn a_stake_reward_is_worth_lamports_only_at_the_operators_price() {
        let cost = Cost {
            signatures: 1,
            compute_unit_limit: 200_000,
            micro_lamports_per_cu: 100_000,
            rent_lamports: 0,
        };
        assert_eq!(cost.lamports(), 25_000);
        let reward_only = Payoff { tip_lamports: 0, reward_atoms: 50 };
        assert!(!worth_sending(reward_only, cost, false, None));
        assert_eq!(payoff_lamports(reward_only, Some(1_000_000)), 50, "1 lamport an atom");
        assert!(!worth_sending(reward_only, cost, false, Some(1_000_000)));
        assert!(worth_sending(reward_only, cost, false, Some(500_000_000)), "500 lamports an atom: 25,000");
        let both = Payoff { tip_lamports: 20_000, reward_atoms: 50 };
        assert!(!worth_sending(both, cost, false, None));
        assert!(worth_sending(both, cost, false, Some(100_000_000)), "20,000 + 5,000");
        assert!(worth_sending(reward_only, cost, true, None), "--crank-unprofitable sends anyway");
        assert_eq!(
            payoff_lamports(Payoff { tip_lamports: 1, reward_atoms: u64::MAX }, Some(u64::MAX)),
            u64::MAX
        );
    }

    #[test]
    fn a_crank_is_sent_when_its_tip_covers_fee_and_priority_fee() {
        let cost = Cost {
            signatures: 1,
            compute_unit_limit: 40_000,
            micro_lamports_per_cu: 100_000,
            rent_lamports: 0,
        };
        assert_eq!(cost.lamports(), 5_000 + 4_000);
        assert!(worth_sending(Payoff { tip_lamports: 9_000, reward_atoms: 0 }, cost, false, None));
        assert!(!worth_sending(Payoff { tip_lamports: 8_999, reward_atoms: 0 }, cost, false, None));
        assert!(
            worth_sending(Payoff { tip_lamports: 0, reward_atoms: 0 }, cost, true, None),
            "operator's choice"
        );
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
