//! Token accounts read in place (`agent_registry::token_view`): the owner and mint checks of the
//! payout and refund accounts, without decoding them (~1,350 CU each).
use anchor_lang::prelude::*;

pub use agent_registry::token_view::TokenAccountView;

use crate::error::ExchangeError;

/// Reads an initialized SPL Token or Token-2022 token account (`TokenAccountInvalid` otherwise).
pub fn read(info: &AccountInfo) -> Result<TokenAccountView> {
    agent_registry::token_view::read(info).ok_or_else(|| error!(ExchangeError::TokenAccountInvalid))
}
