//! `budget_create`: an owner makes a budget for one registry agent: a mint, a per-spend cap, a
//! total cap, an expiry slot and up to four allowlisted recipients, with an empty vault.
//!
//! Rules: the agent is an `Agent` of the registry (`BudgetAgentInvalid`); the caps are positive
//! and ordered (`BudgetCapsInvalid`), the expiry after the current slot (`BudgetExpiryPassed`),
//! the allowlist at most four long (`BudgetAllowlistTooLong`), all by `agx_core::budget`; the mint
//! passes the same policy as an intent's (`agent_registry::mint_policy`), since a budget pays
//! for intents. The budget's address includes the owner, the agent and the owner's `budget_id`,
//! so it cannot be created twice. One `BudgetCreated` event.
use agx_core::budget::Limits;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::events::BudgetCreated;
use crate::seeds;
use crate::state::{Budget, ExchangeConfig};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct BudgetCreateArgs {
    /// Chosen by the owner; part of the budget's address.
    pub budget_id: u64,
    /// Atoms of the mint.
    pub per_spend_cap: u64,
    pub total_cap: u64,
    /// The first slot at which nothing more may be spent.
    pub expiry_slot: u64,
    /// Owners of token accounts `budget_pay` may pay (besides registered agents).
    pub allowlist: Vec<Pubkey>,
}

#[derive(Accounts)]
#[instruction(args: BudgetCreateArgs)]
pub struct BudgetCreate<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: an `Agent` of the registry (owner and discriminator, `AgentView::of`).
    #[account(constraint = agent_registry::state::AgentView::of(&agent).is_some() @ ExchangeError::BudgetAgentInvalid)]
    pub agent: UncheckedAccount<'info>,

    #[account(
        init,
        payer = owner,
        space = Budget::SPACE,
        seeds = [seeds::BUDGET, owner.key().as_ref(), agent.key().as_ref(), &args.budget_id.to_le_bytes()],
        bump,
    )]
    pub budget: Account<'info, Budget>,

    #[account(
        init,
        payer = owner,
        seeds = [seeds::BUDGET_VAULT, budget.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = budget,
        token::token_program = token_program,
    )]
    pub vault: InterfaceAccount<'info, TokenAccount>,

    /// CHECK: a mint of `token_program` (owner), checked by `mint_policy::check`.
    #[account(owner = token_program.key() @ ExchangeError::EscrowMintMismatch)]
    pub mint: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl BudgetCreate<'_> {
    pub fn validate(&self, args: &BudgetCreateArgs) -> Result<()> {
        let limits = Limits {
            per_spend_cap: args.per_spend_cap,
            total_cap: args.total_cap,
            expiry_slot: args.expiry_slot,
        };
        limits
            .validate(Clock::get()?.slot, args.allowlist.len())
            .map_err(|refusal| error!(ExchangeError::from(refusal)))?;
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: BudgetCreateArgs) -> Result<()> {
        let freeze_allowed = ctx.accounts.config.load()?.allows_freezable(&ctx.accounts.mint.key());
        let mint_decimals =
            agent_registry::mint_policy::check(&ctx.accounts.mint.to_account_info(), freeze_allowed)
                .map_err(|v| error!(ExchangeError::from(v)))?;
        let mut allowlist = [Pubkey::default(); agx_core::budget::MAX_ALLOWLIST];
        allowlist.iter_mut().zip(&args.allowlist).for_each(|(slot, key)| *slot = *key);
        let accounts = ctx.accounts;
        let budget = &mut accounts.budget;
        budget.set_inner(Budget {
            version: Budget::VERSION,
            bump: ctx.bumps.budget,
            revoked: false,
            owner: accounts.owner.key(),
            agent: accounts.agent.key(),
            mint: accounts.mint.key(),
            mint_decimals,
            token_program: accounts.token_program.key(),
            vault: accounts.vault.key(),
            budget_id: args.budget_id,
            per_spend_cap: args.per_spend_cap,
            total_cap: args.total_cap,
            expiry_slot: args.expiry_slot,
            spent: 0,
            live_intents: 0,
            // Validated: at most MAX_ALLOWLIST entries.
            allowlist_len: u8::try_from(args.allowlist.len())
                .map_err(|_| error!(ExchangeError::BudgetAllowlistTooLong))?,
            allowlist,
            reserved: [0; 32],
        });
        budget.invariant()?;
        emit!(BudgetCreated {
            budget: budget.key(),
            owner: budget.owner,
            agent: budget.agent,
            mint: budget.mint,
            per_spend_cap: budget.per_spend_cap,
            total_cap: budget.total_cap,
            expiry_slot: budget.expiry_slot,
            allowlist: args.allowlist,
        });
        Ok(())
    }
}
