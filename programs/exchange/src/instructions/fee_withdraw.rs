//! `fee_withdraw` (admin): moves reputation fees out of a fee vault (a token account of any mint
//! owned by the exchange authority, where payouts in reputation-bearing mints pay
//! `reputation_fee_bps`) to any token account of that mint.
//!
//! Rules: signed by the config's admin (`ConfigNotAdmin`); the vault is a token account of `mint`
//! owned by the exchange authority (`FeeWithdrawVaultInvalid`); the amount is positive and at
//! most the vault's balance (the token program refuses more); the destination's mint is checked
//! by `transfer_checked`. One `FeeWithdrawn` event per withdrawal.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenInterface};

use crate::error::ExchangeError;
use crate::events::FeeWithdrawn;
use crate::seeds;
use crate::state::ExchangeConfig;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct FeeWithdrawArgs {
    /// Atoms of `mint`.
    pub amount: u64,
}

#[derive(Accounts)]
pub struct FeeWithdraw<'info> {
    #[account(address = config.load()?.admin @ ExchangeError::ConfigNotAdmin)]
    pub admin: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: the exchange's signing PDA, owner of every fee vault (its constant address).
    #[account(address = seeds::AUTHORITY_ADDRESS @ ExchangeError::ExchangeAuthorityInvalid)]
    pub exchange_authority: UncheckedAccount<'info>,

    /// CHECK: a token account of `mint` owned by the exchange authority (`token_view`).
    #[account(
        mut,
        constraint = crate::token_view::read(&fee_vault)?.is(mint.key(), seeds::AUTHORITY_ADDRESS)
            @ ExchangeError::FeeWithdrawVaultInvalid,
    )]
    pub fee_vault: UncheckedAccount<'info>,

    #[account(mint::token_program = token_program)]
    pub mint: InterfaceAccount<'info, Mint>,

    /// CHECK: any token account of `mint` (`transfer_checked` checks it).
    #[account(mut)]
    pub destination: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
}

impl FeeWithdraw<'_> {
    pub fn validate(&self, args: &FeeWithdrawArgs) -> Result<()> {
        require_gt!(args.amount, 0, ExchangeError::FeeWithdrawVaultInvalid);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: FeeWithdrawArgs) -> Result<()> {
        let accounts = &ctx.accounts;
        let bump = [accounts.config.load()?.authority_bump];
        let signer: &[&[u8]] = &[seeds::AUTHORITY, &bump];
        agent_registry::lean_cpi::transfer_checked(
            accounts.token_program.key,
            &accounts.fee_vault.to_account_info(),
            &accounts.mint.to_account_info(),
            &accounts.destination.to_account_info(),
            accounts.exchange_authority.as_ref(),
            args.amount,
            accounts.mint.decimals,
            &[signer],
        )?;
        emit!(FeeWithdrawn {
            mint: accounts.mint.key(),
            fee_vault: accounts.fee_vault.key(),
            destination: accounts.destination.key(),
            amount: args.amount,
        });
        Ok(())
    }
}
