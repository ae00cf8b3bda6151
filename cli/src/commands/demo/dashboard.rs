//! `agx demo --web`: the live dashboard of the run, served from its own thread while the market
//! runs (`agx web`'s server, reading the index the run fills).
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::{anyhow, Context, Result};

use crate::Output;

pub struct Dashboard {
    at: SocketAddr,
    server: JoinHandle<Result<()>>,
}

impl Dashboard {
    /// Serves the index at `target` on `listen`; returns once the server is listening.
    pub fn start(target: &str, listen: SocketAddr, out: Output) -> Result<Self> {
        let db = agx_index::open(target).with_context(|| format!("open the index {target}"))?;
        let (bound, at) = mpsc::channel();
        let target = target.to_owned();
        let server = std::thread::Builder::new().name("dashboard".into()).spawn(move || -> Result<()> {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::bind(listen).await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = bound.send(Err(anyhow!("listen on {listen}: {e}")));
                        return Ok(());
                    }
                };
                let _ = bound.send(listener.local_addr().map_err(Into::into));
                agx_index::web::serve(listener, db, std::future::pending()).await.context("serve")
            })
        })?;
        let at = at.recv().map_err(|_| anyhow!("the dashboard's server stopped at start"))??;
        out.progress(&format!("dashboard of the run at http://{at}/ (index: {target})"));
        Ok(Self { at, server })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.at)
    }

    /// Serves until the process is stopped (Ctrl-C).
    pub fn wait(self) {
        let _ = self.server.join();
    }
}
