//! `mirsad ingest` and `mirsad search`: the persistent collection in a data directory.

use crate::analyze::{run_pipeline, store_analyzer, InputArgs};
use anyhow::Context;
use mirsad_store::{BatchSummary, SearchQuery, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files, folders (read recursively) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Data directory.
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Articles stored per transaction; a batch is acknowledged as a whole.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// After each committed batch print `ack N` on stdout (N = articles acknowledged so far).
    #[arg(long)]
    pub ack: bool,
    /// Store articles and stories only: no entities, quotes or dated events (faster).
    #[arg(long)]
    pub no_analysis: bool,
    /// Fail at once (exit 2, nothing written) when another process is writing to the data
    /// directory, instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
    /// PostgreSQL only: queue the documents for `mirsad worker` and return.
    #[arg(long)]
    pub enqueue: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn ingest(args: IngestArgs) -> anyhow::Result<u8> {
    if let Some(url) = crate::pg::url_of(&args.data) {
        return crate::pg::ingest(url, &args.paths, &args.input, args.enqueue, args.no_analysis);
    }
    if args.enqueue {
        anyhow::bail!("--enqueue: only a PostgreSQL collection (--data postgres://…) has a queue");
    }
    // The model first: a damaged one stops the ingest before the data directory is touched.
    let analyzer = if args.no_analysis { None } else { Some(store_analyzer()?) };
    let mut store = open_store(&args.data)?;
    lock_writer(&mut store, args.no_wait)?;
    if let Some(analyzer) = analyzer {
        store.set_analyzer(analyzer);
    }
    let batch = args.batch.max(1);
    // The store writes a batch (stories, analysis, SQLite, index) on its own thread while
    // reading and extraction go on with the next one; one batch waits in between at most.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<mirsad_model::Article>>(1);
    let ack = args.ack;
    let (totals, written) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> anyhow::Result<(Store, BatchSummary)> {
            let mut summary = BatchSummary::default();
            let mut acked = 0usize;
            for pending in rx {
                summary += store.put_batch(&pending)?;
                acked += pending.len();
                if ack {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ack {acked}")?;
                    out.flush()?;
                }
            }
            Ok((store, summary))
        });
        let mut pending = Vec::with_capacity(batch);
        let totals = run_pipeline(&args.paths, &args.input, |arts| {
            pending.extend(arts);
            if pending.len() >= batch {
                // A closed channel means the writer stopped on an error, reported below.
                if tx.send(std::mem::replace(&mut pending, Vec::with_capacity(batch))).is_err() {
                    anyhow::bail!("the store stopped");
                }
            }
            Ok(())
        });
        if totals.is_ok() && !pending.is_empty() {
            let _ = tx.send(pending);
        }
        drop(tx);
        let written = writer.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the store's writer thread panicked")));
        (totals, written)
    });
    // The writer's error explains a stopped pipeline better than "the store stopped".
    let (mut store, summary) = written?;
    // Entities across the collection, once per ingest (a pass over the stored mentions).
    if !args.no_analysis && summary.new + summary.updated > 0 {
        store.resolve_entities()?;
    }
    let totals = totals?;
    println!(
        "{} documents: {} new, {} updated, {} unchanged, {} duplicates, {} errors; {} articles in {}",
        totals.documents,
        summary.new,
        summary.updated,
        summary.unchanged,
        summary.duplicates,
        totals.errors,
        store.count()?,
        crate::shown(&args.data)
    );
    Ok(if totals.errors > 0 { 1 } else { 0 })
}

#[derive(clap::Args)]
pub struct ReanalyzeArgs {
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Articles per transaction (on PostgreSQL: per job, at most 50, so that a claim of jobs
    /// is done well within its lease).
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// PostgreSQL only: queue the work for `mirsad worker`s instead of doing it here.
    #[arg(long)]
    pub enqueue: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Fail at once (exit 2) when another process is writing to the data directory.
    #[arg(long)]
    pub no_wait: bool,
}

pub fn reanalyze(args: ReanalyzeArgs) -> anyhow::Result<u8> {
    if let Some(url) = crate::pg::url_of(&args.data) {
        return crate::pg::reanalyze(url, args.batch, args.enqueue);
    }
    if args.enqueue {
        anyhow::bail!("--enqueue: only a PostgreSQL collection (--data postgres://…) has a queue");
    }
    let analyzer = store_analyzer()?;
    let mut store = open_existing(&args.data)?;
    lock_writer(&mut store, args.no_wait)?;
    store.set_analyzer(analyzer);
    let total = store.count()?;
    let bar = indicatif::ProgressBar::new(total);
    if args.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let n = store.reanalyze(args.batch, |done| bar.set_position(done as u64))?;
    store.resolve_entities()?;
    bar.finish_and_clear();
    println!("{n} articles analyzed: {} entities in {}", store.entity_count(None)?, crate::shown(&args.data));
    Ok(0)
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Words to search for; "quoted phrases" and AND/OR/-word work.
    pub query: String,
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    #[arg(long)]
    pub json: bool,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Skip this many results (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Only this outlet (exact name).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only articles with this keyword (any spelling).
    #[arg(long)]
    pub keyword: Option<String>,
    /// One result per story (the best-ranked of each).
    #[arg(long)]
    pub by_story: bool,
    /// Search the words as given only: a name's other spellings are not added.
    #[arg(long)]
    pub exact: bool,
    /// Order of hits: best match first, or by publication date.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

pub fn search(args: SearchArgs) -> anyhow::Result<u8> {
    let store = open_existing(&args.data)?;
    let query = SearchQuery {
        text: args.query.clone(),
        from: args.from,
        to: args.to,
        outlet: args.outlet,
        keyword: args.keyword,
        limit: args.limit,
        offset: args.offset,
        exact: args.exact,
        outlet_ids: Vec::new(),
        sort: match args.sort {
            SortArg::Relevance => mirsad_store::SearchSort::Relevance,
            SortArg::Newest => mirsad_store::SearchSort::Newest,
            SortArg::Oldest => mirsad_store::SearchSort::Oldest,
        },
    };
    let results = if args.by_story { store.search_by_story(&query)? } else { store.search(&query)? };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &results)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(out, "{} results for {}", results.total, args.query)?;
    if !results.spellings.is_empty() {
        writeln!(out, "also searched: {} (--exact for the words as given only)", results.spellings.join("، "))?;
    }
    for (i, h) in results.hits.iter().enumerate() {
        writeln!(out, "\n[{}] {} ({:.2})", args.offset + i + 1, h.title.as_deref().unwrap_or("(no title)"), h.score)?;
        let date = h.published.as_ref().map_or("no date", |p| p.value.as_str());
        writeln!(out, "    {} · {} · {}", h.id, date, h.outlet.as_deref().unwrap_or("-"))?;
        writeln!(out, "    {}", terminal_snippet(&h.snippet))?;
    }
    Ok(0)
}

/// The HTML snippet for a terminal: matches between «», entities decoded.
fn terminal_snippet(html: &str) -> String {
    html.replace("<b>", "«")
        .replace("</b>", "»")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[derive(clap::Args)]
pub struct StoriesArgs {
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Print `{"stories": [...]}` as in the export.
    #[arg(long)]
    pub json: bool,
    /// Most stories listed (newest first).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only stories with at least this many articles.
    #[arg(long, default_value_t = 1)]
    pub min_articles: usize,
}

pub fn stories(args: StoriesArgs) -> anyhow::Result<u8> {
    let store = open_existing(&args.data)?;
    let stories = store.stories_min(args.min_articles, args.offset, args.limit)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &serde_json::json!({ "stories": stories }))?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(out, "{} stories in {}", store.story_count_min(args.min_articles)?, crate::shown(&args.data))?;
    for s in &stories {
        let span = match (&s.first_published, &s.last_published) {
            (Some(a), Some(b)) if a.day_or_coarser() != b.day_or_coarser() => {
                format!("{} … {}", a.day_or_coarser(), b.day_or_coarser())
            }
            (Some(a), _) => a.day_or_coarser().to_string(),
            _ => "no date".into(),
        };
        let copies: usize = s.copies.iter().map(|c| c.copies.len()).sum();
        writeln!(out, "\n{} · {} articles · {copies} copies · {span}", s.id, s.articles.len())?;
        writeln!(out, "    {}", s.title)?;
        if !s.outlets.is_empty() {
            writeln!(out, "    outlets: {}", s.outlets.join("، "))?;
        }
        if !s.keywords.is_empty() {
            writeln!(out, "    keywords: {}", s.keywords.join("، "))?;
        }
    }
    Ok(0)
}

/// Opens the collection in `dir`, or says how to make one.
/// A PostgreSQL URL opens its local replica, brought up to date first ([`crate::pg::sync`]).
pub(crate) fn open_existing(dir: &std::path::Path) -> anyhow::Result<Store> {
    if let Some(url) = crate::pg::url_of(dir) {
        let replica = crate::pg::replica_dir(&url);
        crate::pg::sync(&url, &replica, true)?;
        return open_store(&replica);
    }
    if !dir.join("mirsad.sqlite").exists() {
        anyhow::bail!(
            "{}: no collection here (run `mirsad ingest PATH --data {}` first)",
            dir.display(),
            dir.display()
        );
    }
    open_store(dir)
}

/// Opens the store in `dir` and says on stderr what opening it repaired.
pub(crate) fn open_store(dir: &std::path::Path) -> anyhow::Result<Store> {
    crate::pg::embedded_only(dir)?;
    let store = Store::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    for r in store.repairs() {
        eprintln!("mirsad: {}: {r}", dir.display());
    }
    Ok(store)
}

/// Takes the data directory's writer lock, waiting (with a message) unless `no_wait`.
pub(crate) fn lock_writer(store: &mut Store, no_wait: bool) -> anyhow::Result<()> {
    let dir = store.dir().display().to_string();
    let wait = if no_wait { mirsad_store::Wait::No } else { mirsad_store::Wait::Yes };
    store.lock_writer(wait, || {
        eprintln!("mirsad: {dir}: another process is writing to this collection; waiting for it to finish (--no-wait to fail instead)")
    })?;
    Ok(())
}

#[derive(clap::Args)]
pub struct CheckArgs {
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail at once (exit 2) when another process is writing, instead of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
}

/// `mirsad check`: the store's health; a damaged or disagreeing index is rebuilt. Exit 0 when
/// all is well (after repairs), 1 when a problem remains.
pub fn check(args: CheckArgs) -> anyhow::Result<u8> {
    let mut store = open_existing(&args.data)?;
    let wait = if args.no_wait { mirsad_store::Wait::No } else { mirsad_store::Wait::Yes };
    let dir = crate::shown(&args.data);
    let h = store.check(wait, || eprintln!("mirsad: {dir}: another process is writing to this collection; waiting"))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &h)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}: {}", crate::shown(&args.data), if h.ok() { "healthy" } else { "PROBLEMS" })?;
        writeln!(out, "  records: {} articles, {} stories, {} entities", h.articles, h.stories, h.entities)?;
        writeln!(
            out,
            "  index: {} articles, covers records up to {} of {}, {} files checksummed",
            h.indexed, h.indexed_seq, h.max_seq, h.index_files
        )?;
        writeln!(
            out,
            "  versions: schema {} (this build {}), search analyzer {} (index {})",
            h.schema_version,
            mirsad_store::SCHEMA_VERSION,
            h.analyzer_version,
            h.index_analyzer_version
        )?;
        writeln!(out, "  sqlite integrity: {}", h.sqlite)?;
        for r in &h.repaired {
            writeln!(out, "  repaired: {r}")?;
        }
        for p in &h.problems {
            writeln!(out, "  problem: {p}")?;
        }
        if !h.unreadable_records.is_empty() {
            writeln!(out, "  unreadable records: {}", h.unreadable_records.join(", "))?;
        }
    }
    Ok(if h.ok() { 0 } else { 1 })
}
