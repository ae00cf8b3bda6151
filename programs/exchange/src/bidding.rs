//! Rules shared by the bid instructions: eligibility of a registry agent (checked when a bid
//! is committed or placed, again when it is revealed, and the stake part again at settlement),
//! scoring with `agx_core`, the bond deposit, and ranking a scored bid on the leaderboard.
use agent_registry::state::AgentView;
use agx_core::eligibility::{may_bid, may_hold_job, Ineligible, Standing};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::{AuctionAwarded, BidRevealed};
use crate::state::{Bid, BidOpening, BidderKind, HireTerms, Intent, LeaderboardEntry, SyscallSha256};

/// The agent's standing for `agx_core::eligibility` on a job asking for `capabilities`: its
/// reputation is its figure for them (`AgentView::reputation_for`, `agx_core::skills`).
pub fn standing(agent: &AgentView, capabilities: u64) -> Standing {
    Standing {
        active: agent.active,
        capabilities: agent.capabilities,
        free_stake: agent.free_stake(),
        reputation: agent.reputation_for(capabilities),
    }
}

/// May the agent at `key` (read in place, `AgentView`) bid on `intent` (commit, reveal, place)?
/// `agx_core::eligibility::may_bid`, each broken rule with its own error.
pub fn check_view(key: &Pubkey, agent: &AgentView, intent: &Intent) -> Result<()> {
    require!(!intent.is_excluded(key), ExchangeError::BidAgentCutOff);
    may_bid(&standing(agent, intent.required_capabilities), &intent.requirements()).map_err(refusal)
}

/// The bond (lamports) the agent at `key` (read in place) deposits to bid on `intent`: the
/// intent's bid bond when it qualifies, or `probation`'s multiple of it when it is a newcomer
/// below the intent's minimum reputation (`agx_core::eligibility::bid_bond`); each other broken
/// rule with its own error, as `check_view`.
pub fn bond_for(
    key: &Pubkey,
    agent: &AgentView,
    intent: &Intent,
    probation: &agx_core::eligibility::Probation,
) -> Result<u64> {
    require!(!intent.is_excluded(key), ExchangeError::BidAgentCutOff);
    let standing = standing(agent, intent.required_capabilities);
    agx_core::eligibility::bid_bond(
        &standing,
        &agent.track(),
        &intent.requirements(),
        intent.bid_bond,
        probation,
    )
    .map_err(refusal)
}

/// The error of an eligibility rule broken by a bidder (an agent, or a coalition).
pub fn refusal(rule: Ineligible) -> Error {
    match rule {
        Ineligible::Inactive => error!(ExchangeError::BidAgentInactive),
        Ineligible::CapabilitiesMissing => error!(ExchangeError::BidCapabilitiesMissing),
        Ineligible::StakeTooLow => error!(ExchangeError::BidStakeTooLow),
        Ineligible::ReputationTooLow => error!(ExchangeError::BidReputationTooLow),
    }
}

/// The registry agent behind `info`, if it still is one (owned by the registry, an `Agent`),
/// read in place (`AgentView`); `None` for a closed account or anything else at that address.
pub fn live_agent(info: &AccountInfo) -> Option<AgentView> {
    AgentView::of(info)
}

/// Does the agent of a ranked bid still qualify to hold the job at settlement (as winner, or as
/// the standby whose stake is locked too)? `agx_core::eligibility::may_hold_job`.
pub fn qualifies_at_settlement(agent: &AgentView, intent: &Intent) -> bool {
    may_hold_job(&standing(agent, intent.required_capabilities), &intent.requirements())
}

/// Scores an opened bid against the intent with `agx_core`, mapping each broken rule to its
/// own error.
pub fn score(intent: &Intent, price: u64, quality_bps: u16, latency: u64, reputation: u16) -> Result<u16> {
    use agx_core::Error as E;
    let terms = agx_core::score::BidTerms { price, quality_bps, latency };
    agx_core::score::score_bid(&intent.weights(), &intent.limits(), &terms, reputation).map_err(|e| match e {
        E::PriceAboveMax { .. } => error!(ExchangeError::BidPriceAboveMax),
        E::LatencyAboveMax { .. } => error!(ExchangeError::BidLatencyAboveMax),
        E::BpsAbove10000 { .. } => error!(ExchangeError::BidQualityOutOfRange),
        _ => error!(ExchangeError::IntentCorrupt),
    })
}

/// A revealed bid as a leaderboard entry (the bid account is the source of truth, the board its
/// top-K cache), with its tie-break key under the intent's seed (`agx_core::tiebreak`).
pub fn entry(intent: &Intent, bid_key: Pubkey, bid: &Bid) -> LeaderboardEntry {
    LeaderboardEntry {
        bid: bid_key,
        agent: bid.agent,
        tiebreak: agx_core::tiebreak::key::<SyscallSha256>(&bid.commitment, &intent.tiebreak_seed),
        price: bid.price,
        latency: bid.latency,
        score: bid.score,
        reputation: bid.reputation,
        quality_bps: bid.quality_bps,
        bidder_kind: bid.bidder_kind,
        padding: [0; 1],
    }
}

/// Opens the bid account of `agent` on `intent` in `round`, paid by `payer` (the bidder's
/// authority, a signer): at the address of `payer` and `agx_core::address::bid_seed` for this
/// program (`BidAccountInvalid`), holding its rent and `bond`. The bidder may have created it in
/// the same transaction (`create_account_with_seed` before this instruction, 150 CU, where a CPI
/// costs ~2,000): it must then be blank, owned by this program and `Bid::SPACE` bytes
/// (`BidAccountNotBlank`), with at least its rent and the bond (`BidAccountUnderfunded`). An
/// address still empty is created here in one system CPI (topped up and allocated instead if
/// someone funded it beforehand, so that no one can block a bid). Returns the empty bid to fill;
/// `write_bid` stores it.
pub fn open_bid<'info>(
    system_program: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    bid: &AccountInfo<'info>,
    intent: &Pubkey,
    agent: &Pubkey,
    round: u8,
    bond: u64,
) -> Result<Bid> {
    use crate::account_create;
    let seed = agx_core::address::bid_seed::<SyscallSha256>(&intent.to_bytes(), &agent.to_bytes(), round);
    let address = account_create::seeded_address(payer.key, &seed);
    require_keys_eq!(bid.key(), address, ExchangeError::BidAccountInvalid);
    let lamports = Rent::get()?
        .minimum_balance(Bid::SPACE)
        .checked_add(bond)
        .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
    if bid.owner == &crate::ID {
        require!(account_create::is_blank(bid, Bid::SPACE)?, ExchangeError::BidAccountNotBlank);
        require_gte!(bid.lamports(), lamports, ExchangeError::BidAccountUnderfunded);
    } else {
        account_create::create_with_seed(
            system_program,
            payer,
            bid,
            &seed,
            lamports,
            Bid::SPACE,
            &crate::ID,
        )?;
    }
    Ok(bytemuck::Zeroable::zeroed())
}

/// Stores `bid` (discriminator first) in the account `open_bid` created.
pub fn write_bid(info: &AccountInfo, bid: &Bid) -> Result<()> {
    *crate::in_place::init::<Bid>(&mut info.try_borrow_mut_data()?, ExchangeError::BidCorrupt)? = *bid;
    Ok(())
}

/// Changes the bid at `info` in place: an exchange bid (owner, discriminator, size:
/// `BidCorrupt`), as the caller's checks of its address have already established.
pub fn update_bid<R>(info: &AccountInfo, change: impl FnOnce(&mut Bid) -> Result<R>) -> Result<R> {
    require_keys_eq!(*info.owner, crate::ID, ExchangeError::BidCorrupt);
    change(crate::in_place::existing(&mut info.try_borrow_mut_data()?, ExchangeError::BidCorrupt)?)
}

/// Ranks a scored, revealed `bid` (at `bid_key`) on the intent's leaderboard, counts it, checks
/// the intent's invariant and emits `BidRevealed`. Returns the bid's position, if it made the
/// board.
pub fn rank(
    intent_key: Pubkey,
    intent: &mut Intent,
    bid_key: Pubkey,
    bid: &Bid,
    opening: &BidOpening,
) -> Result<Option<usize>> {
    let ranked = entry(intent, bid_key, bid);
    let rank = intent.insert_ranked(ranked)?;
    intent.reveal_count =
        intent.reveal_count.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
    intent.invariant()?;
    emit!(BidRevealed {
        intent: intent_key,
        bid: bid_key,
        agent: bid.agent,
        price: opening.price,
        quality_bps: opening.quality_bps,
        latency: opening.latency,
        reputation: bid.reputation,
        score: bid.score,
        rank: rank.and_then(|r| u8::try_from(r).ok()),
    });
    Ok(rank)
}

/// The accounts a bid in the clear writes (`bid_place`), and what it takes.
pub struct ClearBid<'a, 'info> {
    /// Pays the bid's rent and bond.
    pub payer: &'a AccountInfo<'info>,
    /// The agent's authority, recorded as the bid's bidder (it submits, and gets the rent back).
    pub bidder: Pubkey,
    /// The bidder (a registry agent, or a coalition: `bidder`), its reputation (scored with the
    /// bid) and its kind.
    pub agent: AccountInfo<'info>,
    pub reputation: u16,
    pub kind: BidderKind,
    /// Lamports deposited in the bid (the intent's bond).
    pub bond: u64,
    /// The new bid's account, created here (`open_bid`).
    pub bid: &'a AccountInfo<'info>,
    pub system_program: &'a AccountInfo<'info>,
}

impl ClearBid<'_, '_> {
    /// Records `opening` as a bid in the clear on `intent` (at `intent_key`) at `now`: its bond
    /// taken, scored, opened, ranked, and counted on a coalition bidder. Its score and its place
    /// on the board.
    pub fn place(
        &mut self,
        intent_key: Pubkey,
        intent: &mut Intent,
        opening: &BidOpening,
        now: u64,
    ) -> Result<(u16, Option<usize>)> {
        let agent_key = self.agent.key();
        let commitment = opening.core(&intent_key, &agent_key).commitment::<SyscallSha256>();
        let (reputation, bond) = (self.reputation, self.bond);
        let score = score(intent, opening.price, opening.quality_bps, opening.latency, reputation)?;
        let round = intent.round;
        let mut bid =
            open_bid(self.system_program, self.payer, self.bid, &intent_key, &agent_key, round, bond)?;
        bid.commit(intent_key, agent_key, self.bidder, commitment, round, bond, now);
        bid.bidder_kind = self.kind.to_u8();
        bid.reveal(opening, score, reputation)?;
        write_bid(self.bid, &bid)?;
        intent.open_bid()?;
        let rank = rank(intent_key, intent, self.bid.key(), &bid, opening)?;
        crate::bidder::count_bid_opened(&self.agent)?;
        Ok((score, rank))
    }
}

/// A direct hire taken (`hire_accept`, `hire_from_offer`) by the bidder at `hired` (`view`,
/// read in place and checked by the caller; a coalition's member agents in `members`) on
/// `terms`: scored, made the whole board and awarded at once (`Intent::take_hire`). An agent is
/// engaged and its stake locked in one registry CPI (`agent_hire`); a coalition's members have
/// their contributions locked in one (`stake_lock_members`) and the hire is counted on the
/// coalition as a bid would be, until the job's outcome. No bid account is opened: the hire's
/// terms live in the intent.
pub fn take_hire<'info>(
    intent: &AccountLoader<'info, Intent>,
    config: &crate::state::ExchangeConfig,
    registry: &crate::registry_cpi::RegistryAccounts<'info>,
    hired: AccountInfo<'info>,
    view: &crate::bidder::BidderView,
    terms: &HireTerms,
    members: &[AccountInfo<'info>],
) -> Result<()> {
    let (intent_key, now) = (intent.key(), Clock::get()?.slot);
    let mut intent = intent.load_mut()?;
    let intent = &mut *intent;
    require_eq!(terms.price, intent.max_price, ExchangeError::HirePriceNotOffered);
    let score = score(intent, terms.price, terms.quality_bps, terms.latency, view.reputation)?;
    let entry = LeaderboardEntry {
        bid: intent_key,
        agent: hired.key(),
        // The only entry: nothing to break a tie with.
        tiebreak: [0; 32],
        price: terms.price,
        latency: terms.latency,
        score,
        reputation: view.reputation,
        quality_bps: terms.quality_bps,
        bidder_kind: view.kind.to_u8(),
        padding: [0; 1],
    };
    let head = intent.take_hire(intent_key, entry, view.authority, now, config.execution_grace_slots)?;
    let locked = match view.kind {
        BidderKind::Agent => {
            intent.invariant()?;
            registry.hire(config, hired, intent.min_stake)?;
            intent.min_stake
        }
        BidderKind::Coalition => {
            let coalition =
                crate::bidder::coalition(&hired).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
            let contributions: Vec<u64> = coalition.members().iter().map(|m| m.contribution).collect();
            let count =
                u8::try_from(contributions.len()).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
            intent.hold_by_coalition(count)?;
            intent.invariant()?;
            let total = contributions
                .iter()
                .try_fold(0u64, |sum, c| sum.checked_add(*c))
                .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
            if total > 0 {
                let members = members.get(..contributions.len()).unwrap_or(members);
                registry.lock_members(config, members, contributions)?;
            }
            crate::bidder::count_bid_opened(&hired)?;
            total
        }
    };
    emit!(AuctionAwarded {
        intent: intent_key,
        bid: head.bid,
        agent: head.agent,
        payment: intent.payment,
        stake_locked: locked,
        slot: now,
        standby_agent: None,
    });
    Ok(())
}
