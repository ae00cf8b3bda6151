pub mod bid;
pub mod budget;
pub mod coalition;
pub mod config;
pub mod intent;
#[cfg(test)]
mod intent_machine;
pub mod requester;
mod stored_enum;
#[cfg(test)]
mod terminal_paths;

pub use bid::*;
pub use budget::*;
pub use coalition::*;
pub use config::*;
pub use intent::*;
pub use requester::*;
