pub mod agent;
pub mod demo;
pub mod init;
pub mod intent;
pub mod keeper;
pub mod localnet;
pub mod status;
pub mod watch;
