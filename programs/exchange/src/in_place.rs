//! Zero-copy accounts a handler creates or changes itself, outside Anchor's `AccountLoader`
//! (an account the handler created in the same instruction, or one it reaches through another
//! account's stored address): the discriminator, then the fields cast in place.
use anchor_lang::prelude::*;
use anchor_lang::ZeroCopy;

use crate::error::ExchangeError;

/// The account `data` was just created for a `T`: writes `T`'s discriminator and returns its
/// fields (zeroed, as created) to fill; `invalid` if the account is too short.
pub fn init<T: ZeroCopy>(data: &mut [u8], invalid: ExchangeError) -> Result<&mut T> {
    let (discriminator, fields) = split::<T>(data, invalid)?;
    discriminator.copy_from_slice(T::DISCRIMINATOR);
    Ok(bytemuck::from_bytes_mut(fields))
}

/// The fields of the `T` that `data` holds; `invalid` unless it carries `T`'s discriminator
/// (its owner is the caller's to check).
pub fn existing<T: ZeroCopy>(data: &mut [u8], invalid: ExchangeError) -> Result<&mut T> {
    let (discriminator, fields) = split::<T>(data, invalid)?;
    if discriminator != T::DISCRIMINATOR {
        return Err(error!(invalid));
    }
    Ok(bytemuck::from_bytes_mut(fields))
}

/// The discriminator and the fields of a `T` at the start of `data`.
fn split<T: ZeroCopy>(data: &mut [u8], invalid: ExchangeError) -> Result<(&mut [u8], &mut [u8])> {
    let at = T::DISCRIMINATOR.len();
    let end = at.checked_add(core::mem::size_of::<T>()).ok_or_else(|| error!(invalid))?;
    Ok(data.get_mut(..end).ok_or_else(|| error!(invalid))?.split_at_mut(at))
}
