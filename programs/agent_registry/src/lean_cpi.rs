//! The token and system calls both programs make, built by hand.
//!
//! `anchor_spl`'s and `anchor_lang::system_program`'s wrappers build each instruction through the
//! interface crates and invoke it through `invoke_signed`, which matches every account meta
//! against every account info by key before it try-borrows the matching `RefCell`s. Here the
//! instruction is laid out directly (the data is a few fixed bytes), and the account infos, which
//! are the instruction's accounts in order, are try-borrowed one by one (`invoke`): the same
//! guarantee (no account of the call is borrowed while the runtime writes the callee's changes
//! back) for ~400 CU less a call (`docs/compute.md`).
//!
//! The token program's key is checked by the caller (`Interface<TokenInterface>`, or the key an
//! account stores); both token programs share these three instructions' encodings. Each
//! instruction is built by [`ix`] from keys alone, and the tests hold every one against the
//! builder of `spl-token`, `spl-token-2022` or `solana-system-interface` (the builders are not
//! called on chain: they check the program id and build through their own packing, which the
//! call does not need).
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::program::invoke_signed_unchecked;

/// spl-token's instruction tags.
const TOKEN_TRANSFER_CHECKED: u8 = 12;
const TOKEN_CLOSE_ACCOUNT: u8 = 9;
const TOKEN_INITIALIZE_ACCOUNT3: u8 = 18;

/// The system program's instruction tags (u32, little-endian).
const SYSTEM_CREATE_ACCOUNT: u32 = 0;
const SYSTEM_ASSIGN: u32 = 1;
const SYSTEM_TRANSFER: u32 = 2;
const SYSTEM_CREATE_ACCOUNT_WITH_SEED: u32 = 3;
const SYSTEM_ALLOCATE: u32 = 8;
const SYSTEM_ALLOCATE_WITH_SEED: u32 = 9;

/// Invokes `program_id` with `accounts` and `data`; `infos` are the accounts' infos in the same
/// order, except that a meta naming `program_id` itself (Anchor's placeholder for an absent
/// optional account) may have none. Each is try-borrowed first, mutably when its meta is
/// writable, as `invoke_signed` does after matching metas to infos by key: a call fails rather
/// than run while one of its accounts is borrowed.
pub fn invoke<'info>(
    program_id: Pubkey,
    accounts: Vec<AccountMeta>,
    data: Vec<u8>,
    infos: &[AccountInfo<'info>],
    signer: &[&[&[u8]]],
) -> Result<()> {
    let mut next = infos.iter();
    for meta in &accounts {
        let info = match next.clone().next() {
            Some(info) if *info.key == meta.pubkey => {
                next.next();
                info
            }
            _ if meta.pubkey == program_id => continue,
            _ => return err!(ErrorCode::AccountNotEnoughKeys),
        };
        if meta.is_writable {
            let _ = info.try_borrow_mut_lamports()?;
            let _ = info.try_borrow_mut_data()?;
        } else {
            let _ = info.try_borrow_lamports()?;
            let _ = info.try_borrow_data()?;
        }
    }
    invoke_signed_unchecked(&Instruction { program_id, accounts, data }, infos, signer).map_err(Into::into)
}

/// Invokes `ix` (built by [`ix`]) with `infos`, its accounts' infos in order (see [`invoke`]).
fn call<'info>(ix: Instruction, infos: &[AccountInfo<'info>], signer: &[&[&[u8]]]) -> Result<()> {
    invoke(ix.program_id, ix.accounts, ix.data, infos, signer)
}

/// `TransferChecked` of `amount` atoms of `mint` from `from` to `to`, signed by `authority`
/// (a wallet that signed the transaction, or a PDA whose seeds are in `signer`).
#[allow(clippy::too_many_arguments)]
pub fn transfer_checked<'info>(
    token_program: &Pubkey,
    from: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    amount: u64,
    decimals: u8,
    signer: &[&[&[u8]]],
) -> Result<()> {
    let ix = ix::transfer_checked(token_program, from.key, mint.key, to.key, authority.key, amount, decimals);
    call(ix, &[from.clone(), mint.clone(), to.clone(), authority.clone()], signer)
}

/// `CloseAccount`: the token account `account` (empty) closes, its lamports to `destination`,
/// signed by its owner `authority`.
pub fn close_account<'info>(
    token_program: &Pubkey,
    account: &AccountInfo<'info>,
    destination: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    signer: &[&[&[u8]]],
) -> Result<()> {
    let ix = ix::close_account(token_program, account.key, destination.key, authority.key);
    call(ix, &[account.clone(), destination.clone(), authority.clone()], signer)
}

/// `InitializeAccount3`: `account` (allocated, owned by the token program) becomes a token
/// account of `mint` owned by `owner`.
pub fn initialize_account3<'info>(
    token_program: &Pubkey,
    account: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    owner: &Pubkey,
) -> Result<()> {
    let ix = ix::initialize_account3(token_program, account.key, mint.key, owner);
    call(ix, &[account.clone(), mint.clone()], &[])
}

/// `CreateAccount`: `to` (signing through `signer`, or in the transaction) is created with
/// `lamports` from `from`, `space` bytes, owned by `owner`.
pub fn create_account<'info>(
    from: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    lamports: u64,
    space: u64,
    owner: &Pubkey,
    signer: &[&[&[u8]]],
) -> Result<()> {
    call(ix::create_account(from.key, to.key, lamports, space, owner), &[from.clone(), to.clone()], signer)
}

/// `Transfer` of `lamports` from the system account `from` (a signer) to `to`.
pub fn system_transfer<'info>(
    from: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    lamports: u64,
) -> Result<()> {
    call(ix::transfer(from.key, to.key, lamports), &[from.clone(), to.clone()], &[])
}

/// `Allocate` `space` bytes to the system account `account`, signing through `signer`.
pub fn allocate<'info>(account: &AccountInfo<'info>, space: u64, signer: &[&[&[u8]]]) -> Result<()> {
    call(ix::allocate(account.key, space), std::slice::from_ref(account), signer)
}

/// `Assign` the system account `account` to `owner`, signing through `signer`.
pub fn assign<'info>(account: &AccountInfo<'info>, owner: &Pubkey, signer: &[&[&[u8]]]) -> Result<()> {
    call(ix::assign(account.key, owner), std::slice::from_ref(account), signer)
}

/// `CreateAccountWithSeed`: `to`, the address of `base` (a signer of the transaction) and `seed`
/// for `owner`, is created with `lamports` from `from`, `space` bytes, owned by `owner` (the
/// system program's encoding names the base once when it is `from`).
#[allow(clippy::too_many_arguments)]
pub fn create_account_with_seed<'info>(
    from: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    base: &AccountInfo<'info>,
    seed: &[u8; 32],
    lamports: u64,
    space: u64,
    owner: &Pubkey,
) -> Result<()> {
    let ix = ix::create_account_with_seed(from.key, to.key, base.key, seed, lamports, space, owner);
    if base.key == from.key {
        call(ix, &[from.clone(), to.clone()], &[])
    } else {
        call(ix, &[from.clone(), to.clone(), base.clone()], &[])
    }
}

/// `AllocateWithSeed`: `space` bytes to the system account `account`, the address of `base` (a
/// signer of the transaction) and `seed` for `owner`, which becomes its owner.
pub fn allocate_with_seed<'info>(
    account: &AccountInfo<'info>,
    base: &AccountInfo<'info>,
    seed: &[u8; 32],
    space: u64,
    owner: &Pubkey,
) -> Result<()> {
    call(
        ix::allocate_with_seed(account.key, base.key, seed, space, owner),
        &[account.clone(), base.clone()],
        &[],
    )
}

/// The instructions themselves, from keys only: the tests hold each against the builder of
/// `spl-token-2022` or `solana-system-interface`, byte for byte and meta for meta.
pub mod ix {
    use super::*;

    /// A token instruction: `tag`, then `rest` (at most an owner's key).
    fn token(program_id: &Pubkey, accounts: Vec<AccountMeta>, tag: u8, rest: &[u8]) -> Instruction {
        let mut data = Vec::with_capacity(33);
        data.push(tag);
        data.extend_from_slice(rest);
        Instruction { program_id: *program_id, accounts, data }
    }

    /// A system instruction's data: `tag` (u32, little-endian), room for `capacity` bytes in all.
    fn system_data(tag: u32, capacity: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(capacity);
        data.extend_from_slice(&tag.to_le_bytes());
        data
    }

    pub fn transfer_checked(
        token_program: &Pubkey,
        from: &Pubkey,
        mint: &Pubkey,
        to: &Pubkey,
        authority: &Pubkey,
        amount: u64,
        decimals: u8,
    ) -> Instruction {
        let accounts = vec![
            AccountMeta::new(*from, false),
            AccountMeta::new_readonly(*mint, false),
            AccountMeta::new(*to, false),
            AccountMeta::new_readonly(*authority, true),
        ];
        let mut rest = [0u8; 9];
        rest[..8].copy_from_slice(&amount.to_le_bytes());
        rest[8] = decimals;
        token(token_program, accounts, TOKEN_TRANSFER_CHECKED, &rest)
    }

    pub fn close_account(
        token_program: &Pubkey,
        account: &Pubkey,
        destination: &Pubkey,
        authority: &Pubkey,
    ) -> Instruction {
        let accounts = vec![
            AccountMeta::new(*account, false),
            AccountMeta::new(*destination, false),
            AccountMeta::new_readonly(*authority, true),
        ];
        token(token_program, accounts, TOKEN_CLOSE_ACCOUNT, &[])
    }

    pub fn initialize_account3(
        token_program: &Pubkey,
        account: &Pubkey,
        mint: &Pubkey,
        owner: &Pubkey,
    ) -> Instruction {
        let accounts = vec![AccountMeta::new(*account, false), AccountMeta::new_readonly(*mint, false)];
        token(token_program, accounts, TOKEN_INITIALIZE_ACCOUNT3, owner.as_ref())
    }

    pub fn create_account(
        from: &Pubkey,
        to: &Pubkey,
        lamports: u64,
        space: u64,
        owner: &Pubkey,
    ) -> Instruction {
        let mut data = system_data(SYSTEM_CREATE_ACCOUNT, 52);
        data.extend_from_slice(&lamports.to_le_bytes());
        data.extend_from_slice(&space.to_le_bytes());
        data.extend_from_slice(owner.as_ref());
        let accounts = vec![AccountMeta::new(*from, true), AccountMeta::new(*to, true)];
        Instruction { program_id: system_program::ID, accounts, data }
    }

    /// A seed as the system program's (bincode) `String`: its length (u64), then its bytes.
    fn push_seed(data: &mut Vec<u8>, seed: &[u8; 32]) {
        data.extend_from_slice(&32u64.to_le_bytes());
        data.extend_from_slice(seed);
    }

    pub fn create_account_with_seed(
        from: &Pubkey,
        to: &Pubkey,
        base: &Pubkey,
        seed: &[u8; 32],
        lamports: u64,
        space: u64,
        owner: &Pubkey,
    ) -> Instruction {
        let mut data = system_data(SYSTEM_CREATE_ACCOUNT_WITH_SEED, 124);
        data.extend_from_slice(base.as_ref());
        push_seed(&mut data, seed);
        data.extend_from_slice(&lamports.to_le_bytes());
        data.extend_from_slice(&space.to_le_bytes());
        data.extend_from_slice(owner.as_ref());
        let mut accounts = vec![AccountMeta::new(*from, true), AccountMeta::new(*to, false)];
        if base != from {
            accounts.push(AccountMeta::new_readonly(*base, true));
        }
        Instruction { program_id: system_program::ID, accounts, data }
    }

    pub fn allocate_with_seed(
        account: &Pubkey,
        base: &Pubkey,
        seed: &[u8; 32],
        space: u64,
        owner: &Pubkey,
    ) -> Instruction {
        let mut data = system_data(SYSTEM_ALLOCATE_WITH_SEED, 116);
        data.extend_from_slice(base.as_ref());
        push_seed(&mut data, seed);
        data.extend_from_slice(&space.to_le_bytes());
        data.extend_from_slice(owner.as_ref());
        let accounts = vec![AccountMeta::new(*account, false), AccountMeta::new_readonly(*base, true)];
        Instruction { program_id: system_program::ID, accounts, data }
    }

    pub fn transfer(from: &Pubkey, to: &Pubkey, lamports: u64) -> Instruction {
        let mut data = system_data(SYSTEM_TRANSFER, 12);
        data.extend_from_slice(&lamports.to_le_bytes());
        let accounts = vec![AccountMeta::new(*from, true), AccountMeta::new(*to, false)];
        Instruction { program_id: system_program::ID, accounts, data }
    }

    pub fn allocate(account: &Pubkey, space: u64) -> Instruction {
        let mut data = system_data(SYSTEM_ALLOCATE, 12);
        data.extend_from_slice(&space.to_le_bytes());
        Instruction { program_id: system_program::ID, accounts: vec![AccountMeta::new(*account, true)], data }
    }

    pub fn assign(account: &Pubkey, owner: &Pubkey) -> Instruction {
        let mut data = system_data(SYSTEM_ASSIGN, 36);
        data.extend_from_slice(owner.as_ref());
        Instruction { program_id: system_program::ID, accounts: vec![AccountMeta::new(*account, true)], data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_instruction_is_the_token_programs_own_encoding() {
        use anchor_spl::token::spl_token::instruction as token;
        use anchor_spl::token_2022::spl_token_2022::instruction as token_2022;
        let [from, mint, to, authority] = [(); 4].map(|_| Pubkey::new_unique());
        for amount in [0, 1, 1_234_567, u64::MAX] {
            for program in [anchor_spl::token::ID, anchor_spl::token_2022::ID] {
                let ours = ix::transfer_checked(&program, &from, &mint, &to, &authority, amount, 6);
                let theirs = if program == anchor_spl::token::ID {
                    token::transfer_checked(&program, &from, &mint, &to, &authority, &[], amount, 6).unwrap()
                } else {
                    token_2022::transfer_checked(&program, &from, &mint, &to, &authority, &[], amount, 6)
                        .unwrap()
                };
                assert_eq!(ours, theirs, "TransferChecked of {amount}");
            }
        }
        for program in [anchor_spl::token::ID, anchor_spl::token_2022::ID] {
            assert_eq!(
                ix::close_account(&program, &from, &to, &authority),
                token_2022::close_account(&program, &from, &to, &authority, &[]).unwrap(),
            );
            assert_eq!(
                ix::initialize_account3(&program, &from, &mint, &authority),
                token_2022::initialize_account3(&program, &from, &mint, &authority).unwrap(),
            );
        }
    }

    #[test]
    fn each_system_instruction_is_the_system_programs_own_encoding() {
        use solana_system_interface::instruction as system;
        let [from, to, owner] = [(); 3].map(|_| Pubkey::new_unique());
        for n in [0, 1, 10_240, u64::MAX] {
            assert_eq!(
                ix::create_account(&from, &to, n, n / 2, &owner),
                system::create_account(&from, &to, n, n / 2, &owner),
            );
            assert_eq!(ix::transfer(&from, &to, n), system::transfer(&from, &to, n));
            assert_eq!(ix::allocate(&to, n), system::allocate(&to, n));
        }
        assert_eq!(ix::assign(&to, &owner), system::assign(&to, &owner));
        let seed = *b"0123456789abcdef0123456789abcdef";
        let text = std::str::from_utf8(&seed).unwrap();
        for n in [0, 1, 10_240, u64::MAX] {
            for base in [from, owner] {
                assert_eq!(
                    ix::create_account_with_seed(&from, &to, &base, &seed, n, n / 2, &owner),
                    system::create_account_with_seed(&from, &to, &base, text, n, n / 2, &owner),
                );
                assert_eq!(
                    ix::allocate_with_seed(&to, &base, &seed, n, &owner),
                    system::allocate_with_seed(&to, &base, text, n, &owner),
                );
            }
        }
    }

    struct Owned {
        key: Pubkey,
        lamports: u64,
        data: Vec<u8>,
        owner: Pubkey,
    }

    impl Owned {
        fn new() -> Self {
            Self { key: Pubkey::new_unique(), lamports: 1, data: vec![0; 8], owner: Pubkey::new_unique() }
        }

        fn info(&mut self, writable: bool) -> AccountInfo<'_> {
            AccountInfo::new(
                &self.key,
                false,
                writable,
                &mut self.lamports,
                &mut self.data,
                &self.owner,
                false,
            )
        }
    }

    fn metas(keys: &[(Pubkey, bool)]) -> Vec<AccountMeta> {
        keys.iter()
            .map(|(key, writable)| AccountMeta { pubkey: *key, is_signer: false, is_writable: *writable })
            .collect()
    }

    #[test]
    fn a_call_refuses_an_account_borrowed_against_its_meta() {
        let program = Pubkey::new_unique();
        let (mut a, mut b) = (Owned::new(), Owned::new());
        let infos = [a.info(true), b.info(false)];
        let accounts = metas(&[(*infos[0].key, true), (*infos[1].key, false)]);
        assert!(invoke(program, accounts.clone(), vec![], &infos, &[]).is_ok());

        // A live shared borrow blocks a writable meta, a live mutable one any meta.
        let shared = infos[0].try_borrow_data().unwrap();
        assert!(invoke(program, accounts.clone(), vec![], &infos, &[]).is_err());
        drop(shared);
        let exclusive = infos[1].try_borrow_mut_data().unwrap();
        assert!(invoke(program, accounts.clone(), vec![], &infos, &[]).is_err());
        drop(exclusive);
        let shared = infos[1].try_borrow_data().unwrap();
        assert!(invoke(program, accounts, vec![], &infos, &[]).is_ok(), "a read-only meta shares a borrow");
        drop(shared);
    }

    #[test]
    fn infos_follow_the_metas_in_order_except_the_optional_placeholder() {
        let program = Pubkey::new_unique();
        let (mut a, mut b) = (Owned::new(), Owned::new());
        let infos = [a.info(true), b.info(false)];
        let (ka, kb) = (*infos[0].key, *infos[1].key);
        // Anchor names the called program for an absent optional account, with no info.
        let with_placeholder = metas(&[(ka, true), (program, false), (kb, false)]);
        assert!(invoke(program, with_placeholder, vec![], &infos, &[]).is_ok());
        let swapped = metas(&[(kb, false), (ka, true)]);
        assert!(invoke(program, swapped, vec![], &infos, &[]).is_err());
        let missing = metas(&[(ka, true), (kb, false), (Pubkey::new_unique(), false)]);
        assert!(invoke(program, missing, vec![], &infos, &[]).is_err());
    }
}
