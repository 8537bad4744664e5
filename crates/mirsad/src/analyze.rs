//! `mirsad analyze`: the one-shot pipeline over files, folders or stdin.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mirsad_ingest::read::{self, FieldMap, Input, Pending, ReadOptions};
use mirsad_ingest::IngestError;
use mirsad_model::{Article, Export};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// Files, folders (read recursively) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the export object as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Only extract articles: no stories, entities, quotes or events (to measure what the later
    /// stages cost).
    #[arg(long)]
    pub extract_only: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Flags shared by every command that reads input.
#[derive(clap::Args, Clone)]
pub struct InputArgs {
    /// JSONL field mapping, NAME=FIELD (names: body, html, title, url, date, outlet, author,
    /// keywords). Repeatable. Unmapped fields are detected from the usual names.
    #[arg(long = "field", value_name = "NAME=FIELD")]
    pub fields: Vec<String>,
    /// Largest document accepted, in bytes (bigger ones are reported and skipped).
    #[arg(long, default_value_t = 16 << 20)]
    pub max_doc_bytes: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Count bad records without naming each (evaluations over known corpora).
    #[arg(skip)]
    pub hide_errors: bool,
}

impl InputArgs {
    pub fn read_options(&self) -> anyhow::Result<ReadOptions> {
        let mut fields = FieldMap::default();
        for f in &self.fields {
            fields.set(f).context("--field")?;
        }
        Ok(ReadOptions { max_doc_bytes: self.max_doc_bytes, fields })
    }
}

/// Counts of one run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub documents: usize,
    pub articles: usize,
    pub errors: usize,
}

/// Documents processed in parallel per batch; batches keep memory bounded on large inputs and
/// output in input order.
const BATCH: usize = 512;

/// Runs the analyze pipeline over `paths`, calling `sink` with each document's articles in
/// input order. Errors are printed to stderr as they happen, each naming its file or record.
pub fn run_pipeline(
    paths: &[PathBuf],
    input: &InputArgs,
    mut sink: impl FnMut(Vec<Article>) -> anyhow::Result<()>,
) -> anyhow::Result<Totals> {
    let opts = input.read_options()?;
    if let Some(n) = input.threads {
        // Only the first call in a process can set the global pool; later calls keep it.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    // A path that does not exist stops the run (exit 2) before anything is read; an unreadable
    // entry inside a folder is reported in its place and the rest is read (exit 1).
    let inputs = read::expand(paths).map_err(|e| anyhow::anyhow!("{e}"))?;
    let progress = progress_bar(input.quiet);
    let mut totals = Totals::default();
    let report = |e: &IngestError, totals: &mut Totals| {
        totals.errors += 1;
        if !input.hide_errors {
            progress.suspend(|| eprintln!("mirsad: {e}"));
        }
    };
    for inp in &inputs {
        let inp = match inp {
            Ok(inp) => inp,
            Err(e) => {
                report(e, &mut totals);
                continue;
            }
        };
        let mut docs = read::read_pending(inp, &opts).peekable();
        while docs.peek().is_some() {
            let batch: Vec<Pending> = docs.by_ref().take(BATCH).collect();
            let results: Vec<Result<Vec<Article>, IngestError>> =
                batch.into_par_iter().map(|d| d.resolve().and_then(mirsad_ingest::process).map(date_undated)).collect();
            for r in results {
                totals.documents += 1;
                match r {
                    Ok(arts) => {
                        totals.articles += arts.len();
                        sink(arts)?;
                    }
                    Err(e) => report(&e, &mut totals),
                }
            }
            progress.set_position(totals.articles as u64);
            progress.set_message(format!(
                "{} documents, {} errors — {}",
                totals.documents,
                totals.errors,
                name_of(inp)
            ));
        }
    }
    progress.finish_and_clear();
    Ok(totals)
}

/// Articles that state no publication date get one inferred from their own text, when it
/// allows (`mirsad_analyze::timex::infer_published`).
pub(crate) fn date_undated(mut arts: Vec<Article>) -> Vec<Article> {
    arts.iter_mut().for_each(mirsad_analyze::timex::date_if_undated);
    arts
}

pub(crate) fn name_of(inp: &Input) -> String {
    mirsad_text::escape_for_display(&inp.name()).into_owned()
}

pub(crate) fn progress_bar(quiet: bool) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    if quiet {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        pb.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    }
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos} articles ({per_sec}) {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb
}

/// The named-entity tagger: the model built into the binary, or the model file named by
/// `MIRSAD_NER_MODEL` (written by `train-ner`: try a new model without a rebuild). A damaged
/// model is an error, raised before any input is read or anything is written.
pub fn load_tagger() -> anyhow::Result<mirsad_analyze::Tagger> {
    match std::env::var_os("MIRSAD_NER_MODEL") {
        Some(p) => {
            let path = Path::new(&p);
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading the NER model {} (MIRSAD_NER_MODEL)", path.display()))?;
            mirsad_analyze::Tagger::from_bytes(&bytes)
                .with_context(|| format!("the NER model {} (MIRSAD_NER_MODEL) is unreadable", path.display()))
        }
        None => mirsad_analyze::Tagger::load()
            .context("the NER model built into this binary (crates/mirsad-analyze/model/ner.bin.gz) is damaged"),
    }
}

/// The store's analyzer: the analysis with [`load_tagger`]'s tagger, for each batch.
pub fn store_analyzer() -> anyhow::Result<mirsad_store::Analyzer> {
    let tagger = load_tagger()?;
    Ok(Box::new(move |articles| mirsad_analyze::analyze_articles(&tagger, articles)))
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<u8> {
    let tagger = if args.extract_only { None } else { Some(load_tagger()?) };
    // Stories need the whole input: articles are collected, then clustered oldest first.
    let mut articles: Vec<Article> = Vec::new();
    let totals = run_pipeline(&args.paths, &args.input, |arts| {
        articles.extend(arts);
        Ok(())
    })?;
    let (mut stories, analysis) = if let Some(tagger) = &tagger {
        // Story assignment is sequential; the analysis runs beside it on the other cores. The
        // story stage fills `story` and `duplicate_of`, which the analysis does not read.
        let ((stories, clustered), analysis) = rayon::join(
            || {
                let mut c = articles.clone();
                (mirsad_cluster::cluster_all(&mut c), c)
            },
            || mirsad_analyze::analyze_all(tagger, &articles),
        );
        articles = clustered;
        (stories, analysis)
    } else {
        (Vec::new(), mirsad_analyze::Analysis::default())
    };
    let at: std::collections::HashMap<&str, usize> =
        articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    stories.par_iter_mut().for_each(|s| {
        let members: Vec<usize> = s.articles.iter().filter_map(|id| at.get(id.as_str()).copied()).collect();
        s.fill_from_analysis(members.into_iter().filter_map(|i| analysis.articles.get(i)));
    });
    let mirsad_analyze::Analysis { entities, articles: per } = analysis;
    let (mut quotes, mut events) = (Vec::new(), Vec::new());
    for an in per {
        quotes.extend(an.quotes);
        events.extend(an.events);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let export = Export { articles, stories, entities, quotes, events };
        write_export(&mut out, &export)?;
        writeln!(out)?;
        // The process ends here: freeing every article, mention and string one by one took a
        // fifth of a second on one core for the two JSONL corpora; the OS takes it back at once.
        std::mem::forget(export);
    } else {
        for (n, a) in articles.iter().enumerate() {
            write_summary(&mut out, n + 1, a)?;
        }
        let copies = articles.iter().filter(|a| a.duplicate_of.is_some()).count();
        let mut shared: Vec<&mirsad_model::Story> = stories.iter().filter(|s| s.articles.len() > 1).collect();
        shared.sort_by_key(|s| std::cmp::Reverse(s.articles.len()));
        for s in &shared {
            writeln!(out, "story {} · {} articles · {}", s.id, s.articles.len(), s.outlets.join("، "))?;
            writeln!(out, "    {}", s.title)?;
        }
        writeln!(
            out,
            "{} documents, {} articles, {} stories ({} with several articles), {} copies, {} entities, {} quotes, {} dated events, {} errors",
            totals.documents,
            totals.articles,
            stories.len(),
            shared.len(),
            copies,
            entities.len(),
            quotes.len(),
            events.len(),
            totals.errors
        )?;
    }
    out.flush()?;
    Ok(if totals.errors > 0 { 1 } else { 0 })
}

/// Writes `export` exactly as `serde_json::to_writer` would, serializing the items of each
/// list on all cores (a single thread spent a second on the two JSONL corpora's export).
fn write_export(out: &mut impl Write, e: &Export) -> anyhow::Result<()> {
    out.write_all(b"{\"articles\":")?;
    write_list(out, &e.articles)?;
    out.write_all(b",\"stories\":")?;
    write_list(out, &e.stories)?;
    out.write_all(b",\"entities\":")?;
    write_list(out, &e.entities)?;
    out.write_all(b",\"quotes\":")?;
    write_list(out, &e.quotes)?;
    out.write_all(b",\"events\":")?;
    write_list(out, &e.events)?;
    out.write_all(b"}")?;
    Ok(())
}

/// A JSON array of `items`: chunks serialized in parallel, a bounded number at a time, and
/// written in order.
fn write_list<T: serde::Serialize + Sync>(out: &mut impl Write, items: &[T]) -> anyhow::Result<()> {
    const CHUNK: usize = 256;
    out.write_all(b"[")?;
    for (g, group) in items.chunks(CHUNK * 32).enumerate() {
        let parts: Vec<Vec<u8>> = group
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::new();
                for (i, item) in chunk.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    serde_json::to_writer(&mut buf, item)?;
                }
                Ok(buf)
            })
            .collect::<Result<_, serde_json::Error>>()?;
        for (i, part) in parts.iter().enumerate() {
            if g > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(part)?;
        }
    }
    out.write_all(b"]")?;
    Ok(())
}

fn basis_name(b: mirsad_model::Basis) -> &'static str {
    match b {
        mirsad_model::Basis::Explicit => "explicit",
        mirsad_model::Basis::Inferred => "inferred",
    }
}

/// A readable block per article: title, date, outlet, sources, tags, first words.
fn write_summary(out: &mut impl Write, n: usize, a: &Article) -> std::io::Result<()> {
    writeln!(out, "[{n}] {}", a.title.as_deref().unwrap_or("(no title)"))?;
    let mut line = format!("    {}", mirsad_text::escape_for_display(&a.document));
    if a.segment > 0 {
        line.push_str(&format!(" · segment {}", a.segment));
    }
    match &a.published {
        Some(p) => line.push_str(&format!(" · {} ({})", p.value, basis_name(p.basis))),
        None => line.push_str(" · no date"),
    }
    if let Some(o) = &a.outlet {
        line.push_str(&format!(" · {o}"));
    }
    writeln!(out, "{line}")?;
    if !a.attribution.is_empty() {
        writeln!(out, "    source: {}", a.attribution.join(" → "))?;
    }
    if !a.keywords.is_empty() {
        writeln!(out, "    tags: {}", a.keywords.join("، "))?;
    }
    let words: Vec<&str> = a.body.split_whitespace().take(24).collect();
    let more = if a.body.split_whitespace().nth(24).is_some() { " …" } else { "" };
    writeln!(out, "    {}{more}", words.join(" "))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_export_writes_what_serde_json_writes() {
        let article = |i: usize| {
            let mut a = Article::new(format!("a{i}"), "x.txt", "نص\n".repeat(i % 7));
            a.title = Some(format!("عنوان \"{i}\""));
            a.keywords = vec!["وسم".into(); i % 3];
            a
        };
        for n in [0, 1, 255, 256, 257, 256 * 32 + 3] {
            let e = Export { articles: (0..n).map(article).collect(), ..Default::default() };
            let mut ours = Vec::new();
            write_export(&mut ours, &e).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&e).unwrap(), "{n} articles");
        }
    }
}
