//! `mirsad serve`: a JSON API, a server-rendered right-to-left Arabic web UI and Atom feeds over
//! the collection in one data directory.
//!
//! [`router`] builds the whole application as an axum [`Router`], so tests drive it with
//! `tower::ServiceExt::oneshot` without binding a port; [`serve`] binds a loopback address and
//! runs it until Ctrl-C or SIGTERM under the timeouts and connection cap of [`Limits`] (see
//! [`server`]). Request bodies are capped at [`BODY_LIMIT`], or [`INGEST_BODY_LIMIT`] when the
//! write endpoint is on; a panic in a handler is answered 500 and the server stays up.
//!
//! Everything shown comes from untrusted pages: HTML is produced only through maud (which
//! escapes every interpolated value), Atom only through quick-xml (which escapes text and
//! attributes), search snippets pass [`ui::safe_snippet`], and links to an article's own URL
//! are emitted only for `http`/`https` URLs. No page carries script; the Content-Security-Policy
//! forbids it.
//!
//! The store holds a rusqlite connection, which is not `Sync`: it sits behind a
//! `std::sync::Mutex` and every access runs on tokio's blocking pool.

#![recursion_limit = "256"]

mod api;
mod atom;
mod cache;
pub mod charts;
pub mod dates;
mod entity_pages;
pub mod export;
mod ingest;
mod openapi;
mod outlets;
mod sections;
pub mod server;
mod sources;
pub mod ui;
mod validate;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use mirsad_store::{Store, StoreError};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

pub use openapi::spec as openapi_spec;
pub use server::{serve_listener, Limits};

/// Largest request body accepted without `--token` (there is no write endpoint then).
pub const BODY_LIMIT: usize = 16 * 1024;
/// Largest request body accepted by `POST /api/ingest` (the only limit: axum's own default
/// body limit is off, so a bigger body is a 413 and a smaller one is read whole).
pub const INGEST_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Results per page in the UI and the default `limit` of the API.
pub const PAGE_SIZE: usize = 20;
/// Largest `limit` the API accepts.
pub const MAX_LIMIT: usize = 100;
/// Largest `offset` for search (ranked results are collected up to offset + limit).
pub const MAX_SEARCH_OFFSET: usize = 10_000;
/// Largest `offset` for the latest list.
pub const MAX_LIST_OFFSET: usize = 100_000_000;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Shared state of the application: the store and the optional ingest token.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    /// Store handles; the first is the only one that writes. Readers take any free one, so
    /// requests run in parallel up to the number of handles.
    stores: Vec<Mutex<Store>>,
    next: std::sync::atomic::AtomicUsize,
    token: Option<String>,
    cache: cache::PageCache,
    primary: Option<Arc<dyn Primary>>,
}

/// The collection's own store when the served store is a replica of it: on PostgreSQL the
/// server searches a local replica, while posted articles and the crawl's sources live in the
/// database (the replica takes the articles on its next sync; it has no sources of its own).
pub trait Primary: Send + Sync {
    /// Stores a batch (analysed as an ingest would); an error is the reason the client is
    /// told, with 503.
    fn put(&self, arts: &[mirsad_model::Article]) -> Result<mirsad_store::BatchSummary, String>;
    /// The sources `watch` follows, with their endpoints' state.
    fn sources(&self) -> Result<Vec<mirsad_store::Source>, String>;
}

impl AppState {
    /// A read-only application over `store` (no write endpoint).
    pub fn new(store: Store) -> AppState {
        AppState::with_token(store, None)
    }

    /// An application with `POST /api/ingest`, open to requests carrying
    /// `Authorization: Bearer TOKEN`. An empty token is refused (no write endpoint).
    pub fn with_token(store: Store, token: Option<String>) -> AppState {
        AppState::with_readers(store, Vec::new(), token)
    }

    /// Like [`AppState::with_token`], with more read-only handles on the same data directory
    /// (`Store::open` again) so that reads do not wait for each other.
    pub fn with_readers(store: Store, readers: Vec<Store>, token: Option<String>) -> AppState {
        let token = token.filter(|t| !t.is_empty());
        let cache = cache::PageCache::new(store.dir().to_path_buf());
        let stores = std::iter::once(store).chain(readers).map(Mutex::new).collect();
        AppState { inner: Arc::new(Inner { stores, next: Default::default(), token, cache, primary: None }) }
    }

    /// The same application computing every answer anew (no page cache). Call it before the
    /// state is shared (cloned): a shared state is returned unchanged.
    pub fn without_page_cache(mut self) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.cache.disable();
        }
        self
    }

    /// The same application serving a replica of `primary`: posted articles are written there
    /// and the sources are read from there. Call it before the state is shared (cloned): a
    /// shared state is returned unchanged.
    pub fn with_primary(mut self, primary: Arc<dyn Primary>) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.primary = Some(primary);
        }
        self
    }

    pub(crate) fn primary(&self) -> Option<Arc<dyn Primary>> {
        self.inner.primary.clone()
    }

    pub(crate) fn cache(&self) -> &cache::PageCache {
        &self.inner.cache
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }

    /// Runs `f` with the writing store handle on the blocking pool.
    pub(crate) async fn with_writer<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = inner.stores[0].lock().unwrap_or_else(|e| e.into_inner());
            f(&mut store)
        })
        .await
        .map_err(|e| Error::internal(format!("worker failed: {e}")))?
    }

    /// Runs `f` with a store handle for reading on the blocking pool.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            // Any free handle; else wait for the next one in turn. A panic while holding a lock
            // leaves the store as SQLite left it: still usable.
            let n = inner.stores.len();
            let start = inner.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % n;
            let free = (0..n).find_map(|i| inner.stores[(start + i) % n].try_lock().ok());
            let mut store = match free {
                Some(g) => g,
                None => inner.stores[start].lock().unwrap_or_else(|e| e.into_inner()),
            };
            f(&mut store)
        })
        .await
        .map_err(|e| Error::internal(format!("worker failed: {e}")))?
    }
}

/// An error answered to the client: a status and a message that is safe to show.
///
/// `message` is what the JSON API says (English, part of its contract); `arabic` is what a
/// page says, when the error has its own Arabic wording (else a page says what its status means).
#[derive(Debug, Clone)]
pub struct Error {
    pub status: StatusCode,
    pub message: String,
    pub arabic: Option<String>,
}

impl Error {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Error {
        Error { status, message: message.into(), arabic: None }
    }
    pub fn bad_request(message: impl Into<String>) -> Error {
        Error::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(StatusCode::NOT_FOUND, message)
    }
    /// Logs the cause on stderr and answers a generic 500 (store errors name local paths).
    pub fn internal(cause: impl std::fmt::Display) -> Error {
        eprintln!("mirsad serve: error: {cause}");
        Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
    /// The same error with its Arabic wording for pages.
    pub fn ar(mut self, arabic: impl Into<String>) -> Error {
        self.arabic = Some(arabic.into());
        self
    }
    /// What a page shows: the Arabic wording, else what the status means in Arabic.
    pub fn arabic_message(&self) -> String {
        if let Some(a) = &self.arabic {
            return a.clone();
        }
        match self.status {
            StatusCode::NOT_FOUND => "لم نجد ما طلبته؛ ربما حُذف أو تغيّر عنوانه.",
            StatusCode::BAD_REQUEST => "في عنوان الطلب قيمة لا نفهمها؛ راجع الرابط أو نموذج البحث.",
            StatusCode::SERVICE_UNAVAILABLE => "الخدمة مشغولة الآن؛ أعد المحاولة بعد قليل.",
            StatusCode::REQUEST_TIMEOUT => "لم يصل الطلب كاملاً في الوقت المسموح.",
            StatusCode::PAYLOAD_TOO_LARGE => "الطلب أكبر من المسموح.",
            _ => "حدث خطأ في الخادم؛ أعد المحاولة لاحقاً.",
        }
        .to_string()
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Query(m) => {
                Error::bad_request(m).ar("لم نستطع قراءة عبارة البحث: قد تكون طويلة جداً أو بلا كلمات؛ جرّب كلمات أقل.")
            }
            StoreError::Locked { .. } => Error::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "another process is writing to this collection; try again shortly",
            )
            .ar("عملية أخرى تكتب في المجموعة الآن؛ أعد المحاولة بعد قليل."),
            e @ StoreError::Damaged { .. } => {
                eprintln!("mirsad serve: error: {e}");
                Error::new(StatusCode::SERVICE_UNAVAILABLE, "the search index is damaged; `mirsad check` rebuilds it")
                    .ar("فهرس البحث تالف؛ يعيد الأمر mirsad check بناءه.")
            }
            e => Error::internal(e),
        }
    }
}

/// Builds the application with the default [`Limits`].
pub fn router(state: AppState) -> Router {
    router_with(state, &Limits::default())
}

/// Time allowed to read a request body whole, given to the ingest handler.
#[derive(Clone, Copy)]
pub(crate) struct BodyDeadline(pub Duration);

/// Builds the application; `limits` gives the body and request timeouts.
pub fn router_with(state: AppState, limits: &Limits) -> Router {
    let body_limit = if state.token().is_some() { INGEST_BODY_LIMIT } else { BODY_LIMIT };
    // Read routes answer within the request timeout. The write route bounds only the reading
    // of its body: a batch whose body was read commits and is answered, however long it takes.
    let mut app = Router::new()
        .route("/", get(ui::home))
        .route("/articles/{id}", get(ui::article))
        .route("/search", get(ui::search))
        .route("/stories", get(ui::stories))
        .route("/stories/{id}", get(ui::story))
        .route("/entities", get(entity_pages::entities))
        .route("/entities/{id}", get(entity_pages::entity))
        .route("/atom", get(atom::latest))
        .route("/search.atom", get(atom::search))
        .route("/static/style.css", get(ui::stylesheet))
        .route("/api/articles", get(api::articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/articles/{id}/related", get(api::related))
        .route("/api/articles/{id}/analysis", get(api::analysis))
        .route("/api/entities", get(api::entities))
        .route("/api/entities/{id}", get(api::entity))
        .route("/api/entities/{id}/export", get(export::entity))
        .route("/api/search", get(api::search))
        .route("/api/search/export", get(export::search))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/stories/{id}/export", get(export::story))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/sources", get(sources::api))
        .route("/sources", get(sources::page))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(axum::middleware::from_fn_with_state(limits.request_timeout, request_deadline));
    if state.token().is_some() {
        app = app.route("/api/ingest", post(ingest::ingest));
    }
    with_layers(app, body_limit, limits).with_state(state)
}

/// What every route gets: a panic answered 500, the body limit and timeouts, security headers.
fn with_layers(app: Router<AppState>, body_limit: usize, limits: &Limits) -> Router<AppState> {
    app.layer(Extension(BodyDeadline(limits.request_timeout)))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(panic_page))
        .layer(RequestBodyTimeoutLayer::new(limits.body_read_timeout))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
}

/// Answers 503 when a read request takes longer than the request timeout (the blocking work
/// it started runs on, but the connection is answered and freed).
async fn request_deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            let e = Error::new(StatusCode::SERVICE_UNAVAILABLE, "request took too long")
                .ar("استغرق الطلب وقتاً أطول من المسموح؛ أعد المحاولة بعد قليل.");
            if api {
                e.into_json()
            } else {
                ui::error_page(e)
            }
        }
    }
}

/// A handler panicked (a bug on some input): answer 500 and keep serving.
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    Error::internal(format!("handler panicked: {what}")).into_json()
}

/// The panic layer cannot see the path and answers JSON; a page gets the Arabic error page.
async fn panic_page(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let r = next.run(req).await;
    let json = r.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api && json && r.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return ui::error_page(Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"));
    }
    r
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Unknown paths: a JSON error under `/api/`, an HTML page elsewhere.
async fn not_found(uri: axum::http::Uri) -> Response {
    if is_api(uri.path()) {
        api::not_found(uri).await
    } else {
        ui::not_found(uri).await
    }
}

/// Binds `addr`, calls `on_listen` with the bound address (port 0 picks a free port), and
/// serves under `limits` until Ctrl-C or SIGTERM, then drains within `limits.shutdown_deadline`.
/// Call [`Limits::fit_open_file_limit`] first to fit the connection cap to the process.
pub fn serve(
    state: AppState,
    addr: SocketAddr,
    limits: Limits,
    on_listen: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(8).enable_all().build()?;
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        on_listen(listener.local_addr()?);
        let app = router_with(state, &limits);
        serve_listener(listener, app, limits, shutdown_signal()).await
    });
    // Blocking work still running after the deadline (a slow search) is abandoned, not awaited:
    // a batch cut this way was never acknowledged, and SQLite rolls it back.
    rt.shutdown_timeout(Duration::from_millis(100));
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// A JSON response with the given status.
pub(crate) fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => Error::internal(e).into_json(),
    }
}

impl Error {
    pub(crate) fn into_json(self) -> Response {
        let body = serde_json::json!({"error": self.message, "status": self.status.as_u16()});
        (self.status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
    }
}

// ---- query parameters, shared by the API, the UI and the feeds ----

/// A query parameter that is absent or empty (HTML forms send empty fields) counts as absent.
pub(crate) fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An unsigned integer parameter in `min..=max`, `default` when absent.
pub(crate) fn parse_count(
    name: &str,
    v: &Option<String>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, Error> {
    match nonempty(v) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(Error::bad_request(format!("{name} must be a whole number from {min} to {max}, got {s:?}"))
                .ar(format!("المعامل {name} يجب أن يكون عدداً صحيحاً من {min} إلى {max}."))),
        },
    }
}

/// The Arabic name of a date parameter, for messages.
fn day_label(name: &str) -> &str {
    match name {
        "from" => "«من تاريخ»",
        "to" => "«إلى تاريخ»",
        n => n,
    }
}

/// A `YYYY-MM-DD` date parameter.
pub(crate) fn parse_day(name: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) => {
            if s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
                Ok(Some(s.to_string()))
            } else {
                Err(Error::bad_request(format!("{name} must be a date YYYY-MM-DD, got {s:?}"))
                    .ar(format!("{} يجب أن يكون تاريخاً صحيحاً بالصيغة YYYY-MM-DD.", day_label(name))))
            }
        }
    }
}

/// A `from`/`to` pair of days, each checked, `from` not after `to` (searches and lists alike).
pub(crate) fn parse_days(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<String>, Option<String>), Error> {
    let (from, to) = (parse_day("from", from)?, parse_day("to", to)?);
    if let (Some(f), Some(t)) = (&from, &to) {
        if f > t {
            return Err(Error::bad_request(format!("from ({f}) is after to ({t})"))
                .ar("تاريخ البداية بعد تاريخ النهاية؛ بدّل بينهما."));
        }
    }
    Ok((from, to))
}

/// Search parameters as the API, the search page and the search feed take them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(crate) struct SearchParams {
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub outlet: Option<String>,
    pub keyword: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    /// UI only: 1-based page number instead of offset.
    pub page: Option<String>,
    /// `story`: keep only the best-ranked hit of each story.
    pub collapse: Option<String>,
    /// `1`: the words as given, without the other spellings of a name.
    pub exact: Option<String>,
    /// `relevance` (the default), `newest` or `oldest`.
    pub sort: Option<String>,
}

impl SearchParams {
    /// True when the request names nothing to search for (the search page then shows the form).
    pub fn is_empty(&self) -> bool {
        nonempty(&self.q).is_none()
            && nonempty(&self.from).is_none()
            && nonempty(&self.to).is_none()
            && nonempty(&self.outlet).is_none()
            && nonempty(&self.keyword).is_none()
    }

    /// True when `collapse=story`; any other non-empty value is a 400.
    pub fn collapse_story(&self) -> Result<bool, Error> {
        parse_collapse(&self.collapse)
    }

    /// The store query, checked. `offset` is taken from `offset` (API) or computed by the caller.
    pub fn to_query(&self, limit: usize, offset: usize) -> Result<mirsad_store::SearchQuery, Error> {
        let (from, to) = parse_days(&self.from, &self.to)?;
        if self.is_empty() {
            return Err(Error::bad_request("give q (words to search for) or a filter: from, to, outlet, keyword")
                .ar("اكتب كلمات للبحث أو اختر تاريخاً أو موقعاً أو كلمة دلالية."));
        }
        Ok(mirsad_store::SearchQuery {
            text: nonempty(&self.q).unwrap_or("").to_string(),
            from,
            to,
            outlet: nonempty(&self.outlet).map(str::to_string),
            keyword: nonempty(&self.keyword).map(str::to_string),
            limit,
            offset,
            exact: parse_exact(&self.exact)?,
            outlet_ids: Vec::new(),
            sort: parse_sort(&self.sort)?,
        })
    }
}

/// An `exact` parameter: absent, `0` or `1`.
pub(crate) fn parse_exact(v: &Option<String>) -> Result<bool, Error> {
    match nonempty(v) {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(s) => Err(Error::bad_request(format!("exact must be 1 or 0, got {s:?}")).ar("المعامل exact يقبل 0 أو 1.")),
    }
}

/// A search's `sort` parameter: absent or `relevance`, `newest`, `oldest`.
pub(crate) fn parse_sort(v: &Option<String>) -> Result<mirsad_store::SearchSort, Error> {
    use mirsad_store::SearchSort;
    match nonempty(v) {
        None | Some("relevance") => Ok(SearchSort::Relevance),
        Some("newest") => Ok(SearchSort::Newest),
        Some("oldest") => Ok(SearchSort::Oldest),
        Some(s) => Err(Error::bad_request(format!("sort must be relevance, newest or oldest, got {s:?}"))
            .ar("الترتيب إما حسب الصلة أو الأحدث أو الأقدم.")),
    }
}

/// A `collapse` parameter: absent or `story`.
pub(crate) fn parse_collapse(v: &Option<String>) -> Result<bool, Error> {
    match nonempty(v) {
        None => Ok(false),
        Some("story") => Ok(true),
        Some(s) => {
            Err(Error::bad_request(format!("collapse must be \"story\", got {s:?}"))
                .ar("المعامل collapse يقبل story فقط."))
        }
    }
}

/// Percent-encodes a string for a URL path segment or query value.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The article's own URL when it is safe to link (http or https only: no `javascript:`).
pub(crate) fn safe_url(url: &Option<String>) -> Option<&str> {
    let u = url.as_deref()?.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_days_are_checked() {
        assert_eq!(parse_count("limit", &None, 20, 1, 100).unwrap(), 20);
        assert_eq!(parse_count("limit", &Some("".into()), 20, 1, 100).unwrap(), 20);
        assert_eq!(parse_count("limit", &Some("5".into()), 20, 1, 100).unwrap(), 5);
        assert!(parse_count("limit", &Some("0".into()), 20, 1, 100).is_err());
        assert!(parse_count("limit", &Some("101".into()), 20, 1, 100).is_err());
        assert!(parse_count("limit", &Some("-1".into()), 20, 1, 100).is_err());
        assert_eq!(parse_day("from", &Some("2024-03-01".into())).unwrap().as_deref(), Some("2024-03-01"));
        assert!(parse_day("from", &Some("2024-3-1".into())).is_err());
        assert!(parse_day("from", &Some("2024-02-30".into())).is_err());
    }

    async fn boom() -> &'static str {
        panic!("boom in a handler")
    }

    /// A router with handlers that panic (in async code and on the blocking pool) and one that
    /// is too slow, under the layers every route gets.
    fn failing_app(dir: &std::path::Path) -> Router {
        let limits = Limits { request_timeout: Duration::from_millis(200), ..Limits::default() };
        let app = Router::new()
            .route("/api/boom", get(boom))
            .route(
                "/api/boom-blocking",
                get(|State(s): State<AppState>| async move {
                    match s.with_store(|_| -> Result<(), Error> { panic!("boom on the blocking pool") }).await {
                        Ok(()) => "ok".into_response(),
                        Err(e) => e.into_json(),
                    }
                }),
            )
            .route("/slow", get(|| tokio::time::sleep(Duration::from_secs(600))))
            .route("/boom", get(boom))
            .route("/api/ok", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(limits.request_timeout, request_deadline));
        let state = AppState::new(Store::open(dir).unwrap());
        with_layers(app, BODY_LIMIT, &limits).with_state(state)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_or_slow_handler_is_answered_and_the_server_stays_up() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_listener(listener, failing_app(dir.path()), Limits::default(), async {
            let _ = stopped.await;
        }));
        let get = |path: &'static str| async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            s.write_all(req.as_bytes()).await.unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).await.unwrap();
            out
        };
        for _ in 0..2 {
            let a = get("/api/boom").await;
            assert!(a.starts_with("HTTP/1.1 500"), "{a}");
            assert!(a.contains("\"status\":500") && a.contains("nosniff"), "{a}");
            let a = get("/api/boom-blocking").await;
            assert!(a.starts_with("HTTP/1.1 500"), "{a}");
            assert!(get("/api/ok").await.starts_with("HTTP/1.1 200"));
        }
        let a = get("/slow").await;
        assert!(a.starts_with("HTTP/1.1 503"), "{a}");
        assert!(a.contains("text/html") && a.contains("استغرق الطلب وقتاً أطول"), "{a}");
        // A page that panics is answered with the Arabic error page, not JSON.
        let a = get("/boom").await;
        assert!(a.starts_with("HTTP/1.1 500"), "{a}");
        assert!(a.contains("text/html") && a.contains("خطأ في الخادم") && !a.contains("\"status\""), "{a}");
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    #[test]
    fn urls() {
        assert_eq!(url_encode("a b/ع"), "a%20b%2F%D8%B9");
        assert_eq!(safe_url(&Some("https://x.test/a".into())), Some("https://x.test/a"));
        assert_eq!(safe_url(&Some("HTTP://x".into())), Some("HTTP://x"));
        assert_eq!(safe_url(&Some("javascript:alert(1)".into())), None);
        assert_eq!(safe_url(&Some(" data:text/html,x".into())), None);
        assert_eq!(safe_url(&None), None);
    }
}
