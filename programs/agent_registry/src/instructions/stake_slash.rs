//! `stake_slash` (operator only): pays part of an agent's locked stake to up to four
//! destination token accounts (e.g. the requester as compensation and the keeper that cranked).
//!
//! Rules: signed by the config's operator; one destination per amount (passed as remaining
//! accounts, writable, in order), 1 to 4 of them, each a token account of the stake mint and
//! none the vault itself; every amount positive; the total at most the locked stake.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::StakeSlashed;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

/// Most destinations one slash may pay.
pub const MAX_SLASH_DESTINATIONS: usize = 4;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct StakeSlashArgs {
    /// Atoms to each destination, in the order of the remaining accounts.
    pub amounts: Vec<u64>,
}

#[derive(Accounts)]
pub struct StakeSlash<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA)
    // and any agent (only `agent_register` creates them, at their PDA): on these operator paths,
    // which the exchange calls by CPI, the seeds are not re-derived (~1,500 CU each).
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,

    #[account(
        mut,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump = agent.vault_bump,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    #[account(address = config.stake_mint @ RegistryError::StakeMintMismatch)]
    pub stake_mint: InterfaceAccount<'info, Mint>,

    #[account(address = config.stake_token_program @ RegistryError::StakeTokenProgramMismatch)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl StakeSlash<'_> {
    pub fn validate<'a>(&self, args: &StakeSlashArgs, destinations: &'a [AccountInfo<'a>]) -> Result<()> {
        require!(args.amounts.len() <= MAX_SLASH_DESTINATIONS, RegistryError::StakeSlashTooManyDestinations);
        require!(
            !args.amounts.is_empty() && args.amounts.len() == destinations.len(),
            RegistryError::StakeSlashDestinationsMismatch
        );
        require!(args.amounts.iter().all(|a| *a > 0), RegistryError::StakeAmountZero);
        for destination in destinations {
            require_keys_neq!(destination.key(), self.vault.key(), RegistryError::StakeDestinationIsVault);
            require!(destination.is_writable, RegistryError::StakeSlashDestinationInvalid);
            let account = InterfaceAccount::<TokenAccount>::try_from(destination)
                .map_err(|_| error!(RegistryError::StakeSlashDestinationInvalid))?;
            require_keys_eq!(
                account.mint,
                self.stake_mint.key(),
                RegistryError::StakeSlashDestinationInvalid
            );
        }
        Ok(())
    }

    pub fn handler<'info>(ctx: Context<'info, StakeSlash<'info>>, args: StakeSlashArgs) -> Result<()> {
        let destinations = ctx.remaining_accounts;
        ctx.accounts.validate(&args, destinations)?;
        let total = args
            .amounts
            .iter()
            .try_fold(0u64, |sum, a| sum.checked_add(*a))
            .ok_or(error!(RegistryError::ArithmeticOverflow))?;
        ctx.accounts.agent.slash(total)?;
        for (destination, amount) in destinations.iter().zip(&args.amounts) {
            crate::vault::pay_out(
                &ctx.accounts.agent,
                &ctx.accounts.vault,
                destination,
                &ctx.accounts.stake_mint,
                &ctx.accounts.token_program,
                *amount,
            )?;
        }
        ctx.accounts.vault.reload()?;
        let agent = &ctx.accounts.agent;
        agent.invariant(Some(ctx.accounts.vault.amount))?;
        emit!(StakeSlashed {
            agent: agent.key(),
            destinations: destinations.iter().map(|d| d.key()).collect(),
            amounts: args.amounts,
            total,
            locked: agent.locked,
            staked: agent.staked,
        });
        Ok(())
    }
}
