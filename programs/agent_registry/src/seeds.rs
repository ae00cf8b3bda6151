//! Every PDA seed of the registry, in one place. The SDK derives addresses from these constants.

/// `[CONFIG]`: the registry's single config account.
pub const CONFIG: &[u8] = b"config";
/// `[AGENT, authority]`: one agent per authority key.
pub const AGENT: &[u8] = b"agent";
/// `[STAKE_VAULT, agent]`: the agent's stake token account, owned by the agent PDA.
pub const STAKE_VAULT: &[u8] = b"stake-vault";
/// `[OFFERS, agent]`: the agent's standing offers.
pub const OFFERS: &[u8] = b"offers";

/// The config's address: `[CONFIG]` derived for this program id, as a constant so that every
/// instruction checks an address instead of re-deriving the PDA (~1,500 CU), and the IDL states
/// it for clients. `config_address_is_the_config_pda` derives it again.
pub const CONFIG_ADDRESS: anchor_lang::prelude::Pubkey =
    anchor_lang::pubkey!("9kgWY8TD6TaJi2sZyAgycgH4pbhMvqWrjkvGqCUk5eLM");

#[cfg(test)]
mod tests {
    use anchor_lang::prelude::Pubkey;

    #[test]
    fn config_address_is_the_config_pda() {
        assert_eq!(super::CONFIG_ADDRESS, Pubkey::find_program_address(&[super::CONFIG], &crate::ID).0);
    }
}
