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
//! account stores); both token programs share these three instructions' encodings.
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
const SYSTEM_ALLOCATE: u32 = 8;

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
    let mut data = Vec::with_capacity(10);
    data.push(TOKEN_TRANSFER_CHECKED);
    data.extend_from_slice(&amount.to_le_bytes());
    data.push(decimals);
    let accounts = vec![
        AccountMeta::new(*from.key, false),
        AccountMeta::new_readonly(*mint.key, false),
        AccountMeta::new(*to.key, false),
        AccountMeta::new_readonly(*authority.key, true),
    ];
    let infos = [from.clone(), mint.clone(), to.clone(), authority.clone()];
    invoke(*token_program, accounts, data, &infos, signer)
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
    let accounts = vec![
        AccountMeta::new(*account.key, false),
        AccountMeta::new(*destination.key, false),
        AccountMeta::new_readonly(*authority.key, true),
    ];
    let infos = [account.clone(), destination.clone(), authority.clone()];
    invoke(*token_program, accounts, vec![TOKEN_CLOSE_ACCOUNT], &infos, signer)
}

/// `InitializeAccount3`: `account` (allocated, owned by the token program) becomes a token
/// account of `mint` owned by `owner`.
pub fn initialize_account3<'info>(
    token_program: &Pubkey,
    account: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    owner: &Pubkey,
) -> Result<()> {
    let mut data = Vec::with_capacity(33);
    data.push(TOKEN_INITIALIZE_ACCOUNT3);
    data.extend_from_slice(owner.as_ref());
    let accounts = vec![AccountMeta::new(*account.key, false), AccountMeta::new_readonly(*mint.key, false)];
    let infos = [account.clone(), mint.clone()];
    invoke(*token_program, accounts, data, &infos, &[])
}

fn system_data(tag: u32, capacity: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(capacity);
    data.extend_from_slice(&tag.to_le_bytes());
    data
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
    let mut data = system_data(SYSTEM_CREATE_ACCOUNT, 52);
    data.extend_from_slice(&lamports.to_le_bytes());
    data.extend_from_slice(&space.to_le_bytes());
    data.extend_from_slice(owner.as_ref());
    let accounts = vec![AccountMeta::new(*from.key, true), AccountMeta::new(*to.key, true)];
    let infos = [from.clone(), to.clone()];
    invoke(system_program::ID, accounts, data, &infos, signer)
}

/// `Transfer` of `lamports` from the system account `from` (a signer) to `to`.
pub fn system_transfer<'info>(
    from: &AccountInfo<'info>,
    to: &AccountInfo<'info>,
    lamports: u64,
) -> Result<()> {
    let mut data = system_data(SYSTEM_TRANSFER, 12);
    data.extend_from_slice(&lamports.to_le_bytes());
    let accounts = vec![AccountMeta::new(*from.key, true), AccountMeta::new(*to.key, false)];
    let infos = [from.clone(), to.clone()];
    invoke(system_program::ID, accounts, data, &infos, &[])
}

/// `Allocate` `space` bytes to the system account `account`, signing through `signer`.
pub fn allocate<'info>(account: &AccountInfo<'info>, space: u64, signer: &[&[&[u8]]]) -> Result<()> {
    let mut data = system_data(SYSTEM_ALLOCATE, 12);
    data.extend_from_slice(&space.to_le_bytes());
    invoke(
        system_program::ID,
        vec![AccountMeta::new(*account.key, true)],
        data,
        std::slice::from_ref(account),
        signer,
    )
}

/// `Assign` the system account `account` to `owner`, signing through `signer`.
pub fn assign<'info>(account: &AccountInfo<'info>, owner: &Pubkey, signer: &[&[&[u8]]]) -> Result<()> {
    let mut data = system_data(SYSTEM_ASSIGN, 36);
    data.extend_from_slice(owner.as_ref());
    invoke(
        system_program::ID,
        vec![AccountMeta::new(*account.key, true)],
        data,
        std::slice::from_ref(account),
        signer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
