//! Moving a job on from a winner that failed (missed its deadline, went silent, or declined):
//! shared by `failover_trigger` and `award_decline`.
//!
//! In one instruction: the winner leaves the board and is cut off the intent for good; part of
//! the stake held for the job is slashed (compensation to the requester, a reward to the caller)
//! and the rest released, with a failure recorded in its reputation (one registry CPI); then the
//! job goes to the next candidate on the board that still qualifies (the caller passes the
//! candidates' agent accounts in board order; those that no longer qualify are dropped with the
//! reason), whose stake is locked in the same CPI (unless it is the Vickrey standby, already
//! locked) and which is paid by the auction kind against the board as it is now. With no
//! candidate left, the intent reopens as a short re-auction; once `max_failovers` failovers have
//! happened, the intent fails and the escrow is refunded in full.
use crate::seeds;
use agent_registry::state::OutcomeKind;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::bidding::{live_agent, qualifies_at_settlement};
use crate::error::ExchangeError;
use crate::escrow::{Escrow, EscrowTerms};
use crate::events::{FailoverCandidateSkipped, FailoverTriggered};
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;

use crate::state::{ExchangeConfig, Intent, LeaderboardEntry};

/// The accounts every failover needs.
#[derive(Accounts)]
pub struct Failover<'info> {
    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: Box<Account<'info, ExchangeConfig>>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the failed winner's agent: must be the intent's winner (`FailoverStale` otherwise,
    /// e.g. for a crank that lost the race); decoded as an `Agent` here and by the registry.
    #[account(mut)]
    pub failed_agent: UncheckedAccount<'info>,

    /// CHECK: the Vickrey standby locked with the winner, when the intent has one: its address is
    /// the intent's standby (`PayoutStandbyMismatch`); decoded by the registry.
    #[account(mut)]
    pub standby: Option<UncheckedAccount<'info>>,

    pub registry: RegistryAccounts<'info>,

    /// CHECK: slash only: the failed agent's stake vault (seeds checked by the registry).
    #[account(mut)]
    pub stake_vault: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the registry's stake mint (checked by the registry).
    pub stake_mint: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the stake mint's token program (checked by the registry against its
    /// config).
    pub stake_token_program: Option<UncheckedAccount<'info>>,

    /// CHECK: slash only: the requester's token account of the stake mint (its compensation;
    /// `token_view` reads the owner, the registry checks the mint).
    #[account(
        mut,
        constraint = crate::token_view::read(requester_stake_tokens)?.owner == intent.load()?.requester
            @ ExchangeError::RefundAccountMismatch,
    )]
    pub requester_stake_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: last failover only: the escrow (address stored at creation), refunded in full and
    /// closed.
    #[account(mut, address = intent.load()?.escrow @ ExchangeError::EscrowAccountMismatch)]
    pub escrow: Option<UncheckedAccount<'info>>,

    /// CHECK: the intent's mint (address); its decimals are stored in the intent.
    #[account(address = intent.load()?.mint @ ExchangeError::EscrowMintMismatch)]
    pub mint: Option<UncheckedAccount<'info>>,

    /// CHECK: the refund owner's token account of the intent's mint (`token_view`). `dup`: it is
    /// `requester_stake_tokens` itself when intents are paid in the stake mint; token accounts
    /// are never written back by this program, so the alias is harmless.
    #[account(
        mut,
        dup,
        constraint = crate::token_view::is_refund_account(&*intent.load()?, requester_tokens)?
            @ ExchangeError::RefundAccountMismatch,
    )]
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

impl<'info> Failover<'info> {
    /// The failed winner's agent, decoded (a winner's agent cannot close: its bid is open).
    pub fn winner(&self) -> Result<agent_registry::state::AgentView> {
        live_agent(&self.failed_agent.to_account_info()).ok_or_else(|| error!(ExchangeError::FailoverStale))
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
        let config = &self.config;
        let mut intent = self.intent.load_mut()?;
        self.require_current_winner(&intent)?;
        let old_standby = intent.standby_agent;
        let standby_info = match (&self.standby, old_standby != Pubkey::default()) {
            (Some(account), true) if account.key() == old_standby => Some(account.to_account_info()),
            (None, false) => None,
            _ => return err!(ExchangeError::PayoutStandbyMismatch),
        };
        let failed = intent.fail_winner()?;
        let hold = intent.min_stake;
        let value = config.reputation_value(&intent.mint, intent.payment)?;
        let (slash, compensation, reward_amount) = self.slash_for(hold, slash_bps, reward.as_ref())?;

        // The next candidate, unless the failovers are used up.
        let mut promoted: Option<(LeaderboardEntry, AccountInfo<'info>, Pubkey)> = None;
        if !intent.failovers_exhausted() {
            let mut passed = candidates.iter();
            while let Some(head) = intent.ranked().first().copied() {
                let info = passed.next().ok_or_else(|| error!(ExchangeError::FailoverCandidateMissing))?;
                require_keys_eq!(info.key(), head.agent, ExchangeError::FailoverCandidateMismatch);
                let agent = live_agent(info);
                let qualifies = agent.as_ref().is_some_and(|agent| {
                    if head.agent == old_standby {
                        // Its stake is already locked for this job.
                        agent.active
                    } else {
                        qualifies_at_settlement(agent, &intent)
                    }
                });
                if qualifies {
                    let authority = agent.as_ref().map_or(Pubkey::default(), |agent| agent.authority);
                    promoted = Some((head, info.clone(), authority));
                    break;
                }
                intent.remove_head()?;
                emit!(FailoverCandidateSkipped {
                    intent: intent_key,
                    bid: head.bid,
                    agent: head.agent,
                    agent_gone: agent.is_none(),
                });
            }
        }
        let result = match &promoted {
            Some(_) => FailoverResult::Promoted,
            None if intent.failovers_exhausted() => FailoverResult::Failed,
            None => FailoverResult::Reauctioned,
        };
        let refund = match result {
            FailoverResult::Promoted => {
                let authority = promoted.as_ref().map_or(Pubkey::default(), |(_, _, authority)| *authority);
                intent.promote_head(authority, now, config.execution_grace_slots)?;
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
        let terms = intent.escrow_terms();
        let (new_winner, payment, deadline, round, failovers) = (
            intent.winner_agent,
            intent.payment,
            intent.execution_deadline_slot,
            intent.round,
            intent.failovers,
        );
        drop(intent);

        // The standby is released unless it now holds the job (its stake is already locked);
        // any other promoted candidate has the hold locked in the same CPI.
        let still_holding = promoted.as_ref().is_some_and(|(head, _, _)| head.agent == old_standby);
        let release_standby = if still_holding { None } else { standby_info };
        let successor = promoted
            .as_ref()
            .filter(|(head, _, _)| head.agent != old_standby)
            .map(|(_, info, _)| info.clone());
        self.registry.settle_outcome(
            config,
            self.failed_agent.to_account_info(),
            release_standby,
            Outcome {
                unlock: hold,
                kind: OutcomeKind::Failed,
                value,
                rating_bps: None,
                slash: self.slash_to(slash, compensation, reward_amount, reward)?,
                successor,
            },
        )?;
        if result == FailoverResult::Failed {
            self.refund(terms, refund)?;
        }
        emit!(FailoverTriggered {
            intent: intent_key,
            failed_agent: failed.agent,
            cause: cause as u8,
            slashed: slash,
            reward: reward_amount,
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

    /// The slash of `hold` at `slash_bps`, split into (total, to the requester, to the caller).
    fn slash_for(
        &self,
        hold: u64,
        slash_bps: u16,
        reward: Option<&Reward<'info>>,
    ) -> Result<(u64, u64, u64)> {
        let bps =
            |v: u16| agx_core::Bps::new(v).map_err(|_| error!(ExchangeError::ConfigFailoverParamsInvalid));
        let overflow = |_| error!(ExchangeError::ArithmeticOverflow);
        let slash = agx_core::TokenAtoms(hold).mul_bps_floor(bps(slash_bps)?).map_err(overflow)?.0;
        let reward_amount = match reward {
            Some(r) => agx_core::TokenAtoms(slash).mul_bps_floor(bps(r.bps)?).map_err(overflow)?.0,
            None => 0,
        };
        let compensation =
            slash.checked_sub(reward_amount).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok((slash, compensation, reward_amount))
    }

    /// The registry accounts and destinations of a slash (none when nothing is slashed).
    fn slash_to(
        &self,
        slash: u64,
        compensation: u64,
        reward_amount: u64,
        reward: Option<Reward<'info>>,
    ) -> Result<Option<SlashTo<'info>>> {
        if slash == 0 {
            return Ok(None);
        }
        let (Some(vault), Some(mint), Some(program), Some(requester)) =
            (&self.stake_vault, &self.stake_mint, &self.stake_token_program, &self.requester_stake_tokens)
        else {
            return err!(ExchangeError::FailoverSlashAccountsMissing);
        };
        let mut destinations = Vec::with_capacity(2);
        let mut amounts = Vec::with_capacity(2);
        if compensation > 0 {
            destinations.push(requester.to_account_info());
            amounts.push(compensation);
        }
        if reward_amount > 0 {
            let to = reward.ok_or_else(|| error!(ExchangeError::FailoverSlashAccountsMissing))?.to;
            destinations.push(to);
            amounts.push(reward_amount);
        }
        Ok(Some(SlashTo {
            vault: vault.to_account_info(),
            stake_mint: mint.to_account_info(),
            token_program: program.to_account_info(),
            destinations,
            amounts,
        }))
    }

    /// The last failover: the whole escrow back to the refund owner, the escrow closed.
    fn refund(&self, terms: EscrowTerms, amount: u64) -> Result<()> {
        let (Some(escrow), Some(mint), Some(to), Some(requester), Some(token_program)) =
            (&self.escrow, &self.mint, &self.requester_tokens, &self.requester, &self.token_program)
        else {
            return err!(ExchangeError::FailoverRefundAccountsMissing);
        };
        let escrow = Escrow {
            terms,
            intent: self.intent.to_account_info(),
            escrow: escrow.to_account_info(),
            mint: mint.to_account_info(),
            token_program: token_program.to_account_info(),
        };
        escrow.pay_out(&to.to_account_info(), amount, Some(&requester.to_account_info()))
    }
}
