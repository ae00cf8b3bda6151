//! The bounded top-K leaderboard of an intent: the K best valid bids in rank order, best first.
//!
//! The bid accounts are the source of truth and the board is their cache, so that reveal and
//! settlement cost O(K) however many bids arrive, and failover candidates are already ranked.
//! The board lives in a fixed array with a length (as the program stores it); these functions
//! keep it sorted strictly by [`RankKey`], best first, and say what left it:
//! - [`insert`]: a bid takes its place; on a full board the lowest entry drops off (or the new
//!   one, when it ranks lowest). Either way one more valid bid is off the board.
//! - [`remove`]: an entry leaves (its agent no longer qualifies); the ones below move up.
//!
//! Property tests (`tests/properties.rs`): after any sequence of inserts the board is exactly
//! the top K of everything inserted, in order; removing keeps the order.
use crate::score::RankKey;

/// Anything that ranks on the board.
pub trait Ranked: Copy {
    fn rank_key(&self) -> RankKey;
}

/// What an insert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inserted {
    /// The new entry's position, if it made the board.
    pub position: Option<usize>,
    /// One valid bid left the board (the lowest entry, or the new one): the board was full.
    pub dropped_off: bool,
}

/// The entries in use: the first `len` (clamped to the array).
pub fn ranked<E>(entries: &[E], len: usize) -> &[E] {
    &entries[..len.min(entries.len())]
}

/// Inserts `entry` at its rank into the first `*len` entries of `entries` (capacity
/// `entries.len()`), updating `*len`.
pub fn insert<E: Ranked>(entries: &mut [E], len: &mut usize, entry: E) -> Inserted {
    let capacity = entries.len();
    let used = (*len).min(capacity);
    let key = entry.rank_key();
    let at = entries[..used].iter().position(|e| key > e.rank_key()).unwrap_or(used);
    let dropped_off = used == capacity;
    if at >= capacity {
        return Inserted { position: None, dropped_off };
    }
    let last = used.min(capacity.saturating_sub(1));
    entries.copy_within(at..last, at.saturating_add(1));
    entries[at] = entry;
    *len = used.saturating_add(usize::from(!dropped_off));
    Inserted { position: Some(at), dropped_off }
}

/// Removes the entry at `index` (if in use) and moves the ones below it up; the freed last slot
/// is set to `empty`.
pub fn remove<E: Ranked>(entries: &mut [E], len: &mut usize, index: usize, empty: E) -> Option<E> {
    let used = (*len).min(entries.len());
    if index >= used {
        return None;
    }
    let entry = entries[index];
    entries.copy_within(index.saturating_add(1)..used, index);
    entries[used.saturating_sub(1)] = empty;
    *len = used.saturating_sub(1);
    Some(entry)
}

/// Is the board strictly ordered, best first?
pub fn is_ranked<E: Ranked>(entries: &[E]) -> bool {
    entries.windows(2).all(|w| w[0].rank_key() > w[1].rank_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Ranked for RankKey {
        fn rank_key(&self) -> RankKey {
            *self
        }
    }

    fn key(score: u16) -> RankKey {
        RankKey { score, reputation: 0, latency: 0, tiebreak: [0; 32] }
    }

    #[test]
    fn keeps_the_best_in_order_and_says_what_fell_off() {
        let mut board = [key(0); 3];
        let mut len = 0;
        assert_eq!(insert(&mut board, &mut len, key(5)), Inserted { position: Some(0), dropped_off: false });
        insert(&mut board, &mut len, key(9));
        insert(&mut board, &mut len, key(7));
        assert_eq!((len, board.map(|k| k.score)), (3, [9, 7, 5]));
        assert_eq!(insert(&mut board, &mut len, key(6)), Inserted { position: Some(2), dropped_off: true });
        assert_eq!(insert(&mut board, &mut len, key(1)), Inserted { position: None, dropped_off: true });
        assert_eq!((len, board.map(|k| k.score)), (3, [9, 7, 6]));
        assert_eq!(remove(&mut board, &mut len, 0, key(0)), Some(key(9)));
        assert_eq!((len, board.map(|k| k.score)), (2, [7, 6, 0]));
        assert_eq!(remove(&mut board, &mut len, 2, key(0)), None);
    }
}
