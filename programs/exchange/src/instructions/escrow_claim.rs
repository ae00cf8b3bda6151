//! `escrow_claim` (permissionless): pays out what an ended intent's escrow kept because the
//! account the intent stored for a party could not receive it when the intent ended (closed,
//! frozen, re-owned, or requiring memos): the winner's payment to a token account of the
//! winner's authority, everything else the escrow holds to a token account of the refund owner.
//! The escrow closes (rent to the requester) once nothing is owed; then the intent may close.
//!
//! Rules: the intent has ended and its escrow is still open (`EscrowNothingToClaim`); each
//! account given is a token account of the intent's mint owned by its party that can receive
//! (`PayoutAccountMismatch`, `RefundAccountMismatch`); either may be left out (a party claims its
//! own share; anyone may push a share to its owner's account); the escrow, mint, token program
//! and requester are the intent's.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::escrow::Escrow;
use crate::events::EscrowClaimed;
use crate::state::Intent;

#[derive(Accounts)]
pub struct EscrowClaim<'info> {
    #[account(
        mut,
        has_one = requester @ ExchangeError::RequesterMismatch,
        has_one = escrow @ ExchangeError::EscrowAccountMismatch,
        has_one = mint @ ExchangeError::EscrowMintMismatch,
        has_one = token_program @ ExchangeError::EscrowMintMismatch,
    )]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the intent's escrow (`has_one`).
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,

    /// CHECK: the intent's mint (`has_one`); its decimals are stored in the intent.
    pub mint: UncheckedAccount<'info>,

    /// CHECK: a token account of the intent's mint owned by the winner's authority that can
    /// receive (checked in the handler), for the winner's claim.
    #[account(mut)]
    pub agent_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: a token account of the intent's mint owned by the refund owner that can receive
    /// (checked in the handler), for the rest of the escrow.
    #[account(mut)]
    pub requester_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: the intent's requester (`has_one`); receives the escrow's rent when it closes.
    #[account(mut)]
    pub requester: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

/// The account given for a party, if any, when it is a token account of `mint` owned by `owner`
/// that can receive a transfer (`Err` otherwise).
fn receiving<'info>(
    given: &Option<UncheckedAccount<'info>>,
    mint: &Pubkey,
    owner: &Pubkey,
) -> core::result::Result<Option<AccountInfo<'info>>, ()> {
    match given {
        None => Ok(None),
        Some(info) if agent_registry::token_view::receivable(info).is_some_and(|v| v.is(*mint, *owner)) => {
            Ok(Some(info.to_account_info()))
        }
        Some(_) => Err(()),
    }
}

impl EscrowClaim<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let intent_key = accounts.intent.key();
        let (terms, agent_claim, to_agent, to_requester) = {
            let intent = accounts.intent.load()?;
            intent.require_claimable()?;
            let to_agent = receiving(&accounts.agent_tokens, &intent.mint, &intent.winner_authority)
                .map_err(|_| error!(ExchangeError::PayoutAccountMismatch))?;
            let to_requester = receiving(&accounts.requester_tokens, &intent.mint, &intent.refund_owner)
                .map_err(|_| error!(ExchangeError::RefundAccountMismatch))?;
            (intent.escrow_terms(), intent.agent_claim, to_agent, to_requester)
        };
        let escrow = Escrow {
            terms,
            intent: accounts.intent.to_account_info(),
            escrow: accounts.escrow.to_account_info(),
            mint: accounts.mint.to_account_info(),
            token_program: accounts.token_program.to_account_info(),
        };
        let paid_agent = match &to_agent {
            Some(to) => {
                escrow.transfer(to, agent_claim)?;
                agent_claim
            }
            None => 0,
        };
        let owed_agent =
            agent_claim.checked_sub(paid_agent).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        let requester_share =
            escrow.balance()?.checked_sub(owed_agent).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        let paid_requester = match &to_requester {
            Some(to) => {
                escrow.transfer(to, requester_share)?;
                requester_share
            }
            None => 0,
        };
        let closed = owed_agent == 0 && requester_share == paid_requester;
        if closed {
            escrow.close(&accounts.requester.to_account_info())?;
        }
        {
            let mut intent = accounts.intent.load_mut()?;
            intent.record_escrow_end(owed_agent, closed)?;
            intent.invariant()?;
        }
        emit!(EscrowClaimed {
            intent: intent_key,
            to_agent: paid_agent,
            to_requester: paid_requester,
            agent_claim: owed_agent,
            closed,
        });
        Ok(())
    }
}
