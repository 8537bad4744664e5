//! The HTTP server loop: hyper's HTTP/1 connections driven directly (not `axum::serve`) so that
//! no client can hold the server's resources for long.
//!
//! - A request head must arrive whole within [`HEADER_READ_TIMEOUT`] of the connection being
//!   ready for one (after accept, or after the previous response on a kept-alive connection), so
//!   the same timer closes slowloris heads, silent sockets and idle keep-alive connections.
//! - A request body must not pause longer than [`BODY_READ_TIMEOUT`] between chunks, and
//!   [`REQUEST_TIMEOUT`] bounds reading a whole body and answering a read request.
//! - A response write that makes no progress for [`WRITE_TIMEOUT`] (a client that does not read)
//!   closes the connection.
//! - At most [`MAX_CONNECTIONS`] connections (fewer when the open-file limit is lower, see
//!   [`Limits::fit_open_file_limit`]). A connection beyond the cap closes the one that has waited
//!   longest for a request head; only when every connection has a request in flight is the new
//!   one refused (a 503, then closed), so the kernel's backlog never fills with waiting clients.
//! - On shutdown the listener closes, connections waiting for a head close at once, requests in
//!   flight finish, and after [`SHUTDOWN_DEADLINE`] the rest are dropped.

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Time for a whole request head, counted from accept or from the end of the previous response.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest pause between two chunks of a request body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to read a whole request body (`POST /api/ingest`) and to answer any read request. The
/// ingest commit itself is not cut: once its body is read the batch commits and is answered.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest time a response write may make no progress (the client does not read).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Most connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// Time given to requests in flight after SIGINT/SIGTERM; then the server exits regardless.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);
/// Open files kept for the store (index segments, SQLite) beside those open at start, when the
/// connection cap is fitted to the open-file limit.
pub const FD_RESERVE: u64 = 128;
/// Pause after an accept error that is not about one connection (out of descriptors or memory),
/// so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The server's limits; [`Limits::default`] is the documented constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub request_timeout: Duration,
    pub write_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_read_timeout: BODY_READ_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            shutdown_deadline: SHUTDOWN_DEADLINE,
        }
    }
}

impl Limits {
    /// Raises the soft open-file limit to the hard one, then lowers `max_connections` so that
    /// connections leave [`FD_RESERVE`] descriptors beside those open now (the store's): running
    /// out of descriptors would fail the store's reads and stall accept. Returns a note to print
    /// when the cap was lowered.
    pub fn fit_open_file_limit(&mut self) -> Option<String> {
        let limit = rlimit::increase_nofile_limit(u64::MAX).ok()?;
        // Linux lists open descriptors in /proc; elsewhere assume a small store.
        let open = std::fs::read_dir("/proc/self/fd").map_or(64, |d| d.count() as u64);
        let room = usize::try_from(limit.saturating_sub(open + FD_RESERVE)).unwrap_or(usize::MAX).max(1);
        (room < self.max_connections).then(|| {
            let note = format!(
                "at most {room} connections instead of {} (open-file limit {limit}, {open} open; raise `ulimit -n`)",
                self.max_connections
            );
            self.max_connections = room;
            note
        })
    }
}

/// One open connection, as the accept loop sees it.
struct Conn {
    /// Requests whose response is not yet fully written.
    busy: AtomicUsize,
    /// When `busy` last fell to zero (or the accept), in ms since the registry's epoch.
    idle_since: AtomicU64,
    /// Told to close the connection at once.
    close: Notify,
    epoch: Instant,
}

/// Counts a request from its head until its response body is dropped (written or abandoned).
struct Busy(Arc<Conn>);

impl Busy {
    fn enter(conn: &Arc<Conn>) -> Busy {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let c = &self.0;
        c.idle_since.store(c.epoch.elapsed().as_millis() as u64, Ordering::Release);
        c.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The open connections, for the cap, eviction and shutdown.
struct Registry {
    epoch: Instant,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Registry {
    fn new() -> Registry {
        Registry { epoch: Instant::now(), conns: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        // Nothing panics while holding it; a poisoned map is still a valid map.
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn insert(&self, id: u64) -> Arc<Conn> {
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.epoch.elapsed().as_millis() as u64),
            close: Notify::new(),
            epoch: self.epoch,
        });
        self.lock().insert(id, conn.clone());
        conn
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the connection that has waited longest for a request head; false when every
    /// connection has a request in flight.
    fn evict_idle(&self) -> bool {
        let mut conns = self.lock();
        let victim = conns
            .iter()
            .filter(|(_, c)| c.busy.load(Ordering::Acquire) == 0)
            .min_by_key(|(_, c)| c.idle_since.load(Ordering::Acquire))
            .map(|(&id, _)| id);
        match victim.and_then(|id| conns.remove(&id)) {
            Some(c) => {
                // `notify_one` keeps the wake-up if the task is not waiting yet.
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes every connection without a request in flight (shutdown).
    fn close_idle(&self) {
        let mut conns = self.lock();
        conns.retain(|_, c| {
            let idle = c.busy.load(Ordering::Acquire) == 0;
            if idle {
                c.close.notify_one();
            }
            !idle
        });
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` completes, then drains as the
/// module documentation says. Returns once every connection is closed or dropped.
pub async fn serve_listener(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let registry = Arc::new(Registry::new());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut next_id = 0u64;
    let mut last_warning: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if registry.len() >= limits.max_connections.max(1) && !registry.evict_idle() {
                        refuse(stream);
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    next_id += 1;
                    let conn = registry.insert(next_id);
                    let (registry, limits, app, stop) = (registry.clone(), limits.clone(), app.clone(), stop_rx.clone());
                    let id = next_id;
                    tasks.spawn(async move {
                        run_connection(stream, app, &conn, &limits, stop).await;
                        registry.remove(id);
                    });
                }
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of descriptors or memory: free a waiting connection and pause.
                    if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                        eprintln!("mirsad serve: warning: accept failed: {e} ({} connections open)", registry.len());
                        last_warning = Some(Instant::now());
                    }
                    registry.evict_idle();
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    registry.close_idle();
    let drained =
        tokio::time::timeout(limits.shutdown_deadline, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        eprintln!(
            "mirsad serve: shutdown deadline ({} s) passed; dropping {} connections",
            limits.shutdown_deadline.as_secs_f64(),
            tasks.len()
        );
        tasks.shutdown().await;
    }
    Ok(())
}

/// Errors about one incoming connection (it went away before accept): nothing to do.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Answers a connection beyond the cap with a 503 if its socket takes it at once, and closes it.
fn refuse(stream: TcpStream) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n\
                          Connection: close\r\n\r\n";
    let _ = stream.try_write(BUSY);
}

async fn run_connection(
    stream: TcpStream,
    app: Router,
    conn: &Arc<Conn>,
    limits: &Limits,
    mut stop: watch::Receiver<bool>,
) {
    let mut io = tokio_io_timeout::TimeoutStream::new(stream);
    io.set_write_timeout(Some(limits.write_timeout));
    let io = TokioIo::new(Box::pin(io));
    let tracked = conn.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let busy = Busy::enter(&tracked);
        let app = app.clone();
        async move {
            let response = app.oneshot(req).await?;
            // The response body holds the count until hyper has written and dropped it.
            Ok::<_, Infallible>(response.map(move |body| {
                Body::new(body.map_frame(move |frame| {
                    let _held = &busy;
                    frame
                }))
            }))
        }
    });
    let http = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(http);
    let mut draining = false;
    loop {
        tokio::select! {
            _ = http.as_mut() => break,
            _ = conn.close.notified() => break,
            _ = stop.wait_for(|&s| s), if !draining => {
                // Finish the request in flight, then close instead of keeping alive.
                draining = true;
                http.as_mut().graceful_shutdown();
            }
        }
    }
}
