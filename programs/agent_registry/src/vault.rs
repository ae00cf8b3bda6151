//! Payments out of an agent's stake vault, signed by the agent PDA that owns it.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::StakeSlashed;
use crate::seeds;
use crate::state::{Agent, AgentLedger};

/// Most destinations one slash may pay.
pub const MAX_SLASH_DESTINATIONS: usize = 4;

/// The agent PDA that owns a stake vault and signs for it: its account and its seeds.
pub struct VaultSigner<'info> {
    pub agent: AccountInfo<'info>,
    pub authority: Pubkey,
    pub bump: u8,
}

impl<'info> VaultSigner<'info> {
    pub fn of(agent: &Account<'info, Agent>) -> Self {
        Self { agent: agent.to_account_info(), authority: agent.authority, bump: agent.bump }
    }
}

/// Transfers `amount` atoms from the agent's vault to `destination` (`transfer_checked`).
pub fn pay_out<'info>(
    signer: &VaultSigner<'info>,
    vault: &InterfaceAccount<'info, TokenAccount>,
    destination: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    token_program: &Interface<'info, TokenInterface>,
    amount: u64,
) -> Result<()> {
    let signer_seeds: &[&[u8]] = &[seeds::AGENT, signer.authority.as_ref(), &[signer.bump]];
    crate::lean_cpi::transfer_checked(
        token_program.key,
        &vault.to_account_info(),
        &mint.to_account_info(),
        destination,
        &signer.agent,
        amount,
        mint.decimals,
        &[signer_seeds],
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

/// Pays `amounts` of the agent's locked stake to `destinations` (one each, in order): shared by
/// `stake_slash` and `outcome_settle`. Each destination is a writable token account of the stake
/// mint other than the vault; 1 to 4 of them; every amount positive; the total at most the locked
/// stake. Takes the total out of `locked` and `staked`, transfers, checks that the vault still
/// covers the stake, and emits `StakeSlashed`. Returns the total.
pub fn slash<'info>(
    signer: &VaultSigner<'info>,
    ledger: &mut AgentLedger,
    vault: &mut InterfaceAccount<'info, TokenAccount>,
    mint: &InterfaceAccount<'info, Mint>,
    token_program: &Interface<'info, TokenInterface>,
    destinations: &'info [AccountInfo<'info>],
    amounts: &[u64],
) -> Result<u64> {
    require!(amounts.len() <= MAX_SLASH_DESTINATIONS, RegistryError::StakeSlashTooManyDestinations);
    require!(
        !amounts.is_empty() && amounts.len() == destinations.len(),
        RegistryError::StakeSlashDestinationsMismatch
    );
    require!(amounts.iter().all(|a| *a > 0), RegistryError::StakeAmountZero);
    for destination in destinations {
        require_keys_neq!(destination.key(), vault.key(), RegistryError::StakeDestinationIsVault);
        require!(destination.is_writable, RegistryError::StakeSlashDestinationInvalid);
        // Read in place (`token_view`): the token program checks the rest in `transfer_checked`.
        let account = crate::token_view::read(destination)
            .ok_or_else(|| error!(RegistryError::StakeSlashDestinationInvalid))?;
        require_keys_eq!(account.mint, mint.key(), RegistryError::StakeSlashDestinationInvalid);
    }
    let total = amounts
        .iter()
        .try_fold(0u64, |sum, a| sum.checked_add(*a))
        .ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
    ledger.slash(total)?;
    for (destination, amount) in destinations.iter().zip(amounts) {
        pay_out(signer, vault, destination, mint, token_program, *amount)?;
    }
    vault.reload()?;
    ledger.invariant(Some(vault.amount))?;
    emit!(StakeSlashed {
        agent: signer.agent.key(),
        destinations: destinations.iter().map(|d| d.key()).collect(),
        amounts: amounts.to_vec(),
        total,
        locked: ledger.locked,
        staked: ledger.staked,
    });
    Ok(total)
}
