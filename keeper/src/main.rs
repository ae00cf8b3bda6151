//! `agx-keeper`: runs the keeper until SIGINT or SIGTERM. Bad settings (flags, env, config file,
//! an unreachable cluster, a missing keypair) print one line and exit with code 2.
use std::process::ExitCode;

use agx_keeper::config::Args;
use clap::Parser;

fn main() -> ExitCode {
    agx_keeper::cli::run(Args::parse())
}
