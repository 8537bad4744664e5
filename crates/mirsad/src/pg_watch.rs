//! `watch` on PostgreSQL: the same crawler as on the embedded store, spread over workers.
//!
//! - `watch --data postgres://…` queues one crawl job per host with work (an endpoint due, a
//!   page to fetch again), keyed by the host so that a host is queued once, and works through
//!   the queue itself; `worker`s on other machines take crawl jobs too.
//! - A worker claims up to `--crawl-hosts` crawl jobs and runs one round over their hosts'
//!   endpoints and retries ([`mirsad_watch::Crawler::round`] over a [`PgState`]), keeping the
//!   jobs' leases alive while it runs, and writes what it fetched as `worker` writes documents:
//!   analysed, upserted, with the items' seen keys in the same transaction.
//! - Politeness across workers: pages of one host can be listed by another host's feed, so
//!   the job's host is not enough. Before asking any host anything, a round takes it through a
//!   [`PgGate`] (a session advisory lock per host, held until the round ends, and the host's pace
//!   handed on in `crawl_hosts`). A host another worker holds is left for a later round.
//! - `--warc DIR` is a worker's own: `watch --warc` archives what its in-process worker
//!   fetched, `worker --warc` what that worker fetched; the archives together hold every
//!   response once.

use crate::pg::{write_articles, WorkDone, WorkerArgs};
use crate::watch::WatchArgs;
use mirsad_model::{Article, ArticleAnalysis};
use mirsad_pg::{crawl, queue, PgError, Url};
use mirsad_store::{BatchSummary, Endpoint, Source};
use mirsad_watch::{urls, CrawlError, CrawlState, Crawler, HostGate};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Kind of the job that crawls one host (its key).
pub const CRAWL_JOB: &str = "crawl";

/// What a crawl job carries: the crawler settings of the `watch` that queued it.
#[derive(serde::Serialize, serde::Deserialize)]
struct CrawlPayload {
    contact: Option<String>,
    delay_ms: u64,
    timeouts: (u64, u64, u64),
    max_body: u64,
    workers: usize,
    per_host: usize,
    batch: usize,
    force: bool,
}

impl CrawlPayload {
    fn of(a: &WatchArgs) -> CrawlPayload {
        CrawlPayload {
            contact: a.net.contact.clone(),
            delay_ms: a.net.delay_ms,
            timeouts: a.net.timeouts,
            max_body: a.net.max_body,
            workers: a.workers,
            per_host: a.per_host,
            batch: a.batch,
            force: a.force,
        }
    }

    fn settings(&self) -> mirsad_watch::Settings {
        let net = crate::watch::NetArgs {
            contact: self.contact.clone(),
            delay_ms: self.delay_ms,
            timeouts: self.timeouts,
            max_body: self.max_body,
        };
        mirsad_watch::Settings {
            workers: self.workers.max(1),
            per_host: self.per_host,
            batch: self.batch.max(1),
            force: self.force,
            ..net.settings()
        }
    }
}

/// The host of a page's URL, as the crawler names hosts.
fn host_of(url: &str) -> String {
    urls::parse(url, None).map(|u| urls::host_of(&u)).unwrap_or_default()
}

/// A source's endpoints with their hosts, for [`crawl::add_source`].
pub fn with_hosts(endpoints: &[Endpoint]) -> Vec<(Endpoint, String)> {
    endpoints.iter().map(|e| (e.clone(), host_of(&e.url))).collect()
}

fn state_err(what: &'static str) -> impl FnOnce(PgError) -> CrawlError {
    move |e| CrawlError::State { what, source: Box::new(e) }
}

/// The crawl state of the hosts a worker was given.
struct PgState<'a> {
    client: &'a mut postgres::Client,
    hosts: &'a [String],
    tagger: Option<&'a mirsad_analyze::Tagger>,
    written: BatchSummary,
}

impl CrawlState for PgState<'_> {
    fn sources(&mut self) -> Result<Vec<Source>, CrawlError> {
        crawl::sources(self.client, Some(self.hosts)).map_err(state_err("reading sources"))
    }
    fn save_endpoint(&mut self, ep: &Endpoint) -> Result<(), CrawlError> {
        crawl::save_endpoint(self.client, ep).map_err(state_err("saving an endpoint"))
    }
    fn seen(&mut self) -> Result<HashSet<i64>, CrawlError> {
        crawl::seen(self.client).map_err(state_err("reading seen keys"))
    }
    fn mark_seen(&mut self, keys: &[i64]) -> Result<(), CrawlError> {
        crawl::mark_seen(self.client, keys).map_err(state_err("recording seen keys"))
    }
    fn host_pauses(&mut self, now: i64) -> Result<Vec<(String, i64)>, CrawlError> {
        crawl::host_pauses(self.client, now).map_err(state_err("reading host pauses"))
    }
    fn pause_host(&mut self, host: &str, until: i64) -> Result<(), CrawlError> {
        crawl::pause_host(self.client, host, until).map_err(state_err("pausing a host"))
    }
    fn retries(&mut self) -> Result<Vec<(i64, String, i64)>, CrawlError> {
        crawl::retries(self.client, Some(self.hosts)).map_err(state_err("reading retries"))
    }
    fn retry_failed(&mut self, key: i64, url: &str) -> Result<i64, CrawlError> {
        crawl::retry_failed(self.client, key, url, &host_of(url)).map_err(state_err("recording a failed fetch"))
    }
    fn retry_done(&mut self, keys: &[i64]) -> Result<(), CrawlError> {
        crawl::retry_done(self.client, keys).map_err(state_err("forgetting retries"))
    }
    fn retry_later(&mut self, key: i64, url: &str) -> Result<(), CrawlError> {
        crawl::retry_later(self.client, key, url, &host_of(url)).map_err(state_err("keeping a page for later"))
    }
    fn store(&mut self, arts: &[Article], seen: &[i64]) -> Result<BatchSummary, CrawlError> {
        let items = crate::pg::analysed(self.tagger, arts);
        let refs: Vec<&(Article, Option<ArticleAnalysis>)> = items.iter().collect();
        let written = write_articles(self.client, &refs, |tx| {
            crawl::mark_seen(tx, seen)?;
            Ok(true)
        })
        .map_err(|e| CrawlError::State { what: "storing articles", source: e.into() })?
        .unwrap_or_default();
        self.written += written;
        Ok(written)
    }
}

/// Hosts taken through session advisory locks on a connection of their own.
struct PgGate {
    client: Mutex<postgres::Client>,
}

impl HostGate for PgGate {
    fn take(&self, host: &str) -> Option<Option<i64>> {
        let mut c = self.client.lock().unwrap_or_else(|p| p.into_inner());
        // A host that cannot be taken (the database unreachable) is left alone this round.
        crawl::take_host(&mut c, host).unwrap_or_else(|e| {
            eprintln!("mirsad: {host}: {e}; left for a later round");
            None
        })
    }
    fn give_back(&self, host: &str, next_ms: i64) {
        let mut c = self.client.lock().unwrap_or_else(|p| p.into_inner());
        // On failure the session is most likely gone, and its locks with it.
        if let Err(e) = crawl::give_back_host(&mut c, host, next_ms) {
            eprintln!("mirsad: {host}: {e}");
        }
    }
}

/// A worker's crawl jobs: one round over their hosts.
pub(crate) struct CrawlJob<'a> {
    pub url: &'a Url,
    pub me: &'a str,
    pub args: &'a WorkerArgs,
    pub tagger: Option<&'a mirsad_analyze::Tagger>,
    pub stop: &'a AtomicBool,
}

impl CrawlJob<'_> {
    pub fn run(
        &self,
        client: &mut postgres::Client,
        jobs: &[queue::Job],
        crawler: &mut Crawler,
        done: &mut WorkDone,
    ) -> anyhow::Result<()> {
        let mut settings = None;
        let mut taken = Vec::new();
        for j in jobs {
            match serde_json::from_value::<CrawlPayload>(j.payload.clone()) {
                Ok(p) => {
                    settings.get_or_insert_with(|| p.settings());
                    taken.push(j);
                }
                Err(e) => {
                    done.failed += 1;
                    let reason = format!("a damaged crawl job payload: {e}");
                    queue::fail(client, j.id, self.me, &reason, j.attempts, self.args.backoff)?;
                }
            }
        }
        let Some(mut settings) = settings else { return Ok(()) };
        // Where this worker keeps its archive, not the queuing `watch`'s path.
        settings.warc = self.args.warc.clone();
        let hosts: Vec<String> = taken.iter().map(|j| j.key.clone()).collect();
        let ids: Vec<i64> = taken.iter().map(|j| j.id).collect();
        let gate = PgGate { client: Mutex::new(mirsad_pg::open(self.url)?) };
        let mut beat = mirsad_pg::open(self.url)?;
        let finished = AtomicBool::new(false);
        let (result, written) = std::thread::scope(|scope| {
            // The leases outlive the round however long the hosts' pace makes it.
            scope.spawn(|| {
                let every = Duration::from_secs_f64(self.args.lease / 3.0);
                let mut last = Instant::now();
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(50));
                    if last.elapsed() >= every {
                        last = Instant::now();
                        for &id in &ids {
                            if let Err(e) = queue::extend(&mut beat, id, self.me, self.args.lease) {
                                eprintln!("mirsad: worker {}: {e}", self.me);
                            }
                        }
                    }
                }
            });
            let mut state =
                PgState { client: &mut *client, hosts: &hosts, tagger: self.tagger, written: BatchSummary::default() };
            let r = crawler.round(&mut state, &gate, &settings, self.stop, &mut |_| {});
            finished.store(true, Ordering::Relaxed);
            (r, state.written)
        });
        done.written += written;
        match result {
            Ok(summary) => {
                done.crawl += &summary;
                for j in taken {
                    // A lease lost meanwhile: the other worker's round finds nothing left.
                    queue::complete(client, j.id, self.me)?;
                    done.jobs += 1;
                }
            }
            Err(e) => {
                let reason = format!("{e}");
                eprintln!("mirsad: crawl of {}: {reason}", hosts.join(", "));
                for j in taken {
                    done.failed += 1;
                    queue::fail(client, j.id, self.me, &reason, self.args.max_attempts, self.args.backoff)?;
                }
            }
        }
        Ok(())
    }
}

/// `mirsad watch --data postgres://…`: queues the hosts with work, works through the queue
/// until it is idle, reports the round; again when the next endpoint is due (or once).
pub fn watch(url: Url, args: &WatchArgs) -> anyhow::Result<u8> {
    watch_until(&url, args, crate::watch::stop_on_signals(), &mut |done| {
        if args.json {
            println!("{}", serde_json::to_string(&done.crawl).unwrap_or_default());
        } else if args.once || !args.quiet {
            println!("round: {}", crate::watch::describe(&done.crawl));
        }
    })?;
    Ok(0)
}

/// The loop of [`watch`], until `stop` (or one round with `--once`); `report` gets what each
/// round's work did.
pub fn watch_until(
    url: &Url,
    args: &WatchArgs,
    stop: &AtomicBool,
    report: &mut dyn FnMut(&WorkDone),
) -> anyhow::Result<()> {
    let url = url.clone();
    let payload = serde_json::to_value(CrawlPayload::of(args))?;
    let worker = WorkerArgs {
        no_analysis: args.no_analysis,
        crawl_hosts: args.workers as i64,
        warc: args.warc.clone(),
        ..WorkerArgs::in_process(&url)
    };
    loop {
        let mut client = mirsad_pg::open(&url)?;
        let hosts = crawl::due_hosts(&mut client, chrono::Utc::now().timestamp(), args.force)?;
        let jobs: Vec<queue::NewJob> = hosts
            .into_iter()
            .map(|h| queue::NewJob { kind: CRAWL_JOB.into(), key: h, payload: payload.clone(), body: None })
            .collect();
        queue::enqueue_again(&mut client, &jobs)?;
        let done = crate::pg::run_worker(&url, &worker, stop)?;
        report(&done);
        if args.once || stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let next = crawl::next_poll(&mut client)?;
        drop(client);
        let wait = next.map_or(60, |t| (t - chrono::Utc::now().timestamp()).clamp(5, 60));
        for _ in 0..wait * 10 {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
