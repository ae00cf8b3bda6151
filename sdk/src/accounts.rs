//! Typed decoding of the programs' accounts (discriminator checked).
use anchor_lang::{AccountDeserialize, Discriminator};

pub use agent_registry::state::{Agent, RegistryConfig};
pub use exchange::state::{Bid, Budget, Coalition, ExchangeConfig, Intent, RequesterState};

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("account data is {0} bytes, shorter than a discriminator")]
    TooShort(usize),
    #[error("account discriminator does not match the expected type")]
    WrongDiscriminator,
    #[error("account data does not decode: {0}")]
    Invalid(String),
}

/// Decodes a zero-copy account (such as [`Intent`]) from raw account data.
pub fn decode_zero_copy<T: anchor_lang::ZeroCopy + anchor_lang::Owner>(
    data: &[u8],
) -> Result<T, DecodeError> {
    let disc = T::DISCRIMINATOR;
    if data.len() < disc.len() {
        return Err(DecodeError::TooShort(data.len()));
    }
    if &data[..disc.len()] != disc {
        return Err(DecodeError::WrongDiscriminator);
    }
    let body = &data[disc.len()..];
    let size = std::mem::size_of::<T>();
    let bytes = body.get(..size).ok_or(DecodeError::TooShort(data.len()))?;
    // Account data carries no alignment guarantee: read by copy.
    Ok(bytemuck::pod_read_unaligned::<T>(bytes))
}

/// Decodes an Anchor account of type `T` from raw account data.
pub fn decode<T: AccountDeserialize + Discriminator>(data: &[u8]) -> Result<T, DecodeError> {
    let disc = T::DISCRIMINATOR;
    if data.len() < disc.len() {
        return Err(DecodeError::TooShort(data.len()));
    }
    if &data[..disc.len()] != disc {
        return Err(DecodeError::WrongDiscriminator);
    }
    let mut slice = data;
    T::try_deserialize(&mut slice).map_err(|e| DecodeError::Invalid(e.to_string()))
}
