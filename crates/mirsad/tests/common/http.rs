//! A fixture web server on 127.0.0.1 for the crawler's tests (no internet): fixed routes,
//! ETags, throttling, slow and truncated answers; every request logged with its headers and
//! its start and end, so that tests check the crawler's rules from the server's side.
#![allow(dead_code)] // each test file uses a part

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One logged request: path (with query), headers (lower-case names), start and end.
#[derive(Clone, Debug)]
pub struct Logged {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub start: Instant,
    pub end: Instant,
}

/// What the server answers for a path.
#[derive(Clone)]
pub enum Route {
    /// status, content type, extra headers, body
    Fixed(u16, &'static str, Vec<(String, String)>, Vec<u8>),
    /// 200 with an ETag; 304 when the request sends it back.
    Tagged(&'static str, String, Vec<u8>),
    /// 429 with `Retry-After: secs` the first `n` times, then the inner route.
    Throttle(u64, usize, Box<Route>),
    /// Waits this long before answering anything.
    Slow(Duration),
    /// Announces more bytes than it sends, then closes.
    Truncated,
}

pub struct Server {
    pub base: String,
    pub log: Arc<Mutex<Vec<Logged>>>,
    /// Filled in after start: the routes' links need the server's address.
    pub routes: Arc<Mutex<HashMap<String, Route>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let routes = Arc::new(Mutex::new(HashMap::new()));
        let (l2, r2) = (log.clone(), routes.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, routes) = (l2.clone(), r2.clone());
                std::thread::spawn(move || serve(stream, &log, &routes));
            }
        });
        Server { base, log, routes }
    }

    pub fn set(&self, routes: HashMap<String, Route>) {
        *self.routes.lock().unwrap() = routes;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    pub fn paths(&self) -> Vec<String> {
        self.log().into_iter().map(|l| l.path).collect()
    }
}

pub fn serve(mut stream: TcpStream, log: &Mutex<Vec<Logged>>, routes: &Mutex<HashMap<String, Route>>) {
    let start = Instant::now();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let route = {
        let mut r = routes.lock().unwrap();
        let key = path.clone();
        match r.get_mut(&key) {
            Some(Route::Throttle(secs, n, _)) if *n > 0 => {
                *n -= 1;
                Some(Route::Fixed(
                    429,
                    "text/plain",
                    vec![("Retry-After".into(), secs.to_string())],
                    b"slow down".to_vec(),
                ))
            }
            Some(Route::Throttle(_, _, inner)) => Some(*inner.clone()),
            Some(r) => Some(r.clone()),
            None => None,
        }
    };
    let respond = |stream: &mut TcpStream, status: u16, ct: &str, extra: &[(String, String)], body: &[u8]| {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match route {
        None => respond(&mut stream, 404, "text/plain", &[], b"not found"),
        Some(Route::Fixed(status, ct, extra, body)) => respond(&mut stream, status, ct, &extra, &body),
        Some(Route::Tagged(ct, etag, body)) => {
            if headers.get("if-none-match") == Some(&etag) {
                let _ = stream.write_all(
                    format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").as_bytes(),
                );
            } else {
                respond(&mut stream, 200, ct, &[("ETag".into(), etag.clone())], &body);
            }
        }
        Some(Route::Slow(d)) => {
            std::thread::sleep(d);
            respond(&mut stream, 200, "text/html", &[], b"<p>late</p>");
        }
        Some(Route::Truncated) => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n<html><body><p>cut");
        }
        Some(Route::Throttle(..)) => unreachable!(),
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
    log.lock().unwrap().push(Logged { path, headers, start, end: Instant::now() });
}

pub fn article(n: usize, word: &str) -> String {
    format!(
        "<html><head><meta charset=\"utf-8\"><title>خبر {n} عن {word}</title></head><body><article><h1>خبر {n} عن {word} في المدينة</h1>\
         <p>افتتحت البلدية مشروع {word} الجديد في وسط المدينة صباح اليوم بحضور عدد كبير من السكان والمسؤولين، وقال رئيس البلدية إن المشروع رقم {n} يخدم آلاف السكان.</p>\
         <p>وأضاف أن العمل في مشروع {word} استمر ثلاث سنوات، وأن أبوابه ستفتح يوميا من الثامنة صباحا حتى العاشرة مساء، مع قاعات وورش للأطفال.</p>\
         <p>وأشار إلى أن البلدية تخطط لمشروعات أخرى في الأحياء خلال العام المقبل بحسب الخطة المعلنة رقم {n}.</p></article></body></html>"
    )
}

pub fn html(body: String) -> Route {
    Route::Fixed(200, "text/html; charset=utf-8", vec![], body.into_bytes())
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Gaps between one request's end and the next one's start, per server (one host each).
pub fn min_gap(log: &[Logged]) -> Option<Duration> {
    let mut l = log.to_vec();
    l.sort_by_key(|x| x.start);
    l.windows(2).map(|w| w[1].start.saturating_duration_since(w[0].end)).min()
}
