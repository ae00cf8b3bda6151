//! `dispute_open`: the requester disputes a submitted result within the dispute window, with the
//! hash of its reasons. The intent's evaluator, when it names one (issue 25), decides the agent's
//! share (`dispute_resolve`) within one arbitration window; then, or from the start when there is
//! none, the config's arbitrator for another; after them, anyone may finalize the result as if
//! undisputed, so an absent judge never locks the escrow.
//!
//! Rules: signed by the intent's requester (`RequesterMismatch`); the intent names an evaluator
//! (other than the winner's authority) or the config an arbitrator (`DisputeNoArbitrator`); the intent is submitted (`DisputeNotSubmitted`: a second dispute
//! fails) and the dispute window is open (`DisputeWindowClosed`). Not stopped by a pause.
use crate::seeds;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::DisputeOpened;
use crate::state::{ExchangeConfig, Intent};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct DisputeOpenArgs {
    /// sha256 of the requester's reasons (kept off-chain).
    pub reason_hash: [u8; 32],
}

#[derive(Accounts)]
pub struct DisputeOpen<'info> {
    #[account(address = intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,
}

impl DisputeOpen<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.intent.load()?.has_judge(self.config.load()?.arbitrator),
            ExchangeError::DisputeNoArbitrator
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: DisputeOpenArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let mut intent = ctx.accounts.intent.load_mut()?;
        let window = intent.decision_window(ctx.accounts.config.load()?.arbitration_window_slots)?;
        intent.open_dispute(args.reason_hash, now, window)?;
        intent.invariant()?;
        emit!(DisputeOpened {
            intent: ctx.accounts.intent.key(),
            reason_hash: args.reason_hash,
            arbitration_end_slot: intent.dispute_end_slot,
        });
        Ok(())
    }
}
