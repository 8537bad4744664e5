//! `mirsad ingest` and `mirsad search`: the persistent collection in a data directory.

use crate::analyze::{run_pipeline, InputArgs};
use anyhow::Context;
use mirsad_store::{BatchSummary, SearchQuery, Store};
use std::io::Write;
use std::path::PathBuf;

/// Articles stored per transaction. A batch is acknowledged as a whole.
const INGEST_BATCH: usize = 1000;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files, folders (read recursively) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Data directory.
    #[arg(long, default_value = "./mirsad-data")]
    pub data: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn ingest(args: IngestArgs) -> anyhow::Result<u8> {
    let mut store = Store::open(&args.data).with_context(|| format!("opening {}", args.data.display()))?;
    let mut pending = Vec::with_capacity(INGEST_BATCH);
    let mut summary = BatchSummary::default();
    let totals = run_pipeline(&args.paths, &args.input, |arts| {
        pending.extend(arts);
        if pending.len() >= INGEST_BATCH {
            summary += store.put_batch(&pending)?;
            pending.clear();
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        summary += store.put_batch(&pending)?;
    }
    println!(
        "{} documents: {} new, {} updated, {} unchanged, {} duplicates, {} errors; {} articles in {}",
        totals.documents,
        summary.new,
        summary.updated,
        summary.unchanged,
        summary.duplicates,
        totals.errors,
        store.count()?,
        args.data.display()
    );
    Ok(if totals.errors > 0 { 1 } else { 0 })
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Words to search for; "quoted phrases" and AND/OR/-word work.
    pub query: String,
    #[arg(long, default_value = "./mirsad-data")]
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
}

pub fn search(args: SearchArgs) -> anyhow::Result<u8> {
    if !args.data.join("mirsad.sqlite").exists() {
        anyhow::bail!("{}: no collection here (run `mirsad ingest PATH --data {}` first)", args.data.display(), args.data.display());
    }
    let store = Store::open(&args.data).with_context(|| format!("opening {}", args.data.display()))?;
    let results = store.search(&SearchQuery {
        text: args.query.clone(),
        from: args.from,
        to: args.to,
        outlet: args.outlet,
        keyword: args.keyword,
        limit: args.limit,
        offset: args.offset,
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &results)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(out, "{} results for {}", results.total, args.query)?;
    for (i, h) in results.hits.iter().enumerate() {
        writeln!(out, "\n[{}] {} ({:.2})", args.offset + i + 1, h.title.as_deref().unwrap_or("(no title)"), h.score)?;
        let date = h.published.as_ref().map(|p| p.value.as_str()).unwrap_or("no date");
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
