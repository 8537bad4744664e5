//! The crawl state of `mirsad watch`, kept in the collection's database beside the articles it
//! fed in, so that a restarted crawler knows what it has already stored and fetched.
//!
//! - `crawl_sources`: what the operator added, and each source's endpoints (the feeds,
//!   sitemaps or pages it resolved to), each with its polling state.
//! - `crawl_seen`: keys (hashes of normalized URLs, canonical URLs, feed GUIDs) of every item
//!   already stored or settled. An article's keys are written in the transaction that stores
//!   it ([`Store::put_batch_seen`]): once acknowledged, it is never fetched again.
//! - `crawl_retry`: article pages whose fetch failed in a way that may pass (a 5xx, a
//!   timeout), fetched again in later rounds even when their listing has not changed.
//! - `crawl_hosts`: hosts paused by a `Retry-After`, so that a restart keeps the pause.

use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::HashSet;
use std::path::PathBuf;

pub(crate) const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS crawl_sources (
    url    TEXT PRIMARY KEY,
    added  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_endpoints (
    url            TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    body_hash      INTEGER,
    interval_secs  INTEGER NOT NULL,
    next_poll      INTEGER NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_status    INTEGER,
    last_error     TEXT,
    last_poll      INTEGER,
    last_success   INTEGER,
    items          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS crawl_endpoints_source ON crawl_endpoints(source);
CREATE TABLE IF NOT EXISTS crawl_seen (
    key  INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS crawl_retry (
    key       INTEGER PRIMARY KEY,
    url       TEXT NOT NULL,
    attempts  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_hosts (
    host          TEXT PRIMARY KEY,
    paused_until  INTEGER NOT NULL
);
";

/// One pollable URL of a source, with its polling state. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Endpoint {
    pub url: String,
    /// The source (as the operator added it) this endpoint was found for.
    pub source: String,
    /// `feed`, `sitemap` or `page`.
    pub kind: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Hash of the last body parsed: an unchanged body is not parsed again.
    pub body_hash: Option<i64>,
    pub interval_secs: i64,
    pub next_poll: i64,
    /// Failed polls in a row (0 after a success).
    pub failures: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub last_poll: Option<i64>,
    pub last_success: Option<i64>,
    /// New items this endpoint has listed so far.
    pub items: i64,
}

impl Endpoint {
    /// A new endpoint, due at once, polled every `interval_secs` to begin with.
    pub fn new(url: &str, source: &str, kind: &str, interval_secs: i64) -> Endpoint {
        Endpoint {
            url: url.to_string(),
            source: source.to_string(),
            kind: kind.to_string(),
            etag: None,
            last_modified: None,
            body_hash: None,
            interval_secs,
            next_poll: 0,
            failures: 0,
            last_status: None,
            last_error: None,
            last_poll: None,
            last_success: None,
            items: 0,
        }
    }
}

/// A source and its endpoints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Source {
    pub url: String,
    pub added: i64,
    pub endpoints: Vec<Endpoint>,
}

fn row_endpoint(r: &rusqlite::Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        url: r.get(0)?,
        source: r.get(1)?,
        kind: r.get(2)?,
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        body_hash: r.get(5)?,
        interval_secs: r.get(6)?,
        next_poll: r.get(7)?,
        failures: r.get(8)?,
        last_status: r.get(9)?,
        last_error: r.get(10)?,
        last_poll: r.get(11)?,
        last_success: r.get(12)?,
        items: r.get(13)?,
    })
}

const ENDPOINT_COLUMNS: &str =
    "url, source, kind, etag, last_modified, body_hash, interval_secs, next_poll, failures, \
     last_status, last_error, last_poll, last_success, items";

pub(crate) fn insert_seen(tx: &rusqlite::Connection, keys: &[i64]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO crawl_seen (key) VALUES (?1)")?;
    for k in keys {
        stmt.execute([k])?;
    }
    Ok(())
}

fn err(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: PathBuf::from("mirsad.sqlite"), source: e }
}

impl Store {
    /// Adds a source with the endpoints it resolved to, or replaces its endpoints (keeping the
    /// polling state of those it had already).
    pub fn crawl_add_source(&mut self, url: &str, added: i64, endpoints: &[Endpoint]) -> Result<()> {
        let tx = self.conn.transaction().map_err(err)?;
        let r = (|| {
            tx.execute("INSERT OR IGNORE INTO crawl_sources (url, added) VALUES (?1, ?2)", params![url, added])?;
            let keep: HashSet<&str> = endpoints.iter().map(|e| e.url.as_str()).collect();
            let old: Vec<String> = {
                let mut stmt = tx.prepare("SELECT url FROM crawl_endpoints WHERE source = ?1")?;
                let rows = stmt.query_map([url], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for o in old.iter().filter(|o| !keep.contains(o.as_str())) {
                tx.execute("DELETE FROM crawl_endpoints WHERE url = ?1", [o])?;
            }
            for e in endpoints {
                tx.execute(
                    "INSERT OR IGNORE INTO crawl_endpoints (url, source, kind, interval_secs, next_poll) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![e.url, url, e.kind, e.interval_secs, e.next_poll],
                )?;
            }
            Ok(())
        })();
        r.map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Removes a source and its endpoints; false when it was not there. What it fed in stays.
    pub fn crawl_remove_source(&mut self, url: &str) -> Result<bool> {
        let tx = self.conn.transaction().map_err(err)?;
        let n = tx.execute("DELETE FROM crawl_sources WHERE url = ?1", [url]).map_err(err)?;
        tx.execute("DELETE FROM crawl_endpoints WHERE source = ?1", [url]).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n > 0)
    }

    /// Every source with its endpoints, in the order they were added.
    pub fn crawl_sources(&self) -> Result<Vec<Source>> {
        let e = err;
        let mut out: Vec<Source> = {
            let mut stmt = self.conn.prepare("SELECT url, added FROM crawl_sources ORDER BY added, url").map_err(e)?;
            let rows = stmt
                .query_map([], |r| Ok(Source { url: r.get(0)?, added: r.get(1)?, endpoints: Vec::new() }))
                .map_err(e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(e)?
        };
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {ENDPOINT_COLUMNS} FROM crawl_endpoints ORDER BY source, url"))
            .map_err(e)?;
        let rows = stmt.query_map([], row_endpoint).map_err(e)?;
        let at: std::collections::HashMap<String, usize> =
            out.iter().enumerate().map(|(i, s)| (s.url.clone(), i)).collect();
        for row in rows {
            let ep = row.map_err(e)?;
            if let Some(&i) = at.get(&ep.source) {
                out[i].endpoints.push(ep);
            }
        }
        Ok(out)
    }

    /// Saves an endpoint's polling state (nothing when its source was removed meanwhile).
    pub fn crawl_save_endpoint(&mut self, ep: &Endpoint) -> Result<()> {
        self.conn
            .execute(
                "UPDATE crawl_endpoints SET etag = ?2, last_modified = ?3, body_hash = ?4, interval_secs = ?5, next_poll = ?6,
                 failures = ?7, last_status = ?8, last_error = ?9, last_poll = ?10, last_success = ?11, items = ?12 WHERE url = ?1",
                params![
                    ep.url,
                    ep.etag,
                    ep.last_modified,
                    ep.body_hash,
                    ep.interval_secs,
                    ep.next_poll,
                    ep.failures,
                    ep.last_status,
                    ep.last_error,
                    ep.last_poll,
                    ep.last_success,
                    ep.items
                ],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Every key already seen.
    pub fn crawl_seen(&self) -> Result<HashSet<i64>> {
        let e = err;
        let mut stmt = self.conn.prepare("SELECT key FROM crawl_seen").map_err(e)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(e)?;
        rows.collect::<rusqlite::Result<_>>().map_err(e)
    }

    /// Records keys as seen outside an article batch (a PDF link, a page that holds no article).
    pub fn crawl_mark_seen(&mut self, keys: &[i64]) -> Result<()> {
        let tx = self.conn.transaction().map_err(err)?;
        insert_seen(&tx, keys).map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Hosts paused until a time still to come.
    pub fn crawl_host_pauses(&self, now: i64) -> Result<Vec<(String, i64)>> {
        let e = err;
        let mut stmt =
            self.conn.prepare("SELECT host, paused_until FROM crawl_hosts WHERE paused_until > ?1").map_err(e)?;
        let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?))).map_err(e)?;
        rows.collect::<rusqlite::Result<_>>().map_err(e)
    }

    /// Pauses a host until `until` (Unix seconds).
    pub fn crawl_pause_host(&mut self, host: &str, until: i64) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO crawl_hosts (host, paused_until) VALUES (?1, ?2)
                 ON CONFLICT(host) DO UPDATE SET paused_until = MAX(paused_until, excluded.paused_until)",
                params![host, until],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Whether a source is listed.
    pub fn crawl_has_source(&self, url: &str) -> Result<bool> {
        self.conn
            .query_row("SELECT 1 FROM crawl_sources WHERE url = ?1", [url], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(err)
    }

    /// Records a failed fetch of `url` (key `key`); returns how many times it has failed.
    pub fn crawl_retry_failed(&mut self, key: i64, url: &str) -> Result<i64> {
        self.conn
            .query_row(
                "INSERT INTO crawl_retry (key, url, attempts) VALUES (?1, ?2, 1)
                 ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1 RETURNING attempts",
                params![key, url],
                |r| r.get(0),
            )
            .map_err(err)
    }

    /// Pages to fetch again: (key, url, failures so far).
    pub fn crawl_retries(&self) -> Result<Vec<(i64, String, i64)>> {
        let mut stmt = self.conn.prepare("SELECT key, url, attempts FROM crawl_retry ORDER BY key").map_err(err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(err)
    }

    /// Forgets retries of these keys (stored or settled now).
    pub fn crawl_retry_done(&mut self, keys: &[i64]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached("DELETE FROM crawl_retry WHERE key = ?1").map_err(err)?;
        for k in keys {
            stmt.execute([k]).map_err(err)?;
        }
        Ok(())
    }

    /// Keeps a page for a later round without counting a failure.
    pub fn crawl_retry_later(&mut self, key: i64, url: &str) -> Result<()> {
        self.conn
            .execute("INSERT OR IGNORE INTO crawl_retry (key, url, attempts) VALUES (?1, ?2, 0)", params![key, url])
            .map_err(err)?;
        Ok(())
    }
}
