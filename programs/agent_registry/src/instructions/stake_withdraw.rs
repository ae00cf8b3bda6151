//! `stake_withdraw`: after the cooldown, pays the pending unstake out of the vault.
//!
//! Rules: signed by the agent's authority; a pending request whose ready slot has come; the
//! destination is a token account of the stake mint that is no agent's stake vault (this one's:
//! `StakeDestinationIsVault`; another's: `StakeDestinationIsStakeVault`).
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::StakeWithdrawn;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(Accounts)]
pub struct StakeWithdraw<'info> {
    pub authority: Signer<'info>,

    #[account(
        address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid,
        has_one = stake_mint @ RegistryError::StakeMintMismatch,
        has_one = stake_token_program @ RegistryError::StakeTokenProgramMismatch,
    )]
    pub config: Account<'info, RegistryConfig>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
    )]
    pub agent: Account<'info, Agent>,

    #[account(
        mut,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump = agent.vault_bump,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    #[account(mut, constraint = destination.key() != vault.key() @ RegistryError::StakeDestinationIsVault)]
    pub destination: InterfaceAccount<'info, TokenAccount>,
    pub stake_mint: InterfaceAccount<'info, Mint>,
    pub stake_token_program: Interface<'info, TokenInterface>,
}

impl StakeWithdraw<'_> {
    pub fn validate(&self) -> Result<()> {
        crate::vault::require_not_stake_vault(&self.destination)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let amount = ctx.accounts.agent.with_ledger(|l| l.withdraw(now))?;
        crate::vault::pay_out(
            &crate::vault::VaultSigner::of(&ctx.accounts.agent),
            &ctx.accounts.vault,
            &ctx.accounts.destination.to_account_info(),
            &ctx.accounts.stake_mint,
            &ctx.accounts.stake_token_program,
            amount,
        )?;
        ctx.accounts.vault.reload()?;
        let agent = &ctx.accounts.agent;
        agent.invariant(Some(ctx.accounts.vault.amount))?;
        emit!(StakeWithdrawn {
            agent: agent.key(),
            destination: ctx.accounts.destination.key(),
            amount,
            staked: agent.staked,
        });
        Ok(())
    }
}
