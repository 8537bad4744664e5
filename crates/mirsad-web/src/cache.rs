//! A cache of answered GET requests, so that a page many readers open (the home page, a big
//! story, a frequent entity) is computed once per change of the collection instead of once per
//! reader: a story page reads every member's analysis, an entity page scans thousands of
//! mentions, tens of milliseconds each.
//!
//! An entry holds while the collection is unchanged ([`mirsad_store::change_stamp`]: any commit
//! to the records or the index changes it) and for at most [`MAX_AGE`], since pages show
//! relative times («منذ 3 ساعات»). Only `200` answers up to [`MAX_ENTRY_BYTES`] are kept, at
//! most [`MAX_ENTRIES`] and [`MAX_TOTAL_BYTES`] in all; the oldest go first. Everything else
//! (errors, exports, writes) passes through.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest an answer is reused, whatever the collection does.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Largest answer kept.
pub const MAX_ENTRY_BYTES: usize = 512 * 1024;
/// Most answers kept.
pub const MAX_ENTRIES: usize = 1024;
/// Most bytes kept in all.
pub const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;

struct Entry {
    stamp: u64,
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
}

/// The cache of one application, over the collection in `dir`.
pub(crate) struct PageCache {
    dir: PathBuf,
    enabled: bool,
    entries: Mutex<(HashMap<String, Entry>, usize)>,
}

impl PageCache {
    pub(crate) fn new(dir: PathBuf) -> PageCache {
        PageCache { dir, enabled: true, entries: Mutex::new((HashMap::new(), 0)) }
    }

    pub(crate) fn disable(&mut self) {
        self.enabled = false;
    }

    fn get(&self, key: &str, stamp: u64) -> Option<Response> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = map.0.get(key)?;
        if e.stamp != stamp || e.at.elapsed() > MAX_AGE {
            return None;
        }
        let mut r = (StatusCode::OK, Body::from(e.body.clone())).into_response();
        *r.headers_mut() = e.headers.clone();
        Some(r)
    }

    fn put(&self, key: String, stamp: u64, headers: HeaderMap, body: Bytes) {
        let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (map, total) = &mut *guard;
        if let Some(old) = map.remove(&key) {
            *total -= old.body.len();
        }
        // Stale entries first, then the oldest, until the new one fits.
        map.retain(|_, e| {
            let keep = e.stamp == stamp && e.at.elapsed() <= MAX_AGE;
            if !keep {
                *total -= e.body.len();
            }
            keep
        });
        while !map.is_empty() && (map.len() >= MAX_ENTRIES || *total + body.len() > MAX_TOTAL_BYTES) {
            let Some(oldest) = map.iter().min_by_key(|(_, e)| e.at).map(|(k, _)| k.clone()) else { break };
            if let Some(e) = map.remove(&oldest) {
                *total -= e.body.len();
            }
        }
        *total += body.len();
        map.insert(key, Entry { stamp, at: Instant::now(), headers, body });
    }
}

/// Middleware: answers a GET from the cache when it can, and keeps what it answered.
pub(crate) async fn layer(State(state): State<crate::AppState>, req: Request, next: Next) -> Response {
    let cache = state.cache();
    if req.method() != Method::GET || !cache.enabled {
        return next.run(req).await;
    }
    let dir = cache.dir.clone();
    let Ok(Some(stamp)) = tokio::task::spawn_blocking(move || mirsad_store::change_stamp(&dir)).await else {
        return next.run(req).await;
    };
    let key = req.uri().to_string();
    if let Some(hit) = cache.get(&key, stamp) {
        return hit;
    }
    let r = next.run(req).await;
    if r.status() != StatusCode::OK {
        return r;
    }
    let (parts, body) = r.into_parts();
    // Only bodies whose whole length is known and small are read (every page and JSON answer
    // is one buffer); anything else passes through untouched.
    match body.size_hint().exact() {
        Some(n) if n as usize <= MAX_ENTRY_BYTES => {}
        _ => return Response::from_parts(parts, body),
    }
    match axum::body::to_bytes(body, MAX_ENTRY_BYTES).await {
        Ok(bytes) => {
            cache.put(key, stamp, parts.headers.clone(), bytes.clone());
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => crate::Error::internal(format!("reading an answer for the page cache: {e}")).into_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn entries_hold_while_the_stamp_does() {
        let c = PageCache::new(PathBuf::from("."));
        c.put("/a".into(), 1, HeaderMap::new(), body(10));
        assert!(c.get("/a", 1).is_some());
        assert!(c.get("/a", 2).is_none(), "a new stamp: the collection changed");
        assert!(c.get("/b", 1).is_none());
        // a put under a new stamp drops the stale ones
        c.put("/b".into(), 2, HeaderMap::new(), body(10));
        let g = c.entries.lock().unwrap();
        assert_eq!(g.0.len(), 1);
        assert_eq!(g.1, 10);
    }

    #[test]
    fn the_cache_stays_within_its_bounds() {
        let c = PageCache::new(PathBuf::from("."));
        for i in 0..MAX_ENTRIES + 10 {
            c.put(format!("/{i}"), 1, HeaderMap::new(), body(1));
        }
        assert_eq!(c.entries.lock().unwrap().0.len(), MAX_ENTRIES);
        let big = MAX_TOTAL_BYTES / 3 + 1;
        for i in 0..5 {
            c.put(format!("/big{i}"), 1, HeaderMap::new(), body(big));
        }
        let g = c.entries.lock().unwrap();
        assert!(g.1 <= MAX_TOTAL_BYTES, "{}", g.1);
        assert_eq!(g.1, g.0.values().map(|e| e.body.len()).sum::<usize>());
    }
}
