//! Who stands behind a bid: one registry agent, or a coalition of them (issue 24). The account
//! in a bid's `agent` slot tells them apart by its owner: the registry's agents, this program's
//! coalitions. A coalition's member agents follow the instruction's named accounts, in member
//! order. Eligibility, engagement and the stake held at award are decided here, so every bid
//! path treats both alike.
use agent_registry::state::AgentView;
use agx_core::coalition::MemberStanding;
use anchor_lang::prelude::*;

use crate::bidding::{refusal, standing};
use crate::error::ExchangeError;
use crate::state::{AuctionKind, BidderKind, Coalition, Intent};

/// A bidder as the bid paths need it.
#[derive(Clone, Copy, Debug)]
pub struct BidderView {
    /// The key that signs its bids and submits its results: the agent's authority, or the
    /// coalition's.
    pub authority: Pubkey,
    /// Scored with the bid: the agent's, or the coalition's contribution-weighted mean.
    pub reputation: u16,
    pub kind: BidderKind,
    /// Lamports its bid deposits: the intent's bid bond, or more for a newcomer on probation
    /// (0 for a hire, which bonds nothing).
    pub bond: u64,
}

/// Is `info` one of this program's coalitions (owner and discriminator)?
fn is_coalition(info: &AccountInfo) -> bool {
    *info.owner == crate::ID
        && info
            .try_borrow_data()
            .is_ok_and(|data| data.starts_with(<Coalition as anchor_lang::Discriminator>::DISCRIMINATOR))
}

/// The coalition at `info`, if it is one of this program's.
pub fn coalition(info: &AccountInfo) -> Option<Coalition> {
    if !is_coalition(info) {
        return None;
    }
    let data = info.try_borrow_data().ok()?;
    let body = data.get(8..)?;
    body.get(..core::mem::size_of::<Coalition>()).map(bytemuck::pod_read_unaligned::<Coalition>)
}

/// The member agents of `coalition`, each with the account passed beside it (its stake vault
/// for a failover, its payout account for a payout): the pairs that lead `remaining`, in member
/// order, each agent writable (`CoalitionMemberAccountMissing`).
pub fn member_pairs<'info>(
    coalition: &Coalition,
    remaining: &[AccountInfo<'info>],
) -> Result<Vec<(AccountInfo<'info>, AccountInfo<'info>)>> {
    let missing = || error!(ExchangeError::CoalitionMemberAccountMissing);
    coalition
        .members()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let agent = remaining.get(i.saturating_mul(2)).ok_or_else(missing)?;
            let beside = remaining.get(i.saturating_mul(2).saturating_add(1)).ok_or_else(missing)?;
            require!(
                agent.key() == m.agent && agent.is_writable,
                ExchangeError::CoalitionMemberAccountMissing
            );
            Ok((agent.clone(), beside.clone()))
        })
        .collect()
}

/// The members of `coalition` as `agx_core` reads them: their agent accounts, passed in member
/// order in `members` (`CoalitionMemberAccountMissing`), each a registry agent not cut off from
/// `intent` (`BidAgentCutOff`).
fn member_standings(
    coalition: &Coalition,
    members: &[AccountInfo],
    intent: &Intent,
) -> Result<Vec<MemberStanding>> {
    coalition
        .members()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let info = members.get(i).ok_or_else(|| error!(ExchangeError::CoalitionMemberAccountMissing))?;
            require_keys_eq!(info.key(), m.agent, ExchangeError::CoalitionMemberAccountMissing);
            require!(!intent.is_excluded(&m.agent), ExchangeError::BidAgentCutOff);
            // A member that signed cannot close its agent (it is engaged), so this holds.
            let view = AgentView::of(info).ok_or_else(|| error!(ExchangeError::BidAgentInactive))?;
            // A member's figure is for its part: the intent's capabilities it has.
            Ok(MemberStanding {
                standing: standing(&view, intent.required_capabilities),
                contribution: m.contribution,
            })
        })
        .collect()
}

/// The coalition may take part in `intent` at all: every member signed the current terms
/// (`CoalitionNotReady`), the auction is one coalitions take part in
/// (`CoalitionAuctionKindUnsupported`: continuous, first-price sealed and direct hire; not
/// Vickrey), and it is not cut off.
fn coalition_may_take_part(key: &Pubkey, coalition: &Coalition, intent: &Intent) -> Result<()> {
    require!(coalition.is_ready(), ExchangeError::CoalitionNotReady);
    require!(
        matches!(
            intent.kind()?,
            AuctionKind::Continuous | AuctionKind::FirstPriceSealed | AuctionKind::Direct
        ),
        ExchangeError::CoalitionAuctionKindUnsupported
    );
    require!(!intent.is_excluded(key), ExchangeError::BidAgentCutOff);
    Ok(())
}

/// The bidder at `info` (its members, for a coalition, in `members`), checked as eligible to bid
/// on `intent` (commit, reveal, place): `agx_core::eligibility::bid_bond` for an agent (a
/// newcomer below the minimum reputation bids on `probation`, with a larger bond),
/// `agx_core::coalition::may_bid` for a coalition, each broken rule with its own error.
pub fn eligible(
    info: &AccountInfo,
    members: &[AccountInfo],
    intent: &Intent,
    probation: &agx_core::eligibility::Probation,
) -> Result<BidderView> {
    if let Some(agent) = AgentView::of(info) {
        let bond = crate::bidding::bond_for(&info.key(), &agent, intent, probation)?;
        return Ok(BidderView {
            authority: agent.authority,
            reputation: agent.reputation_for(intent.required_capabilities),
            kind: BidderKind::Agent,
            bond,
        });
    }
    let coalition = coalition(info).ok_or_else(|| error!(ExchangeError::BidAgentInactive))?;
    coalition_may_take_part(&info.key(), &coalition, intent)?;
    let standings = member_standings(&coalition, members, intent)?;
    let reputation =
        agx_core::coalition::may_bid(&standings, &intent.requirements()).map_err(|e| refusal(e.rule))?;
    Ok(BidderView {
        authority: coalition.authority,
        reputation,
        kind: BidderKind::Coalition,
        bond: intent.bid_bond,
    })
}

/// What holding the job takes from the bidder at `info` at settlement, if it still qualifies
/// (`agx_core::eligibility::may_hold_job` for an agent, `agx_core::coalition::may_hold` for a
/// coalition): its authority, and the stake to lock on each member (empty for an agent, which
/// locks the intent's `min_stake`). `None` when it no longer qualifies or is gone.
pub fn holding(info: &AccountInfo, members: &[AccountInfo], intent: &Intent) -> Result<Option<Holding>> {
    if let Some(agent) = AgentView::of(info) {
        let holds = crate::bidding::qualifies_at_settlement(&agent, intent);
        return Ok(holds.then_some(Holding { authority: agent.authority, contributions: Vec::new() }));
    }
    let Some(coalition) = coalition(info) else { return Ok(None) };
    let standings = member_standings(&coalition, members, intent)?;
    let holds =
        coalition.is_ready() && agx_core::coalition::may_hold(&standings, &intent.requirements()).is_ok();
    let contributions = coalition.members().iter().map(|m| m.contribution).collect();
    Ok(holds.then_some(Holding { authority: coalition.authority, contributions }))
}

/// What a bidder holds a job with.
#[derive(Clone, Debug)]
pub struct Holding {
    pub authority: Pubkey,
    /// A coalition: each member's stake contribution, in member order.
    pub contributions: Vec<u64>,
}

impl Holding {
    pub fn is_coalition(&self) -> bool {
        !self.contributions.is_empty()
    }
}

/// Applies `change` to the open-bid count of the coalition at `info` (written in place).
fn count_coalition_bid(info: &AccountInfo, change: impl FnOnce(u32) -> Option<u32>) -> Result<()> {
    let corrupt = || error!(ExchangeError::CoalitionCorrupt);
    require!(info.is_writable && is_coalition(info), ExchangeError::CoalitionCorrupt);
    let mut data = info.try_borrow_mut_data()?;
    let at = 8usize.saturating_add(core::mem::offset_of!(Coalition, open_bids));
    let field = data.get_mut(at..at.saturating_add(4)).ok_or_else(corrupt)?;
    let count = u32::from_le_bytes(field.try_into().map_err(|_| corrupt())?);
    field.copy_from_slice(&change(count).ok_or_else(corrupt)?.to_le_bytes());
    Ok(())
}

/// A bid account (or a hire) of the bidder at `info` was opened: a coalition counts it (its
/// terms and members are frozen while it bids or holds a job). An agent is not told: counting
/// its bids in the registry cost a CPI (~3,900 CU) on every bid and every close, and nothing
/// needs it: an agent that closes under a bid loses the bid (settlement and failover drop a
/// bidder whose account is gone; its bond is forfeited), and one holding a job has stake
/// locked, so it cannot close.
pub fn count_bid_opened(info: &AccountInfo) -> Result<()> {
    if *info.owner == crate::ID {
        return count_coalition_bid(info, |n| n.checked_add(1));
    }
    Ok(())
}

/// The key that acts for the bidder at `info` (an agent's authority, a coalition's), if it is one.
pub fn authority_of(info: &AccountInfo) -> Option<Pubkey> {
    match AgentView::of(info) {
        Some(agent) => Some(agent.authority),
        None => coalition(info).map(|c| c.authority),
    }
}

/// A bid account (or a hire's job) of the bidder at `info` ended: a coalition counts one fewer.
pub fn count_bid_closed(info: &AccountInfo) -> Result<()> {
    if *info.owner == crate::ID {
        return count_coalition_bid(info, |n| n.checked_sub(1));
    }
    Ok(())
}
