//! The last tie-break between bids of equal score, reputation and latency.
//!
//! Ranking by the raw commitment would let a bidder grind salts until its commitment is small.
//! Instead the key is `sha256(commitment || seed)` with a seed that nobody knows while bids can
//! still be sealed: on sealed auctions, the bank hash of the last slot of the commit window (the
//! newest slot before `commit_end` that has a block), read from the `SlotHashes` sysvar by the
//! first reveal ([`seed_from_slot_hashes`]). That hash depends on every transaction of that
//! block, commits included, so no bidder can choose a salt that wins the tie (only the slot's
//! leader could grind it, at the cost of its block), and the first revealer cannot pick the seed
//! by choosing when to reveal. Continuous auctions bid in the clear and rank as bids arrive; there
//! the seed is the intent's address (a tie is won as easily by asking one atom less).

use crate::commitment::Sha256;

/// Bytes of one `SlotHashes` entry: slot (u64 LE) then the hash.
const ENTRY_LEN: usize = 40;
/// Bytes of the entry count that precedes the entries (u64 LE).
const HEADER_LEN: usize = 8;

/// The tie-break key of a bid: `sha256(commitment || seed)`.
pub fn key<H: Sha256>(commitment: &[u8; 32], seed: &[u8; 32]) -> [u8; 32] {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(commitment);
    preimage[32..].copy_from_slice(seed);
    H::sha256(&preimage)
}

/// The seed of a sealed auction whose commit window ends at `commit_end` (exclusive): the hash of
/// the newest slot before `commit_end` in the `SlotHashes` sysvar's data (entries newest first;
/// at slot `n` the newest is `n`'s parent, so the seed exists from the first reveal slot on). When
/// the window ended so long ago that the slot has left the sysvar (512 slots), the oldest entry is
/// used: still a hash that did not exist when bids were sealed. It trusts the header's entry
/// count: `None` when the count is 0 or an entry the search reads lies past the end of the data;
/// bytes after the counted entries are ignored, and a count short of the entries present just
/// searches fewer (the runtime writes this sysvar; the program does not validate it further).
pub fn seed_from_slot_hashes(data: &[u8], commit_end: u64) -> Option<[u8; 32]> {
    let count = u64::from_le_bytes(data.get(..HEADER_LEN)?.try_into().ok()?);
    let count = usize::try_from(count).ok()?;
    let entry = |i: usize| -> Option<(u64, [u8; 32])> {
        let start = HEADER_LEN.checked_add(i.checked_mul(ENTRY_LEN)?)?;
        let bytes = data.get(start..start.checked_add(ENTRY_LEN)?)?;
        let slot = u64::from_le_bytes(bytes[..8].try_into().ok()?);
        Some((slot, bytes[8..].try_into().ok()?))
    };
    // Entries are sorted by slot, newest first: find the first one before `commit_end`.
    let (mut lo, mut hi) = (0usize, count);
    while lo < hi {
        let mid = lo.checked_add(hi.checked_sub(lo)? / 2)?;
        if entry(mid)?.0 >= commit_end {
            lo = mid.checked_add(1)?;
        } else {
            hi = mid;
        }
    }
    let index = if lo < count { lo } else { count.checked_sub(1)? };
    entry(index).map(|(_, hash)| hash)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn data(slots: &[u64]) -> [u8; 168] {
        let mut out = [0u8; 168];
        out[..8].copy_from_slice(&(slots.len() as u64).to_le_bytes());
        for (i, slot) in slots.iter().enumerate() {
            out[8 + i * 40..16 + i * 40].copy_from_slice(&slot.to_le_bytes());
            out[16 + i * 40..48 + i * 40].copy_from_slice(&[*slot as u8; 32]);
        }
        out
    }

    #[test]
    fn the_seed_is_the_newest_slot_hash_before_the_commit_end() {
        let d = data(&[40, 31, 30, 28]);
        assert_eq!(seed_from_slot_hashes(&d, 31), Some([30; 32]));
        assert_eq!(seed_from_slot_hashes(&d, 30), Some([28; 32]), "29 was skipped: slot 28");
        assert_eq!(seed_from_slot_hashes(&d, 41), Some([40; 32]), "the first reveal slot's parent");
        assert_eq!(seed_from_slot_hashes(&d, 60), Some([40; 32]));
        assert_eq!(seed_from_slot_hashes(&d, 20), Some([28; 32]), "gone from the sysvar: the oldest");
        assert_eq!(seed_from_slot_hashes(&data(&[]), 1), None);
        assert_eq!(seed_from_slot_hashes(&d[..50], 29), None, "truncated");
    }
}
