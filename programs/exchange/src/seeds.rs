//! Every PDA seed of the exchange, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the exchange's single config account.
pub const CONFIG: &[u8] = b"config";
/// `[AUTHORITY]`: the exchange's signing PDA; it is the registry's operator in deployment.
pub const AUTHORITY: &[u8] = b"authority";
