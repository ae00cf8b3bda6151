//! Every PDA seed of the exchange, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the exchange's single config account.
pub const CONFIG: &[u8] = b"config";
/// `[AUTHORITY]`: the exchange's signing PDA; it is the registry's operator in deployment.
pub const AUTHORITY: &[u8] = b"authority";
/// `[INTENT, requester, intent_id (u64 LE)]`: one intent.
pub const INTENT: &[u8] = b"intent";
/// `[ESCROW, intent]`: the intent's escrow token account, owned by the intent PDA.
pub const ESCROW: &[u8] = b"escrow";
/// `[BID, intent, agent, round (u8)]`: one bid per agent per auction round of an intent (a
/// re-auction after failovers opens the next round, so its bids never collide with earlier ones).
pub const BID: &[u8] = b"bid";
