//! The work queue: jobs claimed with `FOR UPDATE SKIP LOCKED` under a lease.
//!
//! - A claim marks ready jobs `leased` by one worker until `now() + lease`. A job whose lease
//!   ended is ready again: its worker died or hung, and another takes it.
//! - A worker finishes a job with [`complete`] *inside the transaction that writes its
//!   results*: if the lease was lost and another worker claimed the job meanwhile, the update
//!   finds no row and the caller rolls back, so a result is written once.
//! - A failed job is retried after a backoff that doubles per attempt, then lands in the
//!   visible `dead` state with its error ([`fail`], [`dead`]).

use crate::{q, Result};
use postgres::{Client, GenericClient};

/// A job to add. `(kind, key)` is its identity: queueing the same one twice adds it once.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub key: String,
    pub payload: serde_json::Value,
    pub body: Option<Vec<u8>>,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: serde_json::Value,
    pub body: Option<Vec<u8>>,
    /// Claims so far, this one included.
    pub attempts: i32,
}

/// Adds jobs; returns how many were new.
pub fn enqueue(client: &mut Client, jobs: &[NewJob]) -> Result<u64> {
    insert(client, jobs, "DO NOTHING")
}

/// Queues jobs that recur (a host's crawl): one not queued yet is added, one done before is
/// queued again with fresh attempts; one queued, leased or dead stays as it is. Returns how
/// many were queued.
pub fn enqueue_again(client: &mut Client, jobs: &[NewJob]) -> Result<u64> {
    insert(
        client,
        jobs,
        "DO UPDATE SET state = 'queued', attempts = 0, run_after = now(), payload = excluded.payload,
             body = excluded.body, error = NULL, updated_at = now()
         WHERE jobs.state = 'done'",
    )
}

/// Inserts jobs in one transaction, `on_conflict` deciding what an existing (kind, key) gets.
fn insert(client: &mut Client, jobs: &[NewJob], on_conflict: &str) -> Result<u64> {
    let mut tx = client.transaction().map_err(q("queueing jobs"))?;
    let stmt = tx
        .prepare(&format!(
            "INSERT INTO jobs (kind, key, payload, body) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, key) {on_conflict}"
        ))
        .map_err(q("queueing jobs"))?;
    let mut added = 0;
    for j in jobs {
        added += tx.execute(&stmt, &[&j.kind, &j.key, &j.payload, &j.body]).map_err(q("queueing a job"))?;
    }
    tx.commit().map_err(q("queueing jobs"))?;
    Ok(added)
}

/// Which kinds of job a claim takes.
#[derive(Debug, Clone, Copy)]
pub enum Kinds<'a> {
    Only(&'a [&'a str]),
    Except(&'a [&'a str]),
}

/// Claims up to `n` ready jobs of `kinds` for `worker` for `lease_secs` seconds, oldest first.
/// Jobs locked by another claim in progress are skipped, never waited for.
pub fn claim(client: &mut Client, worker: &str, lease_secs: f64, n: i64, kinds: Kinds) -> Result<Vec<Job>> {
    let (kinds, only) = match kinds {
        Kinds::Only(k) => (k, true),
        Kinds::Except(k) => (k, false),
    };
    let rows = client
        .query(
            // Two index scans (queued jobs by id, expired leases by their end), never the done
            // jobs: an OR of the two made the planner walk the primary key past all of them.
            "WITH queued AS (
                 SELECT id FROM jobs WHERE state = 'queued' AND run_after <= now() AND (kind = ANY($4)) = $5
                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED),
             expired AS (
                 SELECT id FROM jobs WHERE state = 'leased' AND leased_until < now() AND (kind = ANY($4)) = $5
                 ORDER BY leased_until LIMIT $3 FOR UPDATE SKIP LOCKED)
             UPDATE jobs SET state = 'leased', attempts = attempts + 1, worker = $1,
                    leased_until = now() + make_interval(secs => $2), updated_at = now()
             WHERE id IN (SELECT id FROM (SELECT id FROM queued UNION ALL SELECT id FROM expired) AS ready
                          ORDER BY id LIMIT $3)
             RETURNING id, kind, key, payload, body, attempts",
            &[&worker, &lease_secs, &n, &kinds, &only],
        )
        .map_err(q("claiming jobs"))?;
    let mut jobs: Vec<Job> = rows
        .iter()
        .map(|r| Job {
            id: r.get(0),
            kind: r.get(1),
            key: r.get(2),
            payload: r.get(3),
            body: r.get(4),
            attempts: r.get(5),
        })
        .collect();
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// Extends `worker`'s lease of a job by `lease_secs` from now (a long job's heartbeat); false
/// when the lease was lost.
pub fn extend(client: &mut Client, id: i64, worker: &str, lease_secs: f64) -> Result<bool> {
    let n = client
        .execute(
            "UPDATE jobs SET leased_until = now() + make_interval(secs => $3), updated_at = now()
             WHERE id = $1 AND worker = $2 AND state = 'leased'",
            &[&id, &worker, &lease_secs],
        )
        .map_err(q("extending a lease"))?;
    Ok(n == 1)
}

/// Marks a job done if `worker` still holds it; call inside the transaction that writes the
/// job's results and roll back on `false` (the lease was lost to another worker). A done job
/// keeps its key (queueing the same work again adds nothing) but not its bytes.
pub fn complete(tx: &mut impl GenericClient, id: i64, worker: &str) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE jobs SET state = 'done', leased_until = NULL, error = NULL, body = NULL, updated_at = now()
             WHERE id = $1 AND worker = $2 AND state = 'leased'",
            &[&id, &worker],
        )
        .map_err(q("finishing a job"))?;
    Ok(n == 1)
}

/// [`complete`] for several jobs in one statement: true only when `worker` still held them
/// all (roll back otherwise).
pub fn complete_all(tx: &mut impl GenericClient, ids: &[i64], worker: &str) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE jobs SET state = 'done', leased_until = NULL, error = NULL, body = NULL, updated_at = now()
             WHERE id = ANY($1) AND worker = $2 AND state = 'leased'",
            &[&ids, &worker],
        )
        .map_err(q("finishing jobs"))?;
    Ok(n as usize == ids.len())
}

/// Where a failed job went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// Queued again, to run after the backoff.
    Retry,
    /// Out of attempts: in the dead-letter state with its error.
    Dead,
    /// Another worker holds it now: nothing was changed.
    LeaseLost,
}

/// Records a failure: the job runs again after `backoff_secs × 2^(attempts − 1)`, or is dead
/// once it has had `max_attempts` claims.
pub fn fail(
    client: &mut Client,
    id: i64,
    worker: &str,
    error: &str,
    max_attempts: i32,
    backoff_secs: f64,
) -> Result<Failed> {
    let row = client
        .query_opt(
            "UPDATE jobs SET
                 state = CASE WHEN attempts >= $4 THEN 'dead' ELSE 'queued' END,
                 run_after = now() + make_interval(secs => $5 * power(2, GREATEST(attempts - 1, 0))),
                 leased_until = NULL, error = $3, updated_at = now()
             WHERE id = $1 AND worker = $2 AND state = 'leased'
             RETURNING state",
            &[&id, &worker, &error, &max_attempts, &backoff_secs],
        )
        .map_err(q("recording a failed job"))?;
    Ok(match row.map(|r| r.get::<_, String>(0)) {
        None => Failed::LeaseLost,
        Some(s) if s == "dead" => Failed::Dead,
        Some(_) => Failed::Retry,
    })
}

/// Jobs by state, and how long until the next one is ready (a queued job's backoff, or the end
/// of a lease).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub queued: i64,
    pub leased: i64,
    pub done: i64,
    pub dead: i64,
    /// Seconds until the next queued job may run or the next lease ends (negative: already).
    pub next_in_secs: Option<f64>,
}

impl Counts {
    /// Nothing queued or leased: a batch run is over.
    pub fn idle(&self) -> bool {
        self.queued == 0 && self.leased == 0
    }
}

/// [`counts`] of the work left only (queued and leased; done and dead are 0), read from the
/// partial indexes: cheap however long the queue's history, for a worker's idle check.
pub fn pending(client: &mut Client) -> Result<Counts> {
    let r = client
        .query_one(
            "SELECT (SELECT count(*) FROM jobs WHERE state = 'queued'), (SELECT count(*) FROM jobs WHERE state = 'leased'),
                    EXTRACT(EPOCH FROM LEAST((SELECT MIN(run_after) FROM jobs WHERE state = 'queued'),
                                             (SELECT MIN(leased_until) FROM jobs WHERE state = 'leased')) - now())::float8",
            &[],
        )
        .map_err(q("counting jobs"))?;
    Ok(Counts { queued: r.get(0), leased: r.get(1), done: 0, dead: 0, next_in_secs: r.get(2) })
}

pub fn counts(client: &mut Client) -> Result<Counts> {
    let r = client
        .query_one(
            "SELECT count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'leased'),
                    count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'dead'),
                    EXTRACT(EPOCH FROM LEAST(MIN(run_after) FILTER (WHERE state = 'queued'),
                                             MIN(leased_until) FILTER (WHERE state = 'leased')) - now())::float8
             FROM jobs",
            &[],
        )
        .map_err(q("counting jobs"))?;
    Ok(Counts { queued: r.get(0), leased: r.get(1), done: r.get(2), dead: r.get(3), next_in_secs: r.get(4) })
}

/// A job in the dead-letter state.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadJob {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub attempts: i32,
    pub error: String,
}

/// Dead jobs, newest first.
pub fn dead(client: &mut Client, limit: i64) -> Result<Vec<DeadJob>> {
    let rows = client
        .query(
            "SELECT id, kind, key, attempts, COALESCE(error, '') FROM jobs WHERE state = 'dead'
             ORDER BY updated_at DESC, id DESC LIMIT $1",
            &[&limit],
        )
        .map_err(q("listing dead jobs"))?;
    Ok(rows
        .iter()
        .map(|r| DeadJob { id: r.get(0), kind: r.get(1), key: r.get(2), attempts: r.get(3), error: r.get(4) })
        .collect())
}

/// Queues the dead jobs again with fresh attempts; returns how many.
pub fn retry_dead(client: &mut Client) -> Result<u64> {
    client
        .execute(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), error = NULL, updated_at = now()
             WHERE state = 'dead'",
            &[],
        )
        .map_err(q("queueing dead jobs again"))
}

/// Deletes the jobs done more than `older_than_secs` ago; returns how many. The same work
/// queued again afterwards runs again, and writes nothing new (every write is an upsert).
pub fn forget_done(client: &mut Client, older_than_secs: f64) -> Result<u64> {
    client
        .execute(
            "DELETE FROM jobs WHERE state = 'done' AND updated_at < now() - make_interval(secs => $1)",
            &[&older_than_secs],
        )
        .map_err(q("deleting done jobs"))
}
