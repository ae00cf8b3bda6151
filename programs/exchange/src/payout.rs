//! Ending a delivered job: the escrow splits pro rata to fulfilment (`agx_core::payment::split`),
//! the winner is paid, the requester refunded, the escrow closed (rent to the requester, who paid
//! it), and one registry CPI releases the stake held for the job (winner and standby) and records
//! the outcome with its rating, held to the quality the winner promised
//! (`agx_core::reputation::accountable_rating`: a shortfall counts twice), and valued only when
//! the intent's mint is reputation-bearing in the config. Shared by `result_accept` and `intent_finalize`. The accounts
//! are boxed: together they would not fit the 4 KiB SBF stack frame.
use agent_registry::state::{Agent, OutcomeKind};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::ExchangeError;
use crate::escrow::{self, IntentSigner};
use crate::events::JobCompleted;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{Bid, ExchangeConfig, Intent};

/// The accounts a payout needs.
#[derive(Accounts)]
pub struct Payout<'info> {
    // Owner + discriminator identify the one config (only `config_init` creates one, at its PDA).
    pub config: Box<Account<'info, ExchangeConfig>>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(mut, seeds = [seeds::ESCROW, intent.key().as_ref()], bump = intent.load()?.escrow_bump)]
    pub escrow: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(address = intent.load()?.mint @ ExchangeError::EscrowMintMismatch)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,

    #[account(address = intent.load()?.winner_bid @ ExchangeError::ResultNotWinner)]
    pub winner_bid: Box<Account<'info, Bid>>,

    /// The winner's token account of the intent's mint (owned by the winning bid's bidder).
    #[account(
        mut,
        token::mint = mint,
        constraint = agent_tokens.owner == winner_bid.bidder @ ExchangeError::PayoutAccountMismatch,
    )]
    pub agent_tokens: Box<InterfaceAccount<'info, TokenAccount>>,

    #[account(mut, token::mint = mint, token::authority = intent.load()?.requester)]
    pub requester_tokens: Box<InterfaceAccount<'info, TokenAccount>>,

    /// The winner's registry agent (it cannot close while its winning bid is open).
    #[account(mut, address = winner_bid.agent @ ExchangeError::ResultNotWinner)]
    pub agent: Box<Account<'info, Agent>>,

    /// The standby (Vickrey runner-up) whose stake was locked with the winner's, if any.
    #[account(mut)]
    pub standby: Option<Box<Account<'info, Agent>>>,

    pub registry: RegistryAccounts<'info>,

    #[account(address = intent.load()?.token_program @ ExchangeError::EscrowMintMismatch)]
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> Payout<'info> {
    /// Completes the job with `rating_bps`; the escrow's rent goes to `rent_to` (the requester).
    /// Returns the lamports of keeper tip still held by the intent.
    pub fn complete(&self, rent_to: &AccountInfo<'info>, rating_bps: u16, finalizing: bool) -> Result<u64> {
        require!(rating_bps <= agx_core::BPS_DENOMINATOR, ExchangeError::ResultRatingOutOfRange);
        let now = Clock::get()?.slot;
        let intent_key = self.intent.key();
        let (split, signer, standby, unlock, fulfilled_bps, tip, recorded) = {
            let mut intent = self.intent.load_mut()?;
            let split = intent.complete(now, finalizing)?;
            intent.invariant()?;
            let signer = IntentSigner {
                requester: intent.requester,
                intent_id: intent.intent_id.to_le_bytes(),
                bump: [intent.bump],
            };
            let tip = core::mem::take(&mut intent.keeper_tip);
            // The board is frozen since the award, with the winner at its head.
            let promised = intent.ranked().first().map_or(0, |head| head.quality_bps);
            let recorded = agx_core::reputation::accountable_rating(promised, rating_bps)
                .map_err(|_| error!(ExchangeError::ResultRatingOutOfRange))?;
            (split, signer, intent.standby_agent, intent.min_stake, intent.fulfilled_bps, tip, recorded)
        };
        let standby_info = match (&self.standby, standby != Pubkey::default()) {
            (Some(account), true) if account.key() == standby => Some(account.to_account_info()),
            (None, false) => None,
            _ => return err!(ExchangeError::PayoutStandbyMismatch),
        };
        let intent_info = self.intent.to_account_info();
        escrow::pay_out(
            &signer,
            &intent_info,
            &self.escrow,
            &self.agent_tokens.to_account_info(),
            &self.mint,
            &self.token_program,
            split.to_agent.0,
            None,
        )?;
        escrow::pay_out(
            &signer,
            &intent_info,
            &self.escrow,
            &self.requester_tokens.to_account_info(),
            &self.mint,
            &self.token_program,
            split.to_requester.0,
            Some(rent_to),
        )?;
        let value = self.config.reputation_value(&self.mint.key(), split.to_agent.0)?;
        self.registry.settle_outcome(
            &self.config,
            self.agent.to_account_info(),
            standby_info,
            unlock,
            OutcomeKind::Completed,
            value,
            Some(recorded),
        )?;
        emit!(JobCompleted {
            intent: intent_key,
            agent: self.agent.key(),
            paid: split.to_agent.0,
            refunded: split.to_requester.0,
            fulfilled_bps,
            rating_bps,
            reputation_rating_bps: recorded,
            reputation_value: value,
            finalized: finalizing,
        });
        Ok(tip)
    }
}
