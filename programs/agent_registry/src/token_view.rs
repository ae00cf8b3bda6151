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
    read_data(info.owner, &info.try_borrow_data().ok()?)
}

/// [`read`] on an account's owner program and data.
pub fn read_data(owner: &Pubkey, data: &[u8]) -> Option<TokenAccountView> {
    if *owner != anchor_spl::token::ID && *owner != anchor_spl::token_2022::ID {
        return None;
    }
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

const STATE_INITIALIZED: u8 = 1;
const EXTENSIONS_AT: usize = BASE_LEN + 1;
const MEMO_TRANSFER: u16 =
    anchor_spl::token_2022::spl_token_2022::extension::ExtensionType::MemoTransfer as u16;

/// Reads a token account that can receive a transfer now: initialized and not frozen, and (for
/// Token-2022) not requiring a memo on incoming transfers. A payout into any other account
/// would fail inside the token program and take the whole instruction with it, so the
/// programs check this before paying anyone who could have made their account unusable
/// (`None` otherwise, or for anything that is not a token account).
///
/// The other Token-2022 ways to refuse a credit (confidential-only accounts, non-transferable
/// and paused mints) need mint extensions that `mint_policy` refuses.
pub fn receivable(info: &AccountInfo) -> Option<TokenAccountView> {
    receivable_data(info.owner, &info.try_borrow_data().ok()?)
}

/// [`receivable`] on an account's owner program and data (for clients that fetched it).
pub fn receivable_data(owner: &Pubkey, data: &[u8]) -> Option<TokenAccountView> {
    let view = read_data(owner, data)?;
    if *data.get(STATE_OFFSET)? != STATE_INITIALIZED {
        return None;
    }
    // Token-2022 extensions: [type u16][length u16][value], from byte 166 on.
    let mut at = EXTENSIONS_AT;
    while let Some(header) = data.get(at..at.checked_add(4)?) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let value_at = at.checked_add(4)?;
        if kind == MEMO_TRANSFER && data.get(value_at).is_some_and(|required| *required != 0) {
            return None;
        }
        if kind == 0 {
            break;
        }
        at = value_at.checked_add(len)?;
    }
    Some(view)
}

/// The balance of a token account, read in place (`None` when it is not one: see [`read`]).
pub fn amount(info: &AccountInfo) -> Option<u64> {
    read(info)?;
    let data = info.try_borrow_data().ok()?;
    let bytes = data.get(AMOUNT_OFFSET..AMOUNT_OFFSET + 8)?;
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}
