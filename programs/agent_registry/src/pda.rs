//! Program-derived addresses at a fraction of the runtime's price. The runtime charges 1,500 CU
//! for `create_program_address` and as much for every bump `find_program_address` tries; the
//! same address is a sha256 of the seeds, the bump, the program id and a marker (~170 CU through
//! the `sol_sha256` syscall) and a bump is valid when that hash is not an ed25519 point (~160 CU
//! through `sol_curve_validate_point`). Same addresses and canonical bumps as the runtime's
//! (a test compares them over many seeds), so clients derive them the usual way.
//! Shared by both programs, as `mint_policy` and `token_view` are.
use anchor_lang::prelude::*;
use anchor_lang::solana_program::pubkey::{bytes_are_curve_point, MAX_SEEDS, MAX_SEED_LEN};

/// Appended to every PDA preimage (as in `Pubkey::create_program_address`).
const PDA_MARKER: &[u8] = b"ProgramDerivedAddress";

/// The address `seeds` and `bump` derive under `program_id`, without checking that it lies off
/// the curve: for a bump this program found with [`find`] and stored (the check was made then).
/// `None` for more than `MAX_SEEDS - 1` seeds (the bump is one more) or a seed over
/// `MAX_SEED_LEN` bytes, which the runtime refuses too.
pub fn derive(seeds: &[&[u8]], bump: u8, program_id: &Pubkey) -> Option<Pubkey> {
    if seeds.len() >= MAX_SEEDS || seeds.iter().any(|s| s.len() > MAX_SEED_LEN) {
        return None;
    }
    let bump = [bump];
    let mut parts: [&[u8]; MAX_SEEDS + 2] = [&[]; MAX_SEEDS + 2];
    let tail: [&[u8]; 3] = [&bump, program_id.as_ref(), PDA_MARKER];
    let n = seeds.len();
    parts.get_mut(..n)?.copy_from_slice(seeds);
    parts.get_mut(n..n.checked_add(3)?)?.copy_from_slice(&tail);
    let hash = solana_sha256_hasher::hashv(parts.get(..n.checked_add(3)?)?);
    Some(Pubkey::new_from_array(hash.to_bytes()))
}

/// `Pubkey::find_program_address`: the canonical (highest valid) bump and its address; `None`
/// when no bump is valid (probability about 2^-256) or the seeds are refused (`derive`).
pub fn find(seeds: &[&[u8]], program_id: &Pubkey) -> Option<(Pubkey, u8)> {
    (0..=u8::MAX).rev().find_map(|bump| {
        let address = derive(seeds, bump, program_id)?;
        (!bytes_are_curve_point(address)).then_some((address, bump))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_agrees_with_the_runtime_over_many_seeds() {
        let program = crate::ID;
        let mut below_255 = 0;
        for i in 0u32..2_000 {
            let key = Pubkey::new_from_array([(i % 251) as u8; 32]);
            let id = u64::from(i).to_le_bytes();
            let seeds: [&[u8]; 3] = [b"intent", key.as_ref(), &id];
            let ours = find(&seeds, &program).expect("a bump");
            assert_eq!(ours, Pubkey::find_program_address(&seeds, &program), "seeds #{i}");
            assert_eq!(derive(&seeds, ours.1, &program), Some(ours.0));
            below_255 += usize::from(ours.1 < u8::MAX);
        }
        // Half the seeds need more than one try: the search itself is exercised.
        assert!(below_255 > 500, "{below_255}");
    }

    #[test]
    fn seeds_the_runtime_refuses_are_refused() {
        let long = [0u8; MAX_SEED_LEN + 1];
        assert_eq!(find(&[&long], &crate::ID), None);
        let many: [&[u8]; MAX_SEEDS] = [b"s"; MAX_SEEDS];
        assert_eq!(find(&many, &crate::ID), None);
        assert!(find(&many[..MAX_SEEDS - 1], &crate::ID).is_some());
    }
}
