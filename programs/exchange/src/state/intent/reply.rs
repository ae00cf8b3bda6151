//! Judges and the agent's right of reply (issue 25): who decides a dispute or a contested
//! rating, the evaluator's fee, and the life of a reply to a rating below the winner's promise.
use anchor_lang::prelude::*;

use super::{Intent, IntentStatus};
use crate::error::ExchangeError;
use crate::state::stored_enum::stored_enum;

stored_enum! {
    /// Where the reply to an accepted job's rating stands. Stored in the intent as its `u8`.
    pub enum ReplyState (unknown: ExchangeError::IntentCorrupt) {
        /// No reply possible: rated at or above the promise, finalized, resolved, a coalition's
        /// job, a mint that moves no reputation, or replies off in the config.
        None,
        /// Rated below the promise: the agent may contest until `reply_end_slot`.
        Open,
        /// Contested with a bond: the judges decide until `reply_end_slot`, after which the
        /// reply lapses (the bond goes back, the rating stands).
        Contested,
        /// Decided: the rating upheld or corrected.
        Decided,
    }
}

/// Who decides a dispute or a contested rating at a given slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judge {
    /// The intent's evaluator, within its window.
    Evaluator(Pubkey),
    /// The exchange's arbitrator: after the evaluator's window, or when the intent has none.
    Arbitrator,
}

/// How a contested rating was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The rating that stands, bps.
    pub rating_bps: u16,
    /// Was the requester's rating replaced (the agent wins its bond back and the requester's
    /// rating is corrected) or upheld (the bond goes to the requester)?
    pub corrected: bool,
    /// The agent's bond, lamports.
    pub bond: u64,
}

fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))
}

impl Intent {
    /// Does the intent's evaluator judge this job? Not when there is none, and not when it is
    /// the winner's own authority.
    pub fn evaluator_serves(&self) -> bool {
        self.evaluator != Pubkey::default() && self.evaluator != self.winner_authority
    }

    /// Can anyone judge this job's dispute or reply: its evaluator, or the config's `arbitrator`?
    pub fn has_judge(&self, arbitrator: Pubkey) -> bool {
        self.evaluator_serves() || arbitrator != Pubkey::default()
    }

    /// Slots a decision may take: the arbitrator's `window`, after the evaluator's own `window`
    /// when one serves.
    pub fn decision_window(&self, window: u64) -> Result<u64> {
        if self.evaluator_serves() {
            window.checked_mul(2).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))
        } else {
            Ok(window)
        }
    }

    /// Who decides at `now` a question opened at `opened`: the evaluator for `window` slots,
    /// the arbitrator after.
    pub fn judge(&self, opened: u64, now: u64, window: u64) -> Result<Judge> {
        if self.evaluator_serves() && now < add(opened, window)? {
            Ok(Judge::Evaluator(self.evaluator))
        } else {
            Ok(Judge::Arbitrator)
        }
    }

    /// Checks that `signer` is the judge at `now` (the arbitrator being `arbitrator`); returns
    /// whether it is the evaluator.
    pub fn require_judge(
        &self,
        signer: Pubkey,
        arbitrator: Pubkey,
        opened: u64,
        now: u64,
        window: u64,
    ) -> Result<bool> {
        match self.judge(opened, now, window)? {
            Judge::Evaluator(evaluator) => {
                require_keys_eq!(signer, evaluator, ExchangeError::JudgeNotEvaluator);
                Ok(true)
            }
            Judge::Arbitrator => {
                require!(
                    arbitrator != Pubkey::default() && signer == arbitrator,
                    ExchangeError::DisputeNotArbitrator
                );
                Ok(false)
            }
        }
    }

    /// The evaluator decided the dispute: its fee leaves the escrow before the split.
    pub fn take_evaluator_fee(&mut self) -> Result<u64> {
        let fee = self.evaluator_fee;
        self.escrowed = self.escrowed.checked_sub(fee).ok_or_else(|| error!(ExchangeError::IntentCorrupt))?;
        Ok(fee)
    }

    /// The requester accepted at `rating_bps` a job promised at `promised_bps` that counted
    /// `rated_value` for the winner's reputation: below the promise, the agent may reply for
    /// `window` slots (0: replies off).
    pub fn open_reply(
        &mut self,
        now: u64,
        window: u64,
        rating_bps: u16,
        promised_bps: u16,
        rated_value: u64,
    ) -> Result<()> {
        require!(self.status()? == IntentStatus::Completed, ExchangeError::IntentCorrupt);
        self.rating_bps = rating_bps;
        self.promised_bps = promised_bps;
        self.rated_value = rated_value;
        if window > 0 && rating_bps < promised_bps && rated_value > 0 {
            self.reply_state = ReplyState::Open.to_u8();
            self.reply_end_slot = add(now, window)?;
        }
        Ok(())
    }

    /// The winner contests its rating at `now`, claiming `claimed_bps` and bonding `bond`
    /// lamports; the judges then have their decision window (`window` each).
    pub fn contest(&mut self, now: u64, claimed_bps: u16, bond: u64, window: u64) -> Result<()> {
        require!(ReplyState::from_u8(self.reply_state)? == ReplyState::Open, ExchangeError::ReplyNotOpen);
        require!(now < self.reply_end_slot, ExchangeError::ReplyWindowClosed);
        require!(
            claimed_bps > self.rating_bps && claimed_bps <= self.promised_bps,
            ExchangeError::ReplyClaimInvalid
        );
        self.reply_state = ReplyState::Contested.to_u8();
        self.claimed_rating_bps = claimed_bps;
        self.reply_bond = bond;
        self.contest_slot = now;
        self.reply_end_slot = add(now, self.decision_window(window)?)?;
        Ok(())
    }

    /// The judge decides a contested rating: `rating_bps` between the requester's rating (upheld)
    /// and the agent's claim (corrected).
    pub fn decide_reply(&mut self, rating_bps: u16) -> Result<Verdict> {
        require!(
            ReplyState::from_u8(self.reply_state)? == ReplyState::Contested,
            ExchangeError::ReplyNotContested
        );
        require!(
            rating_bps >= self.rating_bps && rating_bps <= self.claimed_rating_bps,
            ExchangeError::ReplyRatingOutOfRange
        );
        self.reply_state = ReplyState::Decided.to_u8();
        Ok(Verdict {
            rating_bps,
            corrected: rating_bps > self.rating_bps,
            bond: core::mem::take(&mut self.reply_bond),
        })
    }

    /// First slot at which the reply no longer holds the intent open (0: no reply pending).
    pub fn reply_pending_until(&self) -> u64 {
        match ReplyState::from_u8(self.reply_state) {
            Ok(ReplyState::Open | ReplyState::Contested) => self.reply_end_slot,
            _ => 0,
        }
    }

    /// May the intent close at `now`, as far as its reply goes? Not while the agent may still
    /// contest, nor while a contest may still be decided (`IntentReplyPending`). Returns the
    /// bond of a contest that lapsed undecided, owed back to the winner's authority.
    pub fn end_reply(&mut self, now: u64) -> Result<u64> {
        require!(now >= self.reply_pending_until(), ExchangeError::IntentReplyPending);
        match ReplyState::from_u8(self.reply_state)? {
            ReplyState::None | ReplyState::Decided | ReplyState::Open => Ok(0),
            ReplyState::Contested => {
                self.reply_state = ReplyState::Decided.to_u8();
                Ok(core::mem::take(&mut self.reply_bond))
            }
        }
    }
}
