//! The crawl round: poll the endpoints that are due, fetch the new article pages they list,
//! and hand the articles to the store with the keys that mark them seen.
//!
//! Politeness is the scheduler's invariant: a host is served by at most one worker at a time,
//! and its next request starts no sooner than its delay (the configured minimum, or robots.txt's
//! `Crawl-delay` up to [`MAX_CRAWL_DELAY`]) after its last request ended. robots.txt is fetched
//! before any other request to a host and consulted for every URL; redirects are requests of
//! their own, so they wait their turn and are checked too.

use crate::fetch::{FetchError, Fetcher, Limits, Reply};
use crate::listing::{self, Item, Kind};
use crate::urls;
use mirsad_model::Article;
use mirsad_store::{BatchSummary, Endpoint, Source, Store, StoreError};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// The longest `Crawl-delay` honoured.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);
/// Redirects followed for one item, never in a loop.
pub const MAX_REDIRECTS: u8 = 5;
/// Polling intervals adapt between these.
pub const MIN_INTERVAL: i64 = 5 * 60;
pub const MAX_INTERVAL: i64 = 24 * 60 * 60;
/// The interval a new endpoint starts with.
pub const START_INTERVAL: i64 = 30 * 60;
/// Fetches of one article page that may fail before it is given up (a 5xx or a timeout each
/// time, over as many rounds).
pub const MAX_ATTEMPTS: i64 = 3;
/// robots.txt is fetched again after this long.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The product token robots.txt rules are matched against.
pub const AGENT_TOKEN: &str = "mirsad";

#[derive(Debug, Clone)]
pub struct Settings {
    pub user_agent: String,
    /// The least time between two requests to one host.
    pub min_delay: Duration,
    pub workers: usize,
    /// Article pages fetched per host in one round; the rest wait for the next round.
    pub per_host: usize,
    pub limits: Limits,
    /// Articles stored per transaction.
    pub batch: usize,
    /// A `Retry-After` pause up to this long is waited out within the round; a longer one
    /// leaves the host's work to a later round.
    pub max_wait: Duration,
    /// Poll every endpoint now, due or not.
    pub force: bool,
    /// Write raw responses as WARC files here.
    pub warc: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            user_agent: user_agent(None),
            min_delay: Duration::from_secs(1),
            workers: 8,
            per_host: 200,
            limits: Limits::default(),
            batch: 100,
            max_wait: Duration::from_secs(60),
            force: false,
            warc: None,
        }
    }
}

/// The `User-Agent`: the product and version, and how a site operator reaches whoever runs it.
pub fn user_agent(contact: Option<&str>) -> String {
    let contact = contact.unwrap_or("operator contact not set: mirsad watch --contact");
    format!("{AGENT_TOKEN}/{} (+{contact})", env!("CARGO_PKG_VERSION"))
}

/// Why a round stopped: its crawl state could not be read or written, or the WARC archive
/// could not be written. Network failures are never errors of the round (they are counted).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Warc { path: std::path::PathBuf, source: std::io::Error },
    /// Another backend's crawl state (PostgreSQL), with what was being done.
    #[error("{what}: {source}")]
    State { what: &'static str, source: Box<dyn std::error::Error + Send + Sync> },
}

/// Where a crawler keeps what it knows across rounds and restarts: the sources and their
/// endpoints' polling state, the keys of items already stored or settled, pages to fetch
/// again, paused hosts; and where it stores the articles it fetched. The embedded store is one;
/// a PostgreSQL collection (`mirsad worker`) is another, which hands a crawler only the
/// endpoints and retries of the hosts it was given.
pub trait CrawlState {
    /// Every source with its endpoints (a state may leave out endpoints this crawler is not to
    /// poll).
    fn sources(&mut self) -> Result<Vec<Source>, CrawlError>;
    fn save_endpoint(&mut self, ep: &Endpoint) -> Result<(), CrawlError>;
    fn seen(&mut self) -> Result<HashSet<i64>, CrawlError>;
    fn mark_seen(&mut self, keys: &[i64]) -> Result<(), CrawlError>;
    /// Hosts paused until a time still to come (Unix seconds).
    fn host_pauses(&mut self, now: i64) -> Result<Vec<(String, i64)>, CrawlError>;
    fn pause_host(&mut self, host: &str, until: i64) -> Result<(), CrawlError>;
    /// Pages to fetch again: (key, URL, failures so far).
    fn retries(&mut self) -> Result<Vec<(i64, String, i64)>, CrawlError>;
    /// Records a failed fetch; returns the failures of that page so far.
    fn retry_failed(&mut self, key: i64, url: &str) -> Result<i64, CrawlError>;
    fn retry_done(&mut self, keys: &[i64]) -> Result<(), CrawlError>;
    /// Keeps a page for a later round without counting a failure.
    fn retry_later(&mut self, key: i64, url: &str) -> Result<(), CrawlError>;
    /// Stores articles and marks keys seen in one transaction (see [`Store::put_batch_seen`]).
    fn store(&mut self, arts: &[Article], seen: &[i64]) -> Result<BatchSummary, CrawlError>;
}

impl CrawlState for Store {
    fn sources(&mut self) -> Result<Vec<Source>, CrawlError> {
        Ok(self.crawl_sources()?)
    }
    fn save_endpoint(&mut self, ep: &Endpoint) -> Result<(), CrawlError> {
        Ok(self.crawl_save_endpoint(ep)?)
    }
    fn seen(&mut self) -> Result<HashSet<i64>, CrawlError> {
        Ok(self.crawl_seen()?)
    }
    fn mark_seen(&mut self, keys: &[i64]) -> Result<(), CrawlError> {
        Ok(self.crawl_mark_seen(keys)?)
    }
    fn host_pauses(&mut self, now: i64) -> Result<Vec<(String, i64)>, CrawlError> {
        Ok(self.crawl_host_pauses(now)?)
    }
    fn pause_host(&mut self, host: &str, until: i64) -> Result<(), CrawlError> {
        Ok(self.crawl_pause_host(host, until)?)
    }
    fn retries(&mut self) -> Result<Vec<(i64, String, i64)>, CrawlError> {
        Ok(self.crawl_retries()?)
    }
    fn retry_failed(&mut self, key: i64, url: &str) -> Result<i64, CrawlError> {
        Ok(self.crawl_retry_failed(key, url)?)
    }
    fn retry_done(&mut self, keys: &[i64]) -> Result<(), CrawlError> {
        Ok(self.crawl_retry_done(keys)?)
    }
    fn retry_later(&mut self, key: i64, url: &str) -> Result<(), CrawlError> {
        Ok(self.crawl_retry_later(key, url)?)
    }
    fn store(&mut self, arts: &[Article], seen: &[i64]) -> Result<BatchSummary, CrawlError> {
        Ok(self.put_batch_seen(arts, seen)?)
    }
}

/// Politeness across processes. Crawlers that share one collection from several processes
/// (workers on PostgreSQL) take a host before asking it anything and give it back when their
/// round ends, so that one request at a time per host holds across them all; the host's pace
/// is handed on with it. A lone crawler (the embedded store's single writer) needs [`NoGate`].
pub trait HostGate: Sync {
    /// Takes `host` for this round. `None` when another crawler holds it; else the earliest
    /// time (Unix milliseconds) the host may be asked again, when one is known.
    fn take(&self, host: &str) -> Option<Option<i64>>;
    /// Gives `host` back; it may be asked again from `next_ms` (Unix milliseconds).
    fn give_back(&self, host: &str, next_ms: i64);
}

/// The gate of a crawler that is alone on its collection: every host is free.
pub struct NoGate;

impl HostGate for NoGate {
    fn take(&self, _: &str) -> Option<Option<i64>> {
        Some(None)
    }
    fn give_back(&self, _: &str, _: i64) {}
}

/// What a round did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub polled: usize,
    pub not_modified: usize,
    pub unchanged: usize,
    pub poll_errors: usize,
    pub new_items: usize,
    pub pages_fetched: usize,
    pub fetch_errors: usize,
    /// Links that were not article pages (PDF, image) or held no article text.
    pub skipped: usize,
    pub disallowed: usize,
    /// Pages left for a later round (per-host bound, a long `Retry-After`, a stop signal).
    pub deferred: usize,
    pub articles_new: usize,
    pub duplicates: usize,
    pub requests: usize,
}

impl std::ops::AddAssign<&Summary> for Summary {
    fn add_assign(&mut self, o: &Summary) {
        self.polled += o.polled;
        self.not_modified += o.not_modified;
        self.unchanged += o.unchanged;
        self.poll_errors += o.poll_errors;
        self.new_items += o.new_items;
        self.pages_fetched += o.pages_fetched;
        self.fetch_errors += o.fetch_errors;
        self.skipped += o.skipped;
        self.disallowed += o.disallowed;
        self.deferred += o.deferred;
        self.articles_new += o.articles_new;
        self.duplicates += o.duplicates;
        self.requests += o.requests;
    }
}

/// Progress of a round, for a terminal.
pub enum Event<'a> {
    Request(&'a Url),
    Stored { new: usize },
}

/// A crawler's memory across rounds: robots.txt per host and when each host was last asked.
#[derive(Default)]
pub struct Crawler {
    /// Per host: when robots.txt was read, its rules, and the host's delay they set.
    robots: HashMap<String, (Instant, Robots, Duration)>,
    last_request: HashMap<String, Instant>,
}

#[derive(Clone)]
pub(crate) enum Robots {
    All,
    Nothing,
    Rules(std::sync::Arc<texting_robots::Robot>),
}

impl Robots {
    pub(crate) fn allowed(&self, u: &Url) -> bool {
        match self {
            Robots::All => true,
            Robots::Nothing => false,
            Robots::Rules(r) => r.allowed(u.as_str()),
        }
    }
}

enum Task {
    Robots {
        url: Url,
        guard: bool,
    },
    /// An endpoint's poll, or (`child`) a child sitemap of its index.
    Poll {
        idx: usize,
        url: Url,
        hops: u8,
        child: bool,
    },
    Page {
        item: Item,
        keys: Vec<i64>,
        hops: u8,
        guard: bool,
    },
}

struct Host {
    queue: VecDeque<Task>,
    next_at: Instant,
    busy: bool,
    robots: Option<Robots>,
    /// robots.txt was fetched in this round (not taken from the crawler's cache).
    robots_fresh: bool,
    delay: Duration,
    pages: usize,
    /// Another crawler holds this host ([`HostGate`]): its tasks are left for a later round.
    elsewhere: bool,
}

struct Sched {
    hosts: HashMap<String, Host>,
    busy: usize,
    seen: HashSet<i64>,
    /// Pages left for a later round: (key, URL).
    later: Vec<(i64, Url)>,
    /// Endpoints (indexes) with a poll left undone because another crawler held its host:
    /// their state is not saved, so they stay due.
    unsaved: HashSet<usize>,
    /// This round's state could not be written: its fetchers stop (the caller's stop flag is
    /// left alone, so a long-running worker goes on with its other work).
    halted: bool,
}

/// The schedule's entry for `host`, made on first sight and taken through `gate`; a host the
/// gate refuses is marked `elsewhere`. `next_at` is when a host taken now may first be asked.
fn host_entry<'a>(
    hosts: &'a mut HashMap<String, Host>,
    host: &str,
    gate: &dyn HostGate,
    settings: &Settings,
    next_at: impl FnOnce() -> Instant,
) -> &'a mut Host {
    hosts.entry(host.to_string()).or_insert_with(|| {
        let taken = gate.take(host);
        let mut at = next_at();
        if let Some(Some(ms)) = taken {
            // The pace another crawler left this host at.
            let wait = ms.saturating_sub(chrono::Utc::now().timestamp_millis()).clamp(0, MAX_WAIT_HANDED_ON_MS);
            at = at.max(Instant::now() + Duration::from_millis(wait as u64));
        }
        Host {
            queue: VecDeque::new(),
            next_at: at,
            busy: false,
            robots: None,
            robots_fresh: false,
            delay: settings.min_delay,
            pages: 0,
            elsewhere: taken.is_none(),
        }
    })
}

/// The longest wait a host's pace, handed on by another crawler, can ask for (a `Crawl-delay`
/// at most; anything longer is a clock gone wrong).
const MAX_WAIT_HANDED_ON_MS: i64 = 2 * MAX_CRAWL_DELAY.as_millis() as i64;

/// Leaves a task of a host another crawler holds for a later round.
fn leave(task: Task, later: &mut Vec<(i64, Url)>, unsaved: &mut HashSet<usize>) {
    match task {
        Task::Page { item, keys, .. } => later.push((keys[0], item.url)),
        Task::Poll { idx, .. } => {
            unsaved.insert(idx);
        }
        Task::Robots { .. } => {}
    }
}

/// Moves a host's queued pages to `later` (its work waits for a later round; the listing that
/// named them may not name them again, so they are kept as retries).
fn defer(queue: &mut VecDeque<Task>, later: &mut Vec<(i64, Url)>) {
    queue.retain_mut(|t| match t {
        Task::Page { item, keys, .. } => {
            later.push((keys[0], item.url.clone()));
            false
        }
        _ => true,
    });
}

/// Counts the workers keep themselves.
#[derive(Default)]
struct Counts {
    disallowed: std::sync::atomic::AtomicUsize,
    skipped: std::sync::atomic::AtomicUsize,
    fetch_errors: std::sync::atomic::AtomicUsize,
}

fn bump(c: &std::sync::atomic::AtomicUsize) {
    c.fetch_add(1, Ordering::Relaxed);
}

enum Msg {
    Polled {
        idx: usize,
        result: Result<Polled, (Option<u16>, String)>,
    },
    Articles {
        arts: Vec<Article>,
        keys: Vec<i64>,
    },
    Seen(Vec<i64>),
    /// A fetch that may pass later: tried again next round.
    Failed {
        url: Url,
        keys: Vec<i64>,
    },
    Pause {
        host: String,
        until: i64,
    },
    Warc {
        url: Url,
        reply: Reply,
    },
    Request(Url),
}

struct Polled {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    body_hash: Option<i64>,
    new_items: usize,
    floor: i64,
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Crawler {
    /// Runs one round over the sources of `store`, asking only hosts `gate` gives it.
    pub fn round(
        &mut self,
        store: &mut dyn CrawlState,
        gate: &dyn HostGate,
        settings: &Settings,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Event),
    ) -> Result<Summary, CrawlError> {
        let now = now_secs();
        let mut endpoints: Vec<Endpoint> = store.sources()?.into_iter().flat_map(|s| s.endpoints).collect();
        let seen = store.seen()?;
        let pauses: HashMap<String, i64> = store.host_pauses(now)?.into_iter().collect();
        let start = Instant::now();
        let mut sched =
            Sched { hosts: HashMap::new(), busy: 0, seen, later: Vec::new(), unsaved: HashSet::new(), halted: false };
        let mut summary = Summary::default();
        for (idx, ep) in endpoints.iter().enumerate() {
            if !settings.force && ep.next_poll > now {
                continue;
            }
            let Some(url) = urls::parse(&ep.url, None) else { continue };
            self.push(
                &mut sched,
                &urls::host_of(&url),
                Task::Poll { idx, url, hops: 0, child: false },
                gate,
                settings,
                &pauses,
                start,
            );
        }
        // Pages that failed in an earlier round, whatever their listings say now.
        for (key, url, _) in store.retries()? {
            let Some(url) = urls::parse(&url, None) else { continue };
            if sched.seen.insert(key) {
                let item = Item { url: url.clone(), guid: None, document: None, full_text: false };
                let task = Task::Page { item, keys: vec![key], hops: 0, guard: false };
                self.push(&mut sched, &urls::host_of(&url), task, gate, settings, &pauses, start);
            }
        }
        let shared = (Mutex::new(sched), Condvar::new());
        let fetcher = Fetcher::new(&settings.user_agent, settings.limits.clone());
        let (tx, rx) = mpsc::channel::<Msg>();
        {
            let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
            for (h, host) in s.hosts.iter_mut() {
                if let Some((_, r, delay)) = self.robots.get(h).filter(|(at, ..)| at.elapsed() < ROBOTS_TTL) {
                    host.robots = Some(r.clone());
                    host.delay = *delay;
                }
            }
        }
        let mut pending: Vec<Article> = Vec::new();
        let mut pending_keys: Vec<i64> = Vec::new();
        let mut warc = match &settings.warc {
            Some(dir) => {
                Some(crate::warc::Writer::create(dir).map_err(|e| CrawlError::Warc { path: dir.clone(), source: e })?)
            }
            None => None,
        };
        let mut store_error = None;
        let mut polled: Vec<usize> = Vec::new();
        let counts = Counts::default();
        let snapshot = endpoints.clone();
        std::thread::scope(|scope| {
            for _ in 0..settings.workers.max(1) {
                let w = Worker {
                    shared: &shared,
                    fetcher: &fetcher,
                    endpoints: &snapshot,
                    gate,
                    settings,
                    stop,
                    counts: &counts,
                    tx: tx.clone(),
                };
                scope.spawn(move || w.run());
            }
            drop(tx);
            let flush =
                |store: &mut dyn CrawlState, pending: &mut Vec<Article>, keys: &mut Vec<i64>, summary: &mut Summary| {
                    if pending.is_empty() && keys.is_empty() {
                        return Ok(());
                    }
                    let b = store.store(pending, keys)?;
                    summary.articles_new += b.new + b.updated;
                    summary.duplicates += b.duplicates;
                    pending.clear();
                    keys.clear();
                    Ok::<_, CrawlError>(())
                };
            for msg in rx {
                if store_error.is_some() {
                    continue; // drain: workers stop on their own once the queues are empty
                }
                let r: Result<(), CrawlError> = (|| {
                    match msg {
                        Msg::Polled { idx, result } => {
                            summary.polled += 1;
                            update_endpoint(&mut endpoints[idx], result, now_secs(), &mut summary);
                            polled.push(idx);
                        }
                        Msg::Articles { arts, keys } => {
                            summary.pages_fetched += 1;
                            store.retry_done(&keys)?;
                            pending.extend(arts);
                            pending_keys.extend(keys);
                            if pending.len() >= settings.batch {
                                flush(store, &mut pending, &mut pending_keys, &mut summary)?;
                                progress(Event::Stored { new: summary.articles_new });
                            }
                        }
                        Msg::Seen(keys) => {
                            store.mark_seen(&keys)?;
                            store.retry_done(&keys)?;
                        }
                        Msg::Failed { url, keys } => {
                            if store.retry_failed(keys[0], url.as_str())? >= MAX_ATTEMPTS {
                                store.mark_seen(&keys)?;
                                store.retry_done(&keys)?;
                            }
                        }
                        Msg::Pause { host, until } => store.pause_host(&host, until)?,
                        Msg::Warc { url, reply } => {
                            if let Some(w) = warc.as_mut() {
                                w.write(&url, &reply).map_err(|e| CrawlError::Warc {
                                    path: settings.warc.clone().unwrap_or_default(),
                                    source: e,
                                })?;
                            }
                        }
                        Msg::Request(u) => {
                            summary.requests += 1;
                            progress(Event::Request(&u));
                        }
                    }
                    Ok(())
                })();
                if let Err(e) = r {
                    store_error = Some(e);
                    shared.0.lock().unwrap_or_else(|e| e.into_inner()).halted = true;
                    shared.1.notify_all();
                }
            }
            if store_error.is_none() {
                if let Err(e) = flush(store, &mut pending, &mut pending_keys, &mut summary) {
                    store_error = Some(e);
                }
            }
        });
        let mut s = shared.0.into_inner().unwrap_or_else(|e| e.into_inner());
        // The hosts this round took go back, with the pace they were left at (whatever ends
        // the round).
        for (h, host) in &s.hosts {
            if !host.elsewhere {
                let wait = host.next_at.saturating_duration_since(Instant::now()).as_millis() as i64;
                gate.give_back(h, chrono::Utc::now().timestamp_millis() + wait);
            }
        }
        // An endpoint's new state (its ETag, its body hash) says its items are all handled; it
        // is saved only when the round ran to its end. A crawler stopped or killed before then
        // polls the endpoint again and fetches what it had not stored.
        if store_error.is_none() && !stop.load(Ordering::SeqCst) {
            for &idx in polled.iter().filter(|i| !s.unsaved.contains(i)) {
                store.save_endpoint(&endpoints[idx])?;
            }
        }
        if let Some(e) = store_error {
            return Err(e);
        }
        for (h, mut host) in s.hosts.into_iter().filter(|(_, host)| !host.elsewhere) {
            // Work not done (stopped, paused past the round, over the per-host bound).
            defer(&mut host.queue, &mut s.later);
            let when = host.next_at.checked_sub(settings.min_delay).unwrap_or(host.next_at);
            self.last_request.insert(h.clone(), when);
            if let (Some(r), true) = (host.robots, host.robots_fresh) {
                self.robots.insert(h, (Instant::now(), r, host.delay));
            }
        }
        summary.deferred = s.later.len();
        for (key, url) in &s.later {
            store.retry_later(*key, url.as_str())?;
        }
        let c = &counts;
        summary.disallowed += c.disallowed.load(Ordering::Relaxed);
        summary.skipped += c.skipped.load(Ordering::Relaxed);
        summary.fetch_errors += c.fetch_errors.load(Ordering::Relaxed);
        Ok(summary)
    }

    fn push(
        &self,
        sched: &mut Sched,
        host: &str,
        task: Task,
        gate: &dyn HostGate,
        settings: &Settings,
        pauses: &HashMap<String, i64>,
        start: Instant,
    ) {
        // A host paused past what a round waits for is left alone: its endpoints stay due, its
        // pages are kept for a later round.
        let paused = pauses.get(host).map_or(0, |&until| (until - now_secs()).max(0) as u64);
        if Duration::from_secs(paused) > settings.max_wait {
            if let Task::Page { item, keys, .. } = task {
                sched.later.push((keys[0], item.url));
            }
            return;
        }
        let h = host_entry(&mut sched.hosts, host, gate, settings, || {
            // A host asked before (in this process) waits out its delay from then; one not
            // asked yet (a new process: nothing is known of the last one's pace) waits one
            // delay, so a restart never comes sooner than the pace allows.
            match self.last_request.get(host) {
                Some(&t) => t + settings.min_delay,
                None => start + settings.min_delay,
            }
            .max(start + Duration::from_secs(paused))
        });
        if h.elsewhere {
            leave(task, &mut sched.later, &mut sched.unsaved);
        } else {
            h.queue.push_back(task);
        }
    }
}

/// Updates an endpoint after a poll: a success resets its failures and adapts its interval to
/// how much it published (halved when it listed new items, half as long again when not); a
/// failure backs off, doubling from [`MIN_INTERVAL`] up to a day, and keeps the source.
fn update_endpoint(ep: &mut Endpoint, result: Result<Polled, (Option<u16>, String)>, now: i64, s: &mut Summary) {
    ep.last_poll = Some(now);
    match result {
        Ok(p) => {
            ep.last_status = Some(p.status as i64);
            ep.last_error = None;
            ep.failures = 0;
            ep.last_success = Some(now);
            if p.status == 304 {
                s.not_modified += 1;
            } else {
                ep.etag = p.etag;
                ep.last_modified = p.last_modified;
                if p.body_hash.is_some() && p.body_hash == ep.body_hash {
                    s.unchanged += 1;
                }
                ep.body_hash = p.body_hash;
            }
            ep.items += p.new_items as i64;
            s.new_items += p.new_items;
            ep.interval_secs = if p.new_items > 0 {
                (ep.interval_secs / 2).max(MIN_INTERVAL)
            } else {
                (ep.interval_secs * 3 / 2).min(MAX_INTERVAL)
            };
            ep.next_poll = now + ep.interval_secs.max(p.floor);
        }
        Err((status, e)) => {
            s.poll_errors += 1;
            ep.last_status = status.map(i64::from);
            ep.last_error = Some(e);
            ep.failures += 1;
            let backoff =
                MIN_INTERVAL.saturating_mul(1 << ep.failures.clamp(1, 12).saturating_sub(1)).min(MAX_INTERVAL);
            ep.next_poll = now + backoff;
        }
    }
}

/// Takes the next task whose host is free and due, waiting as needed; `None` when no work is
/// left (or the crawl is stopping).
fn next_task(shared: &(Mutex<Sched>, Condvar), settings: &Settings, stop: &AtomicBool) -> Option<(String, Task)> {
    let (lock, cv) = shared;
    let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if stop.load(Ordering::SeqCst) || s.halted {
            cv.notify_all();
            return None;
        }
        let now = Instant::now();
        let mut best: Option<(&String, Instant)> = None;
        for (name, h) in &s.hosts {
            if h.busy || h.queue.is_empty() {
                continue;
            }
            if best.is_none_or(|(_, t)| h.next_at < t) {
                best = Some((name, h.next_at));
            }
        }
        match best {
            None if s.busy == 0 => {
                cv.notify_all();
                return None;
            }
            None => s = cv.wait(s).unwrap_or_else(|e| e.into_inner()),
            Some((_, at)) if at > now => {
                let wait = at - now;
                s = cv.wait_timeout(s, wait).unwrap_or_else(|e| e.into_inner()).0;
            }
            Some((name, _)) => {
                let name = name.clone();
                let h = s.hosts.get_mut(&name).expect("chosen above");
                let task = if h.robots.is_none() {
                    let (url, guard) = match h.queue.front() {
                        Some(Task::Poll { url, .. }) => (url, false),
                        Some(Task::Page { item, guard, .. }) => (&item.url, *guard),
                        _ => unreachable!("robots tasks are never queued"),
                    };
                    let mut robots = url.clone();
                    robots.set_path("/robots.txt");
                    robots.set_query(None);
                    Task::Robots { url: robots, guard }
                } else {
                    let t = h.queue.pop_front().expect("not empty");
                    if let Task::Page { .. } = t {
                        if h.pages >= settings.per_host {
                            // Over the bound: this host's pages wait for the next round.
                            h.queue.push_front(t);
                            let mut later = std::mem::take(&mut s.later);
                            if let Some(h) = s.hosts.get_mut(&name) {
                                defer(&mut h.queue, &mut later);
                            }
                            s.later = later;
                            continue;
                        }
                        h.pages += 1;
                    }
                    t
                };
                h.busy = true;
                s.busy += 1;
                return Some((name, task));
            }
        }
    }
}

/// What robots.txt says, from its response: rules when it was read; everything allowed when
/// the site has none (4xx); nothing when the server failed (5xx, no answer) — RFC 9309 §2.3.1.
/// The second value is its `Crawl-delay`.
pub(crate) fn robots_from(reply: Result<&Reply, &FetchError>) -> (Robots, Option<Duration>) {
    match reply {
        Ok(r) if r.status == 200 => match texting_robots::Robot::new(AGENT_TOKEN, &r.body) {
            Ok(robot) => {
                let delay = robot
                    .delay
                    .filter(|d| d.is_finite() && *d > 0.0)
                    .map(|d| Duration::from_secs_f32(d).min(MAX_CRAWL_DELAY));
                (Robots::Rules(std::sync::Arc::new(robot)), delay)
            }
            Err(_) => (Robots::All, None),
        },
        // 3xx (not followed for robots.txt) and 4xx: the site sets no rules.
        Ok(r) if (300..500).contains(&r.status) => (Robots::All, None),
        Ok(_) => (Robots::Nothing, None),
        // A robots.txt served as something else (an image, a huge body) sets no rules.
        Err(FetchError::ContentType(_)) | Err(FetchError::TooLarge(_)) => (Robots::All, None),
        Err(_) => (Robots::Nothing, None),
    }
}

/// Articles of a fetched page (or a full-text feed item), under the page's own address: its
/// `rel=canonical` when that is on the same site, else the URL it was fetched from. Ids follow
/// that address, so variants of one page give one article.
fn articles_of(doc: mirsad_ingest::Document, fetched: &Url) -> Result<(Vec<Article>, Url), mirsad_ingest::IngestError> {
    let mut arts = mirsad_ingest::process(doc)?;
    let canonical = arts
        .first()
        .and_then(|a| a.url.as_deref())
        .and_then(|c| urls::parse(c, Some(fetched)))
        .filter(|c| urls::site_of(c) == urls::site_of(fetched));
    let at = canonical.unwrap_or_else(|| fetched.clone());
    for a in &mut arts {
        a.id = mirsad_ingest::article_id(at.as_str(), Some(at.as_str()), a.segment);
        a.document = at.to_string();
        a.url = (a.segment == 0).then(|| at.to_string());
    }
    Ok((arts, at))
}

struct Worker<'a> {
    shared: &'a (Mutex<Sched>, Condvar),
    fetcher: &'a Fetcher,
    endpoints: &'a [Endpoint],
    gate: &'a dyn HostGate,
    settings: &'a Settings,
    stop: &'a AtomicBool,
    counts: &'a Counts,
    tx: mpsc::Sender<Msg>,
}

/// What a finished task changes in the schedule.
#[derive(Default)]
struct After {
    robots: Option<(Robots, Option<Duration>)>,
    /// Pause the host this long (a `Retry-After`).
    pause: Option<Duration>,
    /// Put the task back at the head of its host's queue (after a short pause).
    retry: Option<Task>,
    /// New work: (host, task).
    tasks: Vec<(String, Task)>,
    /// Items a listing named; kept when not seen before.
    items: Vec<(Item, Vec<i64>, bool)>,
    /// For a poll: how many of `items` were new, reported back to the endpoint.
    report: Option<(usize, Polled)>,
}

impl Worker<'_> {
    fn run(self) {
        while let Some((host, task)) = next_task(self.shared, self.settings, self.stop) {
            let mut after = After::default();
            self.perform(task, &mut after);
            self.finish(&host, after);
        }
    }

    fn send(&self, m: Msg) {
        let _ = self.tx.send(m);
    }

    fn get(&self, url: &Url, etag: Option<&str>, lm: Option<&str>, guard: bool) -> Result<Reply, FetchError> {
        self.send(Msg::Request(url.clone()));
        self.fetcher.get(url, etag, lm, guard)
    }

    fn allowed(&self, host: &str, url: &Url) -> bool {
        let s = self.shared.0.lock().unwrap_or_else(|e| e.into_inner());
        s.hosts.get(host).and_then(|h| h.robots.as_ref()).is_none_or(|r| r.allowed(url))
    }

    /// A 429 or 503: the host pauses for its `Retry-After` (60 s when it names none); a short
    /// pause is waited out and the task tried again, a long one is kept across restarts and the
    /// task left to a later round.
    fn throttled(&self, host: &str, reply: &Reply, task: Task, after: &mut After) -> bool {
        if !matches!(reply.status, 429 | 503) {
            return false;
        }
        let secs = reply.retry_after.unwrap_or(60);
        after.pause = Some(Duration::from_secs(secs));
        self.send(Msg::Pause { host: host.to_string(), until: now_secs() + secs as i64 });
        match task {
            Task::Poll { idx, child: false, .. } if Duration::from_secs(secs) > self.settings.max_wait => {
                self.send(Msg::Polled {
                    idx,
                    result: Err((Some(reply.status), format!("HTTP {}: paused {secs} s", reply.status))),
                });
            }
            // Retried after the pause, or (a long one) kept for a later round by `finish`.
            task => after.retry = Some(task),
        }
        true
    }

    fn perform(&self, task: Task, after: &mut After) {
        match task {
            Task::Robots { url, guard } => {
                let r = self.get(&url, None, None, guard);
                if let Ok(reply) = &r {
                    if matches!(reply.status, 429 | 503) {
                        let secs = reply.retry_after.unwrap_or(60);
                        after.pause = Some(Duration::from_secs(secs.min(self.settings.max_wait.as_secs())));
                        return;
                    }
                }
                after.robots = Some(robots_from(r.as_ref()));
            }
            Task::Poll { idx, url, hops, child } => self.poll(idx, url, hops, child, after),
            Task::Page { item, keys, hops, guard } => self.page(item, keys, hops, guard, after),
        }
    }

    fn poll(&self, idx: usize, url: Url, hops: u8, child: bool, after: &mut After) {
        let host = urls::host_of(&url);
        let ep = &self.endpoints[idx];
        let fail = |status: Option<u16>, e: String| {
            if child {
                bump(&self.counts.fetch_errors);
            } else {
                self.send(Msg::Polled { idx, result: Err((status, e)) });
            }
        };
        if !self.allowed(&host, &url) {
            bump(&self.counts.disallowed);
            return fail(None, "disallowed by robots.txt".into());
        }
        // Endpoints are the operator's; what they redirect to from a public host is not.
        let guard = hops > 0 && urls::parse(&ep.url, None).is_none_or(|u| crate::fetch::private_address(&u).is_none());
        let first = hops == 0 && !child;
        let reply = match self.get(
            &url,
            ep.etag.as_deref().filter(|_| first),
            ep.last_modified.as_deref().filter(|_| first),
            guard,
        ) {
            Ok(r) => r,
            Err(e) => return fail(None, e.to_string()),
        };
        let task = || Task::Poll { idx, url: url.clone(), hops, child };
        if self.throttled(&host, &reply, task(), after) {
            return;
        }
        match reply.status {
            304 if first => {
                let polled = Polled {
                    status: 304,
                    etag: None,
                    last_modified: None,
                    body_hash: None,
                    new_items: 0,
                    floor: floor(&reply, None),
                };
                after.report = Some((idx, polled));
            }
            200 => {
                let hash = xxhash_rust::xxh3::xxh3_64(&reply.body) as i64;
                let polled = |items, ttl| Polled {
                    status: 200,
                    etag: reply.etag.clone(),
                    last_modified: reply.last_modified.clone(),
                    body_hash: Some(hash),
                    new_items: items,
                    floor: floor(&reply, ttl),
                };
                if first && ep.body_hash == Some(hash) {
                    after.report = Some((idx, polled(0, None)));
                    return;
                }
                let body = match listing::gunzip(reply.body.clone(), listing::MAX_XML_BYTES) {
                    Ok(b) => b,
                    Err(e) => return fail(Some(200), e),
                };
                let listing = match listing::parse(&body, &url) {
                    Ok(l) => l,
                    Err(e) => return fail(Some(200), e),
                };
                if listing.kind == Kind::Page && ep.kind != "page" {
                    return fail(Some(200), format!("expected a {}, got an HTML page", ep.kind));
                }
                for child_url in listing.sitemaps {
                    let h = urls::host_of(&child_url);
                    after.tasks.push((h, Task::Poll { idx, url: child_url, hops: 0, child: true }));
                }
                let guard = crate::fetch::private_address(&url).is_none();
                for item in listing.items {
                    let mut keys = vec![urls::url_key(&item.url)];
                    if let Some(g) = &item.guid {
                        keys.push(urls::guid_key(&url, g));
                    }
                    after.items.push((item, keys, guard));
                }
                if !child {
                    after.report = Some((idx, polled(0, listing.ttl_minutes)));
                }
            }
            300..=399 => match reply.location {
                Some(loc) if hops < MAX_REDIRECTS && loc != url => {
                    after.tasks.push((urls::host_of(&loc), Task::Poll { idx, url: loc, hops: hops + 1, child }));
                }
                _ => fail(
                    Some(reply.status),
                    format!("HTTP {}: redirect without a usable target or too many", reply.status),
                ),
            },
            s => fail(Some(s), format!("HTTP {s}")),
        }
    }

    fn page(&self, item: Item, mut keys: Vec<i64>, hops: u8, guard: bool, after: &mut After) {
        let host = urls::host_of(&item.url);
        if !self.allowed(&host, &item.url) {
            bump(&self.counts.disallowed);
            return;
        }
        let reply = match self.get(&item.url, None, None, guard) {
            Ok(r) => r,
            Err(e) => {
                match e {
                    // Settled: never worth fetching again.
                    FetchError::ContentType(_) | FetchError::TooLarge(_) => bump(&self.counts.skipped),
                    FetchError::Refused(_) => {
                        bump(&self.counts.fetch_errors);
                    }
                    // A network failure is tried again next round.
                    FetchError::Network(_) => {
                        bump(&self.counts.fetch_errors);
                        return self.send(Msg::Failed { url: item.url, keys });
                    }
                }
                return self.send(Msg::Seen(keys));
            }
        };
        let url = item.url.clone();
        if matches!(reply.status, 429 | 503) {
            let task = Task::Page { item, keys, hops, guard };
            self.throttled(&host, &reply, task, after);
            return;
        }
        match reply.status {
            200 => {
                let body = mirsad_ingest::encoding::with_http_charset(&reply.content_type, reply.body.clone());
                self.send(Msg::Warc { url: url.clone(), reply: reply.clone() });
                let mut hints = item.document.map(|d| d.hints).unwrap_or_default();
                hints.clean_body = false;
                let doc = mirsad_ingest::Document {
                    source: url.to_string(),
                    url: None,
                    payload: mirsad_ingest::Payload::Html(body),
                    hints,
                };
                match articles_of(doc, &url) {
                    Ok((arts, at)) => {
                        keys.push(urls::url_key(&at));
                        self.send(Msg::Articles { arts, keys });
                    }
                    Err(_) => {
                        bump(&self.counts.skipped);
                        self.send(Msg::Seen(keys));
                    }
                }
            }
            300..=399 => match reply.location {
                Some(loc) if hops < MAX_REDIRECTS && !keys.contains(&urls::url_key(&loc)) => {
                    keys.push(urls::url_key(&loc));
                    let guard = guard || crate::fetch::private_address(&url).is_none();
                    let next = Item { url: loc.clone(), ..item };
                    after.tasks.push((urls::host_of(&loc), Task::Page { item: next, keys, hops: hops + 1, guard }));
                }
                _ => {
                    bump(&self.counts.fetch_errors);
                    self.send(Msg::Seen(keys));
                }
            },
            400..=499 => {
                bump(&self.counts.fetch_errors);
                self.send(Msg::Seen(keys));
            }
            _ => {
                bump(&self.counts.fetch_errors);
                self.send(Msg::Failed { url, keys });
            }
        }
    }

    fn finish(&self, host: &str, mut after: After) {
        let (lock, cv) = self.shared;
        let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let s = &mut *guard;
        let settings = self.settings;
        // Full-text items are stored from the listing, without a request.
        let mut direct: Vec<(Item, Vec<i64>)> = Vec::new();
        let mut new_items = 0;
        for (item, keys, guard) in after.items.drain(..) {
            if keys.iter().any(|k| s.seen.contains(k)) {
                continue;
            }
            s.seen.extend(keys.iter().copied());
            new_items += 1;
            if item.full_text && item.document.is_some() {
                direct.push((item, keys));
            } else {
                let h = urls::host_of(&item.url);
                after.tasks.push((h, Task::Page { item, keys, hops: 0, guard }));
            }
        }
        for (h, task) in after.tasks.drain(..) {
            if let Task::Page { keys, hops, .. } = &task {
                // A redirect to a page already stored (or queued) under its own address.
                let target = *keys.last().expect("a page has its URL's key");
                if *hops > 0 && !s.seen.insert(target) {
                    self.send(Msg::Seen(keys.clone()));
                    continue;
                }
            }
            let entry = host_entry(&mut s.hosts, &h, self.gate, settings, || Instant::now() + settings.min_delay);
            if entry.elsewhere {
                leave(task, &mut s.later, &mut s.unsaved);
            } else {
                entry.queue.push_back(task);
            }
        }
        let h = s.hosts.get_mut(host).expect("the task's host");
        if let Some((robots, delay)) = after.robots {
            h.robots = Some(robots);
            h.robots_fresh = true;
            h.delay = delay.map_or(settings.min_delay, |d| d.max(settings.min_delay));
        }
        h.next_at = Instant::now() + h.delay + after.pause.unwrap_or_default();
        if let Some(t) = after.retry {
            h.queue.push_front(t);
        }
        if after.pause.is_some_and(|p| p > settings.max_wait) {
            // Paused past the round: its pages wait for a later one (kept as retries), its
            // polls for the next round (their endpoints stay due; the pause is in the store).
            defer(&mut h.queue, &mut s.later);
            h.queue.clear();
        }
        h.busy = false;
        s.busy -= 1;
        drop(guard);
        if let Some((idx, mut polled)) = after.report {
            polled.new_items = new_items;
            self.send(Msg::Polled { idx, result: Ok(polled) });
        }
        for (item, keys) in direct {
            let Some(doc) = item.document else { continue };
            match articles_of(doc, &item.url) {
                Ok((arts, _)) => self.send(Msg::Articles { arts, keys }),
                Err(_) => {
                    bump(&self.counts.skipped);
                    self.send(Msg::Seen(keys));
                }
            }
        }
        cv.notify_all();
    }
}

/// The least seconds until the next poll the response allows: its cache lifetime, or the
/// feed's TTL.
fn floor(reply: &Reply, ttl_minutes: Option<u32>) -> i64 {
    let a = reply.max_age.unwrap_or(0).min(MAX_INTERVAL as u64) as i64;
    let b = ttl_minutes.map_or(0, |m| (m as i64 * 60).min(MAX_INTERVAL));
    a.max(b)
}
