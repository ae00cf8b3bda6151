pub mod config_init;

pub use config_init::*;
