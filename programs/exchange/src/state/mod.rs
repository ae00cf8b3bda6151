pub mod bid;
pub mod config;
pub mod intent;
mod stored_enum;
#[cfg(test)]
mod terminal_paths;

pub use bid::*;
pub use config::*;
pub use intent::*;
