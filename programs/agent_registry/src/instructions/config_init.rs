//! `config_init`: creates the registry config.
//!
//! Rules:
//! - the signer is the program's upgrade authority (so nobody can front-run the deployer);
//! - `program_data` is this program's ProgramData account;
//! - the config does not exist yet (`ConfigAlreadyInitialized` otherwise);
//! - admin and operator are not the default key; cooldown and heartbeat timeout are positive;
//! - the stake mint is owned by the given token program (SPL Token or Token-2022) and passes
//!   `mint_policy` (no permanent delegate, transfer hook, non-zero or changeable transfer fee,
//!   pause, unknown extension; a freeze authority only with `stake_mint_freeze_allowed`).
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenInterface};

use crate::error::RegistryError;
use crate::events::RegistryConfigInitialized;
use crate::program::AgentRegistry;
use crate::seeds;
use crate::state::{ConfigSettings, RegistryConfig};

pub type ConfigInitArgs = ConfigSettings;

#[derive(Accounts)]
pub struct ConfigInit<'info> {
    /// The program's upgrade authority; pays for the config account.
    #[account(mut)]
    pub authority: Signer<'info>,

    // `init_if_needed` so that a second call reaches `validate` and fails with
    // `ConfigAlreadyInitialized` instead of the system program's generic "already in use".
    #[account(
        init_if_needed,
        payer = authority,
        space = 8 + RegistryConfig::INIT_SPACE,
        seeds = [seeds::CONFIG],
        bump,
    )]
    pub config: Account<'info, RegistryConfig>,

    #[account(
        constraint = stake_mint.to_account_info().owner == &stake_token_program.key()
            @ RegistryError::StakeMintTokenProgramMismatch,
    )]
    pub stake_mint: InterfaceAccount<'info, Mint>,

    pub stake_token_program: Interface<'info, TokenInterface>,

    #[account(
        constraint = program.programdata_address()? == Some(program_data.key())
            @ RegistryError::ConfigInitWrongProgramData,
    )]
    pub program: Program<'info, AgentRegistry>,

    pub program_data: Account<'info, ProgramData>,

    pub system_program: Program<'info, System>,
}

impl ConfigInit<'_> {
    pub fn validate(&self, args: &ConfigInitArgs) -> Result<()> {
        require!(!self.config.is_initialized(), RegistryError::ConfigAlreadyInitialized);
        require!(
            self.program_data.upgrade_authority_address == Some(self.authority.key()),
            RegistryError::ConfigInitNotUpgradeAuthority
        );
        crate::mint_policy::check(&self.stake_mint.to_account_info(), args.stake_mint_freeze_allowed)
            .map(|_decimals| ())
            .map_err(|v| error!(RegistryError::from(v)))
    }

    pub fn handler(ctx: Context<Self>, args: ConfigInitArgs) -> Result<()> {
        let stake_mint = ctx.accounts.stake_mint.key();
        let stake_token_program = ctx.accounts.stake_token_program.key();
        let config = &mut ctx.accounts.config;
        config.initialize(&args, stake_mint, stake_token_program, ctx.bumps.config);
        config.invariant()?;
        emit!(RegistryConfigInitialized {
            config: config.key(),
            admin: config.admin,
            version: config.version,
            slot: Clock::get()?.slot,
            operator: config.operator,
            stake_mint,
            unstake_cooldown_slots: config.unstake_cooldown_slots,
            heartbeat_timeout_slots: config.heartbeat_timeout_slots,
        });
        Ok(())
    }
}
