//! `stake_deposit`: anyone moves stake-mint tokens into an agent's stake vault.
//!
//! Rules: positive amount; the vault is the agent's (`[STAKE_VAULT, agent]`); mint and token
//! program are the config's; the source is not the vault. The agent's stake grows by what
//! actually arrived (a Token-2022 transfer fee is not counted as stake).
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::StakeDeposited;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct StakeDepositArgs {
    /// Token atoms to send.
    pub amount: u64,
}

#[derive(Accounts)]
pub struct StakeDeposit<'info> {
    /// Owner (or delegate) of `source`.
    pub depositor: Signer<'info>,

    #[account(
        address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid,
        has_one = stake_mint @ RegistryError::StakeMintMismatch,
        has_one = stake_token_program @ RegistryError::StakeTokenProgramMismatch,
    )]
    pub config: Account<'info, RegistryConfig>,

    /// Any agent of this registry: owner + discriminator (only `agent_register` creates one, at
    /// its PDA). Its seeds are not re-derived (~1,500 CU, and they would name the agent's own
    /// field, which no client can resolve before reading the account it is looking for).
    #[account(mut)]
    pub agent: Account<'info, Agent>,

    #[account(
        mut,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump = agent.vault_bump,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    #[account(mut, constraint = source.key() != vault.key() @ RegistryError::StakeDestinationIsVault)]
    pub source: InterfaceAccount<'info, TokenAccount>,
    pub stake_mint: InterfaceAccount<'info, Mint>,
    pub stake_token_program: Interface<'info, TokenInterface>,
}

impl StakeDeposit<'_> {
    pub fn validate(&self, args: &StakeDepositArgs) -> Result<()> {
        require_gt!(args.amount, 0, RegistryError::StakeAmountZero);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: StakeDepositArgs) -> Result<()> {
        let before = ctx.accounts.vault.amount;
        crate::lean_cpi::transfer_checked(
            ctx.accounts.stake_token_program.key,
            ctx.accounts.source.as_ref(),
            &ctx.accounts.stake_mint.to_account_info(),
            &ctx.accounts.vault.to_account_info(),
            ctx.accounts.depositor.as_ref(),
            args.amount,
            ctx.accounts.stake_mint.decimals,
            &[],
        )?;
        ctx.accounts.vault.reload()?;
        let received = ctx
            .accounts
            .vault
            .amount
            .checked_sub(before)
            .ok_or_else(|| error!(RegistryError::ArithmeticOverflow))?;
        let agent = &mut ctx.accounts.agent;
        agent.with_ledger(|l| l.deposit(received))?;
        agent.invariant(Some(ctx.accounts.vault.amount))?;
        emit!(StakeDeposited { agent: agent.key(), amount: args.amount, received, staked: agent.staked });
        Ok(())
    }
}
