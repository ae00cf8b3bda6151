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

/// Refuses a token account that is some agent's stake vault (the PDA `[STAKE_VAULT, owner]` of
/// its own token owner): paying stake into another vault would create surplus there instead of
/// paying anyone. Searches the bump, so it is kept to the cold paths (withdraw, close).
pub fn require_not_stake_vault(destination: &InterfaceAccount<TokenAccount>) -> Result<()> {
    let (vault, _) =
        Pubkey::find_program_address(&[seeds::STAKE_VAULT, destination.owner.as_ref()], &crate::ID);
    require_keys_neq!(destination.key(), vault, crate::error::RegistryError::StakeDestinationIsStakeVault);
    Ok(())
}
