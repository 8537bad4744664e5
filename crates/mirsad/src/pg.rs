//! The PostgreSQL backend from the command line: `migrate`, `ingest --data postgres://…`
//! (`--enqueue` to queue only), `worker`, `jobs` and `sync`; `watch` is in [`crate::pg_watch`].
//!
//! A worker is stateless: it claims queued documents, runs the embedded path's own stages on
//! them (extraction, the undated-article date, the per-article analysis) and writes the
//! articles and the job's completion in one transaction; it also takes crawl jobs. Stories,
//! the entity resolution across the collection and search are built on each reader's local
//! replica ([`sync`]), an embedded store filled from the database's ordered change feed.

use crate::analyze::{date_undated, name_of, progress_bar, InputArgs};
use anyhow::Context;
use mirsad_ingest::document::{Document, Hints, Payload};
use mirsad_ingest::read;
use mirsad_pg::{articles, queue, Url};
use mirsad_store::BatchSummary;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use std::time::Duration;

/// Worker defaults, shared by `worker`'s flags and the worker `ingest` runs in process.
const LEASE_SECS: f64 = 30.0;
const CLAIM_BATCH: i64 = 32;
const MAX_ATTEMPTS: i32 = 5;
const BACKOFF_SECS: f64 = 2.0;
const CRAWL_HOSTS: i64 = 8;

/// Kind of the job that extracts, analyzes and stores one document.
const DOCUMENT_JOB: &str = "document";
/// Kind of the job that analyzes stored articles again (`reanalyze`); its payload names them.
const REANALYZE_JOB: &str = "reanalyze";
/// Most articles in one re-analysis job: a worker's claim of jobs (`--batch`) must be done
/// within its lease.
const REANALYZE_CHUNK: usize = 50;
/// Documents queued per transaction by `ingest`.
const ENQUEUE_BATCH: usize = 500;

/// The URL a `--data` value names, when it is one.
pub fn url_of(data: &Path) -> Option<Url> {
    data.to_str().filter(|s| mirsad_pg::is_url(s)).map(Url::new)
}

/// Refuses a PostgreSQL URL for a command that runs on the embedded store only, naming the
/// database without its password.
pub fn embedded_only(data: &Path) -> anyhow::Result<()> {
    match url_of(data) {
        Some(url) => anyhow::bail!(
            "{url}: this command does not run on PostgreSQL yet; there, `migrate`, `ingest`, `worker`, `jobs`, `sync`, `search`, `stories`, `check`, `serve`, `sources` and `watch` do"
        ),
        None => Ok(()),
    }
}

/// `--data` of the PostgreSQL commands: a URL only.
fn required_url(data: &str) -> anyhow::Result<Url> {
    if !mirsad_pg::is_url(data) {
        anyhow::bail!("--data {data}: expected a PostgreSQL URL (postgres://USER@HOST/DB)");
    }
    Ok(Url::new(data))
}

#[derive(clap::Args)]
pub struct MigrateArgs {
    /// The database: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=require].
    #[arg(long, env = "MIRSAD_DATA")]
    pub data: String,
}

/// `mirsad migrate`: creates or upgrades the schema.
pub fn migrate(args: MigrateArgs) -> anyhow::Result<u8> {
    let url = required_url(&args.data)?;
    let mut client = mirsad_pg::connect(&url)?;
    let applied = mirsad_pg::migrate(&mut client)?;
    let version = mirsad_pg::schema_version(&mut client)?;
    if applied.is_empty() {
        println!("{url}: schema version {version}, current");
    } else {
        let list: Vec<String> = applied.iter().map(i32::to_string).collect();
        println!("{url}: applied migration {}; schema version {version}", list.join(", "));
    }
    Ok(0)
}

#[derive(clap::Args, Clone)]
pub struct WorkerArgs {
    /// The database: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=require].
    #[arg(long, env = "MIRSAD_DATA")]
    pub data: String,
    /// Exit 0 once no job is queued or leased (waiting out the lease of a dead worker first).
    #[arg(long)]
    pub until_idle: bool,
    /// Seconds a claimed job stays this worker's; a worker that dies loses its jobs to others
    /// when their lease ends.
    #[arg(long, default_value_t = LEASE_SECS)]
    pub lease: f64,
    /// Jobs claimed at once (processed on all cores, written in one transaction).
    #[arg(long, default_value_t = CLAIM_BATCH)]
    pub batch: i64,
    /// Claims of a job before it is dead.
    #[arg(long, default_value_t = MAX_ATTEMPTS)]
    pub max_attempts: i32,
    /// Seconds before the first retry of a failed job; doubles with every attempt.
    #[arg(long, default_value_t = BACKOFF_SECS)]
    pub backoff: f64,
    /// This worker's name in the queue (default: host and process id).
    #[arg(long)]
    pub id: Option<String>,
    /// Store articles only: no entities, quotes or dated events.
    #[arg(long)]
    pub no_analysis: bool,
    /// Hosts crawled at once for `watch` (one crawl job each, in one round).
    #[arg(long, default_value_t = CRAWL_HOSTS)]
    pub crawl_hosts: i64,
    /// Archive the raw responses of this worker's crawl jobs as WARC files in DIR (each
    /// worker keeps its own archive; `mirsad ingest DIR` reads them back).
    #[arg(long, value_name = "DIR")]
    pub warc: Option<std::path::PathBuf>,
    /// Tests: sleep this many milliseconds after each claim, before any work (to kill a worker
    /// that holds leases).
    #[arg(long, hide = true)]
    pub stall_after_claim: Option<u64>,
}

impl WorkerArgs {
    /// The worker a command runs in its own process until the queue is idle (`ingest`,
    /// `watch`), with the defaults of `mirsad worker`.
    pub(crate) fn in_process(url: &Url) -> WorkerArgs {
        WorkerArgs {
            data: url.secret().to_string(),
            until_idle: true,
            lease: LEASE_SECS,
            batch: CLAIM_BATCH,
            max_attempts: MAX_ATTEMPTS,
            backoff: BACKOFF_SECS,
            id: None,
            no_analysis: false,
            crawl_hosts: CRAWL_HOSTS,
            warc: None,
            stall_after_claim: None,
        }
    }
}

/// `mirsad worker`.
pub fn worker(args: WorkerArgs) -> anyhow::Result<u8> {
    let url = required_url(&args.data)?;
    // SIGINT/SIGTERM end the worker between batches (a batch in flight is written or rolled
    // back as a whole).
    let done = run_worker(&url, &args, crate::watch::stop_on_signals())?;
    println!(
        "worker {}: {} jobs done, {} failed; articles {} new, {} updated, {} unchanged, {} duplicates",
        done.worker,
        done.jobs,
        done.failed,
        done.written.new,
        done.written.updated,
        done.written.unchanged,
        done.written.duplicates
    );
    Ok(0)
}

#[derive(Debug, Default)]
pub(crate) struct WorkDone {
    pub worker: String,
    pub jobs: u64,
    pub failed: u64,
    /// Articles written.
    pub written: BatchSummary,
    /// Stored articles analyzed again.
    pub analysed: u64,
    /// What this worker's crawl rounds did, summed.
    pub crawl: mirsad_watch::Summary,
}

pub(crate) fn run_worker(url: &Url, args: &WorkerArgs, stop: &AtomicBool) -> anyhow::Result<WorkDone> {
    if !(args.lease > 0.0 && args.lease.is_finite()) {
        anyhow::bail!("--lease {}: expected a positive number of seconds", args.lease);
    }
    let tagger = if args.no_analysis { None } else { Some(crate::analyze::load_tagger()?) };
    let mut client = mirsad_pg::open(url)?;
    let me = args.id.clone().unwrap_or_else(|| format!("{}-{}", hostname(), std::process::id()));
    let mut done = WorkDone { worker: me.clone(), ..Default::default() };
    let mut crawler = mirsad_watch::Crawler::default();
    let crawl = [crate::pg_watch::CRAWL_JOB];
    while !stop.load(Ordering::Relaxed) {
        // Documents first (quick, on all cores); crawls (long, mostly waiting on hosts' pace)
        // when none is queued.
        let jobs = queue::claim(&mut client, &me, args.lease, args.batch.max(1), queue::Kinds::Except(&crawl))?;
        if jobs.is_empty() {
            let crawls =
                queue::claim(&mut client, &me, args.lease, args.crawl_hosts.max(1), queue::Kinds::Only(&crawl))?;
            if !crawls.is_empty() {
                let job = crate::pg_watch::CrawlJob { url, me: &me, args, tagger: tagger.as_ref(), stop };
                job.run(&mut client, &crawls, &mut crawler, &mut done)?;
                continue;
            }
            let c = queue::pending(&mut client)?;
            if args.until_idle && c.idle() {
                break;
            }
            // Sleep until the next job may be ready (a backoff, a lease ending), 1 s at most.
            let wait = c.next_in_secs.unwrap_or(1.0).clamp(0.05, 1.0);
            std::thread::sleep(Duration::from_secs_f64(wait));
            continue;
        }
        if let Some(ms) = args.stall_after_claim {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let (again, jobs): (Vec<queue::Job>, Vec<queue::Job>) = jobs.into_iter().partition(|j| j.kind == REANALYZE_JOB);
        if !again.is_empty() {
            run_reanalysis(&mut client, &again, &me, args, tagger.as_ref(), &mut done)?;
        }
        if jobs.is_empty() {
            continue;
        }
        // Work on all cores; each job's result or its error.
        let results: Vec<Result<Analyzed, JobError>> =
            jobs.par_iter().map(|j| run_job(j, args.max_attempts, tagger.as_ref())).collect();
        let mut ok = Vec::new();
        for (job, r) in jobs.iter().zip(results) {
            match r {
                Ok(arts) => ok.push((job, arts)),
                Err(JobError { reason: e, permanent }) => {
                    done.failed += 1;
                    // An input the stages reject is rejected again on retry: dead at once.
                    let max = if permanent { job.attempts } else { args.max_attempts };
                    let to = queue::fail(&mut client, job.id, &me, &e, max, args.backoff)?;
                    if to == queue::Failed::Dead {
                        eprintln!("mirsad: job {} ({}): dead after {} attempts: {e}", job.id, job.key, job.attempts);
                    }
                }
            }
        }
        let arts: Vec<&(mirsad_model::Article, Option<mirsad_model::ArticleAnalysis>)> =
            ok.iter().flat_map(|(_, arts)| arts.iter()).collect();
        let ids: Vec<i64> = ok.iter().map(|(job, _)| job.id).collect();
        let written = write_articles(&mut client, &arts, |tx| queue::complete_all(tx, &ids, &me))?;
        let Some(counts) = written else {
            // Another worker took a job of this batch after our lease ended: it writes them.
            eprintln!("mirsad: worker {me}: a lease ended before the batch was written; another worker has it");
            continue;
        };
        done.jobs += ok.len() as u64;
        done.written += counts;
    }
    Ok(done)
}

/// Re-analysis jobs: the articles each names are analyzed again on all cores, and their
/// analyses written with the jobs' completion in one transaction (each put on the change feed
/// again, so replicas take it).
fn run_reanalysis(
    client: &mut postgres::Client,
    jobs: &[queue::Job],
    me: &str,
    args: &WorkerArgs,
    tagger: Option<&mirsad_analyze::Tagger>,
    done: &mut WorkDone,
) -> anyhow::Result<()> {
    let mut work = Vec::new();
    for j in jobs {
        let ids: Result<Vec<String>, String> = serde_json::from_value(j.payload["ids"].clone())
            .map_err(|e| format!("a damaged re-analysis job payload: {e}"));
        let failed = match (ids, tagger) {
            (Err(e), _) => Some((e, j.attempts)),
            // Another worker, with the analysis on, may take it.
            (Ok(_), None) => Some(("this worker runs with --no-analysis".to_string(), args.max_attempts)),
            (Ok(ids), Some(_)) => {
                work.push((j, articles::by_ids(client, &ids)?));
                None
            }
        };
        if let Some((reason, max)) = failed {
            done.failed += 1;
            queue::fail(client, j.id, me, &reason, max, args.backoff)?;
        }
    }
    let Some(tagger) = tagger else { return Ok(()) };
    let analysed: Vec<Option<Vec<mirsad_model::ArticleAnalysis>>> = work
        .par_iter()
        .map(|(_, arts)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                arts.par_iter().map(|a| mirsad_analyze::analyze_article(tagger, a)).collect()
            }))
            .ok()
        })
        .collect();
    let mut tx = client.transaction().context("starting a write")?;
    articles::lock_feed_shared(&mut tx)?;
    let (mut finished, mut n) = (Vec::new(), 0u64);
    for ((job, arts), analyses) in work.iter().zip(analysed) {
        let Some(analyses) = analyses else {
            finished.push((job, false));
            continue;
        };
        for (a, an) in arts.iter().zip(&analyses) {
            n += u64::from(articles::set_analysis(&mut tx, &a.id, an)?);
        }
        if !queue::complete(&mut tx, job.id, me)? {
            tx.rollback().context("rolling back a re-analysis whose lease was lost")?;
            eprintln!("mirsad: worker {me}: a lease ended before the re-analysis was written; another worker has it");
            return Ok(());
        }
        finished.push((job, true));
    }
    tx.commit().context("writing analyses")?;
    done.analysed += n;
    for (job, ok) in finished {
        if ok {
            done.jobs += 1;
        } else {
            done.failed += 1;
            let reason = "the analysis panicked on an article of this job (a bug, please report it)";
            queue::fail(client, job.id, me, reason, args.max_attempts, args.backoff)?;
        }
    }
    Ok(())
}

/// `mirsad reanalyze --data postgres://…`: queues every stored article for analysis again, in
/// jobs of `chunk` articles, then (without `enqueue_only`) works through the queue until it is
/// idle. Replicas take the new analyses on their next sync.
pub fn reanalyze(url: Url, chunk: usize, enqueue_only: bool) -> anyhow::Result<u8> {
    let mut client = mirsad_pg::open(&url)?;
    // A run of its own: jobs of an earlier run, done or not, are other jobs.
    let run = format!("{}-{}", chrono::Utc::now().timestamp_millis(), std::process::id());
    let (mut after, mut articles_n, mut jobs) = (String::new(), 0usize, Vec::new());
    loop {
        let ids = articles::ids_after(&mut client, &after, chunk.clamp(1, REANALYZE_CHUNK) as i64)?;
        let Some(last) = ids.last().cloned() else { break };
        articles_n += ids.len();
        let key = format!("{run}:{}", jobs.len());
        jobs.push(queue::NewJob {
            kind: REANALYZE_JOB.into(),
            key,
            payload: serde_json::json!({ "ids": ids }),
            body: None,
        });
        after = last;
    }
    for part in jobs.chunks(ENQUEUE_BATCH) {
        queue::enqueue(&mut client, part)?;
    }
    if enqueue_only {
        println!("{articles_n} articles queued for analysis in {} jobs; {url}", jobs.len());
        return Ok(0);
    }
    drop(client);
    let done = run_worker(&url, &WorkerArgs::in_process(&url), crate::watch::stop_on_signals())?;
    println!(
        "{} articles analyzed ({} jobs failed) in {url}; replicas take the new analyses on their next sync",
        done.analysed, done.failed
    );
    Ok(if done.failed > 0 { 1 } else { 0 })
}

/// Articles with their analysis (none without a tagger), analysed on all cores.
pub(crate) fn analysed(
    tagger: Option<&mirsad_analyze::Tagger>,
    arts: &[mirsad_model::Article],
) -> Vec<(mirsad_model::Article, Option<mirsad_model::ArticleAnalysis>)> {
    arts.par_iter().map(|a| (a.clone(), tagger.map(|t| mirsad_analyze::analyze_article(t, a)))).collect()
}

/// `serve` on PostgreSQL: the server searches its replica, while posted articles (`--token`)
/// are analysed here and written to the database in one transaction (the replica shows them
/// after its next sync), and the sources page reads the crawl's tables.
pub(crate) struct PgPrimary {
    url: Url,
    /// Made again after an error (the server restarted, the connection dropped).
    client: std::sync::Mutex<Option<postgres::Client>>,
    /// Loaded only when the server takes posted articles.
    tagger: Option<mirsad_analyze::Tagger>,
}

impl PgPrimary {
    pub fn new(url: &Url, writes: bool) -> anyhow::Result<PgPrimary> {
        let client = mirsad_pg::open(url)?;
        let tagger = if writes { Some(crate::analyze::load_tagger()?) } else { None };
        Ok(PgPrimary { url: url.clone(), client: std::sync::Mutex::new(Some(client)), tagger })
    }

    /// Runs `f` on the connection, made again first when an earlier call dropped it; an error
    /// drops it.
    fn with_client<T>(&self, f: impl FnOnce(&mut postgres::Client) -> anyhow::Result<T>) -> Result<T, String> {
        let mut guard = self.client.lock().unwrap_or_else(|p| p.into_inner());
        let client = match guard.as_mut() {
            Some(c) => c,
            None => guard.insert(mirsad_pg::open(&self.url).map_err(|e| e.to_string())?),
        };
        f(client).map_err(|e| {
            *guard = None;
            format!("{e:#}")
        })
    }
}

impl mirsad_web::Primary for PgPrimary {
    fn put(&self, arts: &[mirsad_model::Article]) -> Result<BatchSummary, String> {
        let items = analysed(self.tagger.as_ref(), arts);
        let refs: Vec<_> = items.iter().collect();
        self.with_client(|client| Ok(write_articles(client, &refs, |_| Ok(true))?.unwrap_or_default()))
    }

    fn sources(&self) -> Result<Vec<mirsad_store::Source>, String> {
        self.with_client(|client| Ok(mirsad_pg::crawl::sources(client, None)?))
    }
}

/// Writes articles with their analyses in one transaction, together with `finish` (the jobs'
/// completion, a crawl's seen keys), which may ask for a rollback by returning false (a lease
/// lost); `None` then. The monthly partitions the articles need are made first.
pub(crate) fn write_articles(
    client: &mut postgres::Client,
    arts: &[&(mirsad_model::Article, Option<mirsad_model::ArticleAnalysis>)],
    finish: impl FnOnce(&mut postgres::Transaction) -> mirsad_pg::Result<bool>,
) -> anyhow::Result<Option<BatchSummary>> {
    let months: std::collections::BTreeSet<i32> = arts.iter().map(|(a, _)| articles::month_of(a)).collect();
    articles::ensure_partitions(client, months)?;
    let mut tx = client.transaction().context("starting a write")?;
    articles::lock_feed_shared(&mut tx)?;
    let mut rows = Vec::with_capacity(arts.len());
    for (a, an) in arts {
        rows.push(articles::Row {
            article: a,
            analysis: an.as_ref(),
            hash: mirsad_store::content_hash(a)?,
            content_key: mirsad_store::content_key(a),
        });
    }
    let mut counts = BatchSummary::default();
    for w in articles::upsert_batch(&mut tx, &rows)? {
        match w {
            articles::Written::New => counts.new += 1,
            articles::Written::Updated => counts.updated += 1,
            articles::Written::Unchanged => counts.unchanged += 1,
            articles::Written::Duplicate => counts.duplicates += 1,
        }
    }
    if !finish(&mut tx)? {
        tx.rollback().context("rolling back a write")?;
        return Ok(None);
    }
    tx.commit().context("writing a batch")?;
    Ok(Some(counts))
}

type Analyzed = Vec<(mirsad_model::Article, Option<mirsad_model::ArticleAnalysis>)>;

/// Why a job failed, and whether trying again can help.
struct JobError {
    reason: String,
    /// The input itself is rejected (no article text, a damaged payload): no retry.
    permanent: bool,
}

fn permanent(reason: String) -> JobError {
    JobError { reason, permanent: true }
}

/// One job's work: the document's articles with their analysis, or why it failed. A panic in a
/// stage is the job's failure, not the worker's end.
fn run_job(job: &queue::Job, max_attempts: i32, tagger: Option<&mirsad_analyze::Tagger>) -> Result<Analyzed, JobError> {
    if job.attempts > max_attempts {
        return Err(permanent(format!("claimed {} times: a worker died or hung on it each time", job.attempts - 1)));
    }
    if job.kind != DOCUMENT_JOB {
        return Err(permanent(format!("unknown job kind {:?}", job.kind)));
    }
    let doc = document_of(job).map_err(permanent)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let arts = date_undated(mirsad_ingest::process(doc).map_err(|e| permanent(e.to_string()))?);
        let analyses: Vec<Option<mirsad_model::ArticleAnalysis>> = match tagger {
            Some(t) => arts.iter().map(|a| Some(mirsad_analyze::analyze_article(t, a))).collect(),
            None => vec![None; arts.len()],
        };
        Ok(arts.into_iter().zip(analyses).collect())
    }))
    .unwrap_or_else(|_| {
        Err(JobError { reason: "a stage panicked on this document (a bug, please report it)".into(), permanent: false })
    })
}

/// What a document job holds besides its bytes.
#[derive(serde::Serialize, serde::Deserialize)]
struct DocumentPayload {
    source: String,
    url: Option<String>,
    /// The bytes are HTML (else UTF-8 text).
    html: bool,
    hints: Hints,
}

fn job_of(doc: Document) -> anyhow::Result<queue::NewJob> {
    let (html, body) = match doc.payload {
        Payload::Text(t) => (false, t.into_bytes()),
        Payload::Html(b) => (true, b),
    };
    // The same bytes from the same place are one job; changed bytes are another.
    let key = format!("{}#{:016x}", doc.source, xxhash_rust::xxh3::xxh3_64(&body));
    let payload = serde_json::to_value(DocumentPayload { source: doc.source, url: doc.url, html, hints: doc.hints })?;
    Ok(queue::NewJob { kind: DOCUMENT_JOB.into(), key, payload, body: Some(body) })
}

fn document_of(job: &queue::Job) -> Result<Document, String> {
    let p: DocumentPayload =
        serde_json::from_value(job.payload.clone()).map_err(|e| format!("a damaged job payload: {e}"))?;
    let body = job.body.clone().unwrap_or_default();
    let payload = if p.html {
        Payload::Html(body)
    } else {
        Payload::Text(String::from_utf8(body).map_err(|_| "a text job whose bytes are not UTF-8".to_string())?)
    };
    Ok(Document { source: p.source, url: p.url, payload, hints: p.hints })
}

/// `mirsad ingest --data postgres://…`: queues the documents, then (without `--enqueue`)
/// works through the queue in this process until it is idle.
pub fn ingest(
    url: Url,
    paths: &[PathBuf],
    input: &InputArgs,
    enqueue_only: bool,
    no_analysis: bool,
) -> anyhow::Result<u8> {
    let mut client = mirsad_pg::open(&url)?;
    let (documents, added, errors) = enqueue(&mut client, paths, input)?;
    if enqueue_only {
        println!("{documents} documents: {added} queued, {} already queued, {errors} errors; {url}", documents - added);
        return Ok(if errors > 0 { 1 } else { 0 });
    }
    drop(client);
    let args = WorkerArgs { no_analysis, ..WorkerArgs::in_process(&url) };
    let done = run_worker(&url, &args, crate::watch::stop_on_signals())?;
    let mut client = mirsad_pg::open(&url)?;
    let c = queue::counts(&mut client)?;
    println!(
        "{documents} documents: {} new, {} updated, {} unchanged, {} duplicates, {} errors, {} dead jobs; {} articles in {url}",
        done.written.new,
        done.written.updated,
        done.written.unchanged,
        done.written.duplicates,
        errors,
        c.dead,
        articles::count(&mut client)?
    );
    Ok(if errors > 0 || c.dead > 0 { 1 } else { 0 })
}

/// Reads the inputs as `ingest` does and queues one job per document. Returns (documents read,
/// jobs new, read errors).
fn enqueue(client: &mut postgres::Client, paths: &[PathBuf], input: &InputArgs) -> anyhow::Result<(u64, u64, u64)> {
    let opts = input.read_options()?;
    let inputs = read::expand(paths).map_err(|e| anyhow::anyhow!("{e}"))?;
    let progress = progress_bar(input.quiet);
    let (mut documents, mut added, mut errors) = (0u64, 0u64, 0u64);
    let mut pending: Vec<queue::NewJob> = Vec::with_capacity(ENQUEUE_BATCH);
    for inp in &inputs {
        let inp = match inp {
            Ok(i) => i,
            Err(e) => {
                errors += 1;
                progress.suspend(|| eprintln!("mirsad: {e}"));
                continue;
            }
        };
        for p in read::read_pending(inp, &opts) {
            match p.resolve() {
                Ok(doc) => {
                    documents += 1;
                    pending.push(job_of(doc)?);
                    if pending.len() >= ENQUEUE_BATCH {
                        added += queue::enqueue(client, &std::mem::take(&mut pending))?;
                    }
                }
                Err(e) => {
                    errors += 1;
                    progress.suspend(|| eprintln!("mirsad: {e}"));
                }
            }
            progress.set_position(documents);
            progress.set_message(format!("{documents} documents queued — {}", name_of(inp)));
        }
    }
    if !pending.is_empty() {
        added += queue::enqueue(client, &pending)?;
    }
    progress.finish_and_clear();
    Ok((documents, added, errors))
}

#[derive(clap::Args)]
pub struct JobsArgs {
    /// The database: postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
    #[arg(long, env = "MIRSAD_DATA")]
    pub data: String,
    /// Also list the dead jobs with their errors (newest first, at most this many).
    #[arg(long, default_value_t = 20)]
    pub dead: i64,
    /// Queue the dead jobs again, with fresh attempts.
    #[arg(long)]
    pub retry_dead: bool,
    /// Delete the jobs done more than this many hours ago (0: all done jobs). The queue keeps
    /// done jobs so that the same documents queued again are not worked again.
    #[arg(long, value_name = "HOURS")]
    pub forget_done: Option<f64>,
    /// JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// `mirsad jobs`: the queue's state and its dead letters.
pub fn jobs(args: JobsArgs) -> anyhow::Result<u8> {
    let url = required_url(&args.data)?;
    let mut client = mirsad_pg::open(&url)?;
    if args.retry_dead {
        let n = queue::retry_dead(&mut client)?;
        println!("{n} dead jobs queued again");
    }
    if let Some(hours) = args.forget_done {
        if !(hours.is_finite() && hours >= 0.0) {
            anyhow::bail!("--forget-done {hours}: expected a number of hours, 0 or more");
        }
        let n = queue::forget_done(&mut client, hours * 3600.0)?;
        println!("{n} done jobs deleted");
    }
    let c = queue::counts(&mut client)?;
    let dead = queue::dead(&mut client, args.dead.max(0))?;
    if args.json {
        let v = serde_json::json!({
            "queued": c.queued, "leased": c.leased, "done": c.done, "dead": c.dead,
            "articles": articles::count(&mut client)?,
            "dead_jobs": dead.iter().map(|d| serde_json::json!({
                "id": d.id, "kind": d.kind, "key": d.key, "attempts": d.attempts, "error": d.error
            })).collect::<Vec<_>>(),
        });
        println!("{v}");
    } else {
        println!(
            "jobs: {} queued, {} leased, {} done, {} dead; {} articles",
            c.queued,
            c.leased,
            c.done,
            c.dead,
            articles::count(&mut client)?
        );
        for d in dead {
            println!("dead job {} {} {} after {} attempts: {}", d.id, d.kind, d.key, d.attempts, d.error);
        }
    }
    Ok(0)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "host".into())
}

/// Articles read from the feed per local batch.
const SYNC_BATCH: i64 = 1000;
/// The replica's record of how far it has read, beside its store.
const FEED_FILE: &str = "postgres-feed.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct FeedPosition {
    /// The database, redacted: a replica follows one database only.
    database: String,
    seq: i64,
}

/// Brings the embedded store in `dir` up to date with the PostgreSQL collection: the articles
/// and their analyses in feed order, through the store's own `put_batch`, so that stories,
/// entities across the collection and the search index are built there exactly as on an
/// embedded ingest of the same articles in that order. Every replica of one database reads the
/// same order and so holds the same stories. Returns the articles applied.
pub fn sync(url: &Url, dir: &Path, quiet: bool) -> anyhow::Result<u64> {
    let mut client = mirsad_pg::open(url)?;
    let mut store = crate::collection::open_store(dir)?;
    crate::collection::lock_writer(&mut store, false)?;
    let pos_path = dir.join(FEED_FILE);
    let database = url.to_string();
    let mut after = match std::fs::read(&pos_path) {
        Ok(bytes) => {
            let p: FeedPosition = serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: damaged (remove the folder to sync it anew)", pos_path.display()))?;
            if p.database != database {
                anyhow::bail!("{}: a replica of {}, not of {database}", dir.display(), p.database);
            }
            p.seq
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e).with_context(|| format!("reading {}", pos_path.display())),
    };
    // The analyses come from the workers: the store's analyzer hands back the batch's own.
    let current: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, mirsad_model::ArticleAnalysis>>> =
        Default::default();
    let lookup = current.clone();
    store.set_analyzer(Box::new(move |arts| {
        let mut m = lookup.lock().unwrap_or_else(|p| p.into_inner());
        arts.iter().map(|a| m.remove(&a.id).unwrap_or_default()).collect()
    }));
    let progress = progress_bar(quiet);
    let upto = articles::safe_seq(&mut client)?;
    let mut applied = 0u64;
    loop {
        let rows = articles::feed(&mut client, after, upto, SYNC_BATCH)?;
        let Some(last) = rows.last().map(|r| r.seq) else { break };
        let mut batch = Vec::with_capacity(rows.len());
        {
            let mut m = current.lock().unwrap_or_else(|p| p.into_inner());
            for r in rows {
                if let Some(an) = r.analysis {
                    m.insert(r.article.id.clone(), an);
                }
                batch.push(r.article);
            }
        }
        let summary = store.put_batch(&batch)?;
        applied += (summary.new + summary.updated) as u64;
        // Analyses left over belong to articles the store found unchanged: a re-analysis.
        let again: Vec<(String, mirsad_model::ArticleAnalysis)> =
            current.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
        if !again.is_empty() {
            applied += store.replace_analyses(again)? as u64;
        }
        after = last;
        let tmp = pos_path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec(&FeedPosition { database: database.clone(), seq: after })?)
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &pos_path).with_context(|| format!("writing {}", pos_path.display()))?;
        progress.set_position(applied);
        progress.set_message(format!("synced up to feed position {after} of {upto}"));
    }
    progress.finish_and_clear();
    if applied > 0 {
        store.resolve_entities()?;
    }
    Ok(applied)
}

/// The replica folder of a database: `MIRSAD_REPLICA`, else one per database under the user's
/// cache folder (named by a hash of the redacted URL, so no secret reaches the file system).
pub fn replica_dir(url: &Url) -> PathBuf {
    if let Some(d) = std::env::var_os("MIRSAD_REPLICA") {
        return PathBuf::from(d);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("mirsad").join(format!("replica-{:016x}", xxhash_rust::xxh3::xxh3_64(url.to_string().as_bytes())))
}

#[derive(clap::Args)]
pub struct SyncArgs {
    /// The database: postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
    #[arg(long, env = "MIRSAD_DATA")]
    pub data: String,
    /// The local replica (default: MIRSAD_REPLICA, else one per database in the cache folder).
    #[arg(long)]
    pub replica: Option<PathBuf>,
    /// Never show a progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// `mirsad sync`: updates a local replica of a PostgreSQL collection (stories, entities, the
/// search index) from its change feed.
pub fn sync_command(args: SyncArgs) -> anyhow::Result<u8> {
    let url = required_url(&args.data)?;
    let dir = args.replica.unwrap_or_else(|| replica_dir(&url));
    let n = sync(&url, &dir, args.quiet)?;
    println!("{n} articles applied; replica {} of {url}", crate::shown(&dir));
    Ok(0)
}
