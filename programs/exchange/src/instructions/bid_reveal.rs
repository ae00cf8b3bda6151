//! `bid_reveal`: the bidder opens its sealed bid; a valid bid is scored with `agx_core` and
//! ranked on the intent's bounded leaderboard (O(1) in the number of bids).
//!
//! Rules: signed by the bidder; the intent is open and in its reveal window; the opened values
//! hash (sol_sha256) to the commitment; price <= max price, latency <= max latency, quality <=
//! 10,000 bps; the agent is still eligible (a newcomer below the minimum reputation: on
//! probation, with a bid bond at least probation's, `BidProbationBondTooLow`). The agent's
//! current reputation is scored.
//! The first reveal fixes the intent's tie-break seed from the `SlotHashes` sysvar: the hash of the
//! last slot of the commit window (`agx_core::tiebreak`; `BidTiebreakSeedUnavailable` if the
//! sysvar is empty).
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::{Bid, BidOpening, Intent, Phase, SyscallSha256};

/// The `SlotHashes` sysvar.
pub const SLOT_HASHES_SYSVAR: Pubkey = pubkey!("SysvarS1otHashes111111111111111111111111111");

#[derive(Accounts)]
pub struct BidReveal<'info> {
    pub bidder: Signer<'info>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    #[account(
        mut,
        has_one = intent,
        has_one = bidder @ ExchangeError::BidNotBidder,
        has_one = agent,
    )]
    pub bid: AccountLoader<'info, Bid>,

    /// CHECK: the bid's bidder (`has_one`): a registry agent, or a coalition with its member
    /// agents after the named accounts, checked again by `bidder::eligible`.
    pub agent: UncheckedAccount<'info>,

    /// Read for probation (`ExchangeConfig::probation`).
    #[account(address = crate::seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, crate::state::ExchangeConfig>,

    /// CHECK: the `SlotHashes` sysvar (address checked); read raw, as its size forbids
    /// deserializing it on-chain.
    #[account(address = SLOT_HASHES_SYSVAR)]
    pub slot_hashes: UncheckedAccount<'info>,
}

impl<'info> BidReveal<'info> {
    pub fn handler(ctx: Context<'info, Self>, opening: BidOpening) -> Result<()> {
        let intent_key = ctx.accounts.intent.key();
        let mut intent = ctx.accounts.intent.load_mut()?;
        intent.require_phase(Clock::get()?.slot, Phase::Revealing, ExchangeError::BidRevealWindowNotOpen)?;
        if intent.tiebreak_seeded == 0 {
            let data = ctx.accounts.slot_hashes.try_borrow_data()?;
            let seed = agx_core::tiebreak::seed_from_slot_hashes(&data, intent.commit_end_slot)
                .ok_or_else(|| error!(ExchangeError::BidTiebreakSeedUnavailable))?;
            intent.fix_tiebreak_seed(seed);
        }
        let bid_key = ctx.accounts.bid.key();
        let mut bid = ctx.accounts.bid.load_mut()?;
        require_eq!(bid.round, intent.round, ExchangeError::BidRoundMismatch);
        let commitment = opening.core(&intent_key, &bid.agent).commitment::<SyscallSha256>();
        require!(commitment == bid.commitment, ExchangeError::BidCommitmentMismatch);
        let probation = ctx.accounts.config.load()?.probation();
        let bidder =
            crate::bidder::eligible(&ctx.accounts.agent, ctx.remaining_accounts, &intent, &probation)?;
        // A newcomer that committed in its own standing and has fallen below the minimum since
        // (or one whose probation bond was short) does not reveal into the auction.
        require!(bid.bond >= bidder.bond, ExchangeError::BidProbationBondTooLow);
        let reputation = bidder.reputation;
        let score =
            crate::bidding::score(&intent, opening.price, opening.quality_bps, opening.latency, reputation)?;
        bid.reveal(&opening, score, reputation)?;
        require_eq!(bidder.kind.to_u8(), bid.bidder_kind, ExchangeError::IntentCorrupt);
        crate::bidding::rank(intent_key, &mut intent, bid_key, &bid, &opening)?;
        Ok(())
    }
}
