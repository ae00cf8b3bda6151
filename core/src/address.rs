//! Addresses of the accounts a client creates itself, with the system program's
//! `create_account_with_seed`: `sha256(base || seed || owner)`, where `base` signs.
//!
//! An account the program would otherwise create by CPI at a PDA (a bid, an escrow) costs the
//! client one top-level system instruction (150 CU) instead (`docs/compute.md`), and the program
//! checks what it was given. The seeds here are fixed by what the account is for, so that the
//! address is known before the account exists:
//!
//! - a bid: base the bidder's authority, owner the exchange, seed [`bid_seed`] of the intent,
//!   the bidding agent (or coalition) and the auction round. The address is one per bidder,
//!   intent and round, which is the rule "one bid per agent per round".
//! - a requester's record of the intent ids it used: base the requester, owner the exchange,
//!   seed [`REQUESTER_SEED`]; one per requester, so that no intent id is used twice.
//! - an escrow: base the requester, owner the token program, seed [`escrow_seed`] of the
//!   intent. The program checks the escrow's contents rather than its address (any fresh token
//!   account of the mint owned by the intent will do); this is the address the SDK uses.
//!
//! A seed is 32 bytes of ASCII (lowercase hex digits for the bid's and the escrow's): valid
//! UTF-8, as the system program requires of a seed, and at its maximum length.

use crate::commitment::Sha256;

/// Bytes of every seed here (the system program's maximum).
pub const SEED_LEN: usize = 32;

/// The seed of a requester's record at the exchange (its base the requester, owner the
/// exchange): one record per requester, which keeps the intent ids it used.
pub const REQUESTER_SEED: [u8; SEED_LEN] = *b"agx-exchange-requester-record-v1";

/// Domain of [`bid_seed`]'s hash.
const BID_DOMAIN: &[u8; 7] = b"agx-bid";

/// `create_account_with_seed`'s address: `sha256(base || seed || owner)`.
pub fn with_seed<H: Sha256>(base: &[u8; 32], seed: &[u8; SEED_LEN], owner: &[u8; 32]) -> [u8; 32] {
    let mut preimage = [0u8; 96];
    preimage[..32].copy_from_slice(base);
    preimage[32..64].copy_from_slice(seed);
    preimage[64..].copy_from_slice(owner);
    H::sha256(&preimage)
}

/// The seed of `agent`'s bid on `intent` in auction `round`: the hex of the first 16 bytes of
/// `sha256("agx-bid" || intent || agent || round)`.
pub fn bid_seed<H: Sha256>(intent: &[u8; 32], agent: &[u8; 32], round: u8) -> [u8; SEED_LEN] {
    let mut preimage = [0u8; 72];
    preimage[..7].copy_from_slice(BID_DOMAIN);
    preimage[7..39].copy_from_slice(intent);
    preimage[39..71].copy_from_slice(agent);
    preimage[71] = round;
    let digest = H::sha256(&preimage);
    hex(&digest)
}

/// The seed of `intent`'s escrow: the hex of the intent address's first 16 bytes.
pub fn escrow_seed(intent: &[u8; 32]) -> [u8; SEED_LEN] {
    hex(intent)
}

/// Lowercase hex of `bytes[..16]`.
fn hex(bytes: &[u8; 32]) -> [u8; SEED_LEN] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; SEED_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes.iter()) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct H;
    impl Sha256 for H {
        fn sha256(data: &[u8]) -> [u8; 32] {
            use sha2::Digest as _;
            sha2::Sha256::digest(data).into()
        }
    }

    #[test]
    fn a_seed_is_32_hex_digits_of_the_right_bytes() {
        let intent = [0xab; 32];
        let seed = escrow_seed(&intent);
        assert_eq!(&seed, b"abababababababababababababababab");
        let mut first = [0u8; 32];
        first[0] = 0x0f;
        first[15] = 0xf0;
        first[16] = 0xff; // past the 16 bytes the seed spells
        assert_eq!(&escrow_seed(&first), b"0f0000000000000000000000000000f0");
    }

    #[test]
    fn a_bid_seed_names_one_intent_agent_and_round() {
        let (intent, agent) = ([1u8; 32], [2u8; 32]);
        let seed = bid_seed::<H>(&intent, &agent, 0);
        assert!(seed.iter().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(seed, bid_seed::<H>(&intent, &agent, 1));
        assert_ne!(seed, bid_seed::<H>(&agent, &intent, 0));
        assert_ne!(seed, bid_seed::<H>(&intent, &[3u8; 32], 0));
        assert_eq!(seed, bid_seed::<H>(&intent, &agent, 0));
    }

    #[test]
    fn with_seed_hashes_base_seed_and_owner_in_that_order() {
        let (base, owner) = ([7u8; 32], [9u8; 32]);
        let seed = escrow_seed(&[5u8; 32]);
        let mut joined = [0u8; 96];
        joined[..32].copy_from_slice(&base);
        joined[32..64].copy_from_slice(&seed);
        joined[64..].copy_from_slice(&owner);
        assert_eq!(with_seed::<H>(&base, &seed, &owner), H::sha256(&joined));
        assert_ne!(with_seed::<H>(&owner, &seed, &base), with_seed::<H>(&base, &seed, &owner));
    }
}
