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
    about = "Agent Exchange on Solana: run the demo market or a localnet; keys, SOL and tokens for it; agents, bids, intents and the keeper by hand; the programs' settings"
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
    /// Agents: list by capability and reputation, show one's record.
    #[command(subcommand)]
    Agent(commands::agent::Command),
    /// Bids by hand: commit (salt saved first), reveal, place.
    #[command(subcommand)]
    Bid(commands::bid::Command),
    /// Results: submit the result of a job your agent holds.
    #[command(subcommand)]
    Result(commands::bid::ResultCommand),
    /// Intents: list, show, verify, children; post (from a wallet or a budget, as a part of a
    /// job), accept, dispute, cancel, claim.
    #[command(subcommand)]
    Intent(commands::intent::Command),
    /// Budgets an owner gives an agent: create, fund, revoke, close, show, list; the agent pays
    /// from one with `pay`.
    #[command(subcommand)]
    Budget(commands::budget::Command),
    /// Direct hire: offer a job to one agent at a fixed price; the agent accepts or declines.
    #[command(subcommand)]
    Hire(commands::hire::Command),
    /// Coalitions: agents that bid as one. create, accept, leave, update, dissolve, show, list;
    /// complements finds agents that complete a set of capabilities.
    #[command(subcommand)]
    Coalition(commands::coalition::Command),
    /// Run the keeper (every crank the protocol needs) until Ctrl-C; `agx keeper --help` lists
    /// its flags.
    #[command(disable_help_flag = true)]
    Keeper(commands::keeper::Args),
    /// Both programs' events, live (reconnecting); one JSON object per line with --output json.
    Watch(commands::watch::Args),
    /// The market's memory: query an index of both programs' events (`agx demo --index FILE`
    /// fills one): intents, bids and their scores, agents over time, market statistics.
    #[command(subcommand)]
    Index(commands::index::Command),
    /// Serve an index's JSON API over HTTP (read-only; OpenAPI at /api/openapi.json).
    Web(commands::web::Args),
    /// The market as tools for language-model agents, over the Model Context Protocol on stdio
    /// (first slice: read-only tools).
    Mcp(commands::mcp::Args),
    /// Start a local validator with both programs, initialise both configs, and keep running.
    Localnet(commands::localnet::Args),
    /// Initialise both programs' configs on a cluster (signed by their upgrade authority).
    Init(commands::init::Args),
    /// Show the programs and their configs on a cluster.
    Status(commands::status::Args),
    /// SOL and token balances of a key (default: the signer): the stake and payment mints, or
    /// --mint.
    Balance(commands::keys::BalanceArgs),
    /// Both programs' settings: show, update, hand the admin over, pause.
    #[command(subcommand)]
    Admin(commands::admin::Command),
    /// Write a new keypair file (owner-only), like `solana-keygen new`.
    Keygen(commands::keys::KeygenArgs),
    /// Ask the cluster's faucet for SOL (localnets, devnet and testnet).
    Airdrop(commands::keys::AirdropArgs),
    /// Mint tokens of a mint you are the authority of (a localnet's stake and payment mints).
    Faucet(commands::keys::FaucetArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let out = Output { format: cli.output };
    if let Command::Keeper(args) = cli.command {
        return commands::keeper::run(args, cli.url, cli.keypair);
    }
    if let Err(e) = run(cli, out) {
        eprintln!("error: {e:#}");
        if let Some(hint) = hint(&format!("{e:#}")) {
            eprintln!("hint: {hint}");
        }
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

/// What to do about a raw error the runtime or the transport gave (they name neither the cause
/// nor the fix).
fn hint(error: &str) -> Option<&'static str> {
    let has = |s: &str| error.contains(s);
    if has("found no record of a prior credit") || has("insufficient funds for fee") {
        Some("the key paying for the transaction (--keypair) has no SOL on this cluster: `agx airdrop 1` on a localnet, devnet or testnet, or send it some")
    } else if has("insufficient funds for rent") || has("insufficient lamports") {
        Some("the paying key (--keypair) has too little SOL for the accounts this creates: `agx airdrop 1` on a localnet, devnet or testnet")
    } else if has("error sending request") || has("Connection refused") || has("tcp connect error") {
        Some("the cluster does not answer at this --url: is it running (`agx localnet`)? is the URL right?")
    } else if has("MissingSigner") || has("must be signed by") {
        Some("pass --keypair for the key named above")
    } else {
        None
    }
}

fn run(cli: Cli, out: Output) -> Result<()> {
    match cli.command {
        Command::Demo(args) => commands::demo::run(args, cli.url, cli.keypair, out),
        Command::Agent(c) => commands::agent::run(c, cli.url, cli.keypair, out),
        Command::Bid(c) => commands::bid::run(c, cli.url, cli.keypair, out),
        Command::Result(commands::bid::ResultCommand::Submit(a)) => {
            commands::bid::run(commands::bid::Command::Submit(a), cli.url, cli.keypair, out)
        }
        Command::Intent(c) => commands::intent::run(c, cli.url, cli.keypair, out),
        Command::Budget(c) => commands::budget::run(c, cli.url, cli.keypair, out),
        Command::Coalition(c) => commands::coalition::run(c, cli.url, cli.keypair, out),
        Command::Hire(c) => commands::hire::run(c, cli.url, cli.keypair, out),
        Command::Watch(args) => commands::watch::run(args, cli.url, out),
        Command::Index(c) => commands::index::run(c, cli.url, out),
        Command::Web(args) => commands::web::run(args, out),
        Command::Mcp(args) => commands::mcp::run(args, cli.url, cli.keypair),
        Command::Keeper(_) => unreachable!("handled before"),
        Command::Localnet(args) => commands::localnet::run(args, cli.keypair, out),
        Command::Init(args) => commands::init::run(args, &chain::url(cli.url)?, cli.keypair, out),
        Command::Status(args) => commands::status::run(args, &chain::url(cli.url)?, out),
        Command::Balance(args) => commands::keys::balance(args, cli.url, cli.keypair, out),
        Command::Admin(c) => commands::admin::run(c, cli.url, cli.keypair, out),
        Command::Keygen(args) => commands::keys::keygen(args, out),
        Command::Airdrop(args) => commands::keys::airdrop(args, cli.url, cli.keypair, out),
        Command::Faucet(args) => commands::keys::faucet(args, cli.url, cli.keypair, out),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every subcommand says what it is (and its unit, where it has one): a
    /// new user found ~36 without any help.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "agx", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }
}
