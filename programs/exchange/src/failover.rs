//! Moving a job on from a winner that failed (missed its deadline, went silent, or declined):
//! shared by `failover_trigger` and `award_decline`.
//!
//! In one instruction: the winner leaves the board and is cut off the intent for good; its bid is
//! marked failed, so its bond goes to the requester when it closes; part of the stake held for
//! the job is slashed (compensation to the requester, a reward to the caller) and the rest
//! released, with a failure recorded in its reputation (one registry CPI); then the job goes to
//! the next candidate on the board that still qualifies (the caller passes the candidates' agent
//! accounts in board order; those that no longer qualify are dropped with the reason), whose stake
//! is locked in the same CPI (unless it is the Vickrey standby, already locked) and which is paid
//! by the auction kind against the board as it is now. With no candidate left, the intent reopens
//! as a short re-auction; once `max_failovers` failovers have happened, the intent fails and the
//! escrow is refunded in full (anything sent to it outside the protocol too; kept in the escrow
//! for the requester to claim when its refund account cannot receive it).
//!
//! The Vickrey standby had its stake locked because it must take the job if promoted: a standby
//! that made itself ineligible (deactivated) when its turn comes is failed like the winner: its
//! hold slashed at the failover rate (same split), its bid marked failed (bond to the requester),
//! a failure recorded, in a second registry CPI.
//!
//! A coalition that holds the job (issue 24) fails as one: its member agents and their stake
//! vaults come first after the named accounts, as pairs in member order
//! (`CoalitionMemberAccountMissing`). It is silent only when every member is (the latest of
//! their heartbeats counts); each member whose part was not marked done loses the slash share of
//! its own contribution (`agx_core::coalition::slash_failed`; compensation and crank reward as
//! for an agent) and records a failure, the members that did their part neither; one registry CPI
//! (`outcome_settle_members`). The coalition is cut off, and the job is re-auctioned (or fails):
//! it goes to no candidate of the old board, since their accounts and the members' would not fit
//! in one transaction.
//!
//! The requester's compensation goes to a stake-mint account of the requester that can receive
//! it. When the requester has made its account unusable (frozen, re-owned, requiring memos), a
//! failover must still go on: if the account passed is the requester's associated token account
//! and it exists but cannot receive, the compensation goes to the caller of `failover_trigger`
//! with its reward (the requester gave it up; a missing associated account is created by the
//! caller instead, so a keeper cannot pocket a compensation by leaving it uncreated).
use crate::seeds;
use agent_registry::state::OutcomeKind;
use agx_core::slash::Slash;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::account_groups::RefundAccounts;
use crate::bidding::{live_agent, qualifies_at_settlement};
use crate::error::ExchangeError;
use crate::escrow::Payee;
use crate::events::{FailoverCandidateSkipped, FailoverTriggered, StandbyFailed};
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;

use crate::state::{Bid, ExchangeConfig, Intent, LeaderboardEntry};

/// The accounts every failover needs.
#[derive(Accounts)]
pub struct Failover<'info> {
    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the failed winner's agent: must be the intent's winner (`FailoverStale` otherwise,
    /// e.g. for a crank that lost the race); decoded as an `Agent` here and by the registry.
    #[account(mut)]
    pub failed_agent: UncheckedAccount<'info>,

    /// CHECK: the failed winner's bid: the intent's `winner_bid` (`FailoverBidMismatch`, checked
    /// after `FailoverStale`), marked failed so its bond goes to the requester. Absent for a
    /// direct hire's winner (`Intent::is_hired`), which holds no bid account.
    #[account(mut)]
    pub failed_bid: Option<UncheckedAccount<'info>>,

    /// CHECK: the Vickrey standby locked with the winner, when the intent has one: its address is
    /// the intent's standby (`PayoutStandbyMismatch`); decoded by the registry.
    #[account(mut)]
    pub standby: Option<UncheckedAccount<'info>>,

    /// CHECK: the standby's bid (the intent's `standby_bid`, `FailoverStandbyBidMismatch`): marked
    /// failed when the standby no longer qualifies at its promotion.
    #[account(mut)]
    pub standby_bid: Option<UncheckedAccount<'info>>,

    /// CHECK: the standby's stake vault, slashed when it failed (seeds checked by the registry).
    #[account(mut)]
    pub standby_vault: Option<UncheckedAccount<'info>>,

    pub registry: RegistryAccounts<'info>,

    /// CHECK: slash only: the failed agent's stake vault (seeds checked by the registry).
    #[account(mut)]
    pub stake_vault: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the registry's stake mint (checked by the registry).
    pub stake_mint: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the stake mint's token program (checked by the registry against its
    /// config).
    pub stake_token_program: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the requester's token account of the stake mint (its compensation),
    /// checked by `compensation_to`; the registry checks the mint.
    #[account(mut)]
    pub requester_stake_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: last failover only: the escrow (address stored at creation), refunded in full and
    /// closed.
    #[account(mut, address = intent.load()?.escrow @ ExchangeError::EscrowAccountMismatch)]
    pub escrow: Option<UncheckedAccount<'info>>,

    /// CHECK: the intent's mint (address); its decimals are stored in the intent.
    #[account(address = intent.load()?.mint @ ExchangeError::EscrowMintMismatch)]
    pub mint: Option<UncheckedAccount<'info>>,

    /// CHECK: the refund owner's token account of the intent's mint, or the one the intent stores
    /// for refunds (`Payee::refund`). `dup`: it is `requester_stake_tokens` itself when intents
    /// are paid in the stake mint; token accounts are never written back by this program, so the
    /// alias is harmless.
    #[account(mut, dup)]
    pub requester_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: last failover only: receives the escrow's rent; must be the intent's requester.
    #[account(mut, address = intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: Option<UncheckedAccount<'info>>,

    #[account(address = intent.load()?.token_program @ ExchangeError::EscrowMintMismatch)]
    pub token_program: Option<Interface<'info, TokenInterface>>,
}

/// Why the winner is failed over, as the event reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum FailureCause {
    DeadlineMissed,
    Silent,
    Declined,
}

/// What happened to the job after the failure, as the event reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum FailoverResult {
    Promoted,
    Reauctioned,
    Failed,
}

/// Where the caller's share of the slash goes (`failover_trigger`), and its share in bps.
pub struct Reward<'info> {
    pub to: AccountInfo<'info>,
    pub bps: u16,
}

/// Where the requester's compensation goes.
enum Compensation<'info> {
    /// Nothing is slashed to anyone.
    None,
    ToRequester(AccountInfo<'info>),
    /// The requester's associated account exists and cannot receive: to the caller.
    ToCaller,
}

/// Marks the bid at `info` failed (its bond goes to the requester when it closes); it must be
/// `expected`, a bid of this program (`mismatch` otherwise).
fn fail_bid(info: &AccountInfo, expected: Pubkey, mismatch: ExchangeError) -> Result<()> {
    require_keys_eq!(info.key(), expected, mismatch);
    // The address is the intent's bid, so only this program can own it; checked anyway.
    require_keys_eq!(*info.owner, crate::ID, mismatch);
    crate::bidding::update_bid(info, Bid::fail)
}

impl<'info> Failover<'info> {
    /// The failed winner's agent, decoded (a winner's agent cannot close: its stake is locked).
    pub fn winner(&self) -> Result<agent_registry::state::AgentView> {
        live_agent(&self.failed_agent.to_account_info()).ok_or_else(|| error!(ExchangeError::FailoverStale))
    }

    /// Who answers for the failed job, and its latest heartbeat: the winning agent, or a
    /// coalition (its authority, and the latest heartbeat of its members, passed first in
    /// `remaining` as (agent, vault) pairs).
    pub fn answerable(&self, remaining: &[AccountInfo<'info>]) -> Result<(Pubkey, u64)> {
        let held = self.intent.load()?.held_by_coalition();
        if let Some(members) = self.coalition_members(held, remaining)? {
            let latest =
                members.agents.iter().filter_map(|(a, _)| live_agent(a)).map(|a| a.last_heartbeat_slot).max();
            return Ok((members.authority, latest.unwrap_or(0)));
        }
        let winner = self.winner()?;
        Ok((winner.authority, winner.last_heartbeat_slot))
    }

    /// The coalition holding the job, when one does (`held`): its members' agents and vaults
    /// (the first pairs of `remaining`, the vaults writable too), contributions and authority.
    fn coalition_members(
        &self,
        held: bool,
        remaining: &[AccountInfo<'info>],
    ) -> Result<Option<FailedCoalition<'info>>> {
        if !held {
            return Ok(None);
        }
        let coalition = crate::bidder::coalition(&self.failed_agent)
            .ok_or_else(|| error!(ExchangeError::FailoverStale))?;
        let agents = crate::bidder::member_pairs(&coalition, remaining)?;
        require!(
            agents.iter().all(|(_, vault)| vault.is_writable),
            ExchangeError::CoalitionMemberAccountMissing
        );
        Ok(Some(FailedCoalition {
            agents,
            contributions: coalition.members().iter().map(|m| m.contribution).collect(),
            authority: coalition.authority,
        }))
    }

    /// The intent is awarded (`FailoverNotAwarded`) and `failed_agent` is its winner
    /// (`FailoverStale`: e.g. a crank that lost the race).
    pub fn require_current_winner(&self, intent: &Intent) -> Result<()> {
        require!(intent.status()? == crate::state::IntentStatus::Awarded, ExchangeError::FailoverNotAwarded);
        require_keys_eq!(self.failed_agent.key(), intent.winner_agent, ExchangeError::FailoverStale);
        Ok(())
    }

    /// Fails the winner over: `slash_bps` of its hold is slashed, `reward.bps` of that to the
    /// caller and the rest to the requester; then promotes, re-auctions or fails the intent.
    pub fn run(
        &self,
        candidates: &[AccountInfo<'info>],
        cause: FailureCause,
        slash_bps: u16,
        reward: Option<Reward<'info>>,
        now: u64,
    ) -> Result<()> {
        let intent_key = self.intent.key();
        let config = self.config.load()?;
        let config = &*config;
        let mut intent = self.intent.load_mut()?;
        self.require_current_winner(&intent)?;
        let (old_standby, old_standby_bid) = (intent.standby_agent, intent.standby_bid);
        let standby_info = match (&self.standby, old_standby != Pubkey::default()) {
            (Some(account), true) if account.key() == old_standby => Some(account.to_account_info()),
            (None, false) => None,
            _ => return err!(ExchangeError::PayoutStandbyMismatch),
        };
        let hired = intent.is_hired()?;
        // A coalition's members lead the remaining accounts; no candidate follows them.
        let parts_done = intent.parts_done;
        let coalition = self.coalition_members(intent.held_by_coalition(), candidates)?;
        match (&self.failed_bid, hired) {
            (Some(bid), false) => fail_bid(bid, intent.winner_bid, ExchangeError::FailoverBidMismatch)?,
            (None, true) => {}
            _ => return err!(ExchangeError::FailoverBidMismatch),
        }
        let failed = intent.fail_winner()?;
        let hold = intent.min_stake;
        let value = config.reputation_value(&intent.mint, intent.payment)?;
        let requester = intent.requester;
        let capabilities = intent.required_capabilities;
        let reward_bps = reward.as_ref().map(|r| r.bps);
        let invalid = |_| error!(ExchangeError::ConfigFailoverParamsInvalid);
        let member_slashes = match &coalition {
            Some(c) => {
                let done: Vec<bool> = (0..c.contributions.len()).map(|i| parts_done >> i & 1 == 1).collect();
                let slashes =
                    agx_core::coalition::slash_failed(&c.contributions, &done, slash_bps, reward_bps)
                        .map_err(invalid)?;
                Some((slashes, done))
            }
            None => None,
        };
        let slash = match &member_slashes {
            // The coalition's slash in all: each member's out of its own hold.
            Some((slashes, _)) => slashes
                .iter()
                .try_fold(Slash::default(), |sum, s| {
                    Some(Slash {
                        total: sum.total.checked_add(s.total)?,
                        compensation: sum.compensation.checked_add(s.compensation)?,
                        reward: sum.reward.checked_add(s.reward)?,
                    })
                })
                .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?,
            None => agx_core::slash::split(hold, slash_bps, reward_bps).map_err(invalid)?,
        };

        // The next candidate, unless the failovers are used up (or a coalition failed).
        let mut promoted: Option<(LeaderboardEntry, AccountInfo<'info>, Pubkey, u64)> = None;
        let mut standby_failed: Option<LeaderboardEntry> = None;
        if !intent.failovers_end(now) && coalition.is_none() {
            let mut passed = candidates.iter();
            while let Some(head) = intent.ranked().first().copied() {
                let info = passed.next().ok_or_else(|| error!(ExchangeError::FailoverCandidateMissing))?;
                require_keys_eq!(info.key(), head.agent, ExchangeError::FailoverCandidateMismatch);
                let agent = live_agent(info);
                let is_standby = head.agent == old_standby;
                let qualifies = agent.as_ref().is_some_and(|agent| {
                    if is_standby {
                        // Its stake is already locked for this job.
                        agent.active
                    } else {
                        qualifies_at_settlement(agent, &intent)
                    }
                });
                let payment = intent.head_award_payment(now, config.execution_grace_slots);
                if let (true, Some(payment)) = (qualifies, payment) {
                    let authority = agent.as_ref().map_or(Pubkey::default(), |agent| agent.authority);
                    promoted = Some((head, info.clone(), authority, payment));
                    break;
                }
                intent.pass_over_head()?;
                if is_standby {
                    // Locked to take the job over, and it made itself unable to: it failed too.
                    standby_failed = Some(head);
                } else {
                    emit!(FailoverCandidateSkipped {
                        intent: intent_key,
                        bid: head.bid,
                        agent: head.agent,
                        agent_gone: agent.is_none(),
                    });
                }
            }
        }
        let result = match &promoted {
            Some(_) => FailoverResult::Promoted,
            None if intent.failovers_end(now) => FailoverResult::Failed,
            None => FailoverResult::Reauctioned,
        };
        let refund = match result {
            FailoverResult::Promoted => {
                let (authority, payment) = promoted.as_ref().map_or((Pubkey::default(), 0), |p| (p.2, p.3));
                intent.promote_head(payment, authority, now, config.execution_grace_slots)?;
                0
            }
            FailoverResult::Reauctioned => {
                intent.reauction(
                    now,
                    config.reauction_bid_window_slots,
                    config.reauction_reveal_window_slots,
                )?;
                0
            }
            FailoverResult::Failed => intent.fail()?,
        };
        intent.invariant()?;
        let refund_to = match result {
            FailoverResult::Failed => {
                let to = self
                    .requester_tokens
                    .as_ref()
                    .ok_or_else(|| error!(ExchangeError::FailoverRefundAccountsMissing))?;
                Some(Payee::refund(&intent, &to.to_account_info())?)
            }
            FailoverResult::Promoted | FailoverResult::Reauctioned => None,
        };
        let terms = intent.escrow_terms();
        let (new_winner, payment, deadline, round, failovers) = (
            intent.winner_agent,
            intent.payment,
            intent.execution_deadline_slot,
            intent.round,
            intent.failovers,
        );
        drop(intent);

        // A failed standby is slashed at the failover rate, whatever the winner's cause.
        let standby_slash = match standby_failed {
            Some(_) => {
                agx_core::slash::split(hold, config.failover_slash_bps, reward_bps).map_err(invalid)?
            }
            None => Slash::default(),
        };
        let compensation = if slash.compensation > 0 || standby_slash.compensation > 0 {
            self.compensation_to(&requester, reward.is_some())?
        } else {
            Compensation::None
        };

        // The standby is released unless it now holds the job (its stake is already locked) or
        // failed itself (settled on its own below); any other promoted candidate has the hold
        // locked in the same CPI.
        let still_holding = promoted.as_ref().is_some_and(|(head, ..)| head.agent == old_standby);
        let release_standby =
            if still_holding || standby_failed.is_some() { None } else { standby_info.clone() };
        let successor = promoted
            .as_ref()
            .filter(|(head, ..)| head.agent != old_standby)
            .map(|(_, info, ..)| info.clone());
        if let (Some(c), Some((slashes, done))) = (&coalition, &member_slashes) {
            // A failed job's value is recorded in equal parts on its members.
            let values = agx_core::coalition::split_equally(value, c.contributions.len())
                .map_err(|_| error!(ExchangeError::CoalitionCorrupt))?;
            let outcomes = c
                .contributions
                .iter()
                .zip(slashes.iter())
                .zip(done.iter())
                .zip(values)
                .map(|(((contribution, s), done), value)| {
                    let (compensation, reward) = match compensation {
                        Compensation::ToCaller => (0, s.reward.saturating_add(s.compensation)),
                        _ => (s.compensation, s.reward),
                    };
                    agent_registry::MemberOutcome {
                        unlock: *contribution,
                        compensation,
                        reward,
                        record: (!done).then_some(OutcomeKind::Failed),
                        value,
                    }
                })
                .collect();
            let slash_to = if slash.total > 0 {
                Some(self.members_slash_to(&compensation, reward.as_ref())?)
            } else {
                None
            };
            let job = JobOf { requester, capabilities, late: false };
            self.registry.settle_members(config, c.agents.clone(), outcomes, None, job, slash_to)?;
            // A hired coalition holds no bid account: the hire is uncounted with its failure.
            if hired {
                crate::bidder::count_bid_closed(&self.failed_agent.to_account_info())?;
            }
        } else {
            self.registry.settle_outcome(
                config,
                self.failed_agent.to_account_info(),
                release_standby,
                Outcome {
                    unlock: hold,
                    kind: OutcomeKind::Failed,
                    value,
                    rating_bps: None,
                    slash: self.slash_to(self.stake_vault.as_ref(), slash, &compensation, reward.as_ref())?,
                    successor,
                    requester,
                    release_engagement: hired,
                    capabilities,
                    late: false,
                },
            )?;
        }
        if let Some(entry) = standby_failed {
            let standby = standby_info.ok_or_else(|| error!(ExchangeError::PayoutStandbyMismatch))?;
            let bid = self
                .standby_bid
                .as_ref()
                .ok_or_else(|| error!(ExchangeError::FailoverStandbyAccountsMissing))?;
            fail_bid(bid, old_standby_bid, ExchangeError::FailoverStandbyBidMismatch)?;
            let vault = match standby_slash.total {
                0 => None,
                _ => Some(
                    self.standby_vault
                        .as_ref()
                        .ok_or_else(|| error!(ExchangeError::FailoverStandbyAccountsMissing))?,
                ),
            };
            self.registry.settle_outcome(
                config,
                standby,
                None,
                Outcome {
                    unlock: hold,
                    kind: OutcomeKind::Failed,
                    value,
                    rating_bps: None,
                    slash: self.slash_to(vault, standby_slash, &compensation, reward.as_ref())?,
                    successor: None,
                    requester,
                    // A standby is a Vickrey runner-up: it has a bid account.
                    release_engagement: false,
                    capabilities,
                    late: false,
                },
            )?;
            emit!(StandbyFailed {
                intent: intent_key,
                agent: entry.agent,
                bid: entry.bid,
                slashed: standby_slash.total,
                reward: standby_slash.reward,
            });
        }
        if let Some(payee) = refund_to {
            self.refund(terms, refund, payee)?;
        }
        emit!(FailoverTriggered {
            intent: intent_key,
            failed_agent: failed.agent,
            cause: cause as u8,
            slashed: slash.total,
            reward: slash.reward,
            result: result as u8,
            winner_agent: new_winner,
            payment,
            execution_deadline_slot: deadline,
            round,
            failovers,
            refunded: refund,
        });
        Ok(())
    }

    /// Where the requester's compensation goes: its stake-mint account when that can receive
    /// it; the caller when the account passed is the requester's associated token account, which
    /// exists and cannot receive (only on `failover_trigger`, `caller_may_take`);
    /// `CompensationAccountInvalid` otherwise.
    fn compensation_to(&self, requester: &Pubkey, caller_may_take: bool) -> Result<Compensation<'info>> {
        let (Some(info), Some(mint), Some(program)) =
            (&self.requester_stake_tokens, &self.stake_mint, &self.stake_token_program)
        else {
            return err!(ExchangeError::FailoverSlashAccountsMissing);
        };
        let info = info.to_account_info();
        if agent_registry::token_view::receivable(&info).is_some_and(|v| v.is(mint.key(), *requester)) {
            return Ok(Compensation::ToRequester(info));
        }
        if caller_may_take && info.owner == program.key && !info.data_is_empty() {
            // Cold path: derived only for an account that cannot receive.
            let seeds = [requester.as_ref(), program.key.as_ref(), mint.key.as_ref()];
            let (associated, _) = Pubkey::find_program_address(&seeds, &seeds::ASSOCIATED_TOKEN_PROGRAM);
            if info.key() == associated {
                return Ok(Compensation::ToCaller);
            }
        }
        err!(ExchangeError::CompensationAccountInvalid)
    }

    /// The registry accounts and destinations of a slash out of `vault` (none when nothing is
    /// slashed).
    fn slash_to(
        &self,
        vault: Option<&UncheckedAccount<'info>>,
        slash: Slash,
        compensation: &Compensation<'info>,
        reward: Option<&Reward<'info>>,
    ) -> Result<Option<SlashTo<'info>>> {
        if slash.total == 0 {
            return Ok(None);
        }
        let (Some(vault), Some(mint), Some(program)) = (vault, &self.stake_mint, &self.stake_token_program)
        else {
            return err!(ExchangeError::FailoverSlashAccountsMissing);
        };
        let mut destinations = Vec::with_capacity(2);
        let mut amounts = Vec::with_capacity(2);
        let mut to_caller = slash.reward;
        match compensation {
            Compensation::ToRequester(to) if slash.compensation > 0 => {
                destinations.push(to.clone());
                amounts.push(slash.compensation);
            }
            Compensation::ToCaller => {
                to_caller = to_caller
                    .checked_add(slash.compensation)
                    .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
            }
            Compensation::ToRequester(_) | Compensation::None => {}
        }
        if to_caller > 0 {
            let to = reward.ok_or_else(|| error!(ExchangeError::FailoverSlashAccountsMissing))?.to.clone();
            destinations.push(to);
            amounts.push(to_caller);
        }
        Ok(Some(SlashTo {
            vault: vault.to_account_info(),
            stake_mint: mint.to_account_info(),
            token_program: program.to_account_info(),
            destinations,
            amounts,
        }))
    }

    /// Where a coalition's slashes go: the stake mint and program, the requester's compensation
    /// account (or the caller's, when the compensation goes to it) and the caller's.
    fn members_slash_to(
        &self,
        compensation: &Compensation<'info>,
        reward: Option<&Reward<'info>>,
    ) -> Result<MembersSlashTo<'info>> {
        let (Some(mint), Some(program)) = (&self.stake_mint, &self.stake_token_program) else {
            return err!(ExchangeError::FailoverSlashAccountsMissing);
        };
        let caller = reward.map(|r| r.to.clone());
        let requester = match compensation {
            Compensation::ToRequester(to) => Some(to.clone()),
            Compensation::ToCaller | Compensation::None => caller.clone(),
        };
        // Each destination the registry pays is checked there; one that is not paid is not read.
        let (Some(compensation), Some(reward)) = (requester.clone().or(caller.clone()), caller.or(requester))
        else {
            return err!(ExchangeError::FailoverSlashAccountsMissing);
        };
        Ok(MembersSlashTo {
            stake_mint: mint.to_account_info(),
            token_program: program.to_account_info(),
            compensation,
            reward,
        })
    }

    /// The last failover: the whole escrow back to the refund owner (kept for it when its account
    /// cannot receive), the escrow closed when nothing stays.
    fn refund(&self, terms: crate::escrow::EscrowTerms, amount: u64, payee: Payee<'info>) -> Result<()> {
        let group = RefundAccounts::unpack(
            &self.escrow,
            &self.mint,
            &self.requester_tokens,
            &self.requester,
            &self.token_program,
            ExchangeError::FailoverRefundAccountsMissing,
        )?;
        let escrow = group.escrow(terms, self.intent.to_account_info());
        let settled = escrow.end(amount, None, None, payee, &group.requester.to_account_info())?;
        settled.record(self.intent.key(), &mut *self.intent.load_mut()?)
    }
}

/// A coalition that failed a job: its members' agents and vaults (member order), contributions
/// and authority.
struct FailedCoalition<'info> {
    agents: Vec<(AccountInfo<'info>, AccountInfo<'info>)>,
    contributions: Vec<u64>,
    authority: Pubkey,
}
