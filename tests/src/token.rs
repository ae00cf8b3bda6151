//! Real SPL Token / Token-2022 accounts in LiteSVM (the token programs LiteSVM ships).
use agx_sdk::token as spl;
use anchor_lang::prelude::Pubkey;
use solana_signer::Signer;

use crate::svm::Svm;

pub use agx_sdk::token::{TOKEN, TOKEN_2022};

/// A new mint of `program` with `decimals`; the harness payer is its mint authority.
pub fn create_mint(svm: &mut Svm, program: Pubkey, decimals: u8) -> Pubkey {
    let mint = svm.keypair();
    let rent = svm.svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
    let payer = svm.payer.pubkey();
    svm.send(&spl::create_mint(payer, mint.pubkey(), payer, program, decimals, rent), &[&mint])
        .expect("create mint");
    mint.pubkey()
}

/// A new token account of `mint` owned by `owner` (sized for the extensions its Token-2022
/// mint requires of accounts, e.g. withheld transfer fees).
pub fn create_account(svm: &mut Svm, program: Pubkey, mint: Pubkey, owner: Pubkey) -> Pubkey {
    use anchor_spl::token_2022::spl_token_2022::extension::{
        BaseStateWithExtensions, ExtensionType, PodStateWithExtensions,
    };
    use anchor_spl::token_2022::spl_token_2022::{pod::PodMint, state::Account};
    let account = svm.keypair();
    let len = if program == TOKEN_2022 {
        let data = svm.account(&mint).expect("mint account").data;
        let state = PodStateWithExtensions::<PodMint>::unpack(&data).expect("mint data");
        let required =
            ExtensionType::get_required_init_account_extensions(&state.get_extension_types().unwrap());
        ExtensionType::try_calculate_account_len::<Account>(&required).expect("account length")
    } else {
        spl::ACCOUNT_LEN
    };
    let rent = svm.svm.minimum_balance_for_rent_exemption(len);
    let mut ixs = spl::create_account(svm.payer.pubkey(), account.pubkey(), mint, owner, program, rent);
    ixs[0] = solana_system_interface::instruction::create_account(
        &svm.payer.pubkey(),
        &account.pubkey(),
        rent,
        len as u64,
        &program,
    );
    svm.send(&ixs, &[&account]).expect("create token account");
    account.pubkey()
}

/// Mints `amount` atoms of `mint` to `account` (the payer is the mint authority).
pub fn mint_to(svm: &mut Svm, program: Pubkey, mint: Pubkey, account: Pubkey, amount: u64) {
    let ix = spl::mint_to(program, mint, account, svm.payer.pubkey(), amount);
    svm.send(&[ix], &[]).expect("mint_to");
}

/// Balance of a token account in atoms (0 when it does not exist).
pub fn balance(svm: &Svm, account: &Pubkey) -> u64 {
    svm.account(account).and_then(|a| spl::account_amount(&a.data)).unwrap_or(0)
}

/// Total supply of a mint in atoms.
pub fn supply(svm: &Svm, mint: &Pubkey) -> u64 {
    spl::mint_supply(&svm.account(mint).expect("mint account").data).expect("mint data")
}

/// (mint, owner) of a token account.
pub fn mint_and_owner(svm: &Svm, account: &Pubkey) -> (Pubkey, Pubkey) {
    spl::account_mint_and_owner(&svm.account(account).expect("token account").data)
        .expect("token account data")
}

/// A Token-2022 mint feature that `create_mint_2022` can give a mint.
#[derive(Clone, Copy, Debug)]
pub enum MintFeature {
    /// A freeze authority (any token program).
    FreezeAuthority(Pubkey),
    PermanentDelegate(Pubkey),
    /// A transfer hook program (with no hook authority).
    TransferHook(Pubkey),
    /// A transfer fee of `bps`, and the authority that could change it.
    TransferFee {
        bps: u16,
        authority: Option<Pubkey>,
    },
}

/// A new Token-2022 mint with `features`; the harness payer is its mint authority.
pub fn create_mint_2022(svm: &mut Svm, decimals: u8, features: &[MintFeature]) -> Pubkey {
    use anchor_spl::token_2022::spl_token_2022::extension::{transfer_fee, transfer_hook, ExtensionType};
    use anchor_spl::token_2022::spl_token_2022::{instruction as t22, state::Mint};
    let program = TOKEN_2022;
    let mint = svm.keypair();
    let payer = svm.payer.pubkey();
    let kinds: Vec<ExtensionType> = features
        .iter()
        .filter_map(|f| match f {
            MintFeature::FreezeAuthority(_) => None,
            MintFeature::PermanentDelegate(_) => Some(ExtensionType::PermanentDelegate),
            MintFeature::TransferHook(_) => Some(ExtensionType::TransferHook),
            MintFeature::TransferFee { .. } => Some(ExtensionType::TransferFeeConfig),
        })
        .collect();
    let len = ExtensionType::try_calculate_account_len::<Mint>(&kinds).expect("mint length");
    let rent = svm.svm.minimum_balance_for_rent_exemption(len);
    let mut ixs = vec![solana_system_interface::instruction::create_account(
        &payer,
        &mint.pubkey(),
        rent,
        len as u64,
        &program,
    )];
    let key = mint.pubkey();
    let mut freeze = None;
    for f in features {
        match *f {
            MintFeature::FreezeAuthority(authority) => freeze = Some(authority),
            MintFeature::PermanentDelegate(delegate) => {
                ixs.push(t22::initialize_permanent_delegate(&program, &key, &delegate).unwrap())
            }
            MintFeature::TransferHook(hook) => {
                ixs.push(transfer_hook::instruction::initialize(&program, &key, None, Some(hook)).unwrap())
            }
            MintFeature::TransferFee { bps, authority } => ixs.push(
                transfer_fee::instruction::initialize_transfer_fee_config(
                    &program,
                    &key,
                    authority.as_ref(),
                    None,
                    bps,
                    u64::MAX,
                )
                .unwrap(),
            ),
        }
    }
    ixs.push(t22::initialize_mint2(&program, &key, &payer, freeze.as_ref(), decimals).unwrap());
    svm.send(&ixs, &[&mint]).expect("create Token-2022 mint");
    key
}

/// Token-2022: makes `account` (owned by `owner`) require a memo on every incoming transfer
/// (reallocates it for the extension, then enables it), as its owner may at any time.
pub fn require_memos(svm: &mut Svm, account: Pubkey, owner: &solana_keypair::Keypair) {
    use anchor_spl::token_2022::spl_token_2022::extension::memo_transfer::instruction::enable_required_transfer_memos;
    use anchor_spl::token_2022::spl_token_2022::extension::ExtensionType;
    use anchor_spl::token_2022::spl_token_2022::instruction::reallocate;
    let payer = svm.payer.pubkey();
    let grow =
        reallocate(&TOKEN_2022, &account, &payer, &owner.pubkey(), &[], &[ExtensionType::MemoTransfer])
            .expect("reallocate");
    let enable = enable_required_transfer_memos(&TOKEN_2022, &account, &owner.pubkey(), &[]).expect("enable");
    svm.send(&[grow, enable], &[owner]).expect("require memos");
}
