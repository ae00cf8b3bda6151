//! The keeper's command line (`agx-keeper`, and `agx keeper`): runs until SIGINT or SIGTERM.
//! Bad settings (flags, env, config file, an unreachable cluster, a missing keypair) print one
//! line and exit with code 2.
use std::process::ExitCode;

use tokio::sync::watch;
use tracing::info;

use crate::config::{Args, CliDefaults};
use crate::service::Keeper;

/// Runs the keeper with `args` (already parsed) and returns the process's exit code.
pub fn run(args: Args) -> ExitCode {
    let json = args.log_json;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Logs on stderr; stdout carries only the totals printed at exit.
    if json {
        tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    } else {
        // Colour only on a terminal: a log file or a pipe gets plain text.
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        tracing_subscriber::fmt().with_ansi(ansi).with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let config = match args.resolve(&CliDefaults::load()) {
        Ok(config) => config,
        Err(e) => return bad_config(&e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let keeper = match Keeper::start(config).await {
            Ok(k) => k,
            Err(e) => return bad_config(&e),
        };
        if let Some(addr) = keeper.metrics_addr() {
            info!(%addr, "serving /metrics");
        }
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(async move {
            wait_for_signal().await;
            info!("signal received: finishing in-flight cranks");
            let _ = stop.send(true);
        });
        let summary = keeper.run(stopped).await;
        println!("{summary}");
        ExitCode::SUCCESS
    })
}

fn bad_config(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
