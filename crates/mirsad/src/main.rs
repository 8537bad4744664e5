//! `mirsad`: the command-line binary. Thin: parses arguments, wires the stage crates together,
//! prints results. Exit codes follow DESIGN.md: 0 all input processed, 1 some records failed,
//! 2 usage or setup error.

mod analyze;
mod bench;
mod bench_dedup;
mod bench_stories;
mod build_background;
mod collection;
mod eval;
mod pg;
mod pg_watch;
mod serve;
mod train_ner;
mod watch;

/// mimalloc instead of the system allocator: the analysis allocates many small strings and
/// vectors per article, and glibc's malloc/free took over a tenth of a full `analyze` run in
/// `perf record` (docs/BENCHMARKS.md has the command and the before/after times).
/// Built without transparent huge pages (`no_thp`): with them, every fresh 2 MB of the heap was
/// zeroed by the kernel on first touch (system time of the full run, docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A path for a message: escaped ([`mirsad_text::escape_for_display`]) so that a name with a
/// line end or a bidi override cannot forge or disguise a line of the output. A PostgreSQL URL
/// is shown without its password.
pub fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    let text = if mirsad_pg::is_url(&text) { mirsad_pg::redacted(&text) } else { text };
    mirsad_text::escape_for_display(&text).into_owned()
}

#[derive(Parser)]
#[command(name = "mirsad", version, about = "Arabic news observatory: raw pages in, clean articles and stories out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One-shot pipeline over files, folders (recursive) or `-` (stdin).
    Analyze(analyze::AnalyzeArgs),
    /// Add articles to the collection in a data directory (idempotent).
    Ingest(collection::IngestArgs),
    /// Run the entity, quote and date analysis again over every stored article (collections
    /// stored with --no-analysis or by an older version, or after retraining the tagger).
    Reanalyze(collection::ReanalyzeArgs),
    /// Ranked search over the collection.
    Search(collection::SearchArgs),
    /// Stories in the collection, newest first.
    Stories(collection::StoriesArgs),
    /// The collection's health: counts, integrity, index agreement and versions; rebuilds a
    /// damaged index from the records.
    Check(collection::CheckArgs),
    /// JSON API, web UI and Atom feeds over the collection (default http://127.0.0.1:8080/).
    Serve(serve::ServeArgs),
    /// Time searches (and compare with SQLite FTS5 when asked) on a collection.
    #[command(name = "bench-search")]
    BenchSearch(bench::BenchSearchArgs),
    /// Time online story assignment as a collection grows (10k, 100k, 1M … articles).
    #[command(name = "bench-stories")]
    BenchStories(bench_stories::BenchStoriesArgs),
    /// Near-duplicate pairs by MinHash LSH against brute-force Jaccard (see bench/dedup_bench.sh).
    #[command(name = "bench-dedup")]
    BenchDedup(bench_dedup::BenchDedupArgs),
    /// Train the named-entity tagger on ANERcorp (first 5/6) and write its model.
    #[command(name = "train-ner")]
    TrainNer(train_ner::TrainNerArgs),
    /// Write the background document frequencies of story similarity from wordfreq's list.
    #[command(name = "build-background")]
    BuildBackground(build_background::BuildBackgroundArgs),
    /// The sources `watch` follows: add (resolving each to its feeds and sitemaps), list, remove.
    #[command(subcommand)]
    Sources(watch::SourcesCommand),
    /// Keep the collection current: poll the sources that are due, fetch their new articles and
    /// ingest them (until SIGINT/SIGTERM, or one round with --once).
    Watch(watch::WatchArgs),
    /// Create or upgrade the schema of a PostgreSQL collection (`--data postgres://…`).
    Migrate(pg::MigrateArgs),
    /// Work through a PostgreSQL collection's queue: extract, analyze and store queued
    /// documents (any number of workers on any number of machines).
    Worker(pg::WorkerArgs),
    /// Update the local replica of a PostgreSQL collection (its stories, entities and search
    /// index) from the database's change feed; `search` and `stories` do it themselves.
    Sync(pg::SyncArgs),
    /// A PostgreSQL collection's queue: jobs by state and the dead ones with their errors.
    Jobs(pg::JobsArgs),
    /// Score a stage on labelled data (`extract`, `stories`, `copies`, `ner`, `entities`, `quotes`, `timex`, `attribution`).
    Eval {
        /// Stage to score: `extract`, `stories`, `copies`, `ner`, `entities`, `quotes`, `timex` or `attribution`.
        stage: String,
        /// Folder holding the shared data sets.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Also write details to this file (per-page results as JSON lines; for `entities`, the split and wrongly merged names).
        #[arg(long)]
        details: Option<PathBuf>,
        /// `entities` only: score the per-article linking alone, without the resolution across
        /// the collection (the baseline of docs/QUALITY.md).
        #[arg(long)]
        without_resolution: bool,
    },
}

fn main() -> ExitCode {
    // A panic is a bug, never the input's fault: one line that says so (and where), instead of
    // the default report; the full one with RUST_BACKTRACE set. Stages that can recover (the
    // store's index reads) catch their panics and go on.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            default_hook(info);
        } else {
            eprintln!("mirsad: internal error (a bug, please report it): {info}");
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Output piped into `head` that closes early ends the process quietly, as for other Unix
    // tools, instead of a "failed printing to stdout" panic in `println!`. Not for the server,
    // whose writes to a closed connection must stay errors.
    #[cfg(unix)]
    if !matches!(cli.command, Command::Serve(_)) {
        // SAFETY: restores the default action of one signal before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Ingest(args) => collection::ingest(args),
        Command::Reanalyze(args) => collection::reanalyze(args),
        Command::Search(args) => collection::search(args),
        Command::Stories(args) => collection::stories(args),
        Command::Check(args) => collection::check(args),
        Command::Serve(args) => serve::run(args),
        Command::BenchSearch(args) => bench::run(args),
        Command::BenchStories(args) => bench_stories::run(args),
        Command::BenchDedup(args) => bench_dedup::run(args),
        Command::TrainNer(args) => train_ner::run(args),
        Command::BuildBackground(args) => build_background::run(args),
        Command::Sources(cmd) => watch::sources(cmd),
        Command::Watch(args) => watch::watch(args),
        Command::Migrate(args) => pg::migrate(args),
        Command::Worker(args) => pg::worker(args),
        Command::Jobs(args) => pg::jobs(args),
        Command::Sync(args) => pg::sync_command(args),
        Command::Eval { stage, data, details, without_resolution } => {
            eval::run(&stage, &data, details.as_deref(), without_resolution)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // The chain's contexts name paths; escaping is idempotent, so parts that were
            // escaped already (ingest errors) are not escaped twice.
            eprintln!("mirsad: error: {}", mirsad_text::escape_for_display(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}
