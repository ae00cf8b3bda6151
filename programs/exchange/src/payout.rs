//! Ending a delivered job: the escrow splits (`agx_core::payment::split`) between the winner and
//! the refund owner, the escrow closes (rent to the requester, who paid it), and one registry CPI
//! releases the stake held for the job (winner and standby, less any slash) and records the
//! outcome. Shared by `result_accept`, `intent_finalize` and `dispute_resolve`; the accounts are
//! boxed: together they would not fit the 4 KiB SBF stack frame.
//!
//! Payments go to accounts that can receive them: the winner's share to a token account of its
//! authority, the rest of the escrow (the refund, and anything sent to the escrow outside the
//! protocol) to the refund owner's. When the account the intent stores for a party (the one the
//! winner named at submission, the requester's funding account) can no longer receive tokens,
//! that party's share stays in the escrow to be claimed (`escrow_claim`) and the job ends all the
//! same (`escrow::Payee`). In a reputation-bearing mint the winner's share pays the config's
//! `reputation_fee_bps` to the exchange's fee vault (a token account of the mint owned by the
//! exchange authority; `FeeVaultInvalid`).
//!
//! A coalition's job (issue 24) pays the coalition's net share by the members' profit shares
//! (`agx_core::coalition::split_by_shares`, the dust to the lead): each member other than the
//! lead into an account of the key that signed the terms for it, passed after the named accounts
//! as the pairs (member agent, its account) in member order (`CoalitionMemberAccountMissing`); a member whose
//! associated account cannot receive has its share paid with the lead's, which goes where the
//! lead named at submission (or stays to be claimed, as any winner's). One registry CPI
//! (`outcome_settle_members`) releases each member's contribution and records its outcome with
//! the value of its share. A dispute's slash of a coalition is not supported yet
//! (`CoalitionDisputeSlashUnsupported`).
//!
//! A completed job is rated against the quality the winner promised
//! (`agx_core::reputation::accountable_rating`: a shortfall counts twice), and its value counts
//! only when the intent's mint is reputation-bearing in the config. A resolved dispute records
//! the arbitrator's share as the rating, or a failure when the share is 0, or a slash when the
//! arbitrator slashed.
use crate::seeds;
use agent_registry::state::OutcomeKind;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::escrow::{Escrow, EscrowTerms, Payee, Share};
use crate::events::{DisputeResolved, JobCompleted, RatingReplyOpened};
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;

use crate::state::{ExchangeConfig, Intent};

/// The accounts a payout needs.
#[derive(Accounts)]
pub struct Payout<'info> {
    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(
        mut,
        has_one = escrow @ ExchangeError::EscrowAccountMismatch,
        has_one = mint @ ExchangeError::EscrowMintMismatch,
        has_one = token_program @ ExchangeError::EscrowMintMismatch,
        has_one = winner_agent @ ExchangeError::ResultNotWinner,
    )]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the intent's escrow (address stored at creation, `has_one` on the intent).
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,

    /// CHECK: the intent's mint (`has_one` on the intent); its decimals are stored in the intent.
    pub mint: UncheckedAccount<'info>,

    /// CHECK: the winner's token account of the intent's mint, owned by the winning agent's
    /// authority, or the one it named at submission (`Payee::winner`, in `end`).
    #[account(mut)]
    pub agent_tokens: UncheckedAccount<'info>,

    /// CHECK: the refund owner's token account of the intent's mint (the requester's, or its
    /// budget's), or the one the intent stores for refunds (`Payee::refund`, in `end`).
    #[account(mut)]
    pub requester_tokens: UncheckedAccount<'info>,

    /// CHECK: reputation-bearing mints only: the exchange's fee vault, a token account of the
    /// intent's mint owned by the exchange authority that can receive the fee (checked in `end`).
    #[account(mut)]
    pub fee_vault: Option<UncheckedAccount<'info>>,

    /// CHECK: the winner's registry agent (it cannot close while its winning bid is open): its
    /// address is the intent's winner (`has_one` on the intent), and the registry's
    /// `outcome_settle` reads it as an `Agent` (owner and discriminator), so it is not decoded
    /// twice.
    #[account(mut)]
    pub winner_agent: UncheckedAccount<'info>,

    /// CHECK: the standby (Vickrey runner-up) whose stake was locked with the winner's, if any:
    /// its address is the intent's standby (`PayoutStandbyMismatch`), decoded by the registry.
    #[account(mut)]
    pub standby: Option<UncheckedAccount<'info>>,

    pub registry: RegistryAccounts<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

/// What a transition of the intent to Completed leaves to pay.
struct Ending<'info> {
    split: agx_core::payment::Split,
    /// The winner's share after the reputation fee.
    net: u64,
    fee: u64,
    to_agent: Payee<'info>,
    to_requester: Payee<'info>,
    terms: EscrowTerms,
    /// Stake held for the job on the winner and the standby.
    hold: u64,
    standby: Pubkey,
    /// The winner's promised quality, bps.
    promised: u16,
    fulfilled_bps: u16,
    payment: u64,
    /// Lamports of crank tip for the caller.
    tip: u64,
    requester: Pubkey,
    /// The capabilities the intent asked for (the outcome's per-capability histories).
    capabilities: u64,
    /// A direct hire's job: its engagement of the winner ends now.
    hired: bool,
    /// The result came after the promised latency.
    late: bool,
}

impl<'info> Payout<'info> {
    /// Completes the job with `rating_bps` (accepted by the requester, or `finalizing`: by anyone
    /// once the dispute or arbitration window has passed); the escrow's rent goes to `rent_to`
    /// (the requester). Returns the crank tip owed to a finalizing caller (0 on accept).
    pub fn complete(
        &self,
        rent_to: &AccountInfo<'info>,
        rating_bps: u16,
        finalizing: bool,
        members: &[AccountInfo<'info>],
    ) -> Result<u64> {
        require!(rating_bps <= agx_core::BPS_DENOMINATOR, ExchangeError::ResultRatingOutOfRange);
        let now = Clock::get()?.slot;
        let coalition = self.coalition(members)?;
        let ending = self.end(finalizing, |intent| intent.complete(now, finalizing))?;
        let recorded = agx_core::reputation::accountable_rating(ending.promised, rating_bps)
            .map_err(|_| error!(ExchangeError::ResultRatingOutOfRange))?;
        let ending = self.pay(rent_to, ending, coalition.as_ref())?;
        let value = self.config.load()?.reputation_value(&self.mint.key(), ending.split.to_agent.0)?;
        let counted = self.settle_registry(
            &ending,
            OutcomeKind::Completed,
            value,
            Some(recorded),
            None,
            coalition.as_ref(),
        )?;
        if !finalizing && coalition.is_none() {
            self.open_reply(now, rating_bps, ending.promised, counted)?;
        }
        emit!(JobCompleted {
            intent: self.intent.key(),
            agent: self.winner_agent.key(),
            paid: ending.split.to_agent.0,
            refunded: ending.split.to_requester.0,
            fulfilled_bps: ending.fulfilled_bps,
            rating_bps,
            reputation_rating_bps: recorded,
            reputation_value: value,
            finalized: finalizing,
        });
        Ok(ending.tip)
    }

    /// The requester's rating stands open to the agent's reply when below its promise
    /// (`Intent::open_reply`; a coalition's job, rated for all its members, has none).
    fn open_reply(&self, now: u64, rating_bps: u16, promised_bps: u16, counted: u64) -> Result<()> {
        let mut intent = self.intent.load_mut()?;
        intent.open_reply(now, self.config.load()?.reply_window_slots, rating_bps, promised_bps, counted)?;
        intent.invariant()?;
        if intent.reply_end_slot != 0 {
            emit!(RatingReplyOpened {
                intent: self.intent.key(),
                agent: self.winner_agent.key(),
                rating_bps,
                promised_bps,
                reply_end_slot: intent.reply_end_slot,
            });
        }
        Ok(())
    }

    /// Ends a disputed job as the arbitrator decided: the agent gets `agent_share_bps` of its
    /// payment, and `slash` (atoms of its held stake) goes to the requester.
    pub fn resolve(
        &self,
        rent_to: &AccountInfo<'info>,
        arbitrator: Pubkey,
        agent_share_bps: u16,
        slash: Option<SlashTo<'info>>,
        members: &[AccountInfo<'info>],
    ) -> Result<()> {
        let share =
            agx_core::Bps::new(agent_share_bps).map_err(|_| error!(ExchangeError::DisputeShareOutOfRange))?;
        let coalition = self.coalition(members)?;
        let ending = self.end(false, |intent| intent.resolve_dispute(share))?;
        let slashed = slash.as_ref().map_or(Ok(0), SlashTo::total)?;
        require!(slashed <= ending.hold, ExchangeError::DisputeSlashExceedsHold);
        require!(coalition.is_none() || slashed == 0, ExchangeError::CoalitionDisputeSlashUnsupported);
        let ending = self.pay(rent_to, ending, coalition.as_ref())?;
        let config = self.config.load()?;
        let job_value = config.reputation_value(&self.mint.key(), ending.payment)?;
        let (kind, value, rating) = if slashed > 0 {
            (OutcomeKind::Slashed, job_value, None)
        } else if agent_share_bps == 0 {
            (OutcomeKind::Failed, job_value, None)
        } else {
            let paid_value = config.reputation_value(&self.mint.key(), ending.split.to_agent.0)?;
            let rating = agx_core::reputation::accountable_rating(ending.promised, agent_share_bps)
                .map_err(|_| error!(ExchangeError::DisputeShareOutOfRange))?;
            (OutcomeKind::Completed, paid_value, Some(rating))
        };
        self.settle_registry(&ending, kind, value, rating, slash, coalition.as_ref())?;
        emit!(DisputeResolved {
            intent: self.intent.key(),
            agent: self.winner_agent.key(),
            judge: arbitrator,
            agent_share_bps,
            paid: ending.split.to_agent.0,
            refunded: ending.split.to_requester.0,
            slashed,
        });
        Ok(())
    }

    /// Runs the intent's transition to Completed and reads what the payout needs.
    fn end(
        &self,
        tipped: bool,
        transition: impl FnOnce(&mut Intent) -> Result<agx_core::payment::Split>,
    ) -> Result<Ending<'info>> {
        let mut intent = self.intent.load_mut()?;
        let to_agent = Payee::winner(&intent, &self.agent_tokens.to_account_info())?;
        let to_requester = Payee::refund(&intent, &self.requester_tokens.to_account_info())?;
        let split = transition(&mut intent)?;
        intent.invariant()?;
        let fee = self.config.load()?.reputation_fee(&intent.mint, split.to_agent.0)?;
        let net =
            split.to_agent.0.checked_sub(fee).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(Ending {
            split,
            net,
            fee,
            to_agent,
            to_requester,
            terms: intent.escrow_terms(),
            hold: intent.min_stake,
            standby: intent.standby_agent,
            // The board is frozen since the award, with the winner at its head.
            promised: intent.ranked().first().map_or(0, |head| head.quality_bps),
            fulfilled_bps: intent.fulfilled_bps,
            payment: intent.payment,
            tip: if tipped { intent.take_tip() } else { 0 },
            requester: intent.requester,
            capabilities: intent.required_capabilities,
            hired: intent.is_hired()?,
            late: intent.submitted_late == 1,
        })
    }

    /// Pays the winner its share less the fee, the fee to the fee vault, and the refund owner
    /// the rest of the escrow (`Escrow::end`); records what stays to be claimed.
    fn pay(
        &self,
        rent_to: &AccountInfo<'info>,
        mut ending: Ending<'info>,
        coalition: Option<&CoalitionPay<'info>>,
    ) -> Result<Ending<'info>> {
        let escrow = Escrow {
            terms: ending.terms,
            intent: self.intent.to_account_info(),
            escrow: self.escrow.to_account_info(),
            mint: self.mint.to_account_info(),
            token_program: self.token_program.to_account_info(),
        };
        let vault;
        let fee = if ending.fee > 0 {
            vault = self
                .fee_vault
                .as_ref()
                .ok_or_else(|| error!(ExchangeError::FeeVaultInvalid))?
                .to_account_info();
            let receivable = agent_registry::token_view::receivable(&vault)
                .is_some_and(|v| v.is(self.mint.key(), seeds::AUTHORITY_ADDRESS));
            require!(receivable, ExchangeError::FeeVaultInvalid);
            Some((ending.fee, &vault))
        } else {
            None
        };
        let to_agent = core::mem::replace(&mut ending.to_agent, Payee::Keep);
        let to_requester = core::mem::replace(&mut ending.to_requester, Payee::Keep);
        let recorded = ending
            .split
            .to_agent
            .0
            .checked_add(ending.split.to_requester.0)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        // A coalition's members other than the lead are paid their shares first; the lead's
        // share (with any a member cannot receive) is the winner's share below.
        let prepaid = match coalition {
            Some(c) => c.pay_members(&escrow, self.intent.key(), ending.net)?,
            None => 0,
        };
        let overflow = || error!(ExchangeError::ArithmeticOverflow);
        let mut settled = escrow.end(
            recorded.checked_sub(prepaid).ok_or_else(overflow)?,
            Some(Share { amount: ending.net.checked_sub(prepaid).ok_or_else(overflow)?, to: to_agent }),
            fee,
            to_requester,
            rent_to,
        )?;
        settled.paid = settled.paid.checked_add(prepaid).ok_or_else(overflow)?;
        settled.record(self.intent.key(), &mut *self.intent.load_mut()?)?;
        Ok(ending)
    }

    /// The winning coalition's members, when a coalition holds the job: the pairs (member agent,
    /// its account of the mint) after the named accounts, in member order.
    fn coalition(&self, members: &[AccountInfo<'info>]) -> Result<Option<CoalitionPay<'info>>> {
        if !self.intent.load()?.held_by_coalition() {
            return Ok(None);
        }
        let coalition = crate::bidder::coalition(&self.winner_agent)
            .ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        Ok(Some(CoalitionPay {
            members: crate::bidder::member_pairs(&coalition, members)?,
            shares: coalition.members().iter().map(|m| m.share_bps).collect(),
            signers: coalition.members().iter().map(|m| m.signer).collect(),
            contributions: coalition.members().iter().map(|m| m.contribution).collect(),
            mint: self.mint.key(),
            token_program: self.token_program.key(),
        }))
    }

    /// One registry CPI: slash (if any), release the holds, record the outcome (each member's,
    /// with the value of its share, for a coalition).
    fn settle_registry(
        &self,
        ending: &Ending,
        kind: OutcomeKind,
        value: u64,
        rating: Option<u16>,
        slash: Option<SlashTo<'info>>,
        coalition: Option<&CoalitionPay<'info>>,
    ) -> Result<u64> {
        if let Some(c) = coalition {
            let values = agx_core::coalition::split_by_shares(value, &c.shares)
                .map_err(|_| error!(ExchangeError::CoalitionCorrupt))?;
            let members = c
                .contributions
                .iter()
                .zip(values)
                .map(|(contribution, value)| agent_registry::MemberOutcome {
                    unlock: *contribution,
                    compensation: 0,
                    reward: 0,
                    record: Some(kind),
                    value,
                })
                .collect();
            // Nothing is slashed here, so the registry reads no vault: each agent stands in its
            // own vault's slot.
            let pairs = c.members.iter().map(|(agent, _)| (agent.clone(), agent.clone())).collect();
            let job =
                JobOf { requester: ending.requester, capabilities: ending.capabilities, late: ending.late };
            self.registry.settle_members(&*self.config.load()?, pairs, members, rating, job, None)?;
            // A hired coalition holds no bid account: the hire is uncounted with its outcome.
            if ending.hired {
                crate::bidder::count_bid_closed(&self.winner_agent.to_account_info())?;
            }
            return Ok(0);
        }
        let standby_info = match (&self.standby, ending.standby != Pubkey::default()) {
            (Some(account), true) if account.key() == ending.standby => Some(account.to_account_info()),
            (None, false) => None,
            _ => return err!(ExchangeError::PayoutStandbyMismatch),
        };
        self.registry.settle_outcome(
            &*self.config.load()?,
            self.winner_agent.to_account_info(),
            standby_info,
            Outcome {
                unlock: ending.hold,
                kind,
                value,
                rating_bps: rating,
                slash,
                successor: None,
                requester: ending.requester,
                release_engagement: ending.hired,
                capabilities: ending.capabilities,
                late: ending.late,
            },
        )
    }
}

/// A coalition winner's members, as a payout reads them.
pub struct CoalitionPay<'info> {
    /// Each member's agent and account of the mint, in member order (the lead first; its account
    /// is not read: it is paid as the winner).
    pub members: Vec<(AccountInfo<'info>, AccountInfo<'info>)>,
    pub shares: Vec<u16>,
    /// The keys that signed the terms: each member is paid into an account of its signer's.
    pub signers: Vec<Pubkey>,
    pub contributions: Vec<u64>,
    pub mint: Pubkey,
    pub token_program: Pubkey,
}

impl<'info> CoalitionPay<'info> {
    /// Pays each member but the lead its share of `net` out of `escrow`; what it paid. A member
    /// is paid into a token account of the mint owned by the key that signed the terms for it
    /// that can receive; when the account passed is that key's associated account and cannot
    /// receive, its share is paid with the lead's; any other account is refused
    /// (`PayoutAccountMismatch`), so no caller can divert a member's share.
    fn pay_members(&self, escrow: &crate::escrow::Escrow<'info>, intent: Pubkey, net: u64) -> Result<u64> {
        let amounts = agx_core::coalition::split_by_shares(net, &self.shares)
            .map_err(|_| error!(ExchangeError::CoalitionCorrupt))?;
        let mut paid = 0u64;
        let mut kept = 0u64;
        let overflow = || error!(ExchangeError::ArithmeticOverflow);
        for ((authority, (_, account)), amount) in self.signers.iter().zip(&self.members).zip(amounts).skip(1)
        {
            let authority = *authority;
            if agent_registry::token_view::receivable(account).is_some_and(|v| v.is(self.mint, authority)) {
                escrow.transfer(account, amount)?;
                paid = paid.checked_add(amount).ok_or_else(overflow)?;
                continue;
            }
            // Cold path: derived only for an account that cannot receive.
            let seeds = [authority.as_ref(), self.token_program.as_ref(), self.mint.as_ref()];
            let (associated, _) = Pubkey::find_program_address(&seeds, &seeds::ASSOCIATED_TOKEN_PROGRAM);
            require_keys_eq!(account.key(), associated, ExchangeError::PayoutAccountMismatch);
            kept = kept.checked_add(amount).ok_or_else(overflow)?;
        }
        let members = self.shares.len();
        emit!(crate::events::CoalitionPaid {
            intent,
            amounts: amounts[..members].to_vec(),
            paid_with_lead: kept
        });
        Ok(paid)
    }
}
