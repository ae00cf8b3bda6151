//! Token accounts read in place (shared with the exchange). SPL Token and Token-2022 share the
//! base layout (mint at byte 0, owner at 32, state at 108, 165 bytes; Token-2022 then an
//! account-type byte, 2 for accounts, and extensions). Decoding an
//! `InterfaceAccount<TokenAccount>` costs ~1,350 CU; checks of who owns an account of which mint
//! need two fields, and the token program checks the rest (mint, balance, state) in
//! `transfer_checked` itself.
use anchor_lang::prelude::*;

const BASE_LEN: usize = 165;
const ACCOUNT_TYPE_ACCOUNT: u8 = 2;
const STATE_OFFSET: usize = 108;
const AMOUNT_OFFSET: usize = 64;

/// The two fields of a token account that are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenAccountView {
    pub mint: Pubkey,
    pub owner: Pubkey,
}

impl TokenAccountView {
    /// Is it an account of `mint` owned by `owner`?
    pub fn is(&self, mint: Pubkey, owner: Pubkey) -> bool {
        self.mint == mint && self.owner == owner
    }
}

/// Reads an initialized token account of SPL Token or Token-2022 (`None` for anything else:
/// another program's account, a mint, an uninitialized account).
pub fn read(info: &AccountInfo) -> Option<TokenAccountView> {
    if *info.owner != anchor_spl::token::ID && *info.owner != anchor_spl::token_2022::ID {
        return None;
    }
    let data = info.try_borrow_data().ok()?;
    let is_account = data.len() == BASE_LEN
        || (data.len() > BASE_LEN && data.get(BASE_LEN) == Some(&ACCOUNT_TYPE_ACCOUNT));
    if !is_account || data.get(STATE_OFFSET).is_none_or(|state| *state == 0) {
        return None;
    }
    let key = |at: usize| {
        let bytes = data.get(at..at.checked_add(32)?)?;
        <[u8; 32]>::try_from(bytes).ok().map(Pubkey::from)
    };
    Some(TokenAccountView { mint: key(0)?, owner: key(32)? })
}

/// The balance of a token account, read in place (`None` when it is not one: see [`read`]).
pub fn amount(info: &AccountInfo) -> Option<u64> {
    read(info)?;
    let data = info.try_borrow_data().ok()?;
    let bytes = data.get(AMOUNT_OFFSET..AMOUNT_OFFSET + 8)?;
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}
