use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// What the exchange remembers of a requester, at PDA `[seeds::REQUESTER, requester]`, created by
/// its first `intent_create` (rent paid by the requester, ~0.001 SOL) and never closed: the next
/// intent id it may use. Intent ids only grow, so an intent's address names one intent for ever,
/// even after it closes (before, a closed intent's id was reused by the next post, and a stale
/// command acted on the new intent).
#[account]
#[derive(InitSpace, Debug)]
pub struct RequesterState {
    pub version: u8,
    pub bump: u8,
    /// The requester this account belongs to (also in its seeds).
    pub requester: Pubkey,
    /// The smallest intent id the requester may post next.
    pub next_intent_id: u64,
    /// Intents posted so far.
    pub intents_posted: u64,
    pub reserved: [u8; 32],
}

impl RequesterState {
    pub const VERSION: u8 = 1;
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// A new requester's record.
    pub fn new(requester: Pubkey, bump: u8) -> Self {
        Self {
            version: Self::VERSION,
            bump,
            requester,
            next_intent_id: 0,
            intents_posted: 0,
            reserved: [0; 32],
        }
    }

    /// Takes `intent_id` for a new intent: it must be at least `next_intent_id`
    /// (`IntentIdReused`); the next one must be larger.
    pub fn take(&mut self, intent_id: u64) -> Result<()> {
        require_gte!(intent_id, self.next_intent_id, ExchangeError::IntentIdReused);
        self.next_intent_id =
            intent_id.checked_add(1).ok_or_else(|| error!(ExchangeError::IntentIdReused))?;
        self.intents_posted =
            self.intents_posted.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_only_grow() {
        let mut r = RequesterState::new(Pubkey::new_unique(), 255);
        r.take(0).unwrap();
        assert!(r.take(0).is_err(), "an id is used once");
        r.take(7).unwrap();
        assert!(r.take(5).is_err(), "never below the last one");
        assert_eq!((r.next_intent_id, r.intents_posted), (8, 2));
        assert!(r.take(u64::MAX).is_err(), "the last id would leave no next one");
    }
}
