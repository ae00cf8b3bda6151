//! `intent_create_from_budget`: an agent posts an intent paid from the budget its owner gave it
//! (seed 001: an agent with an allocated budget buying other agents' work). The agent's
//! authority is the intent's requester (it accepts, disputes, cancels) and pays the rent and
//! tips in lamports; the escrow comes from the budget's vault, and every refund goes back there.
//!
//! Rules: those of `intent_create` for the terms, the id and the pause; signed by the authority
//! of the budget's agent (`BudgetNotSpender`); the max price passes the budget's rules as one
//! spend (`BudgetRevoked`, `BudgetExpired`, `BudgetPerSpendCapExceeded`,
//! `BudgetTotalCapExceeded`, by `agx_core::budget`); the intent's mint is the budget's, which
//! passed the mint policy when the budget was made (a mint's extensions are fixed at its
//! creation). The intent's refund owner is the budget: refunds land in the vault (after a
//! revoke, `budget_revoke` or `budget_close` returns them to the owner), and the budget cannot
//! close until the intent has. Events `BudgetIntentFunded` and `IntentCreated`.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::events::BudgetIntentFunded;
use crate::instructions::intent_create::{IntentCreateArgs, Placement};
use crate::posting::Poster;
use crate::seeds;
use crate::state::{Budget, ExchangeConfig};

#[derive(Accounts)]
#[instruction(args: IntentCreateArgs)]
pub struct IntentCreateFromBudget<'info> {
    /// The authority of the budget's agent: the intent's requester.
    #[account(mut)]
    pub requester: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: checked and created by the handler (`Poster::open`, `Poster::write`), as in
    /// `intent_create`.
    #[account(mut)]
    pub intent: UncheckedAccount<'info>,

    /// CHECK: the requester's record, as in `intent_create` (`Poster::open`).
    #[account(mut)]
    pub requester_state: UncheckedAccount<'info>,

    /// CHECK: checked and created by the handler (`Poster::open_escrow`), as in `intent_create`.
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,

    /// CHECK: the budget's agent (address), an `Agent` of the registry whose authority is the
    /// requester (`validate`).
    #[account(address = budget.agent @ ExchangeError::BudgetAgentInvalid)]
    pub agent: UncheckedAccount<'info>,

    #[account(
        mut,
        has_one = mint @ ExchangeError::EscrowMintMismatch,
        has_one = token_program @ ExchangeError::EscrowMintMismatch,
    )]
    pub budget: Account<'info, Budget>,

    /// CHECK: the budget's vault (its stored address); the budget signs the transfer out of it.
    #[account(mut, address = budget.vault @ ExchangeError::BudgetVaultInvalid)]
    pub vault: UncheckedAccount<'info>,

    /// CHECK: the budget's mint (`has_one`); transfers use the decimals the budget stored.
    pub mint: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl<'info> IntentCreateFromBudget<'info> {
    pub fn validate(&self) -> Result<()> {
        let agent = agent_registry::state::AgentView::of(&self.agent)
            .ok_or_else(|| error!(ExchangeError::BudgetAgentInvalid))?;
        require_keys_eq!(agent.authority, self.requester.key(), ExchangeError::BudgetNotSpender);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: IntentCreateArgs) -> Result<()> {
        let accounts = ctx.accounts;
        let poster = Poster {
            requester: accounts.requester.as_ref(),
            requester_state: accounts.requester_state.as_ref(),
            intent: accounts.intent.as_ref(),
            system_program: accounts.system_program.as_ref(),
        };
        let bump = poster.open(&*accounts.config.load()?, &args)?;
        let len = agent_registry::mint_policy::token_account_len(&accounts.mint)
            .map_err(|v| error!(ExchangeError::from(v)))?;
        let escrow_bump = poster.open_escrow(
            accounts.escrow.as_ref(),
            accounts.mint.as_ref(),
            accounts.token_program.as_ref(),
            len,
        )?;
        let now = Clock::get()?.slot;
        let deposit = args.deposit()?;
        accounts.budget.fund_intent(now, deposit)?;
        crate::budget_vault::pay_out(
            &accounts.budget,
            &accounts.vault.to_account_info(),
            &accounts.mint.to_account_info(),
            &accounts.escrow.to_account_info(),
            &accounts.token_program,
            deposit,
        )?;
        // Read in place: `reload` would decode the account again (~1,350 CU).
        let escrowed = agent_registry::token_view::amount(&accounts.escrow.to_account_info());
        require!(escrowed == Some(deposit), ExchangeError::IntentEscrowShortfall);
        let placement = Placement {
            address: accounts.intent.key(),
            bump,
            requester: accounts.requester.key(),
            mint: accounts.mint.key(),
            mint_decimals: accounts.budget.mint_decimals,
            token_program: accounts.token_program.key(),
            escrow: accounts.escrow.key(),
            escrow_bump,
            refund_owner: accounts.budget.key(),
            refund_tokens: accounts.vault.key(),
        };
        poster.write(&args, &placement)?;
        emit!(BudgetIntentFunded {
            budget: accounts.budget.key(),
            intent: accounts.intent.key(),
            amount: deposit,
            spent: accounts.budget.spent,
            live_intents: accounts.budget.live_intents,
        });
        Ok(())
    }
}
