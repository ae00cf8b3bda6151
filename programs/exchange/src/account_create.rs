//! Creating this program's PDAs by hand rather than with Anchor's `init`: the address is derived
//! with `agent_registry::pda` (~330 CU a bump tried, where `init`'s `find_program_address`
//! costs 1,500), and whatever lamports the new account should hold beyond its rent (a bid's
//! bond, an intent's tip pool) go in with the same system CPI.
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
