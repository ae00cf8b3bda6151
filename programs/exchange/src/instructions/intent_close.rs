//! `intent_close` (permissionless): closes an expired, completed or failed intent whose bids are
//! all closed and whose escrow is paid out. The caller earns one crank tip; the rent and the rest
//! of the tip pool go to the requester, who paid them; nothing of a finished intent stays open.
//!
//! Rules: the intent is expired, completed or failed (`IntentNotClosable`: open, awarded,
//! submitted and disputed intents have work left; a cancelled one closed at once); every bid
//! account of it is closed (`IntentHasOpenBids`; use `bid_close`); its escrow is closed
//! (`IntentClaimsPending`: a party's share waits in it, `escrow_claim`); no reply to the job's
//! rating is pending: the agent's window to contest has passed and a contest was decided or its
//! judges' window has passed (`IntentReplyPending`); a contest that lapsed undecided returns its
//! bond to the winner's authority, passed as `winner_authority` (`ReplyBondRecipientMissing`);
//! `requester` is the intent's; the intent's links follow the named accounts (`links::release`: its funding budget,
//! then its parent; `IntentLinkAccountMissing`).
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::escrow::move_lamports;
use crate::events::{IntentClosed, RatingReplyEnded};
use crate::state::Intent;

#[derive(Accounts)]
pub struct IntentClose<'info> {
    /// Whoever cranks; earns one crank tip.
    #[account(mut)]
    pub caller: Signer<'info>,

    #[account(mut, has_one = requester @ ExchangeError::RequesterMismatch, close = requester)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the intent's requester (checked by `has_one`); receives the rent.
    #[account(mut)]
    pub requester: UncheckedAccount<'info>,

    /// CHECK: the winner's authority (its stored address): receives the bond of a reply that
    /// lapsed undecided; needed only then (`ReplyBondRecipientMissing`).
    #[account(mut, address = intent.load()?.winner_authority @ ExchangeError::ReplyBondRecipientMissing)]
    pub winner_authority: Option<UncheckedAccount<'info>>,
}

impl<'info> IntentClose<'info> {
    pub fn validate(&self) -> Result<()> {
        self.intent.load()?.require_closable()
    }

    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let intent = ctx.accounts.intent.to_account_info();
        let now = Clock::get()?.slot;
        let (tip, status, bond, winner_agent) = {
            let mut loaded = ctx.accounts.intent.load_mut()?;
            let bond = loaded.end_reply(now)?;
            crate::links::release(&loaded, ctx.remaining_accounts)?;
            (loaded.take_tip(), loaded.status()?, bond, loaded.winner_agent)
        };
        if bond > 0 {
            let to = ctx
                .accounts
                .winner_authority
                .as_ref()
                .ok_or_else(|| error!(ExchangeError::ReplyBondRecipientMissing))?;
            move_lamports(&intent, to, bond)?;
            emit!(RatingReplyEnded {
                intent: intent.key(),
                agent: winner_agent,
                judge: Pubkey::default(),
                rating_bps: ctx.accounts.intent.load()?.rating_bps,
                corrected: false,
                bond,
                bond_to: to.key(),
            });
        }
        move_lamports(&intent, &ctx.accounts.caller.to_account_info(), tip)?;
        emit!(IntentClosed { intent: intent.key(), status, lamports: intent.lamports(), tip });
        Ok(())
    }
}
