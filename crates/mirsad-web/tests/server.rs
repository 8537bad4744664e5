//! The server loop over real sockets on 127.0.0.1: slow and stalled clients are closed, the
//! connection cap keeps room for normal requests, and shutdown finishes with clients stalled.
//! Timeouts are configured short; the only timing asserted is that closing happens eventually.

mod common;

use common::fixture;
use mirsad_store::Store;
use mirsad_web::{router_with, serve_listener, AppState, Limits};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "s3cret";

/// Limits that never fire in a test unless it sets them short.
fn patient() -> Limits {
    let long = Duration::from_secs(600);
    Limits {
        header_read_timeout: long,
        body_read_timeout: long,
        request_timeout: long,
        write_timeout: long,
        max_connections: 64,
        shutdown_deadline: long,
    }
}

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(limits: Limits) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.put_batch(&fixture()).unwrap();
        let app = router_with(AppState::with_token(store, Some(TOKEN.into())), &limits);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let done = tokio::spawn(serve_listener(listener, app, limits, async {
            let _ = rx.await;
        }));
        Server { addr, stop: Some(tx), done, _dir: dir }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// Signals shutdown and waits for the server to return (failing after a minute, so a
    /// regression hangs no test run).
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(60), self.done)
            .await
            .expect("the server did not finish shutting down")
            .unwrap()
            .unwrap();
    }
}

/// One request on a fresh connection (`Connection: close`); the whole answer as text.
async fn request(addr: SocketAddr, raw: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(raw.as_bytes()).await.unwrap();
    read_all(&mut s).await
}

async fn read_all(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let r = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut out)).await;
    assert!(r.is_ok(), "no complete answer within a minute: {:?}", String::from_utf8_lossy(&out));
    String::from_utf8_lossy(&out).into_owned()
}

async fn get(addr: SocketAddr, path: &str) -> String {
    request(addr, &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")).await
}

fn status(answer: &str) -> u16 {
    answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// Starts `POST /api/ingest` with a body of `len` bytes and returns once the request is in
/// flight: hyper sends `100 Continue` only when the handler starts reading the body.
async fn post_in_flight(server: &Server, ctype: &str, len: usize) -> TcpStream {
    let mut s = server.connect().await;
    let head = format!(
        "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: {ctype}\r\n\
         Content-Length: {len}\r\nExpect: 100-continue\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(60), s.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed before 100 Continue: {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.starts_with(b"HTTP/1.1 100"), "{:?}", String::from_utf8_lossy(&got));
    s
}

/// True once the server has closed the socket (EOF or reset); whatever it sent first is read.
async fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(wait, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Polls `sockets` until at least `want` are closed; the count reached.
async fn wait_closed(sockets: &mut [TcpStream], want: usize) -> usize {
    let mut closed = vec![false; sockets.len()];
    for _ in 0..600 {
        for (s, c) in sockets.iter_mut().zip(closed.iter_mut()) {
            if !*c {
                *c = closed_within(s, Duration::from_millis(1)).await;
            }
        }
        let n = closed.iter().filter(|&&c| c).count();
        if n >= want {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    closed.iter().filter(|&&c| c).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_header_is_closed() {
    let server = Server::start(Limits { header_read_timeout: Duration::from_millis(300), ..patient() }).await;
    let mut s = server.connect().await;
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ").await.unwrap();
    // One byte every 50 ms, never finishing the head: the server must close the socket.
    let mut closed = false;
    for _ in 0..1200 {
        if s.write_all(b"a").await.is_err() || closed_within(&mut s, Duration::from_millis(50)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "a head trickled for a minute was never closed");
    // A socket that sends nothing, and a kept-alive connection left idle, are closed the same way.
    let mut silent = server.connect().await;
    assert!(closed_within(&mut silent, Duration::from_secs(60)).await, "a silent socket stayed open");
    let mut idle = server.connect().await;
    idle.write_all(b"GET /api/articles?limit=1 HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(60)).await, "an idle keep-alive connection stayed open");
    // Meanwhile normal requests are answered.
    assert_eq!(status(&get(server.addr, "/api/articles?limit=1").await), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_answered_408() {
    let server = Server::start(Limits { body_read_timeout: Duration::from_millis(300), ..patient() }).await;
    let mut s = server.connect().await;
    let head = format!(
        "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: text/plain\r\n\
         Content-Length: 1000\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all("نص لم يكتمل".as_bytes()).await.unwrap();
    let answer = read_all(&mut s).await;
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(answer.contains("\"status\":408"), "{answer}");
    assert_eq!(status(&get(server.addr, "/api/articles?limit=1").await), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_cut_at_the_request_timeout() {
    // Each byte comes well within the body timeout, but the whole body never within the request
    // timeout.
    let limits =
        Limits { body_read_timeout: Duration::from_secs(5), request_timeout: Duration::from_millis(500), ..patient() };
    let server = Server::start(limits).await;
    let mut s = server.connect().await;
    let head = format!(
        "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: text/plain\r\n\
         Content-Length: 100000\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    for _ in 0..1200 {
        if s.write_all(b"x").await.is_err() {
            break;
        }
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(Duration::from_millis(50), s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            Ok(_) => break,
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status(&answer), 408, "{answer}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_beyond_the_cap_leave_room_for_requests() {
    let cap = 8;
    let server = Server::start(Limits { max_connections: cap, ..patient() }).await;
    // 40 sockets: silent ones and slowloris heads, none of them ever a whole request.
    let mut idle = Vec::new();
    for i in 0..40 {
        let mut s = server.connect().await;
        if i % 2 == 0 {
            s.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        }
        idle.push(s);
    }
    // A normal request is answered at once: it takes the place of the longest waiting socket.
    for _ in 0..3 {
        assert_eq!(status(&get(server.addr, "/api/articles?limit=1").await), 200);
    }
    // And the server holds no more than the cap.
    let closed = wait_closed(&mut idle, 40 - cap).await;
    assert!(closed >= 40 - cap, "only {closed} of 40 idle sockets closed with a cap of {cap}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_connection_is_busy_a_new_one_is_refused() {
    let cap = 4;
    let server = Server::start(Limits { max_connections: cap, ..patient() }).await;
    // `cap` requests in flight: heads whole, bodies stalled.
    let mut busy = Vec::new();
    for _ in 0..cap {
        let mut s = post_in_flight(&server, "text/plain", 100).await;
        s.write_all(b"x").await.unwrap();
        busy.push(s);
    }
    // Refused: a 503 (or only the close, when the socket discarded it).
    let mut s = server.connect().await;
    let _ = s.write_all(b"GET /api/articles?limit=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut out)).await;
    let answer = String::from_utf8_lossy(&out).into_owned();
    assert!(
        answer.is_empty() || status(&answer) == 503,
        "a connection beyond the cap of busy ones was served: {answer}"
    );
    // Once a request finishes its connection counts as waiting and can be replaced.
    for s in &mut busy {
        s.write_all(&[b'x'; 99]).await.unwrap();
    }
    let mut answered = 0;
    for _ in 0..600 {
        if get(server.addr, "/api/articles?limit=1").await.starts_with("HTTP/1.1 200") {
            answered += 1;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered, 1, "no request served after the busy ones finished");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish_and_closes_the_rest() {
    let server = Server::start(patient()).await;
    let mut slowloris = server.connect().await;
    slowloris.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: a").await.unwrap();
    // A request in flight whose body is finished only after the shutdown signal.
    let line =
        serde_json::to_string(&common::art("late", "خبر متأخر", "نص الخبر المتأخر.", "2024-04-01", "صحيفة")).unwrap();
    let mut in_flight = post_in_flight(&server, "application/x-ndjson", line.len()).await;
    in_flight.write_all(&line.as_bytes()[..10]).await.unwrap();
    let addr = server.addr;
    let stop = tokio::spawn(server.stop());
    // The waiting socket is closed at once; the request in flight is still answered.
    assert!(closed_within(&mut slowloris, Duration::from_secs(60)).await, "the slowloris socket stayed open");
    in_flight.write_all(&line.as_bytes()[10..]).await.unwrap();
    let answer = read_all(&mut in_flight).await;
    assert_eq!(status(&answer), 200, "{answer}");
    assert!(answer.contains("\"new\":1"), "{answer}");
    stop.await.unwrap();
    // The listener is closed.
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drops_stalled_requests_after_the_deadline() {
    let server = Server::start(Limits { shutdown_deadline: Duration::from_millis(300), ..patient() }).await;
    let mut stalled = post_in_flight(&server, "text/plain", 100).await;
    stalled.write_all(b"x").await.unwrap();
    server.stop().await;
    assert!(closed_within(&mut stalled, Duration::from_secs(60)).await, "the stalled request's socket stayed open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_bodies_up_to_the_documented_limit_are_read() {
    let server = Server::start(patient()).await;
    let line =
        serde_json::to_string(&common::art("big", "خبر كبير", "نص الخبر الكبير.", "2024-04-02", "صحيفة")).unwrap();
    let post = |body: &[u8]| {
        let mut raw = format!(
            "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: bearer {TOKEN}\r\n\
             Content-Type: application/x-ndjson\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        raw
    };
    // Exactly the limit (one article and blank lines): read and stored.
    let mut body = line.clone().into_bytes();
    body.resize(mirsad_web::INGEST_BODY_LIMIT, b'\n');
    let mut s = server.connect().await;
    s.write_all(&post(&body)).await.unwrap();
    let answer = read_all(&mut s).await;
    assert_eq!(status(&answer), 200, "{}", answer.get(..300).unwrap_or(&answer));
    assert!(answer.contains("\"new\":1"), "{answer}");
    // One byte more: 413 without reading it.
    body.push(b'\n');
    let mut s = server.connect().await;
    let _ = s.write_all(&post(&body)).await;
    let answer = read_all(&mut s).await;
    assert_eq!(status(&answer), 413, "{}", answer.get(..300).unwrap_or(&answer));
    // The same without a declared length (chunked): cut while reading.
    let mut raw = format!(
        "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/x-ndjson\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    raw.extend_from_slice(b"\r\n0\r\n\r\n");
    let mut s = server.connect().await;
    let _ = s.write_all(&raw).await;
    let answer = read_all(&mut s).await;
    assert_eq!(status(&answer), 413, "{}", answer.get(..300).unwrap_or(&answer));
    server.stop().await;
}
