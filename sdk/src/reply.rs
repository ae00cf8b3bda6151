//! Judges and the agent's right of reply (issue 25, `docs/exchange.md` "Evaluators and replies").
//! [`judge_of`] says who decides an intent's dispute or contested rating at a slot (its evaluator
//! within its window, else the exchange's arbitrator); [`contest`] is the winner's reply to a
//! rating below its promise; [`resolve`] is the judge's decision on it.
use anchor_lang::prelude::Pubkey;
use exchange::state::{ExchangeConfig, Intent, Judge, ReplyState};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::{Chain, Landed};
use crate::ix::exchange as xix;
use crate::{discover, Error};

/// Where a question put to the judges stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    /// The result is disputed.
    Dispute,
    /// The winner contested its rating.
    Reply,
}

/// Who decides `question` on the intent `state` describes at slot `now`: the intent's evaluator
/// within one window of the question (an evaluator that is the winner's own authority never),
/// else the config's arbitrator (`None` when it names none).
pub fn judge_of(state: &Intent, config: &ExchangeConfig, question: Question, now: u64) -> Option<Pubkey> {
    let (opened, window) = match question {
        Question::Dispute => (state.dispute_opened_slot, config.arbitration_window_slots),
        Question::Reply => (state.contest_slot, config.reply_window_slots),
    };
    match state.judge(opened, now, window).ok()? {
        Judge::Evaluator(evaluator) => Some(evaluator),
        Judge::Arbitrator => (config.arbitrator != Pubkey::default()).then_some(config.arbitrator),
    }
}

/// The reply state of the intent `state` describes.
pub fn state_of(state: &Intent) -> ReplyState {
    ReplyState::from_u8(state.reply_state).unwrap_or(ReplyState::None)
}

/// The winner (`authority`) contests its rating on `intent`, claiming `claimed_bps` (above the
/// requester's rating, at most its promise) and bonding the config's `reply_bond` lamports.
/// Returns the bond.
pub fn contest(
    chain: &dyn Chain,
    authority: &Keypair,
    intent: &Pubkey,
    claimed_bps: u16,
) -> Result<u64, Error> {
    let bond = discover::exchange_config(chain)?.reply_bond;
    chain.send(&[xix::rating_contest(authority.pubkey(), *intent, claimed_bps)], authority, &[])?;
    Ok(bond)
}

/// The judge decides the contested rating on `intent`: `rating_bps` from the requester's rating
/// (upheld) to the agent's claim (corrected).
pub fn resolve(
    chain: &dyn Chain,
    judge: &Keypair,
    intent: &Pubkey,
    rating_bps: u16,
) -> Result<Landed, Error> {
    let state = discover::intent(chain, intent)?.ok_or(Error::AccountMissing(*intent))?;
    chain.send(&[xix::rating_resolve(judge.pubkey(), *intent, &state, rating_bps)], judge, &[])
}
