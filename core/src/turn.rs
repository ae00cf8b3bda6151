//! Whose turn it is to send a crank when several keepers watch the same intent.
//!
//! A crank lands once; every other keeper that sends it too pays a fee for a transaction that
//! fails. So the keepers that know each other take turns: each ranks the keepers it knows by
//! [`key`] of the intent and the crank's due slot (rendezvous hashing: every keeper computes the
//! same order from the same set, with no message between them, and each keeper is first for an
//! even share of the cranks). The first sends at the due slot; the one ranked `r` waits `r`
//! turns, then looks whether the crank is still due before it sends. The keepers learn the set
//! from the chain (the keeper's `peers` module); this module is only the order, so a keeper
//! written in another language computes the same.
//!
//! The key is `sha256("agx-turn" || intent || due_slot as u64 LE || keeper)`: nobody chooses it
//! (a keeper could grind an address to be first on one intent, never on all), and a crank that
//! comes back at a later slot (a failover after a failover) is ordered afresh.
use crate::commitment::Sha256;

/// Domain separation: no other hash of the protocol has this preimage.
const DOMAIN: &[u8; 8] = b"agx-turn";
const PREIMAGE_LEN: usize = 8 + 32 + 8 + 32;

/// The order key of `keeper` for the crank due at `due_slot` on `intent`: the smallest goes first.
pub fn key<H: Sha256>(intent: &[u8; 32], due_slot: u64, keeper: &[u8; 32]) -> [u8; 32] {
    let mut preimage = [0u8; PREIMAGE_LEN];
    preimage[..8].copy_from_slice(DOMAIN);
    preimage[8..40].copy_from_slice(intent);
    preimage[40..48].copy_from_slice(&due_slot.to_le_bytes());
    preimage[48..].copy_from_slice(keeper);
    H::sha256(&preimage)
}

/// The turn of `me` among `me` and `others` (0: first): how many of `others` order before it,
/// by [`key`] then by address. `others` may name `me` again; it is not counted.
pub fn rank<'a, H: Sha256>(
    intent: &[u8; 32],
    due_slot: u64,
    me: &[u8; 32],
    others: impl IntoIterator<Item = &'a [u8; 32]>,
) -> usize {
    let mine = (key::<H>(intent, due_slot, me), *me);
    others
        .into_iter()
        .filter(|other| *other != me)
        .filter(|other| (key::<H>(intent, due_slot, other), **other) < mine)
        .count()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    struct H;
    impl Sha256 for H {
        fn sha256(data: &[u8]) -> [u8; 32] {
            use sha2::Digest as _;
            sha2::Sha256::digest(data).into()
        }
    }

    fn keeper(i: u8) -> [u8; 32] {
        [i; 32]
    }

    /// Every keeper that knows the same set computes a different turn: one of them is first.
    #[test]
    fn keepers_that_know_the_same_set_take_distinct_turns() {
        let keepers: [[u8; 32]; 5] = core::array::from_fn(|i| keeper(i as u8 + 1));
        for slot in 0..200u64 {
            let intent = [slot as u8; 32];
            let mut turns: [usize; 5] =
                core::array::from_fn(|i| rank::<H>(&intent, slot, &keepers[i], keepers.iter()));
            turns.sort_unstable();
            assert_eq!(turns, [0, 1, 2, 3, 4], "slot {slot}");
        }
    }

    /// Each of three keepers is first for about a third of the cranks.
    #[test]
    fn each_keeper_is_first_for_an_even_share() {
        let keepers = [keeper(1), keeper(2), keeper(3)];
        let mut first = [0u32; 3];
        for slot in 0..3_000u64 {
            let intent = [(slot % 7) as u8; 32];
            let at = (0..3).find(|&i| rank::<H>(&intent, slot, &keepers[i], keepers.iter()) == 0);
            first[at.expect("someone is first")] += 1;
        }
        assert!(first.iter().all(|&n| (850..1_150).contains(&n)), "{first:?}");
    }

    #[test]
    fn a_keeper_alone_is_first_and_knowing_itself_changes_nothing() {
        let me = keeper(9);
        assert_eq!(rank::<H>(&[1; 32], 7, &me, [].iter()), 0);
        assert_eq!(rank::<H>(&[1; 32], 7, &me, [me].iter()), 0);
    }

    /// The key is a published function: a keeper in another language computes the same bytes.
    #[test]
    fn the_key_is_sha256_of_the_documented_preimage() {
        let (intent, keeper) = ([3u8; 32], [4u8; 32]);
        let mut preimage = std::vec::Vec::from(*b"agx-turn");
        preimage.extend_from_slice(&intent);
        preimage.extend_from_slice(&42u64.to_le_bytes());
        preimage.extend_from_slice(&keeper);
        assert_eq!(key::<H>(&intent, 42, &keeper), H::sha256(&preimage));
        assert_ne!(key::<H>(&intent, 43, &keeper), key::<H>(&intent, 42, &keeper));
    }
}
