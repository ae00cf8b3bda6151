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
    each_extension(data, |kind, value_at| {
        !(kind == MEMO_TRANSFER && data.get(value_at).is_some_and(|required| *required != 0))
    })?;
    Some(view)
}

/// Walks a Token-2022 account's extensions (`[type u16][length u16][value]`, from byte 166 on,
/// up to the first of type 0), calling `keep` with each one's type and the offset of its value;
/// `None` as soon as `keep` refuses one, or an offset would overflow.
fn each_extension(data: &[u8], mut keep: impl FnMut(u16, usize) -> bool) -> Option<()> {
    let mut at = EXTENSIONS_AT;
    while let Some(header) = data.get(at..at.checked_add(4)?) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let value_at = at.checked_add(4)?;
        if kind == 0 {
            break;
        }
        if !keep(kind, value_at) {
            return None;
        }
        at = value_at.checked_add(len)?;
    }
    Some(())
}

/// The balance of a token account, read in place (`None` when it is not one: see [`read`]).
pub fn amount(info: &AccountInfo) -> Option<u64> {
    read(info)?;
    let data = info.try_borrow_data().ok()?;
    let bytes = data.get(AMOUNT_OFFSET..AMOUNT_OFFSET + 8)?;
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

const DELEGATE_TAG_OFFSET: usize = 72;
const IS_NATIVE_TAG_OFFSET: usize = 109;
const CLOSE_AUTHORITY_TAG_OFFSET: usize = 129;
const TRANSFER_FEE_AMOUNT: u16 =
    anchor_spl::token_2022::spl_token_2022::extension::ExtensionType::TransferFeeAmount as u16;
const IMMUTABLE_OWNER: u16 =
    anchor_spl::token_2022::spl_token_2022::extension::ExtensionType::ImmutableOwner as u16;

/// Is `info` a fresh token account of `mint` owned by `owner`, `len` bytes: initialized, not
/// frozen, empty, with no delegate, close authority or native balance, and (Token-2022) no
/// extension but a transfer-fee amount (which a zero-fee mint requires) or an immutable owner?
/// What a program may take as a vault only it controls when a client created the account: a
/// delegate or close authority would let someone else move or close it, and an extension such as
/// a CPI guard or required memos could make the program's own transfers fail.
pub fn fresh(info: &AccountInfo, mint: &Pubkey, owner: &Pubkey, len: usize) -> bool {
    let Ok(data) = info.try_borrow_data() else { return false };
    fresh_data(info.owner, &data, mint, owner, len).is_some()
}

fn fresh_data(program: &Pubkey, data: &[u8], mint: &Pubkey, owner: &Pubkey, len: usize) -> Option<()> {
    let view = read_data(program, data)?;
    let zero = |at: usize, n: usize| data.get(at..at.checked_add(n)?).map(|b| b.iter().all(|x| *x == 0));
    let fresh = view.is(*mint, *owner)
        && data.len() == len
        && *data.get(STATE_OFFSET)? == STATE_INITIALIZED
        && zero(AMOUNT_OFFSET, 8)?
        && zero(DELEGATE_TAG_OFFSET, 4)?
        && zero(IS_NATIVE_TAG_OFFSET, 4)?
        && zero(CLOSE_AUTHORITY_TAG_OFFSET, 4)?;
    if !fresh {
        return None;
    }
    each_extension(data, |kind, _| matches!(kind, TRANSFER_FEE_AMOUNT | IMMUTABLE_OWNER))
}

#[cfg(test)]
mod fresh_tests {
    use super::*;
    use anchor_lang::solana_program::program_option::COption;
    use anchor_lang::solana_program::program_pack::Pack;
    use anchor_spl::token_2022::spl_token_2022::extension::{
        BaseStateWithExtensionsMut, ExtensionType, StateWithExtensionsMut,
    };
    use anchor_spl::token_2022::spl_token_2022::state::{Account, AccountState};

    fn account(
        mint: Pubkey,
        owner: Pubkey,
        extensions: &[ExtensionType],
        edit: impl FnOnce(&mut Account),
    ) -> Vec<u8> {
        let len = ExtensionType::try_calculate_account_len::<Account>(extensions).unwrap();
        let mut data = vec![0u8; len];
        let mut base = Account { mint, owner, state: AccountState::Initialized, ..Default::default() };
        edit(&mut base);
        if extensions.is_empty() {
            Account::pack(base, &mut data).unwrap();
            return data;
        }
        let mut state = StateWithExtensionsMut::<Account>::unpack_uninitialized(&mut data).unwrap();
        for kind in extensions {
            match kind {
                ExtensionType::TransferFeeAmount => {
                    state.init_extension::<anchor_spl::token_2022::spl_token_2022::extension::transfer_fee::TransferFeeAmount>(true).unwrap();
                }
                ExtensionType::ImmutableOwner => {
                    state.init_extension::<anchor_spl::token_2022::spl_token_2022::extension::immutable_owner::ImmutableOwner>(true).unwrap();
                }
                ExtensionType::CpiGuard => {
                    state.init_extension::<anchor_spl::token_2022::spl_token_2022::extension::cpi_guard::CpiGuard>(true).unwrap();
                }
                ExtensionType::MemoTransfer => {
                    state.init_extension::<anchor_spl::token_2022::spl_token_2022::extension::memo_transfer::MemoTransfer>(true).unwrap();
                }
                other => panic!("{other:?}"),
            }
        }
        state.base = base;
        state.pack_base();
        state.init_account_type().unwrap();
        data
    }

    #[test]
    fn only_a_fresh_account_of_the_mint_and_owner_is_fresh() {
        let (mint, owner) = (Pubkey::new_unique(), Pubkey::new_unique());
        let classic = anchor_spl::token::ID;
        let t22 = anchor_spl::token_2022::ID;
        let ok = account(mint, owner, &[], |_| {});
        assert!(fresh_data(&classic, &ok, &mint, &owner, 165).is_some());
        assert!(fresh_data(&t22, &ok, &mint, &owner, 165).is_some());
        assert!(fresh_data(&Pubkey::new_unique(), &ok, &mint, &owner, 165).is_none(), "another program's");
        assert!(fresh_data(&classic, &ok, &Pubkey::new_unique(), &owner, 165).is_none(), "another mint");
        assert!(fresh_data(&classic, &ok, &mint, &Pubkey::new_unique(), 165).is_none(), "another owner");
        assert!(fresh_data(&classic, &ok, &mint, &owner, 178).is_none(), "another size");
        type Edit = fn(&mut Account);
        let bad: [(&str, Edit); 5] = [
            ("a balance", |a| a.amount = 1),
            ("a delegate", |a| a.delegate = COption::Some(Pubkey::new_unique())),
            ("a close authority", |a| a.close_authority = COption::Some(Pubkey::new_unique())),
            ("native", |a| a.is_native = COption::Some(0)),
            ("frozen", |a| a.state = AccountState::Frozen),
        ];
        for (what, edit) in bad {
            let data = account(mint, owner, &[], edit);
            assert!(fresh_data(&classic, &data, &mint, &owner, 165).is_none(), "{what}");
        }
        let uninitialized = vec![0u8; 165];
        assert!(fresh_data(&classic, &uninitialized, &mint, &owner, 165).is_none());
    }

    #[test]
    fn token_2022_extensions_other_than_a_fee_amount_or_immutable_owner_are_refused() {
        let (mint, owner) = (Pubkey::new_unique(), Pubkey::new_unique());
        let t22 = anchor_spl::token_2022::ID;
        for (extensions, allowed) in [
            (vec![ExtensionType::TransferFeeAmount], true),
            (vec![ExtensionType::TransferFeeAmount, ExtensionType::ImmutableOwner], true),
            (vec![ExtensionType::CpiGuard], false),
            (vec![ExtensionType::MemoTransfer], false),
            (vec![ExtensionType::TransferFeeAmount, ExtensionType::CpiGuard], false),
        ] {
            let data = account(mint, owner, &extensions, |_| {});
            let len = data.len();
            assert_eq!(fresh_data(&t22, &data, &mint, &owner, len).is_some(), allowed, "{extensions:?}");
        }
    }
}
