//! Which mints may back value that a program holds for others (stake vaults, intent escrows).
//!
//! A program-owned token account must stay under the program's sole control until the program
//! pays it out. A mint is refused when anyone else could move, freeze, pause or tax what it holds:
//! - a permanent delegate (moves tokens out of any account);
//! - a transfer hook, or an authority that could set one (runs foreign code on every payout);
//! - a transfer fee that is not fixed at zero (a non-zero fee, or an authority that can raise it);
//! - a freeze authority, unless the caller's config allows this mint (e.g. a named stablecoin);
//! - the pausable extension;
//! - any other Token-2022 extension not known to be harmless (allow-list, so a new extension is
//!   refused until reviewed). Harmless: close authority (a mint with supply cannot close),
//!   metadata and group pointers and data, interest-bearing and scaled UI amount (display only).
//!
//! Shared by both programs: the registry checks the stake mint at `config_init`, the exchange each
//! intent's mint at `intent_create`; each maps a [`MintViolation`] to its own error code.
use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022::extension::permanent_delegate::PermanentDelegate;
use anchor_spl::token_2022::spl_token_2022::extension::transfer_fee::TransferFeeConfig;
use anchor_spl::token_2022::spl_token_2022::extension::transfer_hook::TransferHook;
use anchor_spl::token_2022::spl_token_2022::extension::{
    BaseStateWithExtensions, ExtensionType, PodStateWithExtensions,
};
use anchor_spl::token_2022::spl_token_2022::pod::PodMint;
use anchor_spl::token_2022::spl_token_2022::state::Account;

use crate::error::RegistryError;

/// The rule a mint breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MintViolation {
    PermanentDelegate,
    TransferHook,
    TransferFee,
    FreezeAuthority,
    Pausable,
    UnsupportedExtension,
    InvalidData,
}

impl From<MintViolation> for RegistryError {
    fn from(v: MintViolation) -> Self {
        match v {
            MintViolation::PermanentDelegate => RegistryError::MintHasPermanentDelegate,
            MintViolation::TransferHook => RegistryError::MintHasTransferHook,
            MintViolation::TransferFee => RegistryError::MintTransferFeeNotFixedZero,
            MintViolation::FreezeAuthority => RegistryError::MintHasFreezeAuthority,
            MintViolation::Pausable => RegistryError::MintPausable,
            MintViolation::UnsupportedExtension => RegistryError::MintExtensionNotSupported,
            MintViolation::InvalidData => RegistryError::MintDataInvalid,
        }
    }
}

/// What [`inspect`] learns of an accepted mint, so that the caller need not decode it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintFacts {
    pub decimals: u8,
    /// Bytes of a token account of this mint: 165, plus the account extensions its mint
    /// extensions require (Token-2022), as `InitializeAccount3` expects.
    pub token_account_len: usize,
}

/// Checks `mint` (an SPL Token or Token-2022 mint account) against the rules above; returns its
/// decimals.
pub fn check(mint: &AccountInfo, freeze_authority_allowed: bool) -> core::result::Result<u8, MintViolation> {
    inspect(mint, freeze_authority_allowed).map(|facts| facts.decimals)
}

/// Bytes of a token account of `mint` (see [`MintFacts::token_account_len`]), for a mint that
/// passed [`check`] before (extensions are fixed when a mint is created).
pub fn token_account_len(mint: &AccountInfo) -> core::result::Result<usize, MintViolation> {
    token_account_len_of(&mint.try_borrow_data().map_err(|_| MintViolation::InvalidData)?)
}

/// [`token_account_len`] of a mint's data (for clients that fetched it: the SDK sizes the
/// escrows it creates with it).
pub fn token_account_len_of(mint_data: &[u8]) -> core::result::Result<usize, MintViolation> {
    let state =
        PodStateWithExtensions::<PodMint>::unpack(mint_data).map_err(|_| MintViolation::InvalidData)?;
    account_len(&state.get_extension_types().map_err(|_| MintViolation::InvalidData)?)
}

fn account_len(mint_extensions: &[ExtensionType]) -> core::result::Result<usize, MintViolation> {
    let required = ExtensionType::get_required_init_account_extensions(mint_extensions);
    ExtensionType::try_calculate_account_len::<Account>(&required).map_err(|_| MintViolation::InvalidData)
}

/// [`check`], returning also the size of a token account of the mint.
pub fn inspect(
    mint: &AccountInfo,
    freeze_authority_allowed: bool,
) -> core::result::Result<MintFacts, MintViolation> {
    let data = mint.try_borrow_data().map_err(|_| MintViolation::InvalidData)?;
    let state = PodStateWithExtensions::<PodMint>::unpack(&data).map_err(|_| MintViolation::InvalidData)?;
    if state.base.freeze_authority.is_some() && !freeze_authority_allowed {
        return Err(MintViolation::FreezeAuthority);
    }
    let extensions = state.get_extension_types().map_err(|_| MintViolation::InvalidData)?;
    for extension in extensions.iter().copied() {
        match extension {
            ExtensionType::PermanentDelegate => {
                let e = state.get_extension::<PermanentDelegate>().map_err(|_| MintViolation::InvalidData)?;
                if Option::<Pubkey>::from(e.delegate).is_some() {
                    return Err(MintViolation::PermanentDelegate);
                }
            }
            ExtensionType::TransferHook => {
                let e = state.get_extension::<TransferHook>().map_err(|_| MintViolation::InvalidData)?;
                if Option::<Pubkey>::from(e.program_id).is_some()
                    || Option::<Pubkey>::from(e.authority).is_some()
                {
                    return Err(MintViolation::TransferHook);
                }
            }
            ExtensionType::TransferFeeConfig => {
                let e = state.get_extension::<TransferFeeConfig>().map_err(|_| MintViolation::InvalidData)?;
                let fixed = Option::<Pubkey>::from(e.transfer_fee_config_authority).is_none();
                let zero = u16::from(e.older_transfer_fee.transfer_fee_basis_points) == 0
                    && u16::from(e.newer_transfer_fee.transfer_fee_basis_points) == 0;
                if !(fixed && zero) {
                    return Err(MintViolation::TransferFee);
                }
            }
            ExtensionType::Pausable => return Err(MintViolation::Pausable),
            ExtensionType::Uninitialized
            | ExtensionType::MintCloseAuthority
            | ExtensionType::MetadataPointer
            | ExtensionType::TokenMetadata
            | ExtensionType::GroupPointer
            | ExtensionType::TokenGroup
            | ExtensionType::GroupMemberPointer
            | ExtensionType::TokenGroupMember
            | ExtensionType::InterestBearingConfig
            | ExtensionType::ScaledUiAmount => {}
            _ => return Err(MintViolation::UnsupportedExtension),
        }
    }
    Ok(MintFacts { decimals: state.base.decimals, token_account_len: account_len(&extensions)? })
}
