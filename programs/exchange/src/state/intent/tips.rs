//! Crank tips (`agx_core::tip`).
use anchor_lang::prelude::*;

use super::Intent;
use crate::error::ExchangeError;

impl Intent {
    /// Cranks an intent's tip pool pays for besides failovers (`agx_core::tip`).
    pub const TIPPED_CRANKS: u64 = agx_core::tip::TIPPED_CRANKS;

    /// The lamports a requester deposits for tips: one per crank the intent may need.
    pub fn tip_pool_for(tip_per_crank: u64, max_failovers: u8) -> Result<u64> {
        agx_core::tip::pool_for(tip_per_crank, max_failovers)
            .map_err(|_| error!(ExchangeError::ArithmeticOverflow))
    }

    /// The tip for one crank: `tip_per_crank`, or what is left of the pool.
    pub fn take_tip(&mut self) -> u64 {
        let (tip, left) = agx_core::tip::take(self.tip_per_crank, self.tip_pool);
        self.tip_pool = left;
        tip
    }
}
