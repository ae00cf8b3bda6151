//! SPL Token / Token-2022 instructions and account fields this project needs, hand-encoded so
//! the SDK does not pin an spl-token crate version (both programs share these layouts for the
//! base mint and account).
use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;

pub const TOKEN: Pubkey = anchor_spl::token::ID;
pub const TOKEN_2022: Pubkey = anchor_spl::token_2022::ID;
/// The associated token account program.
pub const ASSOCIATED_TOKEN: Pubkey = anchor_lang::pubkey!("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/// Size of a mint without extensions.
pub const MINT_LEN: usize = 82;
/// Size of a token account without extensions.
pub const ACCOUNT_LEN: usize = 165;

/// `InitializeMint2` with no freeze authority.
pub fn initialize_mint2(program: Pubkey, mint: Pubkey, mint_authority: Pubkey, decimals: u8) -> Instruction {
    let mut data = vec![20, decimals];
    data.extend_from_slice(mint_authority.as_ref());
    data.push(0);
    Instruction { program_id: program, accounts: vec![AccountMeta::new(mint, false)], data }
}

/// `InitializeAccount3`: `account` holds `mint` for `owner`.
pub fn initialize_account3(program: Pubkey, account: Pubkey, mint: Pubkey, owner: Pubkey) -> Instruction {
    let mut data = vec![18];
    data.extend_from_slice(owner.as_ref());
    Instruction {
        program_id: program,
        accounts: vec![AccountMeta::new(account, false), AccountMeta::new_readonly(mint, false)],
        data,
    }
}

/// `MintTo` signed by the mint authority.
pub fn mint_to(
    program: Pubkey,
    mint: Pubkey,
    account: Pubkey,
    mint_authority: Pubkey,
    amount: u64,
) -> Instruction {
    let mut data = vec![7];
    data.extend_from_slice(&amount.to_le_bytes());
    Instruction {
        program_id: program,
        accounts: vec![
            AccountMeta::new(mint, false),
            AccountMeta::new(account, false),
            AccountMeta::new_readonly(mint_authority, true),
        ],
        data,
    }
}

/// `TransferChecked` of `amount` atoms from `source` to `destination`, signed by `owner`.
pub fn transfer_checked(
    program: Pubkey,
    source: Pubkey,
    mint: Pubkey,
    destination: Pubkey,
    owner: Pubkey,
    amount: u64,
    decimals: u8,
) -> Instruction {
    let mut data = vec![12];
    data.extend_from_slice(&amount.to_le_bytes());
    data.push(decimals);
    Instruction {
        program_id: program,
        accounts: vec![
            AccountMeta::new(source, false),
            AccountMeta::new_readonly(mint, false),
            AccountMeta::new(destination, false),
            AccountMeta::new_readonly(owner, true),
        ],
        data,
    }
}

/// `CloseAccount` of an empty token account, its rent to `destination`, signed by `owner`.
pub fn close_account(program: Pubkey, account: Pubkey, destination: Pubkey, owner: Pubkey) -> Instruction {
    Instruction {
        program_id: program,
        accounts: vec![
            AccountMeta::new(account, false),
            AccountMeta::new(destination, false),
            AccountMeta::new_readonly(owner, true),
        ],
        data: vec![9],
    }
}

/// `SetAuthority` (`AccountOwner`): `owner` hands its token account to `new_owner`.
pub fn set_account_owner(program: Pubkey, account: Pubkey, owner: Pubkey, new_owner: Pubkey) -> Instruction {
    let mut data = vec![6, 2, 1];
    data.extend_from_slice(new_owner.as_ref());
    Instruction {
        program_id: program,
        accounts: vec![AccountMeta::new(account, false), AccountMeta::new_readonly(owner, true)],
        data,
    }
}

/// Creates and initialises a mint: a system `create_account` of [`MINT_LEN`] bytes funded with
/// `rent` lamports by `payer` (`mint` must sign too), then `InitializeMint2`.
pub fn create_mint(
    payer: Pubkey,
    mint: Pubkey,
    mint_authority: Pubkey,
    program: Pubkey,
    decimals: u8,
    rent: u64,
) -> [Instruction; 2] {
    [
        solana_system_interface::instruction::create_account(&payer, &mint, rent, MINT_LEN as u64, &program),
        initialize_mint2(program, mint, mint_authority, decimals),
    ]
}

/// Creates and initialises a token account of `mint` for `owner`: a system `create_account`
/// of [`ACCOUNT_LEN`] bytes funded with `rent` lamports by `payer` (`account` must sign too),
/// then `InitializeAccount3`.
pub fn create_account(
    payer: Pubkey,
    account: Pubkey,
    mint: Pubkey,
    owner: Pubkey,
    program: Pubkey,
    rent: u64,
) -> [Instruction; 2] {
    [
        solana_system_interface::instruction::create_account(
            &payer,
            &account,
            rent,
            ACCOUNT_LEN as u64,
            &program,
        ),
        initialize_account3(program, account, mint, owner),
    ]
}

/// The associated token account of `owner` for `mint` of `program`.
pub fn associated_address(owner: &Pubkey, mint: &Pubkey, program: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[owner.as_ref(), program.as_ref(), mint.as_ref()], &ASSOCIATED_TOKEN).0
}

/// `CreateIdempotent`: creates `owner`'s associated token account of `mint`, paid by `payer`,
/// and succeeds without effect when it exists.
pub fn create_associated_idempotent(
    payer: Pubkey,
    owner: Pubkey,
    mint: Pubkey,
    program: Pubkey,
) -> Instruction {
    Instruction {
        program_id: ASSOCIATED_TOKEN,
        accounts: vec![
            AccountMeta::new(payer, true),
            AccountMeta::new(associated_address(&owner, &mint, &program), false),
            AccountMeta::new_readonly(owner, false),
            AccountMeta::new_readonly(mint, false),
            AccountMeta::new_readonly(anchor_lang::solana_program::system_program::ID, false),
            AccountMeta::new_readonly(program, false),
        ],
        data: vec![1],
    }
}

fn field<const N: usize>(data: &[u8], at: usize) -> Option<[u8; N]> {
    data.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Balance in atoms of a token account's data.
pub fn account_amount(data: &[u8]) -> Option<u64> {
    field::<8>(data, 64).map(u64::from_le_bytes)
}

/// (mint, owner) of a token account's data.
pub fn account_mint_and_owner(data: &[u8]) -> Option<(Pubkey, Pubkey)> {
    Some((Pubkey::new_from_array(field::<32>(data, 0)?), Pubkey::new_from_array(field::<32>(data, 32)?)))
}

/// Supply in atoms of a mint's data.
pub fn mint_supply(data: &[u8]) -> Option<u64> {
    field::<8>(data, 36).map(u64::from_le_bytes)
}
