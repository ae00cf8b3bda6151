//! Payments out of an intent's escrow, signed by the intent PDA that owns it.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, CloseAccount, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::seeds;

/// Signer seeds of the intent PDA.
pub struct IntentSigner {
    pub requester: Pubkey,
    pub intent_id: [u8; 8],
    pub bump: [u8; 1],
}

impl IntentSigner {
    pub fn seeds(&self) -> [&[u8]; 4] {
        [seeds::INTENT, self.requester.as_ref(), &self.intent_id, &self.bump]
    }
}

/// Pays `amount` from the escrow to `to`, then closes the escrow (rent to `rent_to`) when
/// `close` is set.
#[allow(clippy::too_many_arguments)]
pub fn pay_out<'info>(
    signer: &IntentSigner,
    intent: &AccountInfo<'info>,
    escrow: &InterfaceAccount<'info, TokenAccount>,
    to: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    token_program: &Interface<'info, TokenInterface>,
    amount: u64,
    close_to: Option<&AccountInfo<'info>>,
) -> Result<()> {
    let seeds = signer.seeds();
    let signer_seeds: &[&[&[u8]]] = &[&seeds];
    if amount > 0 {
        token_interface::transfer_checked(
            CpiContext::new_with_signer(
                token_program.key(),
                TransferChecked {
                    from: escrow.to_account_info(),
                    mint: mint.to_account_info(),
                    to: to.clone(),
                    authority: intent.clone(),
                },
                signer_seeds,
            ),
            amount,
            mint.decimals,
        )?;
    }
    if let Some(rent_to) = close_to {
        token_interface::close_account(CpiContext::new_with_signer(
            token_program.key(),
            CloseAccount {
                account: escrow.to_account_info(),
                destination: rent_to.clone(),
                authority: intent.clone(),
            },
            signer_seeds,
        ))?;
    }
    Ok(())
}

/// Moves `lamports` out of a program-owned account into `to`.
pub fn move_lamports(from: &AccountInfo, to: &AccountInfo, lamports: u64) -> Result<()> {
    if lamports == 0 {
        return Ok(());
    }
    let left = from
        .lamports()
        .checked_sub(lamports)
        .ok_or(error!(crate::error::ExchangeError::ArithmeticOverflow))?;
    let gained =
        to.lamports().checked_add(lamports).ok_or(error!(crate::error::ExchangeError::ArithmeticOverflow))?;
    **from.try_borrow_mut_lamports()? = left;
    **to.try_borrow_mut_lamports()? = gained;
    Ok(())
}
