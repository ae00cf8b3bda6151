//! Instruction builders. Account lists come from the programs' own `#[derive(Accounts)]`
//! structs (`ToAccountMetas`), data from their instruction structs (`InstructionData`), so a
//! builder cannot drift from the program it targets.
pub mod exchange;
pub mod registry;

pub use exchange::{default_config_args, exchange_config_init};
pub use registry::registry_config_init;
