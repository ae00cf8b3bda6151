//! `auction_settle` (permissionless, keeper-driven): closes an auction once its windows have
//! passed.
//!
//! Rules: the intent is open and past its last window.
//! - No valid bid: the intent expires, the escrow is refunded in full to the requester's token
//!   account and closed (rent to the requester), and the caller earns the keeper tip.
//! - Otherwise the head of the leaderboard wins, if its agent (passed as `agent`) is still
//!   active with free stake >= min stake; it is paid its ask (first-price, continuous) or the
//!   second-score price (Vickrey), its min stake is locked in the registry by CPI, and the
//!   caller earns the tip. A head that no longer qualifies is removed from the board
//!   (`BidDisqualified`) and the caller settles again with the next head.
use agent_registry::program::AgentRegistry;
use agent_registry::state::Agent;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::award::{award_head, StakeLockAccounts};
use crate::error::ExchangeError;
use crate::escrow::{self, IntentSigner};
use crate::events::{AuctionExpired, BidDisqualified};
use crate::seeds;
use crate::state::{ExchangeConfig, Intent, Phase};

#[derive(Accounts)]
pub struct AuctionSettle<'info> {
    /// Whoever cranks; earns the keeper tip.
    #[account(mut)]
    pub caller: Signer<'info>,

    // Owner + discriminator identify the one config (only `config_init` creates one, at its
    // PDA), so the seeds are not re-derived here: that would cost ~1,500 CU per call.
    pub config: Account<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// The head's agent (award path).
    #[account(mut)]
    pub agent: Option<Account<'info, Agent>>,

    /// CHECK: the exchange's signing PDA (the registry's operator), used only as the CPI
    /// signer: `invoke_signed` signs only for the PDA of our seeds, and the registry refuses any
    /// other operator, so a substitute fails the CPI. Not re-derived here (~1,500 CU).
    pub exchange_authority: UncheckedAccount<'info>,

    /// CHECK: the registry's config; the registry validates it in the CPI.
    pub registry_config: UncheckedAccount<'info>,

    pub registry_program: Program<'info, AgentRegistry>,

    /// Expire path: the escrow, its mint, the requester's token account and the requester.
    #[account(mut, seeds = [seeds::ESCROW, intent.key().as_ref()], bump = intent.load()?.escrow_bump)]
    pub escrow: Option<InterfaceAccount<'info, TokenAccount>>,

    #[account(address = intent.load()?.mint @ ExchangeError::EscrowMintMismatch)]
    pub mint: Option<InterfaceAccount<'info, Mint>>,

    #[account(mut, token::authority = intent.load()?.requester)]
    pub requester_tokens: Option<InterfaceAccount<'info, TokenAccount>>,

    /// CHECK: receives the escrow's rent; must be the intent's requester.
    #[account(mut, address = intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: Option<UncheckedAccount<'info>>,

    #[account(address = intent.load()?.token_program @ ExchangeError::EscrowMintMismatch)]
    pub token_program: Option<Interface<'info, TokenInterface>>,
}

impl AuctionSettle<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let intent_key = ctx.accounts.intent.key();
        let mut intent = ctx.accounts.intent.load_mut()?;
        intent.require_phase(now, Phase::Closed, ExchangeError::AuctionNotClosed)?;

        let Some(head) = intent.ranked().first().copied() else {
            let refund = intent.expire()?;
            intent.invariant()?;
            // Paid once: the field records what the intent still holds for cranks.
            let tip = core::mem::take(&mut intent.keeper_tip);
            let signer = IntentSigner {
                requester: intent.requester,
                intent_id: intent.intent_id.to_le_bytes(),
                bump: [intent.bump],
            };
            drop(intent);
            let a = &ctx.accounts;
            let (Some(escrow), Some(mint), Some(to), Some(requester), Some(token_program)) =
                (&a.escrow, &a.mint, &a.requester_tokens, &a.requester, &a.token_program)
            else {
                return err!(ExchangeError::AuctionAccountsMissing);
            };
            escrow::pay_out(
                &signer,
                &a.intent.to_account_info(),
                escrow,
                &to.to_account_info(),
                mint,
                token_program,
                refund,
                Some(&requester.to_account_info()),
            )?;
            escrow::move_lamports(&a.intent.to_account_info(), &a.caller.to_account_info(), tip)?;
            emit!(AuctionExpired { intent: intent_key, refunded: refund });
            return Ok(());
        };

        let agent = ctx.accounts.agent.as_ref().ok_or(error!(ExchangeError::AuctionHasValidBids))?;
        require_keys_eq!(agent.key(), head.agent, ExchangeError::AuctionWinnerMismatch);
        if !agent.is_active() || agent.free_stake() < intent.min_stake {
            intent.pop_head();
            intent.invariant()?;
            emit!(BidDisqualified { intent: intent_key, bid: head.bid, agent: head.agent });
            return Ok(());
        }
        let accounts = StakeLockAccounts {
            config: &ctx.accounts.config,
            exchange_authority: &ctx.accounts.exchange_authority.to_account_info(),
            registry_config: &ctx.accounts.registry_config.to_account_info(),
            registry_program: &ctx.accounts.registry_program,
            agent,
        };
        award_head(intent_key, &mut intent, accounts, now)?;
        let tip = core::mem::take(&mut intent.keeper_tip);
        drop(intent);
        escrow::move_lamports(
            &ctx.accounts.intent.to_account_info(),
            &ctx.accounts.caller.to_account_info(),
            tip,
        )
    }
}
