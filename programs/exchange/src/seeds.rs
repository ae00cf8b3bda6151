//! Every PDA seed of the exchange, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the exchange's single config account.
pub const CONFIG: &[u8] = b"config";
