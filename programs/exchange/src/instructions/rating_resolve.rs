//! `rating_resolve`: the judge decides a contested rating (issue 25): the intent's evaluator
//! within one reply window of the contest, the exchange's arbitrator after it (or from the start
//! when the intent has no evaluator), until the intent closes. The rating decided lies between
//! the requester's and the agent's claim. Upheld (the requester's own rating): the agent's bond
//! goes to the requester. Corrected (anything above): the bond goes back to the agent's
//! authority, and one registry CPI replaces the recorded rating with the decided one, at the
//! value the job counted, overall and per capability (`reputation_correct`). Either way, the
//! loser's bond goes to the winner of the reply. A requester's rating carries no bond of its own:
//! a rating costs nothing to give, and a corrected one costs the requester its word.
//!
//! Rules: signed by the judge at this slot (`JudgeNotEvaluator`, `DisputeNotArbitrator`); the
//! rating is contested (`ReplyNotContested`: a second decision fails); the decided rating lies
//! in [requester's rating, claim] (`ReplyRatingOutOfRange`); `requester`, `winner_authority` and
//! `winner_agent` are the intent's (`RequesterMismatch`, `ReplyNotWinner`, `ResultNotWinner`).
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::events::RatingReplyEnded;
// Glob: the registry composite needs its generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{ExchangeConfig, Intent};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct RatingResolveArgs {
    /// The rating that stands, bps: the requester's (upheld) up to the agent's claim.
    pub rating_bps: u16,
}

#[derive(Accounts)]
pub struct RatingResolve<'info> {
    /// The intent's evaluator within its window, else the config's arbitrator.
    pub judge: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(
        mut,
        has_one = requester @ ExchangeError::RequesterMismatch,
        has_one = winner_authority @ ExchangeError::ReplyNotWinner,
        has_one = winner_agent @ ExchangeError::ResultNotWinner,
    )]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the intent's requester (`has_one`): receives an upheld reply's bond.
    #[account(mut)]
    pub requester: UncheckedAccount<'info>,

    /// CHECK: the winner's authority (`has_one`): receives a corrected reply's bond.
    #[account(mut)]
    pub winner_authority: UncheckedAccount<'info>,

    /// CHECK: the winner's registry agent (`has_one`), read by the registry's
    /// `reputation_correct` as an `Agent` (owner and discriminator).
    #[account(mut)]
    pub winner_agent: UncheckedAccount<'info>,

    pub registry: RegistryAccounts<'info>,
}

impl RatingResolve<'_> {
    pub fn handler(ctx: Context<Self>, args: RatingResolveArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let accounts = &ctx.accounts;
        let config = accounts.config.load()?;
        let config = &*config;
        let (verdict, correction) = {
            let mut intent = accounts.intent.load_mut()?;
            let opened = intent.contest_slot;
            intent.require_judge(
                accounts.judge.key(),
                config.arbitrator,
                opened,
                now,
                config.reply_window_slots,
            )?;
            let verdict = intent.decide_reply(args.rating_bps)?;
            intent.invariant()?;
            let recorded = |rating| {
                agx_core::reputation::accountable_rating(intent.promised_bps, rating)
                    .map_err(|_| error!(ExchangeError::ReplyRatingOutOfRange))
            };
            let correction = agent_registry::ReputationCorrectArgs {
                value: intent.rated_value,
                capabilities: intent.required_capabilities,
                from_bps: recorded(intent.rating_bps)?,
                to_bps: recorded(verdict.rating_bps)?,
            };
            (verdict, correction)
        };
        let bond_to = if verdict.corrected {
            accounts.registry.correct_rating(config, accounts.winner_agent.to_account_info(), correction)?;
            accounts.winner_authority.to_account_info()
        } else {
            accounts.requester.to_account_info()
        };
        move_lamports(&accounts.intent.to_account_info(), &bond_to, verdict.bond)?;
        emit!(RatingReplyEnded {
            intent: accounts.intent.key(),
            agent: accounts.winner_agent.key(),
            judge: accounts.judge.key(),
            rating_bps: verdict.rating_bps,
            corrected: verdict.corrected,
            bond: verdict.bond,
            bond_to: bond_to.key(),
        });
        Ok(())
    }
}
