pub mod agent;
pub mod config;

pub use agent::*;
pub use config::*;
