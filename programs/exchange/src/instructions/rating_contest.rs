//! `rating_contest`: the agent's right of reply (issue 25). A winner whose accepted job was
//! rated below the quality it promised contests the rating within the config's reply window,
//! claiming the rating it deserves and bonding the config's `reply_bond` lamports into the intent.
//! The intent's evaluator then decides within one reply window, the exchange's arbitrator within
//! the next (`rating_resolve`); undecided after them, the reply lapses when the intent closes:
//! the bond goes back and the rating stands.
//!
//! Rules: signed by the winner's authority (`ReplyNotWinner`); the rating is open to reply:
//! accepted by the requester below the promise, in a reputation-bearing mint, not contested yet
//! (`ReplyNotOpen`), within the window (`ReplyWindowClosed`); the claim is above the requester's
//! rating and at most the promise (`ReplyClaimInvalid`); someone can judge: the intent's
//! evaluator or the config's arbitrator (`ReplyNoJudge`). Not stopped by a pause.
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::RatingContested;
use crate::seeds;
use crate::state::{ExchangeConfig, Intent};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct RatingContestArgs {
    /// The rating the agent claims, bps: above the requester's, at most its promise.
    pub claimed_rating_bps: u16,
}

#[derive(Accounts)]
pub struct RatingContest<'info> {
    /// The winner's authority; pays the bond.
    #[account(mut, address = intent.load()?.winner_authority @ ExchangeError::ReplyNotWinner)]
    pub authority: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    #[account(mut)]
    pub intent: AccountLoader<'info, Intent>,

    pub system_program: Program<'info, System>,
}

impl RatingContest<'_> {
    pub fn validate(&self) -> Result<()> {
        let intent = self.intent.load()?;
        require!(intent.has_judge(self.config.load()?.arbitrator), ExchangeError::ReplyNoJudge);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: RatingContestArgs) -> Result<()> {
        let now = Clock::get()?.slot;
        let accounts = &ctx.accounts;
        let config = accounts.config.load()?;
        let bond = config.reply_bond;
        let event = {
            let mut intent = accounts.intent.load_mut()?;
            intent.contest(now, args.claimed_rating_bps, bond, config.reply_window_slots)?;
            intent.invariant()?;
            RatingContested {
                intent: accounts.intent.key(),
                agent: intent.winner_agent,
                rating_bps: intent.rating_bps,
                claimed_rating_bps: args.claimed_rating_bps,
                bond,
                decision_end_slot: intent.reply_end_slot,
            }
        };
        if bond > 0 {
            agent_registry::lean_cpi::system_transfer(
                accounts.authority.as_ref(),
                &accounts.intent.to_account_info(),
                bond,
            )?;
        }
        emit!(event);
        Ok(())
    }
}
