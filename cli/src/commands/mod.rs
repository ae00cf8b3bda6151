pub mod init;
pub mod localnet;
pub mod status;
