//! `exchange` instructions.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use exchange::{accounts, instruction, ConfigInitArgs};

use crate::pda;

/// `exchange::config_init`, signed by the exchange's upgrade `authority`.
pub fn exchange_config_init(authority: Pubkey, admin: Pubkey) -> Instruction {
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
