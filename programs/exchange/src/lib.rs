//! Exchange: the intent book, auctions, escrow, settlement and failover.
//!
//! This file is the table of contents: one line of doc and one delegation per instruction.
//! Rules live next to each instruction in `instructions/`.
#![deny(clippy::arithmetic_side_effects)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod error;
pub mod events;
pub mod instructions;
pub mod seeds;
pub mod state;

pub use instructions::*;

declare_id!("6pgSYiUmiZZYAfMECdspJhhPfY8Di7fWGExWmREDr6Pe");

#[program]
pub mod exchange {
    use super::*;

    /// Creates the exchange's config PDA. Only the program's upgrade authority may call it, once.
    #[access_control(ctx.accounts.validate())]
    pub fn config_init(ctx: Context<ConfigInit>, args: ConfigInitArgs) -> Result<()> {
        ConfigInit::handler(ctx, args)
    }
}
