//! `config_init`: creates the exchange config.
//!
//! Rules:
//! - the signer is the program's upgrade authority (so nobody can front-run the deployer);
//! - `program_data` is this program's ProgramData account;
//! - the config does not exist yet (`ConfigAlreadyInitialized` otherwise);
//! - the admin is not the default key; the re-rank window is at least one slot; at most 4
//!   freezable mints are allowed.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::ExchangeConfigInitialized;
use crate::program::Exchange;
use crate::seeds;
use crate::state::{ExchangeConfig, ExchangeSettings};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ConfigInitArgs {
    /// Who may change the config afterwards (e.g. a multisig); need not be the deployer.
    pub admin: Pubkey,
    pub settings: ExchangeSettings,
}

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
        space = ExchangeConfig::SPACE,
        seeds = [seeds::CONFIG],
        bump,
    )]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: the exchange's signing PDA; only its address (and bump) are used.
    #[account(seeds = [seeds::AUTHORITY], bump)]
    pub exchange_authority: UncheckedAccount<'info>,

    #[account(
        constraint = program.programdata_address()? == Some(program_data.key())
            @ ExchangeError::ConfigInitWrongProgramData,
    )]
    pub program: Program<'info, Exchange>,

    pub program_data: Account<'info, ProgramData>,

    pub system_program: Program<'info, System>,
}

impl ConfigInit<'_> {
    pub fn validate(&self) -> Result<()> {
        // A fresh account has no discriminator yet (`load` would refuse it): the bytes tell.
        let initialized =
            self.config.as_ref().try_borrow_data()?.get(..8) == Some(ExchangeConfig::DISCRIMINATOR);
        require!(!initialized, ExchangeError::ConfigAlreadyInitialized);
        require!(
            self.program_data.upgrade_authority_address == Some(self.authority.key()),
            ExchangeError::ConfigInitNotUpgradeAuthority
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: ConfigInitArgs) -> Result<()> {
        let mut config = ctx.accounts.config.load_init()?;
        config.initialize(args.admin, &args.settings, ctx.bumps.config, ctx.bumps.exchange_authority)?;
        config.invariant()?;
        emit!(ExchangeConfigInitialized {
            config: ctx.accounts.config.key(),
            admin: config.admin,
            version: config.version,
            slot: Clock::get()?.slot,
        });
        Ok(())
    }
}
