//! Program-derived addresses. Seeds come from the programs' `seeds` modules, never retyped here.
use anchor_lang::prelude::Pubkey;

/// The registry's config account.
pub fn registry_config() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[agent_registry::seeds::CONFIG], &agent_registry::ID)
}

/// The agent account of `authority` (one agent per authority key).
pub fn agent(authority: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[agent_registry::seeds::AGENT, authority.as_ref()], &agent_registry::ID)
}

/// The stake vault (token account) of `agent`.
/// `[OFFERS, agent]` of the registry: the agent's standing offers.
pub fn offers(agent: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[agent_registry::seeds::OFFERS, agent.as_ref()], &agent_registry::ID)
}

pub fn stake_vault(agent: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[agent_registry::seeds::STAKE_VAULT, agent.as_ref()], &agent_registry::ID)
}

/// The exchange's config account.
pub fn exchange_config() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::CONFIG], &exchange::ID)
}

/// The exchange's signing PDA (the registry's operator in deployment).
pub fn exchange_authority() -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::AUTHORITY], &exchange::ID)
}

/// The intent `intent_id` of `requester`.
pub fn intent(requester: &Pubkey, intent_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[exchange::seeds::INTENT, requester.as_ref(), &intent_id.to_le_bytes()],
        &exchange::ID,
    )
}

/// What the exchange remembers of `requester` (the intent ids it used): the address of
/// `requester` and `agx_core::address::REQUESTER_SEED` for the exchange.
pub fn requester_state(requester: &Pubkey) -> Pubkey {
    with_seed(requester, &agx_core::address::REQUESTER_SEED, &exchange::ID)
}

/// The budget `budget_id` that `owner` made for the registry agent `agent`.
pub fn budget(owner: &Pubkey, agent: &Pubkey, budget_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[exchange::seeds::BUDGET, owner.as_ref(), agent.as_ref(), &budget_id.to_le_bytes()],
        &exchange::ID,
    )
}

/// The coalition `coalition_id` led by the registry agent `lead`.
pub fn coalition(lead: &Pubkey, coalition_id: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[exchange::seeds::COALITION, lead.as_ref(), &coalition_id.to_le_bytes()],
        &exchange::ID,
    )
}

/// The vault (token account) of `budget`.
pub fn budget_vault(budget: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::BUDGET_VAULT, budget.as_ref()], &exchange::ID)
}

/// The escrow token account of `intent` when the exchange creates it (`intent_create` given an
/// empty account): the PDA `[ESCROW, intent]`. An intent whose requester created its escrow
/// ([`escrow_with_seed`]) records that one: `Intent::escrow` is always the escrow's address.
pub fn escrow(intent: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::ESCROW, intent.as_ref()], &exchange::ID)
}

/// The escrow of `intent` as the SDK creates it for `requester` (`ix::exchange::escrow_create`):
/// the address of `requester` and `agx_core::address::escrow_seed` for `token_program`.
pub fn escrow_with_seed(requester: &Pubkey, intent: &Pubkey, token_program: &Pubkey) -> Pubkey {
    with_seed(requester, &agx_core::address::escrow_seed(&intent.to_bytes()), token_program)
}

/// The bid of `agent` (a registry agent or a coalition) on `intent` in auction `round` (0 until
/// a re-auction), whose authority `bidder` signs it: the address of `bidder` and
/// `agx_core::address::bid_seed` for the exchange, one per bidder, intent and round.
pub fn bid(bidder: &Pubkey, intent: &Pubkey, agent: &Pubkey, round: u8) -> Pubkey {
    with_seed(bidder, &bid_seed(intent, agent, round), &exchange::ID)
}

/// The seed of [`bid`]'s address (`agx_core::address::bid_seed`), which creating the account
/// names too.
pub fn bid_seed(intent: &Pubkey, agent: &Pubkey, round: u8) -> [u8; agx_core::address::SEED_LEN] {
    agx_core::address::bid_seed::<agx_core::commitment::SoftwareSha256>(
        &intent.to_bytes(),
        &agent.to_bytes(),
        round,
    )
}

/// `create_account_with_seed`'s address for one of `agx_core::address`'s seeds.
pub fn with_seed(base: &Pubkey, seed: &[u8; agx_core::address::SEED_LEN], owner: &Pubkey) -> Pubkey {
    Pubkey::from(agx_core::address::with_seed::<agx_core::commitment::SoftwareSha256>(
        &base.to_bytes(),
        seed,
        &owner.to_bytes(),
    ))
}

/// The exchange's fee vault for `mint` (of token program `program`): the exchange authority's
/// associated token account, where reputation fees are paid (the program accepts any token
/// account of the mint owned by the authority; this is the one the SDK creates and uses).
pub fn fee_vault(mint: &Pubkey, program: &Pubkey) -> Pubkey {
    crate::token::associated_address(&exchange_authority().0, mint, program)
}

/// The BPF upgradeable loader's ProgramData account of `program`.
pub fn program_data(program: &Pubkey) -> Pubkey {
    solana_loader_v3_interface::get_program_data_address(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeded addresses are the system program's `create_account_with_seed` addresses of
    /// their seeds as text: what the runtime computes when the account is created.
    #[test]
    fn seeded_addresses_are_the_system_programs() {
        let (requester, intent, agent) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let text = |seed: &[u8; 32]| std::str::from_utf8(seed).unwrap().to_string();
        let seed = agx_core::address::bid_seed::<agx_core::commitment::SoftwareSha256>(
            &intent.to_bytes(),
            &agent.to_bytes(),
            2,
        );
        assert_eq!(
            bid(&requester, &intent, &agent, 2),
            Pubkey::create_with_seed(&requester, &text(&seed), &exchange::ID).unwrap()
        );
        let seed = agx_core::address::escrow_seed(&intent.to_bytes());
        let program = anchor_spl::token::ID;
        assert_eq!(
            escrow_with_seed(&requester, &intent, &program),
            Pubkey::create_with_seed(&requester, &text(&seed), &program).unwrap()
        );
        assert_eq!(
            requester_state(&requester),
            Pubkey::create_with_seed(&requester, "agx-exchange-requester-record-v1", &exchange::ID).unwrap()
        );
    }
}
