//! `agent_register`: registers the signer as an agent and creates its stake vault.
//!
//! Rules:
//! - one agent per authority (`AgentAlreadyRegistered` for a second one);
//! - at least one capability bit; metadata URI at most 200 bytes;
//! - the vault is a token account of the config's stake mint, owned by the agent PDA;
//! - the payer's lamports fund both accounts and come back to it on `agent_close`.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::AgentRegistered;
use crate::seeds;
use crate::state::{Agent, AgentProfile, RegistryConfig};

pub type AgentRegisterArgs = AgentProfile;

#[derive(Accounts)]
pub struct AgentRegister<'info> {
    pub authority: Signer<'info>,

    #[account(mut)]
    pub payer: Signer<'info>,

    #[account(
        address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid,
        has_one = stake_mint @ RegistryError::StakeMintMismatch,
        has_one = stake_token_program @ RegistryError::StakeTokenProgramMismatch,
    )]
    pub config: Account<'info, RegistryConfig>,

    // `init_if_needed` + a version check gives a re-registration its own error code.
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + Agent::INIT_SPACE,
        seeds = [seeds::AGENT, authority.key().as_ref()],
        bump,
    )]
    pub agent: Account<'info, Agent>,

    #[account(
        init_if_needed,
        payer = payer,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump,
        token::mint = stake_mint,
        token::authority = agent,
        token::token_program = stake_token_program,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    pub stake_mint: InterfaceAccount<'info, Mint>,
    pub stake_token_program: Interface<'info, TokenInterface>,

    pub system_program: Program<'info, System>,
}

impl AgentRegister<'_> {
    pub fn validate(&self, args: &AgentRegisterArgs) -> Result<()> {
        require!(!self.agent.is_registered(), RegistryError::AgentAlreadyRegistered);
        args.validate()
    }

    pub fn handler(ctx: Context<Self>, args: AgentRegisterArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let params = ctx.accounts.config.reputation_params();
        let agent = &mut ctx.accounts.agent;
        agent.register(
            ctx.accounts.authority.key(),
            ctx.accounts.payer.key(),
            args,
            now,
            ctx.bumps.agent,
            ctx.bumps.vault,
            &params,
        )?;
        agent.invariant(Some(ctx.accounts.vault.amount))?;
        emit!(AgentRegistered {
            agent: agent.key(),
            authority: agent.authority,
            vault: ctx.accounts.vault.key(),
            capabilities: agent.capabilities,
            capability_hash: agent.capability_hash,
            metadata_uri: agent.metadata_uri.clone(),
            reputation: agent.reputation,
            slot: now,
        });
        Ok(())
    }
}
