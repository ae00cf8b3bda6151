//! `agx web`: the index's JSON API and its live dashboard over HTTP (issue 26; the routes are
//! `agx_index::web`'s). Read-only: it signs nothing.
use std::net::SocketAddr;

use anyhow::{Context, Result};

use crate::Output;

#[derive(clap::Args)]
pub struct Args {
    /// The index: a SQLite file (`agx demo --index FILE` or `agx index follow` fills one), or a
    /// PostgreSQL connection string (postgres://...).
    #[arg(long)]
    database: String,
    /// Address to serve on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
}

/// Binds `listen` and serves the index at `database` until `shutdown` resolves, telling `out`
/// where (the first line on stderr names the URL).
pub async fn serve(
    database: &str,
    listen: SocketAddr,
    out: &Output,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let db = super::index::open(database)?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listen on {listen}"))?;
    let at = listener.local_addr()?;
    out.progress(&format!(
        "dashboard of the index {database} at http://{at}/ (API: http://{at}/api/openapi.json)"
    ));
    agx_index::web::serve(listener, db, shutdown).await.context("serve")
}

pub fn run(args: Args, out: Output) -> Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(&args.database, args.listen, &out, async {
        let _ = tokio::signal::ctrl_c().await;
    }))
}
