//! Decoding of the programs' events from transaction logs.
//!
//! Both programs emit events with `emit!`, which logs `Program data: <base64>` where the payload
//! is the event's 8-byte discriminator followed by its Borsh encoding.
mod named;
#[cfg(feature = "rpc")]
mod stream;

use anchor_lang::{AnchorDeserialize, Discriminator, Event};
use base64::Engine as _;

pub use agent_registry::events as registry;
pub use exchange::events as exchange;
pub use named::{decode_named, named_in, NamedEvent};
#[cfg(feature = "rpc")]
pub use stream::{EventStream, StreamItem};

const DATA_PREFIX: &str = "Program data: ";

/// The raw payloads of every `Program data:` line in `logs`.
pub fn payloads<'a>(logs: &'a [String]) -> impl Iterator<Item = Vec<u8>> + 'a {
    logs.iter().filter_map(|line| {
        let b64 = line.strip_prefix(DATA_PREFIX)?;
        base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()
    })
}

/// Decodes one payload as event `E`, or `None` when it is another event.
pub fn decode<E: Event + Discriminator + AnchorDeserialize>(payload: &[u8]) -> Option<E> {
    let body = payload.strip_prefix(E::DISCRIMINATOR)?;
    E::try_from_slice(body).ok()
}

/// Every event of type `E` in `logs`, in order.
pub fn find<E: Event + Discriminator + AnchorDeserialize>(logs: &[String]) -> Vec<E> {
    payloads(logs).filter_map(|p| decode::<E>(&p)).collect()
}
