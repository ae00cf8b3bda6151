//! `auction_settle` (permissionless, keeper-driven): closes an auction once its windows have
//! passed.
//!
//! Rules: the intent is open and past its last window, and past any re-rank window
//! (`AuctionRerankWindowOpen`) before it awards or expires.
//! - No valid bid: the intent expires, the escrow is refunded in full to the refund owner's token
//!   account and closed (rent to the requester), and the caller earns one crank tip. Anything
//!   sent to the escrow outside the protocol is swept to the refund owner with it. When the
//!   account the intent stores for refunds can no longer receive them (closed, frozen, re-owned,
//!   requiring memos), the refund stays in the escrow for the requester to claim
//!   (`escrow_claim`) and the intent expires all the same.
//! - Otherwise the head of the leaderboard (its agent passed as `agent`, its bid as `bid`) wins if
//!   its agent is still a registry agent, active, with free stake >= min stake. Under Vickrey the
//!   runner-up (agent `runner_up`, bid `runner_up_bid`) sets the price and becomes the standby,
//!   so it must qualify the same way. The winner is paid its ask (first-price, continuous) or the
//!   second-score price (Vickrey); the min stake of the winner and of the standby is locked in
//!   one registry CPI; the caller earns one crank tip.
//! - A head or runner-up that no longer qualifies (its agent account closed or not an agent,
//!   deactivated, or short of free stake), or a head whose terms cannot be awarded (a payment or
//!   deadline that does not compute; the bounds on intents and bids make this unreachable), is
//!   dropped from the board; its bid is marked
//!   disqualified (the bond goes to the requester when the bid closes) and, when the agent still
//!   exists, a failure worth the intent's max price is recorded in its reputation. If valid bids
//!   wait off the board, a re-rank window of the config's length opens so they can be brought
//!   back (`bid_rerank`) before the next award. One drop per call; the caller settles again. A
//!   drop earns no tip (the tip pool funds the cranks every intent needs).
use crate::seeds;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::account_groups::RefundAccounts;
use crate::award::award_head;
use crate::bidding::{live_agent, qualifies_at_settlement};
use crate::error::ExchangeError;
use crate::escrow::{self, Payee};
use crate::events::{AuctionExpired, BidDisqualified};
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;

use crate::state::{Bid, ExchangeConfig, Intent, LeaderboardEntry, Phase};

#[derive(Accounts)]
pub struct AuctionSettle<'info> {
    /// Whoever cranks; earns one crank tip.
    #[account(mut)]
    pub caller: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the head's agent account (award path). Its address must be the head's agent; it is
    /// read as a registry `Agent` when it is one, and treated as gone otherwise (closed, or not
    /// an agent), so a vanished agent can never freeze the intent.
    #[account(mut)]
    pub agent: Option<UncheckedAccount<'info>>,

    /// CHECK: the head's bid, decoded (owner, discriminator, address) only when the head is
    /// dropped and its bid marked disqualified: an award does not need it.
    #[account(mut)]
    pub bid: Option<UncheckedAccount<'info>>,

    /// CHECK: Vickrey: the runner-up's agent account, read like `agent`.
    #[account(mut)]
    pub runner_up: Option<UncheckedAccount<'info>>,

    /// CHECK: Vickrey: the runner-up's bid, read like `bid`.
    #[account(mut)]
    pub runner_up_bid: Option<UncheckedAccount<'info>>,

    pub registry: RegistryAccounts<'info>,

    /// Expire path: the escrow, its mint, the requester's token account and the requester.
    /// CHECK: the intent's escrow (address stored at creation); the token program checks it.
    #[account(mut, address = intent.load()?.escrow @ ExchangeError::EscrowAccountMismatch)]
    pub escrow: Option<UncheckedAccount<'info>>,

    /// CHECK: the intent's mint (address); its decimals are stored in the intent.
    #[account(address = intent.load()?.mint @ ExchangeError::EscrowMintMismatch)]
    pub mint: Option<UncheckedAccount<'info>>,

    /// CHECK: the refund owner's token account of the intent's mint, or the one the intent
    /// stores for refunds (`Payee::refund`, in the handler).
    #[account(mut)]
    pub requester_tokens: Option<UncheckedAccount<'info>>,

    /// CHECK: receives the escrow's rent; must be the intent's requester.
    #[account(mut, address = intent.load()?.requester @ ExchangeError::RequesterMismatch)]
    pub requester: Option<UncheckedAccount<'info>>,

    #[account(address = intent.load()?.token_program @ ExchangeError::EscrowMintMismatch)]
    pub token_program: Option<Interface<'info, TokenInterface>>,
}

impl<'info> AuctionSettle<'info> {
    pub fn handler(ctx: Context<'info, Self>) -> Result<()> {
        let now = Clock::get()?.slot;
        let AuctionSettle {
            caller,
            config: config_account,
            intent: intent_account,
            agent,
            bid,
            runner_up,
            runner_up_bid,
            registry,
            escrow,
            mint,
            requester_tokens,
            requester,
            token_program,
        } = ctx.accounts;
        let config = config_account.load()?;
        let config = &*config;
        let intent_key = intent_account.key();
        let mut intent = intent_account.load_mut()?;
        intent.require_phase(now, Phase::Closed, ExchangeError::AuctionNotClosed)?;

        let Some(head) = intent.ranked().first().copied() else {
            let refund_accounts = RefundAccounts::unpack(
                escrow,
                mint,
                requester_tokens,
                requester,
                token_program,
                ExchangeError::AuctionAccountsMissing,
            )?;
            let refund = intent.expire(now)?;
            intent.invariant()?;
            let payee = Payee::refund(&intent, &refund_accounts.requester_tokens.to_account_info())?;
            let tip = intent.take_tip();
            let terms = intent.escrow_terms();
            drop(intent);
            let escrow = refund_accounts.escrow(terms, intent_account.to_account_info());
            let settled =
                escrow.end(refund, None, None, payee, &refund_accounts.requester.to_account_info())?;
            settled.record(intent_key, &mut *intent_account.load_mut()?)?;
            escrow::move_lamports(&intent_account.to_account_info(), &caller.to_account_info(), tip)?;
            emit!(AuctionExpired { intent: intent_key, refunded: refund });
            return Ok(());
        };

        let agent_info =
            agent.as_ref().ok_or_else(|| error!(ExchangeError::AuctionHasValidBids))?.to_account_info();
        require_keys_eq!(agent_info.key(), head.agent, ExchangeError::AuctionWinnerMismatch);
        // A coalition head's member agents follow the named accounts.
        let members = ctx.remaining_accounts;
        let holding = crate::bidder::holding(&agent_info, members, &intent)?;
        let payment = intent.head_award_payment(now, config.execution_grace_slots);
        let (Some(payment), Some(holding)) = (payment, holding) else {
            let live = live_agent(&agent_info).is_some();
            let drop = Disqualification { index: 0, entry: head, agent: agent_info, live };
            return drop.apply(intent_key, &mut intent, config, registry, bid.as_ref(), now);
        };

        let standby_info = match intent.standby()? {
            None => None,
            Some(second) => {
                let info =
                    runner_up.as_ref().ok_or_else(|| error!(ExchangeError::AuctionRunnerUpMismatch))?;
                let info = info.to_account_info();
                require_keys_eq!(info.key(), second.agent, ExchangeError::AuctionRunnerUpMismatch);
                let standby = live_agent(&info);
                if !standby.as_ref().is_some_and(|agent| qualifies_at_settlement(agent, &intent)) {
                    let drop =
                        Disqualification { index: 1, entry: second, agent: info, live: standby.is_some() };
                    let bid = runner_up_bid.as_ref();
                    return drop.apply(intent_key, &mut intent, config, registry, bid, now);
                }
                Some(info)
            }
        };
        award_head(
            intent_key,
            &mut intent,
            config,
            registry,
            (agent_info, &holding, members),
            standby_info,
            payment,
            now,
        )?;
        let tip = intent.take_tip();
        drop(intent);
        escrow::move_lamports(&intent_account.to_account_info(), &caller.to_account_info(), tip)
    }
}

/// A ranked bid whose agent no longer qualifies at settlement.
struct Disqualification<'info> {
    /// Its place on the board (0 head, 1 runner-up).
    index: usize,
    entry: LeaderboardEntry,
    agent: AccountInfo<'info>,
    /// Is its agent account still a registry agent?
    live: bool,
}

impl<'info> Disqualification<'info> {
    fn apply(
        self,
        intent_key: Pubkey,
        intent: &mut Intent,
        config: &ExchangeConfig,
        registry: &RegistryAccounts<'info>,
        bid: Option<&UncheckedAccount<'info>>,
        now: u64,
    ) -> Result<()> {
        let info = bid.ok_or_else(|| error!(ExchangeError::AuctionBidMismatch))?;
        require_keys_eq!(info.key(), self.entry.bid, ExchangeError::AuctionBidMismatch);
        // The address is the board's bid, so only this program can own it; checked anyway.
        require_keys_eq!(*info.owner, crate::ID, ExchangeError::AuctionBidMismatch);
        crate::bidding::update_bid(info, Bid::disqualify)?;
        intent.disqualify(self.index, now, config.rerank_window_slots)?;
        intent.invariant()?;
        if self.live {
            registry.record_failure(config, self.agent, intent.max_price, intent.required_capabilities)?;
        }
        emit!(BidDisqualified {
            intent: intent_key,
            bid: self.entry.bid,
            agent: self.entry.agent,
            position: u8::try_from(self.index).unwrap_or(u8::MAX),
            agent_gone: !self.live,
            rerank_end_slot: intent.rerank_end_slot,
        });
        Ok(())
    }
}
