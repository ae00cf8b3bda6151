//! `agent_close`: deletes an agent with no stake left, closing its vault; all rent goes back
//! to whoever paid it at registration.
//!
//! Rules: signed by the agent's authority; `staked == 0` (so nothing locked or unstaking) and
//! the vault is empty; `rent_payer` is the recorded payer.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, CloseAccount, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::AgentClosed;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(Accounts)]
pub struct AgentClose<'info> {
    pub authority: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Account<'info, RegistryConfig>,

    #[account(
        mut,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump = agent.bump,
        has_one = authority @ RegistryError::AgentNotAuthority,
        has_one = rent_payer,
        close = rent_payer,
    )]
    pub agent: Account<'info, Agent>,

    #[account(
        mut,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump = agent.vault_bump,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    /// CHECK: receives lamports only; must be the payer recorded at registration (`has_one`).
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,

    #[account(address = config.stake_token_program @ RegistryError::StakeTokenProgramMismatch)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl AgentClose<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(self.agent.staked == 0 && self.vault.amount == 0, RegistryError::AgentHasStake);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let agent = &ctx.accounts.agent;
        let authority = agent.authority;
        let signer_seeds: &[&[u8]] = &[seeds::AGENT, authority.as_ref(), &[agent.bump]];
        token_interface::close_account(CpiContext::new_with_signer(
            ctx.accounts.token_program.key(),
            CloseAccount {
                account: ctx.accounts.vault.to_account_info(),
                destination: ctx.accounts.rent_payer.to_account_info(),
                authority: agent.to_account_info(),
            },
            &[signer_seeds],
        ))?;
        emit!(AgentClosed { agent: agent.key(), rent_payer: agent.rent_payer });
        Ok(())
    }
}
