//! Payments out of an intent's escrow, signed by the intent PDA that owns it.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, CloseAccount, TransferChecked};

use crate::seeds;

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
    /// Pays `amount` to `to`, then closes the escrow (rent to `close_to`) when given.
    pub fn pay_out(
        &self,
        to: &AccountInfo<'info>,
        amount: u64,
        close_to: Option<&AccountInfo<'info>>,
    ) -> Result<()> {
        let seeds = self.terms.signer.seeds();
        let signer_seeds: &[&[&[u8]]] = &[&seeds];
        if amount > 0 {
            token_interface::transfer_checked(
                CpiContext::new_with_signer(
                    self.token_program.key(),
                    TransferChecked {
                        from: self.escrow.clone(),
                        mint: self.mint.clone(),
                        to: to.clone(),
                        authority: self.intent.clone(),
                    },
                    signer_seeds,
                ),
                amount,
                self.terms.decimals,
            )?;
        }
        if let Some(rent_to) = close_to {
            token_interface::close_account(CpiContext::new_with_signer(
                self.token_program.key(),
                CloseAccount {
                    account: self.escrow.clone(),
                    destination: rent_to.clone(),
                    authority: self.intent.clone(),
                },
                signer_seeds,
            ))?;
        }
        Ok(())
    }
}

/// Moves `lamports` out of a program-owned account into `to`.
pub fn move_lamports(from: &AccountInfo, to: &AccountInfo, lamports: u64) -> Result<()> {
    if lamports == 0 {
        return Ok(());
    }
    let left = from
        .lamports()
        .checked_sub(lamports)
        .ok_or_else(|| error!(crate::error::ExchangeError::ArithmeticOverflow))?;
    let gained = to
        .lamports()
        .checked_add(lamports)
        .ok_or_else(|| error!(crate::error::ExchangeError::ArithmeticOverflow))?;
    **from.try_borrow_mut_lamports()? = left;
    **to.try_borrow_mut_lamports()? = gained;
    Ok(())
}
