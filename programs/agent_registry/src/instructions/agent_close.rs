//! `agent_close`: deletes an agent with no stake left, closing its vault; all rent goes back
//! to whoever paid it at registration.
//!
//! Rules:
//! - signed by the agent's authority; `rent_payer` is the recorded payer;
//! - `staked == 0` (so nothing locked or unstaking): `AgentHasStake`;
//! - no bid of the agent is open at the exchange (`AgentHasOpenBids`), so a bid, award or
//!   standby never loses the agent account that settlement, payout and failover need;
//! - tokens left in the vault are surplus (sent by plain transfers, never stake): they are paid to
//!   `surplus_destination`, a token account of the stake mint that is not a stake vault
//!   (`AgentSurplusDestinationMissing` when the vault holds some and none is given);
//! - Token-2022 transfer fees withheld in the vault are harvested to the mint first, since a token
//!   account with withheld fees cannot close.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::program::invoke;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::transfer_fee::TransferFeeAmount;
use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, PodStateWithExtensions};
use anchor_spl::token_2022::spl_token_2022::pod::PodAccount;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::RegistryError;
use crate::events::{AgentClosed, StakeSurplusSwept};
use crate::seeds;
use crate::state::{Agent, RegistryConfig};

#[derive(Accounts)]
pub struct AgentClose<'info> {
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

    /// Writable: Token-2022 harvests withheld fees into it.
    #[account(mut)]
    pub stake_mint: InterfaceAccount<'info, Mint>,

    /// Receives the vault's surplus, if it holds any.
    #[account(mut, token::mint = stake_mint, token::token_program = stake_token_program)]
    pub surplus_destination: Option<InterfaceAccount<'info, TokenAccount>>,
    pub stake_token_program: Interface<'info, TokenInterface>,
}

impl AgentClose<'_> {
    pub fn validate(&self) -> Result<()> {
        self.agent.require_closable()?;
        if self.vault.amount > 0 {
            let destination = self
                .surplus_destination
                .as_ref()
                .ok_or_else(|| error!(RegistryError::AgentSurplusDestinationMissing))?;
            crate::vault::require_not_stake_vault(destination)?;
        }
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let accounts = &ctx.accounts;
        let agent = &accounts.agent;
        let surplus = accounts.vault.amount;
        if let Some(destination) = accounts.surplus_destination.as_ref().filter(|_| surplus > 0) {
            crate::vault::pay_out(
                &crate::vault::VaultSigner::of(agent),
                &accounts.vault,
                &destination.to_account_info(),
                &accounts.stake_mint,
                &accounts.stake_token_program,
                surplus,
            )?;
            emit!(StakeSurplusSwept { agent: agent.key(), destination: destination.key(), amount: surplus });
        }
        accounts.harvest_withheld_fees()?;
        let authority = agent.authority;
        let signer_seeds: &[&[u8]] = &[seeds::AGENT, authority.as_ref(), &[agent.bump]];
        crate::lean_cpi::close_account(
            accounts.stake_token_program.key,
            &accounts.vault.to_account_info(),
            &accounts.rent_payer.to_account_info(),
            &agent.to_account_info(),
            &[signer_seeds],
        )?;
        emit!(AgentClosed { agent: agent.key(), rent_payer: agent.rent_payer });
        Ok(())
    }

    /// Moves Token-2022 transfer fees withheld in the vault to the mint (permissionless in
    /// Token-2022), so that the vault can close.
    fn harvest_withheld_fees(&self) -> Result<()> {
        if self.stake_token_program.key() != spl_token_2022::ID {
            return Ok(());
        }
        let withheld = {
            let vault = self.vault.to_account_info();
            let data = vault.try_borrow_data()?;
            let state = PodStateWithExtensions::<PodAccount>::unpack(&data)
                .map_err(|_| error!(RegistryError::MintDataInvalid))?;
            state.get_extension::<TransferFeeAmount>().map(|e| u64::from(e.withheld_amount)).unwrap_or(0)
        };
        if withheld == 0 {
            return Ok(());
        }
        let vault_key = self.vault.key();
        let ix = spl_token_2022::extension::transfer_fee::instruction::harvest_withheld_tokens_to_mint(
            &spl_token_2022::ID,
            &self.stake_mint.key(),
            &[&vault_key],
        )?;
        invoke(&ix, &[self.stake_mint.to_account_info(), self.vault.to_account_info()])?;
        Ok(())
    }
}
