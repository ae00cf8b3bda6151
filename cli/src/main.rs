//! `agx`: the Agent Exchange command line.
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

mod chain;
mod commands;

#[derive(Parser)]
#[command(
    name = "agx",
    version,
    about = "Agent Exchange on Solana: run the demo market, a localnet, initialise and inspect the programs"
)]
struct Cli {
    /// JSON-RPC endpoint or moniker (localhost, devnet, testnet, mainnet-beta); default: the
    /// Solana CLI config's, else localhost. `agx demo` runs on the embedded chain without it.
    #[arg(long, short = 'u', global = true, env = "AGX_URL")]
    url: Option<String>,
    /// Signer keypair file (for `init`: the programs' upgrade authority).
    #[arg(long, short = 'k', global = true, env = "AGX_KEYPAIR")]
    keypair: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, env = "AGX_OUTPUT", value_enum, default_value_t = Format::Text)]
    output: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Where a command's output goes: progress to stdout as text, or to stderr when the result is
/// JSON (stdout then holds the one JSON document).
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub format: Format,
}

impl Output {
    pub fn progress(&self, line: &str) {
        match self.format {
            Format::Text => println!("{line}"),
            Format::Json => eprintln!("{line}"),
        }
    }

    pub fn result(&self, text: &str, json: &serde_json::Value) {
        match self.format {
            Format::Text => print!("{text}"),
            Format::Json => println!("{json}"),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run a small market to its end: agents bid, deliver and fail over, the keeper cranks; on
    /// the embedded chain unless --validator or --url.
    Demo(commands::demo::Args),
    /// Start a local validator with both programs, initialise both configs, and keep running.
    Localnet(commands::localnet::Args),
    /// Initialise both programs' configs on a cluster (signed by their upgrade authority).
    Init(commands::init::Args),
    /// Show the programs and their configs on a cluster.
    Status,
}

fn main() {
    let cli = Cli::parse();
    let out = Output { format: cli.output };
    if let Err(e) = run(cli, out) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli, out: Output) -> Result<()> {
    match cli.command {
        Command::Demo(args) => commands::demo::run(args, cli.url, cli.keypair, out),
        Command::Localnet(args) => commands::localnet::run(args, cli.keypair),
        Command::Init(args) => commands::init::run(args, &chain::url(cli.url), cli.keypair),
        Command::Status => commands::status::run(&chain::url(cli.url)),
    }
}
