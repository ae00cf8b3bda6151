//! Payments out of an intent's escrow, signed by the intent PDA that owns it.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::seeds;
use crate::state::Intent;

/// Signer seeds of the intent PDA.
#[derive(Clone, Copy)]
pub struct IntentSigner {
    pub requester: Pubkey,
    pub intent_id: [u8; 8],
    pub bump: [u8; 1],
}

/// What paying out of an intent's escrow takes from the intent itself: the intent PDA's signer
/// seeds and the mint's decimals (stored at creation). Copied out before the intent is released
/// for the token CPIs.
#[derive(Clone, Copy)]
pub struct EscrowTerms {
    pub signer: IntentSigner,
    pub decimals: u8,
}

impl crate::state::Intent {
    pub fn escrow_terms(&self) -> EscrowTerms {
        EscrowTerms {
            signer: IntentSigner {
                requester: self.requester,
                intent_id: self.intent_id.to_le_bytes(),
                bump: [self.bump],
            },
            decimals: self.mint_decimals,
        }
    }
}

impl IntentSigner {
    pub fn seeds(&self) -> [&[u8]; 4] {
        [seeds::INTENT, self.requester.as_ref(), &self.intent_id, &self.bump]
    }
}

/// Where one party's share of an escrow goes when an intent ends.
pub enum Payee<'info> {
    /// Into this account, which can receive it.
    Pay(AccountInfo<'info>),
    /// Nowhere yet: the party's account (the one the intent stores for it) cannot receive
    /// tokens, so the share stays in the escrow until claimed (`escrow_claim`). The intent still
    /// moves on: no party can stop an intent from ending by closing, freezing or re-owning its
    /// own account.
    Keep,
}

impl<'info> Payee<'info> {
    /// The payee for `owner`'s share: `info` when it is a token account of `mint` owned by
    /// `owner` that can receive a transfer (`token_view::receivable`); `Keep` when `info` is the
    /// account the intent stores for that party (`stored`) and it cannot; `mismatch` for
    /// anything else, so a caller can never divert a share, nor push one into a claim by
    /// passing an account of its own choosing.
    pub fn of(
        info: &AccountInfo<'info>,
        mint: &Pubkey,
        owner: &Pubkey,
        stored: &Pubkey,
        mismatch: ExchangeError,
    ) -> Result<Self> {
        if agent_registry::token_view::receivable(info).is_some_and(|v| v.is(*mint, *owner)) {
            return Ok(Payee::Pay(info.clone()));
        }
        if info.key() == *stored {
            return Ok(Payee::Keep);
        }
        Err(mismatch.into())
    }

    /// The refund owner's payee (`RefundAccountMismatch`).
    pub fn refund(intent: &Intent, info: &AccountInfo<'info>) -> Result<Self> {
        Self::of(
            info,
            &intent.mint,
            &intent.refund_owner,
            &intent.refund_tokens,
            ExchangeError::RefundAccountMismatch,
        )
    }

    /// The winner's payee (`PayoutAccountMismatch`): its authority's account, or the one it named
    /// at submission.
    pub fn winner(intent: &Intent, info: &AccountInfo<'info>) -> Result<Self> {
        Self::of(
            info,
            &intent.mint,
            &intent.winner_authority,
            &intent.winner_tokens,
            ExchangeError::PayoutAccountMismatch,
        )
    }

    /// Refuses `Keep`, for a caller paying itself (`intent_cancel`): it can pass another account.
    pub fn require_pay(self) -> Result<AccountInfo<'info>> {
        match self {
            Payee::Pay(info) => Ok(info),
            Payee::Keep => err!(ExchangeError::RefundAccountUnusable),
        }
    }
}

/// What ending an escrow moved (`EscrowSettled`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// To the winner.
    pub paid: u64,
    /// To the exchange's fee vault.
    pub fee: u64,
    /// To the refund owner: its recorded refund plus anything sent to the escrow beyond what
    /// the intent recorded.
    pub refunded: u64,
    /// Of `refunded` (or of what stays for the refund owner), atoms beyond the recorded escrow.
    pub swept: u64,
    /// Left in the escrow for the winner.
    pub agent_claim: u64,
    /// Left in the escrow for the refund owner.
    pub requester_claim: u64,
    /// The escrow was closed (nothing was left in it).
    pub closed: bool,
}

impl Settled {
    /// Records the claims left in the (terminal) intent and emits `EscrowSettled`.
    pub fn record(&self, intent_key: Pubkey, intent: &mut Intent) -> Result<()> {
        intent.record_escrow_end(self.agent_claim, self.closed)?;
        intent.invariant()?;
        self.emit(intent_key);
        Ok(())
    }

    pub fn emit(&self, intent: Pubkey) {
        emit!(crate::events::EscrowSettled {
            intent,
            paid: self.paid,
            fee: self.fee,
            refunded: self.refunded,
            swept: self.swept,
            agent_claim: self.agent_claim,
            requester_claim: self.requester_claim,
            closed: self.closed,
        });
    }
}

/// One share of an ending escrow: how much and to whom.
pub struct Share<'info> {
    pub amount: u64,
    pub to: Payee<'info>,
}

/// An intent's escrow and what paying out of it takes: the intent PDA signs, the mint's decimals
/// go into `transfer_checked`, which checks the destination's mint.
pub struct Escrow<'info> {
    pub terms: EscrowTerms,
    pub intent: AccountInfo<'info>,
    pub escrow: AccountInfo<'info>,
    pub mint: AccountInfo<'info>,
    pub token_program: AccountInfo<'info>,
}

impl<'info> Escrow<'info> {
    /// Transfers `amount` (if any) to `to`.
    pub fn transfer(&self, to: &AccountInfo<'info>, amount: u64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        let seeds = self.terms.signer.seeds();
        agent_registry::lean_cpi::transfer_checked(
            self.token_program.key,
            &self.escrow,
            &self.mint,
            to,
            &self.intent,
            amount,
            self.terms.decimals,
            &[&seeds],
        )
    }

    /// Closes the (empty) escrow; its rent goes to `rent_to`.
    pub fn close(&self, rent_to: &AccountInfo<'info>) -> Result<()> {
        let seeds = self.terms.signer.seeds();
        agent_registry::lean_cpi::close_account(
            self.token_program.key,
            &self.escrow,
            rent_to,
            &self.intent,
            &[&seeds],
        )
    }

    /// The escrow's balance, read in place.
    pub fn balance(&self) -> Result<u64> {
        agent_registry::token_view::amount(&self.escrow)
            .ok_or_else(|| error!(ExchangeError::EscrowAccountMismatch))
    }

    /// Ends the escrow of an intent that has just reached a terminal status with `recorded`
    /// atoms in it by its own books: pays the winner's share, the fee, and everything else the
    /// escrow holds to the refund owner (the recorded refund and any tokens sent to the escrow
    /// outside the protocol, which would otherwise keep it from closing); shares whose payee is
    /// `Keep` stay in the escrow. Closes the escrow (rent to `rent_to`) when nothing stays.
    pub fn end(
        &self,
        recorded: u64,
        agent: Option<Share<'info>>,
        fee: Option<(u64, &AccountInfo<'info>)>,
        requester: Payee<'info>,
        rent_to: &AccountInfo<'info>,
    ) -> Result<Settled> {
        let corrupt = || error!(ExchangeError::IntentCorrupt);
        let balance = self.balance()?;
        let swept = balance.checked_sub(recorded).ok_or_else(corrupt)?;
        let fee_amount = fee.map_or(0, |(amount, _)| amount);
        let agent = agent.unwrap_or(Share { amount: 0, to: Payee::Keep });
        let rest =
            balance.checked_sub(agent.amount).and_then(|r| r.checked_sub(fee_amount)).ok_or_else(corrupt)?;
        let mut settled = Settled { swept, ..Settled::default() };
        match agent.to {
            Payee::Pay(to) => {
                self.transfer(&to, agent.amount)?;
                settled.paid = agent.amount;
            }
            Payee::Keep => settled.agent_claim = agent.amount,
        }
        if let Some((amount, vault)) = fee {
            self.transfer(vault, amount)?;
            settled.fee = amount;
        }
        match requester {
            Payee::Pay(to) => {
                self.transfer(&to, rest)?;
                settled.refunded = rest;
            }
            Payee::Keep => settled.requester_claim = rest,
        }
        settled.closed = settled.agent_claim == 0 && settled.requester_claim == 0;
        if settled.closed {
            self.close(rent_to)?;
        }
        Ok(settled)
    }
}

/// Moves `lamports` out of a program-owned account into `to`.
pub fn move_lamports(from: &AccountInfo, to: &AccountInfo, lamports: u64) -> Result<()> {
    if lamports == 0 {
        return Ok(());
    }
    let left =
        from.lamports().checked_sub(lamports).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
    let gained =
        to.lamports().checked_add(lamports).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
    **from.try_borrow_mut_lamports()? = left;
    **to.try_borrow_mut_lamports()? = gained;
    Ok(())
}
