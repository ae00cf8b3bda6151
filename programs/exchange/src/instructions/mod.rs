pub mod auction_settle;
pub mod bid_close;
pub mod bid_commit;
pub mod bid_place;
pub mod bid_reveal;
pub mod config_init;
pub mod intent_cancel;
pub mod intent_create;

pub use auction_settle::*;
pub use bid_close::*;
pub use bid_commit::*;
pub use bid_place::*;
pub use bid_reveal::*;
pub use config_init::*;
pub use intent_cancel::*;
pub use intent_create::*;
