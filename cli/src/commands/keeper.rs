//! `agx keeper`: the keeper service (`agx-keeper`), with agx's --url and --keypair passed on.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Everything after `agx keeper` goes to the keeper (see `agx keeper --help`).
#[derive(clap::Args)]
pub struct Args {
    /// The keeper's flags (`agx keeper --help` lists them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

pub fn run(args: Args, url: Option<String>, keypair: Option<PathBuf>) -> ExitCode {
    let mut argv = vec!["agx keeper".to_string()];
    if let Some(url) = url {
        argv.extend(["--url".into(), url]);
    }
    if let Some(k) = keypair {
        argv.extend(["--keypair".into(), k.display().to_string()]);
    }
    argv.extend(args.rest);
    match agx_keeper::config::Args::try_parse_from(argv) {
        Ok(parsed) => agx_keeper::cli::run(parsed),
        Err(e) => {
            let _ = e.print();
            // 0 for --help and --version, 2 for bad usage.
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}
