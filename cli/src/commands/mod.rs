pub mod demo;
pub mod init;
pub mod localnet;
pub mod status;
