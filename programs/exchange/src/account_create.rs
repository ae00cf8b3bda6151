//! Creating this program's accounts by hand rather than with Anchor's `init`: a PDA's address is
//! derived with `agent_registry::pda` (~330 CU a bump tried, where `init`'s
//! `find_program_address` costs 1,500); an account at a seeded address (`agx_core::address`: a
//! bid, a requester's record) is created with its base's signature; and whatever lamports the
//! new account should hold beyond its rent (a bid's bond, an intent's tip pool) go in with the
//! same system CPI.
use anchor_lang::prelude::*;

/// Creates the PDA `account` (signed with `seeds`, bump included) owned by `owner`, `space`
/// bytes, holding `lamports`, paid by `payer`. An address someone funded beforehand (which would
/// make `create_account` fail and so block the payer) is topped up, allocated and assigned
/// instead, as Anchor's `init` does. The system calls go through `agent_registry::lean_cpi`.
pub fn create_pda<'info>(
    system_program: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    seeds: &[&[u8]],
    lamports: u64,
    space: usize,
    owner: &Pubkey,
) -> Result<()> {
    use agent_registry::lean_cpi;
    // The caller's `Program<System>` checked it; the call needs it among the transaction's
    // accounts, and `lean_cpi` names the system program by its constant id.
    debug_assert_eq!(*system_program.key, anchor_lang::system_program::ID);
    if account.lamports() == 0 {
        return lean_cpi::create_account(payer, account, lamports, space as u64, owner, &[seeds]);
    }
    let top_up = lamports.saturating_sub(account.lamports());
    if top_up > 0 {
        lean_cpi::system_transfer(payer, account, top_up)?;
    }
    lean_cpi::allocate(account, space as u64, &[seeds])?;
    lean_cpi::assign(account, owner, &[seeds])
}

/// Creates `account`, the address of `base` (a signer of the transaction, who pays) and `seed`
/// for `owner`, `space` bytes holding `lamports`. An address someone funded beforehand is topped
/// up and allocated instead (`AllocateWithSeed` also assigns), so no one can block it.
pub fn create_with_seed<'info>(
    system_program: &AccountInfo<'info>,
    base: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    seed: &[u8; agx_core::address::SEED_LEN],
    lamports: u64,
    space: usize,
    owner: &Pubkey,
) -> Result<()> {
    use agent_registry::lean_cpi;
    debug_assert_eq!(*system_program.key, anchor_lang::system_program::ID);
    let space = space as u64;
    if account.lamports() == 0 {
        return lean_cpi::create_account_with_seed(base, account, base, seed, lamports, space, owner);
    }
    let top_up = lamports.saturating_sub(account.lamports());
    if top_up > 0 {
        lean_cpi::system_transfer(base, account, top_up)?;
    }
    lean_cpi::allocate_with_seed(account, base, seed, space, owner)
}

/// Is `account` one this program's client created blank for it: owned by this program, `space`
/// bytes, no discriminator written? Allocation zeroes an account, and every account this program
/// writes starts with its discriminator.
pub fn is_blank(account: &AccountInfo, space: usize) -> Result<bool> {
    Ok(account.owner == &crate::ID
        && account.data_len() == space
        && account.try_borrow_data()?.get(..8).is_some_and(|d| d.iter().all(|b| *b == 0)))
}

/// The address of `base` and `seed` for this program (`create_account_with_seed`'s).
pub fn seeded_address(base: &Pubkey, seed: &[u8; agx_core::address::SEED_LEN]) -> Pubkey {
    Pubkey::from(agx_core::address::with_seed::<crate::state::SyscallSha256>(
        &base.to_bytes(),
        seed,
        &crate::ID.to_bytes(),
    ))
}
