//! Every PDA seed of the registry, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the registry's single config account.
pub const CONFIG: &[u8] = b"config";
/// `[AGENT, authority]`: one agent per authority key.
pub const AGENT: &[u8] = b"agent";
/// `[STAKE_VAULT, agent]`: the agent's stake token account, owned by the agent PDA.
pub const STAKE_VAULT: &[u8] = b"stake-vault";
