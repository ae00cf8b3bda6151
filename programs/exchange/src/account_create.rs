//! Creating this program's PDAs by hand rather than with Anchor's `init`: the address is derived
//! with `agent_registry::pda` (~330 CU a bump tried, where `init`'s `find_program_address`
//! costs 1,500), and whatever lamports the new account should hold beyond its rent (a bid's
//! bond, an intent's tip pool) go in with the same system CPI.
use anchor_lang::prelude::*;
use anchor_lang::system_program;

/// Creates the PDA `account` (signed with `seeds`, bump included) owned by `owner`, `space`
/// bytes, holding `lamports`, paid by `payer`. An address someone funded beforehand (which would
/// make `create_account` fail and so block the payer) is topped up, allocated and assigned
/// instead, as Anchor's `init` does.
pub fn create_pda<'info>(
    system_program: &AccountInfo<'info>,
    payer: &AccountInfo<'info>,
    account: &AccountInfo<'info>,
    seeds: &[&[u8]],
    lamports: u64,
    space: usize,
    owner: &Pubkey,
) -> Result<()> {
    let system = system_program.key();
    let (from, to) = (payer.clone(), account.clone());
    if account.lamports() == 0 {
        let accounts = system_program::CreateAccount { from, to };
        return system_program::create_account(
            CpiContext::new_with_signer(system, accounts, &[seeds]),
            lamports,
            space as u64,
            owner,
        );
    }
    let top_up = lamports.saturating_sub(account.lamports());
    if top_up > 0 {
        let accounts = system_program::Transfer { from, to: to.clone() };
        system_program::transfer(CpiContext::new(system, accounts), top_up)?;
    }
    let allocate = system_program::Allocate { account_to_allocate: to.clone() };
    system_program::allocate(CpiContext::new_with_signer(system, allocate, &[seeds]), space as u64)?;
    let assign = system_program::Assign { account_to_assign: to };
    system_program::assign(CpiContext::new_with_signer(system, assign, &[seeds]), owner)
}
