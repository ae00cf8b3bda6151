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

/// What the exchange remembers of `requester` (its next intent id).
pub fn requester_state(requester: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::REQUESTER, requester.as_ref()], &exchange::ID)
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

/// The escrow token account of `intent`.
pub fn escrow(intent: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[exchange::seeds::ESCROW, intent.as_ref()], &exchange::ID)
}

/// The bid of `agent` (registry agent account) on `intent` in auction `round` (0 until a
/// re-auction).
pub fn bid(intent: &Pubkey, agent: &Pubkey, round: u8) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[exchange::seeds::BID, intent.as_ref(), agent.as_ref(), &[round]],
        &exchange::ID,
    )
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
