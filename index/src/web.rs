//! The index over HTTP (`agx web`, `agx demo --web`): the JSON API, the live dashboard page and
//! the event stream that moves it. Read-only: nothing here signs or sends a transaction.
//!
//! - `/api/...`: the queries of [`crate::query`] and [`crate::verify`], paginated; a bad
//!   parameter is a 400 whose message names it, an unknown address a 404; the OpenAPI document
//!   at `/api/openapi.json`.
//! - `/api/stream`: Server-Sent Events, one `head` event (`{"slot", "seq"}`) each time new events
//!   land in the index (it is polled every [`POLL`]; the writer may be another process).
//! - `/`: the dashboard (`index/web/`: plain HTML, CSS and JavaScript, no build step, no CDN),
//!   which reloads what it shows on each `head`.
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::query::{self, IntentFilter, Page};
use crate::{Db, Error};

/// The OpenAPI document of the API.
pub const OPENAPI: &str = include_str!("../api/openapi.json");
const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/app.js");
const STYLE: &str = include_str!("../web/style.css");

/// How often the stream looks for new events.
pub const POLL: Duration = Duration::from_millis(200);

type Shared = Arc<Mutex<Box<dyn Db + Send>>>;

#[derive(Clone)]
struct App {
    db: Shared,
    head: watch::Receiver<Value>,
    /// The market's statistics at a head: they scan whole tables, and the page asks for them
    /// on every new event, so they are computed once per head.
    stats: Arc<Mutex<Option<(Value, Value)>>>,
}

/// Runs `f` on the index off the async workers (a query may take milliseconds).
async fn with_db<T: Send + 'static>(
    db: &Shared,
    f: impl FnOnce(&dyn Db) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let db = db.lock().map_err(|_| Error::Query("the index is unavailable".into()))?;
        f(&**db)
    })
    .await
    .map_err(|e| Error::Query(format!("the query stopped: {e}")))?
}

/// An answer: the query's JSON, or the error with its status.
fn answer(result: Result<Option<Value>, Error>, what: &str) -> Response {
    match result {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => {
            (StatusCode::NOT_FOUND, Json(json!({"error": format!("no {what} in the index")}))).into_response()
        }
        Err(Error::Query(message)) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

type Params = HashMap<String, String>;

/// A query parameter that must be an integer (`limit`, `offset`, `capability`).
fn int(params: &Params, name: &str) -> Result<Option<i64>, Error> {
    params
        .get(name)
        .map(|v| v.parse::<i64>().map_err(|_| Error::Query(format!("{name} must be an integer, got '{v}'"))))
        .transpose()
}

fn page(params: &Params) -> Result<Page, Error> {
    Page::new(int(params, "limit")?, int(params, "offset")?)
}

async fn intents(State(app): State<App>, Query(params): Query<Params>) -> Response {
    let parsed = (|| {
        let capability = int(&params, "capability")?
            .map(|c| {
                u64::try_from(c).map_err(|_| Error::Query(format!("capability must be 0 or more, got {c}")))
            })
            .transpose()?;
        Ok((IntentFilter { status: params.get("status").cloned(), capability }, page(&params)?))
    })();
    let result = match parsed {
        Ok((filter, page)) => with_db(&app.db, move |db| query::intents(db, &filter, page).map(Some)).await,
        Err(e) => Err(e),
    };
    answer(result, "intents")
}

async fn intent(State(app): State<App>, Path(address): Path<String>) -> Response {
    let what = format!("intent {address}");
    answer(with_db(&app.db, move |db| query::intent(db, &address)).await, &what)
}

async fn verify(State(app): State<App>, Path(address): Path<String>) -> Response {
    let what = format!("intent {address}");
    answer(with_db(&app.db, move |db| crate::verify::verify(db, &address)).await, &what)
}

async fn agents(State(app): State<App>, Query(params): Query<Params>) -> Response {
    let result = match page(&params) {
        Ok(page) => with_db(&app.db, move |db| query::agents(db, page).map(Some)).await,
        Err(e) => Err(e),
    };
    answer(result, "agents")
}

async fn agent_history(
    State(app): State<App>,
    Path(address): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    let what = format!("agent {address}");
    let result = match page(&params) {
        Ok(page) => with_db(&app.db, move |db| query::agent_history(db, &address, page)).await,
        Err(e) => Err(e),
    };
    answer(result, &what)
}

async fn cranks(State(app): State<App>, Query(params): Query<Params>) -> Response {
    let result = match page(&params) {
        Ok(page) => with_db(&app.db, move |db| query::cranks(db, page).map(Some)).await,
        Err(e) => Err(e),
    };
    answer(result, "cranks")
}

async fn stats(State(app): State<App>) -> Response {
    let now = app.head.borrow().clone();
    let cached =
        app.stats.lock().ok().and_then(|c| c.as_ref().filter(|(at, _)| *at == now).map(|(_, s)| s.clone()));
    if let Some(stats) = cached {
        return Json(stats).into_response();
    }
    let result = with_db(&app.db, |db| query::stats(db)).await;
    if let (Ok(stats), Ok(mut cache)) = (&result, app.stats.lock()) {
        *cache = Some((now, stats.clone()));
    }
    answer(result.map(Some), "statistics")
}

async fn last(State(app): State<App>) -> Response {
    Json(app.head.borrow().clone()).into_response()
}

/// One `head` event now, then one each time the index grows.
async fn stream(State(app): State<App>) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let mut head = app.head.clone();
    head.mark_changed();
    let events = futures_util::stream::unfold(head, |mut head| async move {
        head.changed().await.ok()?;
        let value = head.borrow_and_update().clone();
        Some((Ok(Event::default().event("head").data(value.to_string())), head))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// The API, the stream and the page over the index `db`. Spawns the task that watches the
/// index for new events: call inside a Tokio runtime.
pub fn router(db: Box<dyn Db + Send>) -> Router {
    let db: Shared = Arc::new(Mutex::new(db));
    let (tell, head) = watch::channel(json!({"slot": null, "seq": null}));
    let watched = db.clone();
    tokio::spawn(async move {
        loop {
            if let Ok(now) = with_db(&watched, |db| query::head(db)).await {
                tell.send_if_modified(|last| {
                    let changed = *last != now;
                    *last = now;
                    changed
                });
            }
            if tell.is_closed() {
                break;
            }
            tokio::time::sleep(POLL).await;
        }
    });
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", PAGE) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/style.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
        .route("/api/intents", get(intents))
        .route("/api/intents/{address}", get(intent))
        .route("/api/intents/{address}/verify", get(verify))
        .route("/api/agents", get(agents))
        .route("/api/agents/{address}/history", get(agent_history))
        .route("/api/cranks", get(cranks))
        .route("/api/stats", get(stats))
        .route("/api/head", get(last))
        .route("/api/stream", get(stream))
        .route("/api/openapi.json", get(|| async { asset("application/json", OPENAPI) }))
        .fallback(|| async {
            (StatusCode::NOT_FOUND, Json(json!({"error": "no such route: see /api/openapi.json"})))
        })
        .with_state(App { db, head, stats: Arc::new(Mutex::new(None)) })
}

/// Serves `db` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: Box<dyn Db + Send>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(db)).with_graceful_shutdown(shutdown).await
}
