//! Every PDA seed of the exchange, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the exchange's single config account.
pub const CONFIG: &[u8] = b"config";
/// `[AUTHORITY]`: the exchange's signing PDA; it is the registry's operator in deployment.
pub const AUTHORITY: &[u8] = b"authority";
/// `[INTENT, requester, intent_id (u64 LE)]`: one intent.
pub const INTENT: &[u8] = b"intent";
/// `[ESCROW, intent]`: the intent's escrow token account, owned by the intent PDA, when the
/// program creates it (a requester may create its own instead: `Poster::open_escrow`).
pub const ESCROW: &[u8] = b"escrow";
// A requester's record is not a PDA either: the requester's `create_account_with_seed` with
// `agx_core::address::REQUESTER_SEED`.
// A bid is not a PDA: its address is its bidder authority's `create_account_with_seed` with
// `agx_core::address::bid_seed` of intent, agent and round (one bid per bidder, intent and round;
// a re-auction after failovers opens the next round, so its bids never collide with earlier ones).
/// `[BUDGET, owner, agent, budget_id (u64 LE)]`: what `owner` lets the registry agent `agent`
/// spend.
pub const BUDGET: &[u8] = b"budget";
/// `[BUDGET_VAULT, budget]`: the budget's token account, owned by the budget PDA.
pub const BUDGET_VAULT: &[u8] = b"budget_vault";
/// `[COALITION, lead, coalition_id (u64 LE)]`: a coalition led by the registry agent `lead`.
pub const COALITION: &[u8] = b"coalition";

/// The singletons' addresses: their seeds derived for this program id, as constants so that
/// every instruction checks an address instead of re-deriving a PDA (~1,500 CU) or trusting owner
/// and discriminator alone, and the IDL states them for clients. A test derives each again.
pub const CONFIG_ADDRESS: anchor_lang::prelude::Pubkey =
    anchor_lang::pubkey!("4iU9Xooo5Dri6R6swpmsBbuHNXbcKLhyPSXYP5Eu2WNx");
pub const AUTHORITY_ADDRESS: anchor_lang::prelude::Pubkey =
    anchor_lang::pubkey!("3twBMq9hjzYzzMKFe6hEKRPfuXdKeNXatjBDUBSEDbHF");

/// The associated token account program: a failover checks that an unusable compensation
/// account is the requester's associated account (`failover.rs`) before giving up on it.
pub const ASSOCIATED_TOKEN_PROGRAM: anchor_lang::prelude::Pubkey =
    anchor_lang::pubkey!("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

#[cfg(test)]
mod tests {
    use anchor_lang::prelude::Pubkey;

    #[test]
    fn singleton_addresses_are_their_pdas() {
        let pda = |seed: &[u8]| Pubkey::find_program_address(&[seed], &crate::ID).0;
        assert_eq!(super::CONFIG_ADDRESS, pda(super::CONFIG));
        assert_eq!(super::AUTHORITY_ADDRESS, pda(super::AUTHORITY));
    }
}
