//! The crawl state of `watch` on PostgreSQL: the embedded store's crawl tables (sources and
//! their endpoints, seen keys, retries, paused hosts), shared by every worker, with the host of
//! each endpoint and retry so that a crawl job can take the work of one host.
//!
//! Politeness across workers: a crawler holds a host's session advisory lock
//! ([`take_host`]) while it asks that host anything, and hands the host's pace on in
//! `crawl_hosts.next_request_ms` when it lets go ([`give_back_host`]). A worker that dies
//! loses its session, and with it the lock.

use crate::{q, Result};
use mirsad_store::{Endpoint, Source};
use postgres::{Client, GenericClient};
use std::collections::HashSet;

const ENDPOINT_COLUMNS: &str =
    "url, source, kind, etag, last_modified, body_hash, interval_secs, next_poll, failures, \
     last_status, last_error, last_poll, last_success, items";

fn endpoint(r: &postgres::Row) -> Endpoint {
    Endpoint {
        url: r.get(0),
        source: r.get(1),
        kind: r.get(2),
        etag: r.get(3),
        last_modified: r.get(4),
        body_hash: r.get(5),
        interval_secs: r.get(6),
        next_poll: r.get(7),
        failures: r.get(8),
        last_status: r.get(9),
        last_error: r.get(10),
        last_poll: r.get(11),
        last_success: r.get(12),
        items: r.get(13),
    }
}

/// Adds a source with the endpoints it resolved to (each with its host), or replaces its
/// endpoints, keeping the polling state of those it had already.
pub fn add_source(client: &mut Client, url: &str, added: i64, endpoints: &[(Endpoint, String)]) -> Result<()> {
    let mut tx = client.transaction().map_err(q("adding a source"))?;
    tx.execute("INSERT INTO crawl_sources (url, added) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&url, &added])
        .map_err(q("adding a source"))?;
    let keep: Vec<&str> = endpoints.iter().map(|(e, _)| e.url.as_str()).collect();
    tx.execute("DELETE FROM crawl_endpoints WHERE source = $1 AND NOT (url = ANY($2))", &[&url, &keep])
        .map_err(q("replacing a source's endpoints"))?;
    for (e, host) in endpoints {
        tx.execute(
            "INSERT INTO crawl_endpoints (url, source, host, kind, interval_secs, next_poll)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (url) DO NOTHING",
            &[&e.url, &url, host, &e.kind, &e.interval_secs, &e.next_poll],
        )
        .map_err(q("adding an endpoint"))?;
    }
    tx.commit().map_err(q("adding a source"))
}

/// Removes a source and its endpoints; false when it was not there.
pub fn remove_source(client: &mut Client, url: &str) -> Result<bool> {
    Ok(client.execute("DELETE FROM crawl_sources WHERE url = $1", &[&url]).map_err(q("removing a source"))? > 0)
}

/// Every source in the order added, with its endpoints: all of them, or those on `hosts`.
pub fn sources(client: &mut Client, hosts: Option<&[String]>) -> Result<Vec<Source>> {
    let mut out: Vec<Source> = client
        .query("SELECT url, added FROM crawl_sources ORDER BY added, url", &[])
        .map_err(q("listing sources"))?
        .iter()
        .map(|r| Source { url: r.get(0), added: r.get(1), endpoints: Vec::new() })
        .collect();
    let rows = client
        .query(
            &format!(
                "SELECT {ENDPOINT_COLUMNS} FROM crawl_endpoints WHERE $1::text[] IS NULL OR host = ANY($1) ORDER BY source, url"
            ),
            &[&hosts],
        )
        .map_err(q("listing endpoints"))?;
    let at: std::collections::HashMap<String, usize> =
        out.iter().enumerate().map(|(i, s)| (s.url.clone(), i)).collect();
    for r in &rows {
        let ep = endpoint(r);
        if let Some(&i) = at.get(&ep.source) {
            out[i].endpoints.push(ep);
        }
    }
    Ok(out)
}

/// Saves an endpoint's polling state (nothing when its source was removed meanwhile).
pub fn save_endpoint(client: &mut Client, ep: &Endpoint) -> Result<()> {
    client
        .execute(
            "UPDATE crawl_endpoints SET etag = $2, last_modified = $3, body_hash = $4, interval_secs = $5, next_poll = $6,
             failures = $7, last_status = $8, last_error = $9, last_poll = $10, last_success = $11, items = $12 WHERE url = $1",
            &[
                &ep.url,
                &ep.etag,
                &ep.last_modified,
                &ep.body_hash,
                &ep.interval_secs,
                &ep.next_poll,
                &ep.failures,
                &ep.last_status,
                &ep.last_error,
                &ep.last_poll,
                &ep.last_success,
                &ep.items,
            ],
        )
        .map_err(q("saving an endpoint"))?;
    Ok(())
}

/// Hosts with work now: an endpoint due (or any, with `force`), or a page to fetch again.
pub fn due_hosts(client: &mut Client, now: i64, force: bool) -> Result<Vec<String>> {
    let rows = client
        .query(
            "SELECT host FROM crawl_endpoints WHERE $2 OR next_poll <= $1
             UNION SELECT host FROM crawl_retry ORDER BY 1",
            &[&now, &force],
        )
        .map_err(q("finding due hosts"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The earliest next poll of any endpoint (Unix seconds).
pub fn next_poll(client: &mut Client) -> Result<Option<i64>> {
    Ok(client.query_one("SELECT MIN(next_poll) FROM crawl_endpoints", &[]).map_err(q("reading next polls"))?.get(0))
}

pub fn seen(client: &mut Client) -> Result<HashSet<i64>> {
    let rows = client.query("SELECT key FROM crawl_seen", &[]).map_err(q("reading seen keys"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Records keys as seen (inside the transaction that stores their articles, or alone).
pub fn mark_seen(tx: &mut impl GenericClient, keys: &[i64]) -> Result<()> {
    tx.execute("INSERT INTO crawl_seen (key) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING", &[&keys])
        .map_err(q("recording seen keys"))?;
    Ok(())
}

pub fn host_pauses(client: &mut Client, now: i64) -> Result<Vec<(String, i64)>> {
    let rows = client
        .query("SELECT host, paused_until FROM crawl_hosts WHERE paused_until > $1", &[&now])
        .map_err(q("reading host pauses"))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub fn pause_host(client: &mut Client, host: &str, until: i64) -> Result<()> {
    client
        .execute(
            "INSERT INTO crawl_hosts (host, paused_until) VALUES ($1, $2)
             ON CONFLICT (host) DO UPDATE SET paused_until = GREATEST(crawl_hosts.paused_until, excluded.paused_until)",
            &[&host, &until],
        )
        .map_err(q("pausing a host"))?;
    Ok(())
}

/// Pages to fetch again, (key, URL, failures so far): all, or those on `hosts`.
pub fn retries(client: &mut Client, hosts: Option<&[String]>) -> Result<Vec<(i64, String, i64)>> {
    let rows = client
        .query(
            "SELECT key, url, attempts FROM crawl_retry WHERE $1::text[] IS NULL OR host = ANY($1) ORDER BY key",
            &[&hosts],
        )
        .map_err(q("reading retries"))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// Records a failed fetch; returns the failures of that page so far.
pub fn retry_failed(client: &mut Client, key: i64, url: &str, host: &str) -> Result<i64> {
    Ok(client
        .query_one(
            "INSERT INTO crawl_retry (key, url, host, attempts) VALUES ($1, $2, $3, 1)
             ON CONFLICT (key) DO UPDATE SET attempts = crawl_retry.attempts + 1 RETURNING attempts",
            &[&key, &url, &host],
        )
        .map_err(q("recording a failed fetch"))?
        .get(0))
}

pub fn retry_done(client: &mut Client, keys: &[i64]) -> Result<()> {
    client.execute("DELETE FROM crawl_retry WHERE key = ANY($1)", &[&keys]).map_err(q("forgetting retries"))?;
    Ok(())
}

pub fn retry_later(client: &mut Client, key: i64, url: &str, host: &str) -> Result<()> {
    client
        .execute(
            "INSERT INTO crawl_retry (key, url, host, attempts) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING",
            &[&key, &url, &host],
        )
        .map_err(q("keeping a page for later"))?;
    Ok(())
}

/// The advisory lock key of a host (a 64-bit hash of a prefixed name).
fn host_lock(host: &str) -> String {
    format!("mirsad-host:{host}")
}

/// Takes `host` for this session if no other session holds it: `None` when one does, else the
/// earliest time (Unix ms) the host may be asked again, when known.
pub fn take_host(client: &mut Client, host: &str) -> Result<Option<Option<i64>>> {
    let got: bool = client
        .query_one("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", &[&host_lock(host)])
        .map_err(q("taking a host"))?
        .get(0);
    if !got {
        return Ok(None);
    }
    let next = client
        .query_opt("SELECT next_request_ms FROM crawl_hosts WHERE host = $1", &[&host])
        .map_err(q("reading a host's pace"))?
        .map(|r| r.get::<_, i64>(0))
        .filter(|&ms| ms > 0);
    Ok(Some(next))
}

/// Records the host's pace and lets it go.
pub fn give_back_host(client: &mut Client, host: &str, next_ms: i64) -> Result<()> {
    client
        .execute(
            "INSERT INTO crawl_hosts (host, next_request_ms) VALUES ($1, $2)
             ON CONFLICT (host) DO UPDATE SET next_request_ms = excluded.next_request_ms",
            &[&host, &next_ms],
        )
        .map_err(q("recording a host's pace"))?;
    client
        .query_one("SELECT pg_advisory_unlock(hashtextextended($1, 0))", &[&host_lock(host)])
        .map_err(q("giving a host back"))?;
    Ok(())
}
