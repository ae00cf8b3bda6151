use agx_core::ids::UsedIds;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// What the exchange remembers of a requester, at the address of the requester and
/// `agx_core::address::REQUESTER_SEED` for the exchange, created by its first post (or by the
/// requester, blank, in that post's transaction; rent paid by the requester, ~0.0024 SOL) and
/// never closed: the
/// intent ids it has used (`agx_core::ids`). No id is used twice, so an intent's address names
/// one intent for ever, even after it closes (before, a closed intent's id was reused by the next
/// post, and a stale command acted on the new intent). Posts may land in any order within the
/// window of 1,024 ids below the highest one used, so a requester can send many at once.
///
/// Zero-copy (issue 28): every post reads and writes it, which Borsh did whole.
#[account(zero_copy)]
#[derive(Debug)]
pub struct RequesterState {
    /// The requester this account belongs to (also the base of its address).
    pub requester: Pubkey,
    /// One above the highest intent id used: every id from here up is free.
    pub next_intent_id: u64,
    /// Bit `k` (word `k / 64`, bit `k % 64`) says whether id `next_intent_id - 1 - k` was used;
    /// ids below `next_intent_id - 1024` are refused.
    pub used_ids: [u64; agx_core::ids::WORDS],
    /// Intents posted so far.
    pub intents_posted: u64,
    pub version: u8,
    /// 0 since layout version 3 (the record is not a PDA); kept so that the layout did not move.
    pub bump: u8,
    pub reserved: [u8; 30],
}

const _: () = assert!(core::mem::size_of::<RequesterState>() == 208);

impl RequesterState {
    /// Layout version (2: zero-copy, issue 28; 3: at a seeded address, `bump` 0).
    pub const VERSION: u8 = 3;
    pub const SPACE: usize = 8 + core::mem::size_of::<RequesterState>();

    /// A new requester's record.
    pub fn new(requester: Pubkey) -> Self {
        Self {
            version: Self::VERSION,
            bump: 0,
            requester,
            next_intent_id: 0,
            used_ids: [0; agx_core::ids::WORDS],
            intents_posted: 0,
            reserved: [0; 30],
        }
    }

    /// Takes `intent_id` for a new intent (`IntentIdReused` if it was used before or lies below
    /// the window).
    pub fn take(&mut self, intent_id: u64) -> Result<()> {
        let mut ids = UsedIds { next: self.next_intent_id, used: self.used_ids };
        ids.take(intent_id).map_err(|_| error!(ExchangeError::IntentIdReused))?;
        (self.next_intent_id, self.used_ids) = (ids.next, ids.used);
        self.intents_posted =
            self.intents_posted.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_used_once() {
        let mut r = RequesterState::new(Pubkey::new_unique());
        r.take(0).unwrap();
        assert!(r.take(0).is_err(), "an id is used once");
        r.take(7).unwrap();
        r.take(5).unwrap();
        assert!(r.take(5).is_err(), "out of order, still once");
        assert_eq!((r.next_intent_id, r.intents_posted), (8, 3));
        r.take(5_000).unwrap();
        assert!(r.take(6).is_err(), "below the window");
        assert!(r.take(u64::MAX).is_err(), "the last id would leave no next one");
    }
}
