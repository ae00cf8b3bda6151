//! `result_submit`: the winning agent delivers its result.
//!
//! Rules: signed by the winner's authority (the intent's `winner_authority`, set at the award;
//! `ResultNotWinner` otherwise); the intent is awarded (`ResultNotAwarded`) and its execution deadline (the award
//! slot plus the promised latency plus the config's grace) has not passed
//! (`ResultDeadlinePassed`); the fulfilled share is 1..=10,000 bps (partial fulfilment pays pro
//! rata); the result URI is at most 200 bytes (it is carried in the event, only its hash is
//! stored); the payout account is a token account of the intent's mint owned by the winner's
//! authority (`PayoutAccountMismatch`), stored so that anyone finalizing the job pays into it.
//! The dispute window starts now.
use crate::seeds;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::ResultSubmitted;
use crate::state::{ExchangeConfig, Intent, MAX_CONTEXT_URI_LEN};

#[derive(AnchorSerialize, Clone, Debug)]
pub struct ResultSubmitArgs {
    /// sha256 of the result.
    pub result_hash: [u8; 32],
    /// Where the result can be fetched.
    pub result_uri: String,
    /// Share of the job delivered, bps.
    pub fulfilled_bps: u16,
}

/// Borsh's layout, field by field, with the string bounded (`agent_registry::args`).
impl AnchorDeserialize for ResultSubmitArgs {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        Ok(Self {
            result_hash: AnchorDeserialize::deserialize_reader(reader)?,
            result_uri: agent_registry::args::bounded_string(reader)?,
            fulfilled_bps: AnchorDeserialize::deserialize_reader(reader)?,
        })
    }
}

#[derive(Accounts)]
pub struct ResultSubmit<'info> {
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: where the winner wants to be paid: a token account of the intent's mint owned by
    /// the bidder (`token_view`).
    #[account(
        constraint = crate::token_view::read(&payout_tokens)?.is(intent.load()?.mint, bidder.key())
            @ ExchangeError::PayoutAccountMismatch,
    )]
    pub payout_tokens: UncheckedAccount<'info>,
}

impl ResultSubmit<'_> {
    pub fn handler(ctx: Context<Self>, args: ResultSubmitArgs) -> Result<()> {
        require!(args.result_uri.len() <= MAX_CONTEXT_URI_LEN, ExchangeError::ResultUriTooLong);
        let now = Clock::get()?.slot;
        let mut intent = ctx.accounts.intent.load_mut()?;
        // A failed-over winner is cut off and no longer the winner: it gets `ResultNotWinner`.
        require_keys_eq!(intent.winner_authority, ctx.accounts.bidder.key(), ExchangeError::ResultNotWinner);
        intent.submit(
            args.result_hash,
            args.fulfilled_bps,
            now,
            ctx.accounts.config.load()?.dispute_window_slots,
        )?;
        intent.winner_tokens = ctx.accounts.payout_tokens.key();
        intent.invariant()?;
        emit!(ResultSubmitted {
            intent: ctx.accounts.intent.key(),
            agent: intent.winner_agent,
            result_hash: args.result_hash,
            result_uri: args.result_uri,
            fulfilled_bps: args.fulfilled_bps,
            dispute_end_slot: intent.dispute_end_slot,
        });
        Ok(())
    }
}
