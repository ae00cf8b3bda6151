pub mod bid;
pub mod config;
pub mod intent;

pub use bid::*;
pub use config::*;
pub use intent::*;
