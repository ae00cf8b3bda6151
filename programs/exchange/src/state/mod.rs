pub mod bid;
pub mod config;
pub mod intent;
mod stored_enum;

pub use bid::*;
pub use config::*;
pub use intent::*;
