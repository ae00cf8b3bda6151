//! Exchange errors. Append-only: codes are part of the public interface; never reorder or remove.
use anchor_lang::prelude::*;

#[error_code]
pub enum ExchangeError {
    /// 6000
    #[msg("config_init: the config account is already initialised; it can be created only once")]
    ConfigAlreadyInitialized,
    /// 6001
    #[msg("config_init: the signer is not the program's upgrade authority")]
    ConfigInitNotUpgradeAuthority,
    /// 6002
    #[msg("config_init: program_data is not this program's ProgramData account")]
    ConfigInitWrongProgramData,
    /// 6003
    #[msg("config: the admin must not be the default (all-zero) public key")]
    ConfigAdminIsDefault,
    /// 6004
    #[msg("config: the layout version is not one this program knows")]
    ConfigVersionUnknown,
}
