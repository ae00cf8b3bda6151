pub mod agent;
pub mod agent_ledger;
pub mod agent_view;
pub mod config;
pub mod offers;

pub use agent::*;
pub use agent_ledger::*;
pub use agent_view::*;
pub use config::*;
pub use offers::*;
