//! `intent_cancel`: the requester withdraws an intent that has no bid yet. The escrow is
//! refunded in full and closed; the intent's rent and keeper tip go back to the requester.
//!
//! Rules: signed by the requester; the intent is open and has no committed or placed bid; the
//! refund account is a token account of the intent's mint owned by the refund owner that can
//! receive it (`RefundAccountMismatch`, `RefundAccountUnusable`: the requester is the caller and
//! passes another). Anything sent to the escrow outside the protocol is swept to it too. The
//! intent's links follow the named accounts (`links::release`: its funding budget, then its
//! parent; `IntentLinkAccountMissing`).
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::escrow::{Escrow, Payee};
use crate::events::IntentCancelled;

use crate::state::Intent;

#[derive(Accounts)]
pub struct IntentCancel<'info> {
    #[account(mut)]
    pub requester: Signer<'info>,

    #[account(
        mut,
        has_one = requester @ ExchangeError::RequesterMismatch,
        has_one = escrow @ ExchangeError::EscrowAccountMismatch,
        has_one = mint @ ExchangeError::EscrowMintMismatch,
        has_one = token_program @ ExchangeError::EscrowMintMismatch,
        close = requester,
    )]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the intent's escrow (address stored at creation, `has_one` on the intent).
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,

    /// CHECK: the intent's mint (`has_one` on the intent).
    pub mint: UncheckedAccount<'info>,

    /// CHECK: the refund owner's token account of the intent's mint that can receive the refund
    /// (`Payee::refund`, checked in the handler).
    #[account(mut)]
    pub requester_tokens: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> IntentCancel<'info> {
    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let (refund, terms, to) = {
            let mut intent = accounts.intent.load_mut()?;
            let to = Payee::refund(&intent, &accounts.requester_tokens.to_account_info())?.require_pay()?;
            let refund = intent.cancel()?;
            intent.invariant()?;
            crate::links::release(&intent, ctx.remaining_accounts)?;
            (refund, intent.escrow_terms(), to)
        };
        let escrow = Escrow {
            terms,
            intent: accounts.intent.to_account_info(),
            escrow: accounts.escrow.to_account_info(),
            mint: accounts.mint.to_account_info(),
            token_program: accounts.token_program.to_account_info(),
        };
        // The intent account closes with this instruction: the escrow must close with it.
        let settled =
            escrow.end(refund, None, None, Payee::Pay(to), &accounts.requester.to_account_info())?;
        require!(settled.closed, ExchangeError::IntentCorrupt);
        settled.emit(ctx.accounts.intent.key());
        emit!(IntentCancelled { intent: ctx.accounts.intent.key(), refunded: settled.refunded });
        Ok(())
    }
}
