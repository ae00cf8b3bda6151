//! `intent_create`: a requester posts an intent, depositing the max price in escrow and a tip
//! pool in lamports: `tip_per_crank` for each crank the intent may need (settle, finalize, close
//! and one per allowed failover); what is not paid out goes back when the intent closes.
//!
//! Rules:
//! - weights sum to 10,000 bps; max price and max latency positive; max latency at most
//!   `MAX_LATENCY_SLOTS` (`IntentMaxLatencyTooHigh`);
//! - bid window at least one slot; sealed auctions a reveal window of at least one slot,
//!   continuous auctions none; neither window above `MAX_AUCTION_WINDOW_SLOTS`
//!   (`IntentWindowTooLong`): with the config's windows bounded too, no deadline the intent
//!   will ever compute can overflow, so no bid or setting can freeze its settlement;
//! - `vickrey_premium_cap_bps`: Vickrey pays at most this far above the winner's ask (bps of
//!   the ask; any value, 0 pays the ask; ignored by the other kinds);
//! - min reputation and score threshold at most 10,000 bps; threshold 0 for sealed auctions and
//!   direct hires;
//! - a direct hire (`AuctionKind::Direct`) names the agent it is offered to in `hire_agent`, and
//!   only a direct hire names one (`IntentHireAgentInvalid`); its bid window is the agent's time
//!   to accept, and it has no reveal window;
//! - context URI at most 200 bytes; at most 8 failovers;
//! - the exchange is not paused (`ExchangePaused`); the bid bond is at least the config's
//!   `min_bid_bond` (`IntentBidBondBelowMinimum`), so not revealing is never free;
//! - the mint passes `agent_registry::mint_policy`: no permanent delegate, transfer hook,
//!   non-zero or changeable transfer fee, pause or unknown extension, and no freeze authority
//!   unless the config lists the mint as freezable (each its own error), so nobody but the
//!   program can move, freeze or tax the escrow;
//! - an evaluator (issue 25) is never the requester, and only an intent with an evaluator pays
//!   an evaluator fee (`IntentEvaluatorInvalid`);
//! - the escrow (a token account of the intent's mint owned by the intent PDA) receives exactly
//!   the max price plus the evaluator fee; the requester may create it in the same transaction,
//!   fresh (no balance, delegate, close authority or extension but a transfer-fee amount or an
//!   immutable owner: `EscrowAccountNotFresh`), or leave it to the program (at the PDA
//!   `[ESCROW, intent]`), which costs ~3,600 CU more;
//! - the intent id was never used by the requester and is not more than 1,024 below the highest
//!   it used (`IntentIdReused`, `agx_core::ids`), so an address never names two intents while
//!   posts sent together may land in any order; the requester's record (at the requester's
//!   seeded address, `agx_core::address::REQUESTER_SEED`, `RequesterAccountInvalid` for
//!   anything else) is created by its first post, or by the requester blank in that post's
//!   transaction.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::posting::Poster;
use crate::seeds;
use crate::state::{
    AuctionKind, ExchangeConfig, Intent, IntentStatus, MAX_AUCTION_WINDOW_SLOTS, MAX_CONTEXT_URI_LEN,
    MAX_FAILOVERS, MAX_LATENCY_SLOTS,
};

#[derive(AnchorSerialize, Clone, Debug)]
pub struct IntentCreateArgs {
    /// Chosen by the requester; part of the intent's address.
    pub intent_id: u64,
    pub required_capabilities: u64,
    /// Atoms of the registry's stake mint.
    pub min_stake: u64,
    /// bps.
    pub min_reputation: u16,
    /// quality, cost, speed, reputation in bps (default 4000/3000/2000/1000).
    pub weights: [u16; 4],
    /// Atoms of `mint`.
    pub max_price: u64,
    /// Slots.
    pub max_latency: u64,
    pub context_hash: [u8; 32],
    pub context_uri: String,
    pub success_criteria_hash: [u8; 32],
    pub auction_kind: AuctionKind,
    /// Slots during which bids are committed (sealed) or placed (continuous).
    pub bid_window_slots: u64,
    /// Slots during which sealed bids are revealed; 0 for continuous auctions.
    pub reveal_window_slots: u64,
    /// Lamports each bid deposits.
    pub bid_bond: u64,
    /// Continuous auctions: a bid scoring at least this wins at once (bps; 0 = off).
    pub score_threshold: u16,
    pub max_failovers: u8,
    /// Lamports paid to whoever sends each crank.
    pub tip_per_crank: u64,
    /// Vickrey: the most the winner's payment may exceed its ask, bps of the ask (the SDK's
    /// default is `DEFAULT_VICKREY_PREMIUM_CAP_BPS`, 2,500).
    pub vickrey_premium_cap_bps: u16,
    /// Direct hire (`AuctionKind::Direct`): the registry agent the job is offered to at the max
    /// price, which accepts within the bid window; the default key for an auction.
    pub hire_agent: Pubkey,
    /// The whole intent's deadline across failovers and re-auctions (0: none): a failover at or
    /// after this slot fails the intent and refunds the escrow instead of handing the job on.
    /// After the first auction's windows.
    pub deadline_slot: u64,
    /// Who decides this intent's dispute, and a contested rating, before the exchange's
    /// arbitrator (issue 25): any key but the requester's; the default key for none.
    pub evaluator: Pubkey,
    /// Atoms of `mint` deposited beside the max price for the evaluator: paid to it when it
    /// decides the dispute, refunded otherwise. 0 without an evaluator.
    pub evaluator_fee: u64,
}

/// Borsh's layout, field by field in declaration order (`args_round_trip` tests it), with the
/// string bounded (`agent_registry::args`).
impl AnchorDeserialize for IntentCreateArgs {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        Ok(Self {
            intent_id: AnchorDeserialize::deserialize_reader(reader)?,
            required_capabilities: AnchorDeserialize::deserialize_reader(reader)?,
            min_stake: AnchorDeserialize::deserialize_reader(reader)?,
            min_reputation: AnchorDeserialize::deserialize_reader(reader)?,
            weights: AnchorDeserialize::deserialize_reader(reader)?,
            max_price: AnchorDeserialize::deserialize_reader(reader)?,
            max_latency: AnchorDeserialize::deserialize_reader(reader)?,
            context_hash: AnchorDeserialize::deserialize_reader(reader)?,
            context_uri: agent_registry::args::bounded_string(reader)?,
            success_criteria_hash: AnchorDeserialize::deserialize_reader(reader)?,
            auction_kind: AnchorDeserialize::deserialize_reader(reader)?,
            bid_window_slots: AnchorDeserialize::deserialize_reader(reader)?,
            reveal_window_slots: AnchorDeserialize::deserialize_reader(reader)?,
            bid_bond: AnchorDeserialize::deserialize_reader(reader)?,
            score_threshold: AnchorDeserialize::deserialize_reader(reader)?,
            max_failovers: AnchorDeserialize::deserialize_reader(reader)?,
            tip_per_crank: AnchorDeserialize::deserialize_reader(reader)?,
            vickrey_premium_cap_bps: AnchorDeserialize::deserialize_reader(reader)?,
            hire_agent: AnchorDeserialize::deserialize_reader(reader)?,
            deadline_slot: AnchorDeserialize::deserialize_reader(reader)?,
            evaluator: AnchorDeserialize::deserialize_reader(reader)?,
            evaluator_fee: AnchorDeserialize::deserialize_reader(reader)?,
        })
    }
}

impl IntentCreateArgs {
    /// What the escrow receives: the max price and the evaluator's fee.
    pub fn deposit(&self) -> Result<u64> {
        self.max_price
            .checked_add(self.evaluator_fee)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))
    }

    pub fn validate(&self) -> Result<()> {
        let w = self.weights;
        let weights = agx_core::score::Weights { quality: w[0], cost: w[1], speed: w[2], reputation: w[3] };
        require!(weights.validate().is_ok(), ExchangeError::IntentWeightsInvalid);
        require_gt!(self.max_price, 0, ExchangeError::IntentMaxPriceZero);
        require_gt!(self.max_latency, 0, ExchangeError::IntentMaxLatencyZero);
        require_gte!(MAX_LATENCY_SLOTS, self.max_latency, ExchangeError::IntentMaxLatencyTooHigh);
        require_gt!(self.bid_window_slots, 0, ExchangeError::IntentBidWindowZero);
        require!(
            self.bid_window_slots <= MAX_AUCTION_WINDOW_SLOTS
                && self.reveal_window_slots <= MAX_AUCTION_WINDOW_SLOTS,
            ExchangeError::IntentWindowTooLong
        );
        let sealed = self.auction_kind.is_sealed();
        require!(sealed == (self.reveal_window_slots > 0), ExchangeError::IntentRevealWindowInvalid);
        require!(
            self.min_reputation <= agx_core::BPS_DENOMINATOR,
            ExchangeError::IntentMinReputationOutOfRange
        );
        require!(
            self.score_threshold <= agx_core::BPS_DENOMINATOR && (!sealed || self.score_threshold == 0),
            ExchangeError::IntentScoreThresholdInvalid
        );
        require!(self.context_uri.len() <= MAX_CONTEXT_URI_LEN, ExchangeError::IntentContextUriTooLong);
        require!(self.max_failovers <= MAX_FAILOVERS, ExchangeError::IntentMaxFailoversTooHigh);
        let direct = self.auction_kind == AuctionKind::Direct;
        require!(direct == (self.hire_agent != Pubkey::default()), ExchangeError::IntentHireAgentInvalid);
        require!(!direct || self.score_threshold == 0, ExchangeError::IntentScoreThresholdInvalid);
        require!(
            self.evaluator_fee == 0 || self.evaluator != Pubkey::default(),
            ExchangeError::IntentEvaluatorInvalid
        );
        self.deposit()?;
        Ok(())
    }
}

/// Where a new intent lives and what it holds: its accounts, fixed by `intent_create`.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub address: Pubkey,
    pub bump: u8,
    pub requester: Pubkey,
    pub mint: Pubkey,
    pub mint_decimals: u8,
    pub token_program: Pubkey,
    pub escrow: Pubkey,
    pub escrow_bump: u8,
    /// Who refunds belong to: the requester, or the budget that paid the escrow.
    pub refund_owner: Pubkey,
    /// The funding account, which refunds go to by default.
    pub refund_tokens: Pubkey,
}

impl IntentCreateArgs {
    /// Fills a zeroed `intent` as posted at `now` with these terms, at `placement`, holding
    /// `tip_pool` lamports of tips and the max price in escrow; checks its invariant.
    pub fn fill(&self, intent: &mut Intent, placement: &Placement, tip_pool: u64, now: u64) -> Result<()> {
        let commit_end = now
            .checked_add(self.bid_window_slots)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        let reveal_end = commit_end
            .checked_add(self.reveal_window_slots)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        intent.version = Intent::VERSION;
        intent.bump = placement.bump;
        intent.escrow_bump = placement.escrow_bump;
        intent.escrow = placement.escrow;
        intent.escrow_open = 1;
        intent.vickrey_premium_cap_bps = self.vickrey_premium_cap_bps;
        intent.mint_decimals = placement.mint_decimals;
        intent.refund_tokens = placement.refund_tokens;
        intent.status = IntentStatus::Open.to_u8();
        intent.auction_kind = self.auction_kind.to_u8();
        intent.intent_id = self.intent_id;
        intent.requester = placement.requester;
        intent.mint = placement.mint;
        intent.token_program = placement.token_program;
        intent.required_capabilities = self.required_capabilities;
        intent.min_stake = self.min_stake;
        intent.min_reputation = self.min_reputation;
        intent.weights = self.weights;
        intent.max_price = self.max_price;
        intent.max_latency = self.max_latency;
        intent.context_hash = self.context_hash;
        intent.success_criteria_hash = self.success_criteria_hash;
        let uri = self.context_uri.as_bytes();
        intent
            .context_uri
            .get_mut(..uri.len())
            .ok_or_else(|| error!(ExchangeError::IntentContextUriTooLong))?
            .copy_from_slice(uri);
        intent.context_uri_len =
            u8::try_from(uri.len()).map_err(|_| error!(ExchangeError::IntentContextUriTooLong))?;
        intent.created_slot = now;
        intent.commit_end_slot = commit_end;
        intent.reveal_end_slot = reveal_end;
        intent.bid_bond = self.bid_bond;
        intent.tip_per_crank = self.tip_per_crank;
        intent.tip_pool = tip_pool;
        intent.refund_owner = placement.refund_owner;
        if !self.auction_kind.is_sealed() {
            // Clear bids: no seed to wait for (`agx_core::tiebreak`).
            intent.fix_tiebreak_seed(placement.address.to_bytes());
        }
        intent.score_threshold = self.score_threshold;
        intent.max_failovers = self.max_failovers;
        intent.hire_agent = self.hire_agent;
        require!(
            self.deadline_slot == 0 || self.deadline_slot > reveal_end,
            ExchangeError::IntentDeadlineInvalid
        );
        intent.deadline_slot = self.deadline_slot;
        require_keys_neq!(self.evaluator, placement.requester, ExchangeError::IntentEvaluatorInvalid);
        intent.evaluator = self.evaluator;
        intent.evaluator_fee = self.evaluator_fee;
        intent.escrowed = self.deposit()?;
        intent.invariant()
    }
}

#[derive(Accounts)]
#[instruction(args: IntentCreateArgs)]
pub struct IntentCreate<'info> {
    #[account(mut)]
    pub requester: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: the PDA `[seeds::INTENT, requester, intent_id]`, checked by the handler
    /// (`Poster::open`, `IntentAccountInvalid`) with `agent_registry::pda` rather than an Anchor
    /// `seeds` constraint (~1,200 CU less a bump tried); an existing intent is refused
    /// (`IntentAlreadyExists`). Created by the handler (`Poster::write`), not by Anchor's
    /// `init`: one system CPI then funds its rent and the tip pool together (~1,600 CU less than
    /// `init` plus a transfer).
    #[account(mut)]
    pub intent: UncheckedAccount<'info>,

    /// CHECK: the requester's record (`RequesterState`, the intent ids it used), at the address
    /// of the requester and `agx_core::address::REQUESTER_SEED`: created on the requester's
    /// first post (here, or blank by the requester before; the address hashed once, then),
    /// afterwards identified by owner, discriminator and the requester it stores, without
    /// hashing it again (`Poster::open`).
    #[account(mut)]
    pub requester_state: UncheckedAccount<'info>,

    /// CHECK: the escrow, a token account of `mint` owned by the intent: one the requester
    /// created earlier in the transaction (fresh: `EscrowAccountNotFresh`), or created by the
    /// handler at the PDA `[seeds::ESCROW, intent]` (`EscrowAccountInvalid`), as
    /// `Poster::open_escrow` says.
    #[account(mut)]
    pub escrow: UncheckedAccount<'info>,

    /// CHECK: a mint of `token_program` (owner), parsed once by `mint_policy::check`, which also
    /// gives its decimals (decoding it as `InterfaceAccount<Mint>` too would cost ~1,000 CU).
    #[account(owner = token_program.key() @ ExchangeError::EscrowMintMismatch)]
    pub mint: UncheckedAccount<'info>,

    /// CHECK: the requester's token account of `mint`, read in place (`token_view`);
    /// `transfer_checked`, signed by the requester, checks its owner and balance.
    #[account(
        mut,
        constraint = crate::token_view::read(&requester_tokens)?.mint == mint.key()
            @ ExchangeError::IntentFundingAccountInvalid,
    )]
    pub requester_tokens: UncheckedAccount<'info>,

    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl<'info> IntentCreate<'info> {
    fn poster(&self) -> Poster<'_, 'info> {
        Poster {
            requester: self.requester.as_ref(),
            requester_state: self.requester_state.as_ref(),
            intent: self.intent.as_ref(),
            system_program: self.system_program.as_ref(),
        }
    }

    pub fn handler(ctx: Context<Self>, args: IntentCreateArgs) -> Result<()> {
        crate::cu_trace!("intent_create: accounts");
        let accounts = &ctx.accounts;
        let poster = accounts.poster();
        let config = accounts.config.load()?;
        let bump = poster.open(&config, &args)?;
        crate::cu_trace!("intent_create: opened");
        let freeze_allowed = config.allows_freezable(&accounts.mint.key());
        let mint = agent_registry::mint_policy::inspect(&accounts.mint.to_account_info(), freeze_allowed)
            .map_err(|v| error!(ExchangeError::from(v)))?;
        let decimals = mint.decimals;
        crate::cu_trace!("intent_create: mint policy");
        let escrow_bump = poster.open_escrow(
            accounts.escrow.as_ref(),
            accounts.mint.as_ref(),
            accounts.token_program.as_ref(),
            mint.token_account_len,
        )?;
        crate::cu_trace!("intent_create: escrow");
        agent_registry::lean_cpi::transfer_checked(
            accounts.token_program.key,
            accounts.requester_tokens.as_ref(),
            accounts.mint.as_ref(),
            accounts.escrow.as_ref(),
            accounts.requester.as_ref(),
            args.deposit()?,
            decimals,
            &[],
        )?;
        crate::cu_trace!("intent_create: transferred");
        // Read in place: `reload` would decode the account again (~1,350 CU).
        let escrowed = agent_registry::token_view::amount(&accounts.escrow.to_account_info());
        require!(escrowed == Some(args.deposit()?), ExchangeError::IntentEscrowShortfall);
        let placement = Placement {
            address: accounts.intent.key(),
            bump,
            requester: accounts.requester.key(),
            mint: accounts.mint.key(),
            mint_decimals: decimals,
            token_program: accounts.token_program.key(),
            escrow: accounts.escrow.key(),
            escrow_bump,
            refund_owner: accounts.requester.key(),
            refund_tokens: accounts.requester_tokens.key(),
        };
        poster.write(&args, &placement)
    }
}
