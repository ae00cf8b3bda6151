//! Every PDA seed of the registry, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the registry's single config account.
pub const CONFIG: &[u8] = b"config";
