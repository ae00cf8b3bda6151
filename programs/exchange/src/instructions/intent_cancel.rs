//! `intent_cancel`: the requester withdraws an intent that has no bid yet. The escrow is
//! refunded in full and closed; the intent's rent and keeper tip go back to the requester.
//!
//! Rules: signed by the requester; the intent is open and has no committed or placed bid.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::escrow::{self, IntentSigner};
use crate::events::IntentCancelled;
use crate::seeds;
use crate::state::Intent;

#[derive(Accounts)]
pub struct IntentCancel<'info> {
    #[account(mut)]
    pub requester: Signer<'info>,

    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch, has_one = mint @ ExchangeError::EscrowMintMismatch, close = requester)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(mut, seeds = [seeds::ESCROW, intent.key().as_ref()], bump = intent.load()?.escrow_bump)]
    pub escrow: InterfaceAccount<'info, TokenAccount>,

    pub mint: InterfaceAccount<'info, Mint>,

    #[account(
        mut,
        token::mint = mint,
        constraint = requester_tokens.owner == intent.load()?.refund_owner @ ExchangeError::RefundAccountMismatch,
    )]
    pub requester_tokens: InterfaceAccount<'info, TokenAccount>,

    #[account(address = intent.load()?.token_program @ ExchangeError::EscrowMintMismatch)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl IntentCancel<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let (refund, signer) = {
            let mut intent = ctx.accounts.intent.load_mut()?;
            let refund = intent.cancel()?;
            intent.invariant()?;
            let signer = IntentSigner {
                requester: intent.requester,
                intent_id: intent.intent_id.to_le_bytes(),
                bump: [intent.bump],
            };
            (refund, signer)
        };
        escrow::pay_out(
            &signer,
            &ctx.accounts.intent.to_account_info(),
            &ctx.accounts.escrow,
            &ctx.accounts.requester_tokens.to_account_info(),
            &ctx.accounts.mint,
            &ctx.accounts.token_program,
            refund,
            Some(&ctx.accounts.requester.to_account_info()),
        )?;
        emit!(IntentCancelled { intent: ctx.accounts.intent.key(), refunded: refund });
        Ok(())
    }
}
