//! Coalitions: several registry agents that bid, deliver, get paid and fail as one (seed 002).
//!
//! - Terms: 1..=[`MAX_MEMBERS`] members, the lead first; each with a profit share in bps (the
//!   shares sum to 10,000), a contribution of stake (atoms of the stake mint, locked on award),
//!   a role hash (its part of the plan) and a position in the execution sequence (the positions
//!   are `0..n`, each once). No agent appears twice.
//! - Every member signs the exact terms: [`terms_hash`] (layout below). Changed terms change the
//!   hash, so no earlier signature carries over.
//! - Eligibility ([`may_bid`]): every member is active and has free stake for its contribution;
//!   the union of the members' capabilities covers the intent's; the contributions together meet
//!   the intent's minimum stake; the coalition's reputation meets its minimum.
//! - Reputation ([`reputation`]): the contribution-weighted mean of the members' (rounded down;
//!   equal weights when nobody contributes), so a coalition never scores above its best member,
//!   nor below its worst.
//! - Payout ([`split_by_shares`]): each member gets its share of what the coalition is paid,
//!   rounded down; the rounding dust (less than one atom per member) goes to the lead.
//! - Failure ([`slash_failed`]): each member whose part was not done loses the failover share of
//!   its own contribution (pro rata to it); the members that did their part lose nothing.
//!
//! The terms hash preimage, `1 + 32 + 75 * n` bytes:
//!
//! | offset | bytes | field | encoding |
//! |---:|---:|---|---|
//! | 0 | 1 | member count `n` | u8 |
//! | 1 | 32 | coalition | account address (binds the hash to one coalition) |
//! | 33 + 75 i | 32 | agent | registry agent address of member `i` |
//! | 65 + 75 i | 2 | share | u16 little-endian, bps |
//! | 67 + 75 i | 8 | contribution | u64 little-endian, stake atoms |
//! | 75 + 75 i | 32 | role hash | sha256 of the member's part of the plan |
//! | 107 + 75 i | 1 | position | u8, place in the execution sequence |
use crate::commitment::Sha256;
use crate::eligibility::{Ineligible, Requirements, Standing};
use crate::error::{overflow, Error, Op, Quantity};
use crate::slash::Slash;
use crate::{Bps, TokenAtoms, BPS_DENOMINATOR};

/// The most members a coalition has (the lead included).
pub const MAX_MEMBERS: usize = 8;

/// Bytes of the terms preimage for one member.
pub const MEMBER_PREIMAGE_LEN: usize = 75;

/// Bytes of the longest terms preimage.
pub const MAX_PREIMAGE_LEN: usize = 33 + MEMBER_PREIMAGE_LEN * MAX_MEMBERS;

/// One member's terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemberTerms {
    /// Registry agent address.
    pub agent: [u8; 32],
    /// Profit share, bps.
    pub share_bps: u16,
    /// Stake atoms locked for the coalition's job on award.
    pub contribution: u64,
    /// sha256 of the member's part of the plan.
    pub role_hash: [u8; 32],
    /// Place in the execution sequence, `0..n`.
    pub position: u8,
}

/// The terms rule a list of members breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermsRule {
    /// 1..=8 members.
    MemberCount,
    /// The shares must sum to exactly 10,000 bps.
    SharesNot10000,
    /// An agent appears twice.
    MemberRepeated,
    /// The positions must be `0..n`, each once.
    PositionsNotASequence,
}

/// Checks `members` against the terms rules (module docs); the first rule broken.
pub fn check_terms(members: &[MemberTerms]) -> Result<(), TermsRule> {
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return Err(TermsRule::MemberCount);
    }
    let shares: u32 = members.iter().map(|m| u32::from(m.share_bps)).sum();
    if shares != u32::from(BPS_DENOMINATOR) {
        return Err(TermsRule::SharesNot10000);
    }
    for (i, member) in members.iter().enumerate() {
        if members.iter().skip(i.saturating_add(1)).any(|other| other.agent == member.agent) {
            return Err(TermsRule::MemberRepeated);
        }
    }
    // n distinct positions, each below n, are exactly 0..n.
    let mut seen = [false; MAX_MEMBERS];
    for member in members {
        let position = usize::from(member.position);
        match seen.get_mut(position) {
            Some(slot) if position < members.len() && !*slot => *slot = true,
            _ => return Err(TermsRule::PositionsNotASequence),
        }
    }
    Ok(())
}

/// The terms preimage of `members` for the coalition at `coalition` (layout in the module docs),
/// and its length.
pub fn terms_preimage(coalition: &[u8; 32], members: &[MemberTerms]) -> ([u8; MAX_PREIMAGE_LEN], usize) {
    let mut out = [0u8; MAX_PREIMAGE_LEN];
    let count = members.len().min(MAX_MEMBERS);
    out[0] = u8::try_from(count).unwrap_or(u8::MAX);
    out[1..33].copy_from_slice(coalition);
    let mut at = 33usize;
    for member in members.iter().take(MAX_MEMBERS) {
        let fields: [&[u8]; 5] = [
            &member.agent,
            &member.share_bps.to_le_bytes(),
            &member.contribution.to_le_bytes(),
            &member.role_hash,
            &[member.position],
        ];
        for field in fields {
            let end = at.saturating_add(field.len());
            out[at..end].copy_from_slice(field);
            at = end;
        }
    }
    (out, at)
}

/// What every member signs: sha256 of the terms preimage.
pub fn terms_hash<H: Sha256>(coalition: &[u8; 32], members: &[MemberTerms]) -> [u8; 32] {
    let (preimage, len) = terms_preimage(coalition, members);
    H::sha256(&preimage[..len])
}

/// A member as eligibility sees it: its standing in the registry and what it contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberStanding {
    pub standing: Standing,
    pub contribution: u64,
}

/// The rule a coalition breaks, and the member that breaks it (`None`: the coalition as a whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ineligibility {
    pub member: Option<u8>,
    pub rule: Ineligible,
}

fn whole(rule: Ineligible) -> Ineligibility {
    Ineligibility { member: None, rule }
}

/// The union of the members' capabilities.
pub fn capabilities(members: &[MemberStanding]) -> u64 {
    members.iter().fold(0, |all, m| all | m.standing.capabilities)
}

/// The sum of the members' contributions.
pub fn total_contribution(members: &[MemberStanding]) -> Result<u64, Error> {
    members
        .iter()
        .try_fold(0u64, |sum, m| sum.checked_add(m.contribution))
        .ok_or(overflow(Quantity::TokenAtoms, Op::Add))
}

/// The coalition's reputation: the contribution-weighted mean of the members', rounded down;
/// equal weights when no member contributes. `None` for no members.
pub fn reputation(members: &[MemberStanding]) -> Option<u16> {
    if members.is_empty() {
        return None;
    }
    let total: u128 = members.iter().map(|m| u128::from(m.contribution)).sum();
    let weight = |m: &MemberStanding| if total == 0 { 1 } else { u128::from(m.contribution) };
    let weights: u128 = members.iter().map(weight).sum();
    let weighted: u128 =
        members.iter().map(|m| weight(m).saturating_mul(u128::from(m.standing.reputation))).sum();
    // A weighted mean of u16 values is a u16.
    weighted.checked_div(weights).and_then(|mean| u16::try_from(mean).ok())
}

/// May the coalition of `members` bid on an intent with `intent`'s requirements? Its reputation
/// if so; otherwise the first rule broken: member by member (active, free stake for its
/// contribution), then the coalition's capabilities, total contribution and reputation.
pub fn may_bid(members: &[MemberStanding], intent: &Requirements) -> Result<u16, Ineligibility> {
    each_member_may_hold(members)?;
    if !crate::eligibility::has_capabilities(capabilities(members), intent.capabilities) {
        return Err(whole(Ineligible::CapabilitiesMissing));
    }
    contributions_meet(members, intent)?;
    let reputation = reputation(members).ok_or(whole(Ineligible::Inactive))?;
    if reputation < intent.min_reputation {
        return Err(whole(Ineligible::ReputationTooLow));
    }
    Ok(reputation)
}

/// May the coalition still hold the job at settlement? Every member active with free stake for
/// its contribution, and the contributions meeting the minimum stake (capabilities and
/// reputation were checked with the bid).
pub fn may_hold(members: &[MemberStanding], intent: &Requirements) -> Result<(), Ineligibility> {
    each_member_may_hold(members)?;
    contributions_meet(members, intent)
}

/// 1..=8 members, each active with free stake for its contribution.
fn each_member_may_hold(members: &[MemberStanding]) -> Result<(), Ineligibility> {
    if members.is_empty() || members.len() > MAX_MEMBERS {
        return Err(whole(Ineligible::Inactive));
    }
    for (i, m) in members.iter().enumerate() {
        let member = u8::try_from(i).ok();
        if !m.standing.active {
            return Err(Ineligibility { member, rule: Ineligible::Inactive });
        }
        if m.standing.free_stake < m.contribution {
            return Err(Ineligibility { member, rule: Ineligible::StakeTooLow });
        }
    }
    Ok(())
}

/// The contributions together meet the intent's minimum stake.
fn contributions_meet(members: &[MemberStanding], intent: &Requirements) -> Result<(), Ineligibility> {
    let total = total_contribution(members).map_err(|_| whole(Ineligible::StakeTooLow))?;
    if total < intent.min_stake {
        return Err(whole(Ineligible::StakeTooLow));
    }
    Ok(())
}

/// `amount` split by `shares_bps` (which must sum to 10,000): each member its share rounded
/// down, the dust to the lead (index 0). Entries past `shares_bps.len()` are 0.
pub fn split_by_shares(amount: u64, shares_bps: &[u16]) -> Result<[u64; MAX_MEMBERS], Error> {
    let sum: u32 = shares_bps.iter().map(|s| u32::from(*s)).sum();
    if shares_bps.is_empty() || shares_bps.len() > MAX_MEMBERS {
        return Err(overflow(Quantity::TokenAtoms, Op::Div));
    }
    if sum != u32::from(BPS_DENOMINATOR) {
        return Err(Error::WeightsSumNot10000 { sum });
    }
    let mut out = [0u64; MAX_MEMBERS];
    let mut paid = 0u64;
    for (slot, share) in out.iter_mut().zip(shares_bps) {
        *slot = TokenAtoms(amount).mul_bps_floor(Bps::new(*share)?)?.0;
        paid = paid.checked_add(*slot).ok_or(overflow(Quantity::TokenAtoms, Op::Add))?;
    }
    let dust = amount.checked_sub(paid).ok_or(overflow(Quantity::TokenAtoms, Op::Sub))?;
    out[0] = out[0].checked_add(dust).ok_or(overflow(Quantity::TokenAtoms, Op::Add))?;
    Ok(out)
}

/// `amount` in `n` equal parts (1..=8 members): split by equal shares in bps (the remainder of
/// 10,000 to the lead) as [`split_by_shares`] does, so the dust goes to the lead too. How a
/// failed coalition's job value is recorded on its members.
pub fn split_equally(amount: u64, n: usize) -> Result<[u64; MAX_MEMBERS], Error> {
    if n == 0 || n > MAX_MEMBERS {
        return Err(overflow(Quantity::TokenAtoms, Op::Div));
    }
    // n <= 8, so each share and the remainder fit in a u16.
    let n16 = u16::try_from(n).map_err(|_| overflow(Quantity::TokenAtoms, Op::Div))?;
    let each = BPS_DENOMINATOR.checked_div(n16).ok_or(overflow(Quantity::Bps, Op::Div))?;
    let rest = BPS_DENOMINATOR
        .checked_sub(each.checked_mul(n16).ok_or(overflow(Quantity::Bps, Op::Mul))?)
        .ok_or(overflow(Quantity::Bps, Op::Sub))?;
    let mut shares = [each; MAX_MEMBERS];
    shares[0] = each.checked_add(rest).ok_or(overflow(Quantity::Bps, Op::Add))?;
    split_by_shares(amount, &shares[..n])
}

/// The slash of each member of a failed job: `slash_bps` of its own contribution for each member
/// whose part was not `done` (of which `reward_bps` to the crank's caller, as
/// [`crate::slash::split`]), nothing for the others. Entries past `contributions.len()` are empty.
pub fn slash_failed(
    contributions: &[u64],
    done: &[bool],
    slash_bps: u16,
    reward_bps: Option<u16>,
) -> Result<[Slash; MAX_MEMBERS], Error> {
    if contributions.len() > MAX_MEMBERS || done.len() != contributions.len() {
        return Err(overflow(Quantity::TokenAtoms, Op::Mul));
    }
    let mut out = [Slash::default(); MAX_MEMBERS];
    for ((slot, contribution), done) in out.iter_mut().zip(contributions).zip(done) {
        if !done {
            *slot = crate::slash::split(*contribution, slash_bps, reward_bps)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)] // test arithmetic on bounded values
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    struct SoftwareSha256;
    impl Sha256 for SoftwareSha256 {
        fn sha256(data: &[u8]) -> [u8; 32] {
            use sha2::Digest as _;
            sha2::Sha256::digest(data).into()
        }
    }

    fn member(agent: u8, share_bps: u16, contribution: u64, position: u8) -> MemberTerms {
        MemberTerms { agent: [agent; 32], share_bps, contribution, role_hash: [agent; 32], position }
    }

    fn standing(capabilities: u64, free_stake: u64, reputation: u16, contribution: u64) -> MemberStanding {
        MemberStanding {
            standing: Standing { active: true, capabilities, free_stake, reputation },
            contribution,
        }
    }

    const NEEDS: Requirements = Requirements { capabilities: 0b11, min_stake: 100, min_reputation: 5_000 };

    #[test]
    fn terms_rules_each_with_its_own_error() {
        let good = [member(1, 6_000, 60, 1), member(2, 4_000, 40, 0)];
        assert_eq!(check_terms(&good), Ok(()));
        assert_eq!(check_terms(&[]), Err(TermsRule::MemberCount));
        let nine: [MemberTerms; 9] = core::array::from_fn(|i| member(i as u8, 0, 0, i as u8));
        assert_eq!(check_terms(&nine), Err(TermsRule::MemberCount));
        assert_eq!(
            check_terms(&[member(1, 6_000, 60, 0), member(2, 3_999, 40, 1)]),
            Err(TermsRule::SharesNot10000)
        );
        assert_eq!(
            check_terms(&[member(1, 6_000, 60, 0), member(1, 4_000, 40, 1)]),
            Err(TermsRule::MemberRepeated)
        );
        assert_eq!(
            check_terms(&[member(1, 6_000, 60, 0), member(2, 4_000, 40, 0)]),
            Err(TermsRule::PositionsNotASequence)
        );
        assert_eq!(
            check_terms(&[member(1, 6_000, 60, 0), member(2, 4_000, 40, 2)]),
            Err(TermsRule::PositionsNotASequence)
        );
    }

    #[test]
    fn the_preimage_follows_its_documented_layout() {
        let members = [member(1, 6_000, 60, 1), member(2, 4_000, 40, 0)];
        let (preimage, len) = terms_preimage(&[9; 32], &members);
        assert_eq!(len, 33 + 2 * MEMBER_PREIMAGE_LEN);
        assert_eq!(preimage[0], 2);
        assert_eq!(&preimage[1..33], &[9; 32]);
        assert_eq!(&preimage[33..65], &[1; 32]);
        assert_eq!(&preimage[65..67], &6_000u16.to_le_bytes());
        assert_eq!(&preimage[67..75], &60u64.to_le_bytes());
        assert_eq!(&preimage[75..107], &[1; 32]);
        assert_eq!(preimage[107], 1);
        assert_eq!(&preimage[108..140], &[2; 32]);
    }

    #[test]
    fn a_coalition_covers_what_no_member_does_alone() {
        let (a, b) = (standing(0b01, 100, 8_000, 60), standing(0b10, 100, 6_000, 40));
        // Neither covers 0b11 alone; together they do, with 100 contributed.
        assert_eq!(may_bid(&[a, b], &NEEDS), Ok(7_200));
        assert_eq!(may_bid(&[a], &NEEDS), Err(whole(Ineligible::CapabilitiesMissing)));
    }

    #[test]
    fn each_member_rule_names_the_member() {
        let (a, b) = (standing(0b01, 100, 8_000, 60), standing(0b10, 100, 6_000, 40));
        let inactive = MemberStanding { standing: Standing { active: false, ..b.standing }, ..b };
        assert_eq!(
            may_bid(&[a, inactive], &NEEDS),
            Err(Ineligibility { member: Some(1), rule: Ineligible::Inactive })
        );
        let short = standing(0b10, 39, 6_000, 40);
        assert_eq!(
            may_bid(&[a, short], &NEEDS),
            Err(Ineligibility { member: Some(1), rule: Ineligible::StakeTooLow })
        );
        let small = standing(0b10, 100, 6_000, 39);
        assert_eq!(may_bid(&[a, small], &NEEDS), Err(whole(Ineligible::StakeTooLow)));
        let weak = standing(0b10, 100, 100, 40);
        assert_eq!(may_bid(&[a, weak], &NEEDS), Err(whole(Ineligible::ReputationTooLow)));
        assert_eq!(may_bid(&[], &NEEDS), Err(whole(Ineligible::Inactive)));
    }

    #[test]
    fn without_contributions_members_weigh_the_same() {
        let (a, b) = (standing(0b01, 0, 8_000, 0), standing(0b10, 0, 6_001, 0));
        assert_eq!(reputation(&[a, b]), Some(7_000));
        assert_eq!(reputation(&[]), None);
    }

    #[test]
    fn dust_goes_to_the_lead() {
        let paid = split_by_shares(1_001, &[3_333, 3_333, 3_334]).unwrap();
        assert_eq!(&paid[..3], &[333 + 2, 333, 333]);
        assert!(split_by_shares(1, &[5_000, 4_999]).is_err());
        assert!(split_by_shares(1, &[]).is_err());
    }

    #[test]
    fn equal_parts_leave_the_dust_to_the_lead() {
        assert_eq!(&split_equally(1_000, 3).unwrap()[..3], &[334, 333, 333]);
        assert_eq!(split_equally(7, 1).unwrap()[0], 7);
        assert!(split_equally(1, 0).is_err() && split_equally(1, 9).is_err());
    }

    #[test]
    fn only_the_members_that_failed_are_slashed() {
        let slashes = slash_failed(&[600, 400], &[true, false], 5_000, Some(1_000)).unwrap();
        assert_eq!(slashes[0], Slash::default());
        assert_eq!(slashes[1], Slash { total: 200, compensation: 180, reward: 20 });
        assert!(slash_failed(&[600, 400], &[true], 5_000, None).is_err());
    }

    fn members_strategy() -> impl Strategy<Value = Vec<MemberStanding>> {
        prop::collection::vec(
            (any::<u64>(), 0u16..=10_000, any::<u64>(), any::<bool>()).prop_map(
                |(caps, rep, stake, active)| {
                    let contribution = stake / 8;
                    MemberStanding {
                        standing: Standing { active, capabilities: caps, free_stake: stake, reputation: rep },
                        contribution,
                    }
                },
            ),
            1..=MAX_MEMBERS,
        )
    }

    fn shares_strategy() -> impl Strategy<Value = Vec<u16>> {
        prop::collection::vec(0u16..=10_000, 1..=MAX_MEMBERS).prop_map(|mut raw| {
            // Scale to a sum of exactly 10,000, the remainder to the first.
            let sum: u32 = raw.iter().map(|s| u32::from(*s)).sum::<u32>().max(1);
            for s in raw.iter_mut() {
                *s = u16::try_from(u32::from(*s) * 10_000 / sum).unwrap();
            }
            let scaled: u32 = raw.iter().map(|s| u32::from(*s)).sum();
            raw[0] += u16::try_from(10_000 - scaled).unwrap();
            raw
        })
    }

    proptest! {
        #[test]
        fn reputation_lies_between_the_worst_and_the_best_member(members in members_strategy()) {
            let rep = reputation(&members).unwrap();
            let best = members.iter().map(|m| m.standing.reputation).max().unwrap();
            let worst = members.iter().map(|m| m.standing.reputation).min().unwrap();
            prop_assert!(worst <= rep && rep <= best);
        }

        #[test]
        fn equal_reputations_give_that_reputation(members in members_strategy(), rep in 0u16..=10_000) {
            let same: Vec<_> = members
                .iter()
                .map(|m| MemberStanding { standing: Standing { reputation: rep, ..m.standing }, ..*m })
                .collect();
            prop_assert_eq!(reputation(&same), Some(rep));
        }

        #[test]
        fn a_bidding_coalition_meets_every_rule(members in members_strategy(), caps in any::<u64>(), min_stake in any::<u64>(), min_rep in 0u16..=10_000) {
            let needs = Requirements { capabilities: caps, min_stake, min_reputation: min_rep };
            if let Ok(rep) = may_bid(&members, &needs) {
                prop_assert!(members.iter().all(|m| m.standing.active && m.standing.free_stake >= m.contribution));
                prop_assert_eq!(capabilities(&members) & caps, caps);
                prop_assert!(total_contribution(&members).unwrap() >= min_stake);
                prop_assert!(rep >= min_rep);
                prop_assert!(may_hold(&members, &needs).is_ok());
            }
        }

        #[test]
        fn a_split_pays_every_atom_and_each_member_its_share(amount in any::<u64>(), shares in shares_strategy()) {
            let paid = split_by_shares(amount, &shares).unwrap();
            let total: u128 = paid.iter().map(|p| u128::from(*p)).sum();
            prop_assert_eq!(total, u128::from(amount));
            for (i, share) in shares.iter().enumerate() {
                let exact = u128::from(amount) * u128::from(*share) / 10_000;
                prop_assert!(u128::from(paid[i]) >= exact);
                if i > 0 {
                    prop_assert_eq!(u128::from(paid[i]), exact);
                }
            }
            prop_assert!(u128::from(paid[0]) - u128::from(amount) * u128::from(shares[0]) / 10_000 < shares.len() as u128);
            prop_assert!(paid[shares.len()..].iter().all(|p| *p == 0));
        }

        #[test]
        fn a_failed_members_slash_comes_out_of_its_own_contribution(
            contributions in prop::collection::vec(any::<u64>(), 1..=MAX_MEMBERS),
            seed in any::<u8>(),
            slash_bps in 0u16..=10_000,
            reward_bps in 0u16..=10_000,
        ) {
            let done: Vec<bool> = (0..contributions.len()).map(|i| seed >> (i % 8) & 1 == 1).collect();
            let slashes = slash_failed(&contributions, &done, slash_bps, Some(reward_bps)).unwrap();
            for (i, c) in contributions.iter().enumerate() {
                let s = slashes[i];
                prop_assert_eq!(s.compensation + s.reward, s.total);
                prop_assert!(s.total <= *c);
                if done[i] {
                    prop_assert_eq!(s, Slash::default());
                } else {
                    prop_assert_eq!(s.total, crate::slash::split(*c, slash_bps, None).unwrap().total);
                }
            }
        }

        #[test]
        fn any_change_to_the_terms_changes_the_hash(
            share in 0u16..=10_000,
            contribution in any::<u64>(),
            field in 0usize..5,
        ) {
            let base = [member(1, share, contribution, 0), member(2, 10_000 - share, 7, 1)];
            let mut changed = base;
            match field {
                0 => changed[1].agent = [3; 32],
                1 => (changed[0].share_bps, changed[1].share_bps) = (changed[1].share_bps, changed[0].share_bps),
                2 => changed[0].contribution = contribution.wrapping_add(1),
                3 => changed[0].role_hash = [7; 32],
                _ => (changed[0].position, changed[1].position) = (1, 0),
            }
            let coalition = [5; 32];
            if changed != base {
                prop_assert_ne!(
                    terms_hash::<SoftwareSha256>(&coalition, &base),
                    terms_hash::<SoftwareSha256>(&coalition, &changed)
                );
            }
            prop_assert_ne!(
                terms_hash::<SoftwareSha256>(&coalition, &base),
                terms_hash::<SoftwareSha256>(&[6; 32], &base)
            );
        }
    }
}
