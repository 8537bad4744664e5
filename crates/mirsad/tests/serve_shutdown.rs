//! A real `mirsad serve` process with stalled clients: a slowloris head and a request whose body
//! never comes. SIGTERM must stop it within its shutdown deadline (not hang on the clients, as
//! it did under `axum::serve`), with exit code 0; before that, normal requests are answered.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server if the test fails before it exits.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read answer");
    out
}

#[test]
fn sigterm_stops_the_server_with_stalled_clients() {
    let dir = tempfile::tempdir().unwrap();
    // Timeouts far beyond the test, so only shutdown can close the stalled clients.
    let child = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .args(["serve", "--addr", "127.0.0.1:0", "--token", "t", "--data"])
        .arg(dir.path().join("data"))
        .args(["--header-timeout", "3600", "--body-timeout", "3600", "--request-timeout", "3600"])
        .args(["--shutdown-deadline", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mirsad serve");
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap()).read_line(&mut line).expect("read the address");
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(get(&addr, "/api/openapi.json").starts_with("HTTP/1.1 200"), "server not answering");

    let mut slowloris = TcpStream::connect(&addr).unwrap();
    slowloris.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: a").unwrap();
    // A request in flight: `100 Continue` comes once the handler reads the body, which never
    // comes.
    let mut stalled = TcpStream::connect(&addr).unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stalled
        .write_all(
            b"POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer t\r\nContent-Type: text/plain\r\n\
              Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
    let mut continued = [0u8; 12];
    stalled.read_exact(&mut continued).expect("100 Continue");
    assert_eq!(&continued, b"HTTP/1.1 100");
    stalled.write_all(b"x").unwrap();
    // Both are open while the server answers others.
    assert!(get(&addr, "/api/articles?limit=1").starts_with("HTTP/1.1 200"));

    let sent = Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status().expect("run kill");
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        // Far beyond the 1 s deadline: only a server that ignores it gets here.
        assert!(start.elapsed() < Duration::from_secs(120), "mirsad serve did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    server.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "exit {status}: {stderr}");
    assert!(stderr.contains("shutdown deadline"), "the stalled request was not reported: {stderr}");
    // Both clients see the connection closed.
    for s in [&mut slowloris, &mut stalled] {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
    }
    assert!(TcpStream::connect(&addr).is_err(), "still accepting after exit");
}
