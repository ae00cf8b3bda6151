//! `intent_close` (permissionless): closes an expired or completed intent whose bids are all
//! closed. Its
//! rent and any lamports left go to the requester, who paid them; nothing of a finished intent
//! stays open.
//!
//! Rules: the intent is expired or completed (`IntentNotClosable`: open, awarded and submitted
//! intents have work left; a cancelled one closed at once); every bid account of it is closed (`IntentHasOpenBids`; use
//! `bid_close`); `requester` is the intent's.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::IntentClosed;
use crate::state::Intent;

#[derive(Accounts)]
pub struct IntentClose<'info> {
    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch, close = requester)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: receives the lamports; must be the intent's requester (`has_one`).
    #[account(mut)]
    pub requester: UncheckedAccount<'info>,
}

impl IntentClose<'_> {
    pub fn validate(&self) -> Result<()> {
        self.intent.load()?.require_closable()
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(IntentClosed {
            intent: ctx.accounts.intent.key(),
            lamports: ctx.accounts.intent.to_account_info().lamports(),
        });
        Ok(())
    }
}
