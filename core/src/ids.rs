//! Intent ids a requester has used, so that none is used twice while posts may land in any
//! order.
//!
//! A requester chooses its intent ids. The exchange keeps the highest id used so far and a bitmap
//! of the [`WINDOW`] ids below it (the anti-replay window of IPsec, RFC 4303 §3.4.3). An id above
//! the highest is taken and moves the window up; an id inside the window is taken once; an id
//! below the window is refused, used or not. So a requester may send up to [`WINDOW`] posts at
//! once, in any order, and an intent's address still names one intent for ever.

use crate::Error;

/// Ids tracked below the highest one used, in bits.
pub const WINDOW: u64 = 1_024;
/// Words of the bitmap.
pub const WORDS: usize = (WINDOW / 64) as usize;

/// The used ids of one requester: `next` is one above the highest id used (0 before the first
/// post); bit `k` of `used` (word `k / 64`, bit `k % 64`) says whether id `next - 1 - k` was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsedIds {
    pub next: u64,
    pub used: [u64; WORDS],
}

impl UsedIds {
    /// No id used yet.
    pub const EMPTY: Self = Self { next: 0, used: [0; WORDS] };

    /// The smallest id that may still be taken: ids below it are refused.
    pub fn floor(&self) -> u64 {
        self.next.saturating_sub(WINDOW)
    }

    /// Whether `id` may be taken now.
    pub fn is_free(&self, id: u64) -> bool {
        if id >= self.next {
            return id != u64::MAX; // the last id would leave no `next`
        }
        match self.next.checked_sub(1).and_then(|top| top.checked_sub(id)) {
            Some(k) if k < WINDOW => !self.bit(k),
            _ => false,
        }
    }

    /// Takes `id`: [`Error::IdUsed`] if it was used before or lies below [`Self::floor`].
    pub fn take(&mut self, id: u64) -> Result<(), Error> {
        let refused = Error::IdUsed { id };
        if !self.is_free(id) {
            return Err(refused);
        }
        if id >= self.next {
            let new_next = id.checked_add(1).ok_or(refused)?;
            self.shift_older(new_next.checked_sub(self.next).ok_or(refused)?);
            self.next = new_next;
            self.set(0);
        } else {
            // `is_free` proved 0 <= next - 1 - id < WINDOW.
            let k = self.next.checked_sub(1).and_then(|top| top.checked_sub(id)).ok_or(refused)?;
            self.set(k);
        }
        Ok(())
    }

    fn bit(&self, k: u64) -> bool {
        let (word, bit) = split(k);
        self.used[word].checked_shr(bit).unwrap_or(0) & 1 == 1
    }

    fn set(&mut self, k: u64) {
        let (word, bit) = split(k);
        self.used[word] |= 1u64.checked_shl(bit).unwrap_or(0);
    }

    /// Moves every bit `by` places towards older ids (bit `k` becomes bit `k + by`); bits pushed
    /// past the window fall off.
    fn shift_older(&mut self, by: u64) {
        if by >= WINDOW {
            self.used = [0; WORDS];
            return;
        }
        let (words, bits) = split(by);
        let mut shifted = [0u64; WORDS];
        for (to, slot) in shifted.iter_mut().enumerate() {
            let Some(from) = to.checked_sub(words) else { continue };
            let mut value = self.used[from].checked_shl(bits).unwrap_or(0);
            if let (Some(lower), Some(carry)) = (from.checked_sub(1), 64u32.checked_sub(bits)) {
                // `carry` is 64 when `bits` is 0: nothing carries over (checked_shr gives None).
                value |= self.used[lower].checked_shr(carry).unwrap_or(0);
            }
            *slot = value;
        }
        self.used = shifted;
    }
}

/// Word and bit of window position `k` (< [`WINDOW`]).
fn split(k: u64) -> (usize, u32) {
    ((k / 64) as usize, (k % 64) as u32)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::collections::BTreeSet;
    use std::vec::Vec;

    #[test]
    fn an_id_is_taken_once_in_any_order() {
        let mut ids = UsedIds::EMPTY;
        for id in [5, 3, 4, 0, 9] {
            ids.take(id).unwrap();
        }
        for id in [5, 3, 4, 0, 9] {
            assert_eq!(ids.take(id), Err(Error::IdUsed { id }), "id {id} again");
        }
        ids.take(1).unwrap();
        assert_eq!(ids.next, 10);
    }

    #[test]
    fn ids_below_the_window_are_refused_used_or_not() {
        let mut ids = UsedIds::EMPTY;
        ids.take(2_000).unwrap();
        assert_eq!(ids.floor(), 2_001 - WINDOW);
        assert_eq!(ids.take(2_000 - WINDOW), Err(Error::IdUsed { id: 2_000 - WINDOW }));
        ids.take(2_001 - WINDOW).unwrap();
        // A jump past the window forgets everything below it.
        ids.take(1_000_000).unwrap();
        assert_eq!(ids.used.iter().map(|w| w.count_ones()).sum::<u32>(), 1);
        assert_eq!(
            ids.take(u64::MAX),
            Err(Error::IdUsed { id: u64::MAX }),
            "the last id would leave no next one"
        );
        ids.take(u64::MAX - 1).unwrap();
        assert_eq!(ids.take(u64::MAX - 1), Err(Error::IdUsed { id: u64::MAX - 1 }));
    }

    /// Against a plain set: any order of takes, the window never accepts an id twice, and it
    /// accepts every id the set has not seen that lies at or above the floor.
    #[test]
    fn agrees_with_a_set_for_random_sequences() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let mut ids = UsedIds::EMPTY;
            let mut seen = BTreeSet::new();
            let mut max: Option<u64> = None;
            let steps: Vec<u64> = (0..300).map(|_| next() % 3_000).collect();
            for id in steps {
                let floor = max.map_or(0, |m| (m + 1).saturating_sub(WINDOW));
                let expect_ok = !seen.contains(&id) && id >= floor;
                assert_eq!(ids.take(id).is_ok(), expect_ok, "id {id}, floor {floor}");
                if expect_ok {
                    seen.insert(id);
                    max = Some(max.map_or(id, |m| m.max(id)));
                }
            }
        }
    }
}
