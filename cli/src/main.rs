//! `agx`: the Agent Exchange command line.
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

mod chain;
mod commands;

#[derive(Parser)]
#[command(
    name = "agx",
    version,
    about = "Agent Exchange on Solana: run a localnet, initialise and inspect the programs"
)]
struct Cli {
    /// JSON-RPC endpoint of the cluster.
    #[arg(long, global = true, env = "AGX_URL", default_value = "http://127.0.0.1:8899")]
    url: String,
    /// Signer keypair file (for `init`: the programs' upgrade authority).
    #[arg(long, global = true, env = "AGX_KEYPAIR")]
    keypair: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a local validator with both programs, initialise both configs, and keep running.
    Localnet(commands::localnet::Args),
    /// Initialise both programs' configs on a cluster (signed by their upgrade authority).
    Init(commands::init::Args),
    /// Show the programs and their configs on a cluster.
    Status,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Localnet(args) => commands::localnet::run(args, cli.keypair),
        Command::Init(args) => commands::init::run(args, &cli.url, cli.keypair),
        Command::Status => commands::status::run(&cli.url),
    }
}
