//! `stake_slash` (operator only): pays part of an agent's locked stake to up to four
//! destination token accounts (e.g. the requester as compensation and the keeper that cranked).
//!
//! Rules (`vault::slash`, shared with `outcome_settle`): signed by the config's operator; one destination per amount (passed as remaining
//! accounts, writable, in order), 1 to 4 of them, each a token account of the stake mint and
//! none the vault itself; every amount positive; the total at most the locked stake.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

pub use crate::vault::MAX_SLASH_DESTINATIONS;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct StakeSlashArgs {
    /// Atoms to each destination, in the order of the remaining accounts.
    pub amounts: Vec<u64>,
}

#[derive(Accounts)]
pub struct StakeSlash<'info> {
    #[account(address = config.operator @ RegistryError::OperatorNotAuthorized)]
    pub operator: Signer<'info>,

    // The config is checked by its constant address; any agent by owner + discriminator (only
    // `agent_register` creates them, at their PDA): on these operator paths, which the exchange
    // calls by CPI, the agent's seeds are not re-derived (~1,500 CU).
    #[account(
        address = seeds::CONFIG_ADDRESS @ RegistryError::ConfigAccountInvalid,
        has_one = stake_mint @ RegistryError::StakeMintMismatch,
        has_one = stake_token_program @ RegistryError::StakeTokenProgramMismatch,
    )]
    pub config: Account<'info, RegistryConfig>,

    #[account(mut)]
    pub agent: Account<'info, Agent>,

    #[account(
        mut,
        seeds = [seeds::STAKE_VAULT, agent.key().as_ref()],
        bump = agent.vault_bump,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,
    pub stake_mint: InterfaceAccount<'info, Mint>,
    pub stake_token_program: Interface<'info, TokenInterface>,
}

impl StakeSlash<'_> {
    pub fn handler<'info>(ctx: Context<'info, StakeSlash<'info>>, args: StakeSlashArgs) -> Result<()> {
        let accounts = ctx.accounts;
        let signer = crate::vault::VaultSigner::of(&accounts.agent);
        let (vault, mint, stake_token_program) =
            (&mut accounts.vault, &accounts.stake_mint, &accounts.stake_token_program);
        accounts.agent.with_ledger(|ledger| {
            crate::vault::slash(
                &signer,
                ledger,
                vault,
                mint,
                stake_token_program,
                ctx.remaining_accounts,
                &args.amounts,
            )
        })?;
        Ok(())
    }
}
