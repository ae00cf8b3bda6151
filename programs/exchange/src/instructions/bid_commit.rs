//! `bid_commit`: an eligible agent seals a bid on a sealed-auction intent and deposits the bond.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); signed by the agent's authority; the
//! intent is open, sealed, and in its commit window; the agent is eligible (active, has every
//! required capability, free stake >= min stake, reputation >= min reputation); one bid per agent
//! per intent per round (the bid's address, `agx_core::address`: the bidder's authority and a
//! seed of intent, agent and round, `round` the intent's current round, `BidRoundMismatch`). A
//! coalition counts the open bid (its terms are frozen while it bids); an agent is not told (no
//! registry CPI): an agent that closes under its bid only loses it (settlement drops a bidder
//! whose account is gone, and its bond is forfeited).
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::BidCommitted;
use crate::seeds;
use crate::state::{ExchangeConfig, Intent, Phase};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct BidCommitArgs {
    /// `agx_core::commitment` of the opening.
    pub commitment: [u8; 32],
    /// The intent's auction round (`intent.round`), part of the bid's address: stated by the
    /// bidder so that clients derive the bid PDA from the instruction alone.
    pub round: u8,
}

#[derive(Accounts)]
#[instruction(args: BidCommitArgs)]
pub struct BidCommit<'info> {
    /// The agent's authority; pays the bid's rent and bond.
    #[account(mut)]
    pub bidder: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    /// CHECK: the bidder: a registry agent of `bidder`, or a coalition whose authority is
    /// `bidder` (its member agents after the named accounts, in member order), read by
    /// `bidder::eligible`; a coalition counts the bid (`bidder::count_bid_opened`).
    #[account(mut)]
    pub agent: UncheckedAccount<'info>,

    /// CHECK: the new bid, at the address of `bidder` and `agx_core::address::bid_seed` of
    /// intent, agent and round: created by the bidder earlier in the transaction (blank, holding
    /// its rent and the bond) or here, and checked either way (`bidding::open_bid`).
    #[account(mut)]
    pub bid: UncheckedAccount<'info>,

    pub system_program: Program<'info, System>,
}

impl<'info> BidCommit<'info> {
    pub fn validate(&self, round: u8, members: &[AccountInfo<'info>]) -> Result<crate::bidder::BidderView> {
        crate::cu_trace!("bid_commit: accounts");
        let config = self.config.load()?;
        config.require_not_paused()?;
        let intent = self.intent.load()?;
        require!(round == intent.round, ExchangeError::BidRoundMismatch);
        require!(intent.kind()?.is_sealed(), ExchangeError::BidWrongAuctionKind);
        intent.require_phase(Clock::get()?.slot, Phase::Bidding, ExchangeError::BidWindowClosed)?;
        crate::cu_trace!("bid_commit: phase");
        let bidder = crate::bidder::eligible(&self.agent, members, &intent, &config.probation())?;
        crate::cu_trace!("bid_commit: eligible");
        require_keys_eq!(bidder.authority, self.bidder.key(), ExchangeError::BidNotBidder);
        Ok(bidder)
    }

    pub fn handler(ctx: Context<'info, Self>, args: BidCommitArgs) -> Result<()> {
        let view = ctx.accounts.validate(args.round, ctx.remaining_accounts)?;
        let now = Clock::get()?.slot;
        // The intent's bid bond, or a newcomer's larger one on probation.
        let bond = view.bond;
        let round = {
            let mut intent = ctx.accounts.intent.load_mut()?;
            intent.open_bid()?;
            intent.invariant()?;
            intent.round
        };
        crate::cu_trace!("bid_commit: intent");
        crate::bidder::count_bid_opened(&ctx.accounts.agent)?;
        crate::cu_trace!("bid_commit: counted");
        let accounts = &ctx.accounts;
        let (intent, agent) = (accounts.intent.key(), accounts.agent.key());
        let mut bid = crate::bidding::open_bid(
            accounts.system_program.as_ref(),
            accounts.bidder.as_ref(),
            accounts.bid.as_ref(),
            &intent,
            &agent,
            round,
            bond,
        )?;
        bid.commit(intent, agent, accounts.bidder.key(), args.commitment, round, bond, now);
        bid.bidder_kind = view.kind.to_u8();
        crate::bidding::write_bid(accounts.bid.as_ref(), &bid)?;
        crate::cu_trace!("bid_commit: written");
        emit!(BidCommitted {
            intent: bid.intent,
            bid: accounts.bid.key(),
            agent: bid.agent,
            commitment: args.commitment,
            bond,
        });
        crate::cu_trace!("bid_commit: emitted");
        Ok(())
    }
}
