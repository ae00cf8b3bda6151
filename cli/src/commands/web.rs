//! `agx web`: the index's JSON API over HTTP (issue 26): the queries of `agx index`, paginated,
//! a bad parameter answered 400 with a message that names it, an unknown address 404, and the
//! OpenAPI document at `/api/openapi.json`. Read-only: it signs nothing.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use agx_index::query::{self, IntentFilter, Page};
use anyhow::{Context, Result};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

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

/// The OpenAPI document of the API.
pub const OPENAPI: &str = include_str!("../../../index/api/openapi.json");

type Db = Arc<Mutex<Box<dyn agx_index::Db + Send>>>;

/// The index, for one request.
fn lock(db: &Db) -> Result<std::sync::MutexGuard<'_, Box<dyn agx_index::Db + Send>>, agx_index::Error> {
    db.lock().map_err(|_| agx_index::Error::Query("the index is unavailable".into()))
}

/// An answer: the query's JSON, or the error with its status.
fn answer(result: Result<Option<Value>, agx_index::Error>, what: &str) -> Response {
    match result {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => {
            (StatusCode::NOT_FOUND, Json(json!({"error": format!("no {what} in the index")}))).into_response()
        }
        Err(agx_index::Error::Query(message)) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

/// A query parameter that must be an integer (`limit`, `offset`, `capability`).
fn int(
    params: &std::collections::HashMap<String, String>,
    name: &str,
) -> Result<Option<i64>, agx_index::Error> {
    params
        .get(name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| agx_index::Error::Query(format!("{name} must be an integer, got '{v}'")))
        })
        .transpose()
}

fn page(params: &std::collections::HashMap<String, String>) -> Result<Page, agx_index::Error> {
    Page::new(int(params, "limit")?, int(params, "offset")?)
}

async fn intents(
    State(db): State<Db>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let capability = int(&params, "capability")?
            .map(|c| {
                u64::try_from(c)
                    .map_err(|_| agx_index::Error::Query(format!("capability must be 0 or more, got {c}")))
            })
            .transpose()?;
        let filter = IntentFilter { status: params.get("status").cloned(), capability };
        let db = lock(&db)?;
        query::intents(&*db, &filter, page(&params)?).map(Some)
    })();
    answer(result, "intents")
}

async fn intent(State(db): State<Db>, Path(address): Path<String>) -> Response {
    let result = db
        .lock()
        .map_err(|_| agx_index::Error::Query("the index is unavailable".into()))
        .and_then(|db| query::intent(&*db, &address));
    answer(result, &format!("intent {address}"))
}

async fn agents(
    State(db): State<Db>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let db = lock(&db)?;
        query::agents(&*db, page(&params)?).map(Some)
    })();
    answer(result, "agents")
}

async fn agent_history(
    State(db): State<Db>,
    Path(address): Path<String>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let result = (|| {
        let db = lock(&db)?;
        query::agent_history(&*db, &address, page(&params)?)
    })();
    answer(result, &format!("agent {address}"))
}

async fn stats(State(db): State<Db>) -> Response {
    let result = db
        .lock()
        .map_err(|_| agx_index::Error::Query("the index is unavailable".into()))
        .and_then(|db| query::stats(&*db).map(Some));
    answer(result, "statistics")
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The API's routes over the index `db`.
pub fn router(db: Box<dyn agx_index::Db + Send>) -> Router {
    Router::new()
        .route("/api/intents", get(intents))
        .route("/api/intents/{address}", get(intent))
        .route("/api/agents", get(agents))
        .route("/api/agents/{address}/history", get(agent_history))
        .route("/api/stats", get(stats))
        .route("/api/openapi.json", get(openapi))
        .fallback(|| async {
            (StatusCode::NOT_FOUND, Json(json!({"error": "no such route: see /api/openapi.json"})))
        })
        .with_state(Arc::new(Mutex::new(db)))
}

pub fn run(args: Args, out: Output) -> Result<()> {
    let db = super::index::open(&args.database)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listen on {}", args.listen))?;
        let at = listener.local_addr()?;
        out.progress(&format!(
            "serving the index {} at http://{at}/api (OpenAPI: http://{at}/api/openapi.json)",
            args.database
        ));
        axum::serve(listener, router(db))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serve")
    })
}
