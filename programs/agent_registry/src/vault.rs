//! Payments out of an agent's stake vault, signed by the agent PDA that owns it.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::seeds;
use crate::state::Agent;

/// Transfers `amount` atoms from the agent's vault to `destination` (`transfer_checked`).
pub fn pay_out<'info>(
    agent: &Account<'info, Agent>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    destination: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    token_program: &Interface<'info, TokenInterface>,
    amount: u64,
) -> Result<()> {
    let authority = agent.authority;
    let signer_seeds: &[&[u8]] = &[seeds::AGENT, authority.as_ref(), &[agent.bump]];
    token_interface::transfer_checked(
        CpiContext::new_with_signer(
            token_program.key(),
            TransferChecked {
                from: vault.to_account_info(),
                mint: mint.to_account_info(),
                to: destination.clone(),
                authority: agent.to_account_info(),
            },
            &[signer_seeds],
        ),
        amount,
        mint.decimals,
    )
}
