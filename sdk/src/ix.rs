//! Instruction builders. Account lists come from the programs' own `#[derive(Accounts)]`
//! structs (`ToAccountMetas`), data from their instruction structs (`InstructionData`), so a
//! builder cannot drift from the program it targets.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};

use crate::pda;

/// `agent_registry::config_init`, signed by the registry's upgrade `authority`.
pub fn registry_config_init(authority: Pubkey, admin: Pubkey) -> Instruction {
    use agent_registry::{accounts, instruction, ConfigInitArgs};
    Instruction {
        program_id: agent_registry::ID,
        accounts: accounts::ConfigInit {
            authority,
            config: pda::registry_config().0,
            program: agent_registry::ID,
            program_data: pda::program_data(&agent_registry::ID),
            system_program: system_program::ID,
        }
        .to_account_metas(None),
        data: instruction::ConfigInit { args: ConfigInitArgs { admin } }.data(),
    }
}

/// `exchange::config_init`, signed by the exchange's upgrade `authority`.
pub fn exchange_config_init(authority: Pubkey, admin: Pubkey) -> Instruction {
    use exchange::{accounts, instruction, ConfigInitArgs};
    Instruction {
        program_id: exchange::ID,
        accounts: accounts::ConfigInit {
            authority,
            config: pda::exchange_config().0,
            program: exchange::ID,
            program_data: pda::program_data(&exchange::ID),
            system_program: system_program::ID,
        }
        .to_account_metas(None),
        data: instruction::ConfigInit { args: ConfigInitArgs { admin } }.data(),
    }
}
