//! `mirsad bench-search`: search latency over a collection, side by side with SQLite FTS5 on the
//! same articles and queries (FTS5 with its `unicode61 remove_diacritics 2` tokenizer, the best
//! Arabic setup it offers out of the box). Also counts how many articles each engine finds for
//! spelling-variant queries, which is where an Arabic analyzer matters.

use mirsad_store::{SearchQuery, Store};
use rusqlite::Connection;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchSearchArgs {
    #[arg(long, env = "MIRSAD_DATA", default_value = "./mirsad-data")]
    pub data: PathBuf,
    /// Timed runs of each query.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Also build (once) and query an FTS5 table over the same articles.
    #[arg(long)]
    pub fts5: bool,
}

/// Query kinds and queries. Words common in Arabic news of any year.
const SINGLE: &[&str] = &["النفط", "الحكومة", "كوريا", "الانتخابات", "المنتخب", "الصحة", "الاقتصاد", "السعودية"];
const PHRASE: &[&str] = &["\"الأمم المتحدة\"", "\"كوريا الشمالية\"", "\"وزارة الصحة\"", "\"مجلس الأمن\""];
/// Pairs of spellings of the same word a reader may type.
const VARIANTS: &[(&str, &str)] = &[
    ("أمريكا", "امريكا"),
    ("إيران", "ايران"),
    ("مستشفى", "مستشفي"),
    ("الصحة", "الصحه"),
    ("النفط", "والنفط"),
    ("كوريا", "کوریا"),
    ("الاقتصاد", "بالاقتصاد"),
    ("المباراة", "المباراه"),
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn time<F: FnMut() -> anyhow::Result<usize>>(runs: usize, mut f: F) -> anyhow::Result<(Vec<f64>, usize)> {
    let mut n = f()?; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        n = f()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((times, n))
}

fn report(engine: &str, kind: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    println!(
        "bench-search {engine} {kind} p50 {:.2} ms p99 {:.2} ms ({} timed queries)",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.len()
    );
}

pub fn run(args: BenchSearchArgs) -> anyhow::Result<u8> {
    // A PostgreSQL collection is searched on its local replica, as `search` does.
    let store = crate::collection::open_existing(&args.data)?;
    let n = store.count()?;
    println!("bench-search collection {} articles in {}", n, crate::shown(&args.data));
    let q = |text: &str| SearchQuery { text: text.into(), limit: 10, ..Default::default() };
    let mut kinds: Vec<(&str, Vec<SearchQuery>)> = vec![
        ("single-word", SINGLE.iter().map(|t| q(t)).collect()),
        ("phrase", PHRASE.iter().map(|t| q(t)).collect()),
        (
            "filtered",
            SINGLE
                .iter()
                .map(|t| SearchQuery { from: Some("2015-08-03".into()), to: Some("2018-04-30".into()), ..q(t) })
                .collect(),
        ),
    ];
    for (kind, queries) in kinds.iter_mut() {
        let mut all = Vec::new();
        for sq in queries.iter() {
            let (t, _) = time(args.runs, || Ok(store.search(sq)?.total))?;
            all.extend(t);
        }
        report("mirsad", kind, all);
    }
    let fts = if args.fts5 { Some(fts5_table(&store, store.dir())?) } else { None };
    if let Some(conn) = &fts {
        let count_sql = "SELECT COUNT(*) FROM fts WHERE fts MATCH ?1";
        let top_sql = "SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rank LIMIT 10";
        for (kind, words) in [("single-word", SINGLE), ("phrase", PHRASE)] {
            let mut all = Vec::new();
            for w in words {
                let (t, _) = time(args.runs, || {
                    let mut stmt = conn.prepare_cached(top_sql)?;
                    let ids: Vec<i64> = stmt.query_map([*w], |r| r.get(0))?.collect::<Result<_, _>>()?;
                    let total: i64 = conn.prepare_cached(count_sql)?.query_row([*w], |r| r.get(0))?;
                    Ok(ids.len() + total as usize)
                })?;
                all.extend(t);
            }
            report("fts5", kind, all);
        }
    }
    // Variant recall: articles found by each spelling.
    for (a, b) in VARIANTS {
        let ma = store.search(&q(a))?.total;
        let mb = store.search(&q(b))?.total;
        let mut line = format!("bench-search variants {a} / {b}: mirsad {ma} / {mb}");
        if let Some(conn) = &fts {
            let count = |w: &str| -> anyhow::Result<i64> {
                Ok(conn.query_row("SELECT COUNT(*) FROM fts WHERE fts MATCH ?1", [format!("\"{w}\"")], |r| r.get(0))?)
            };
            line.push_str(&format!(", fts5 {} / {}", count(a)?, count(b)?));
        }
        println!("{line}");
    }
    Ok(0)
}

/// An FTS5 table over the collection's titles and bodies, built once in `DIR/bench-fts5.sqlite`.
fn fts5_table(store: &Store, dir: &std::path::Path) -> anyhow::Result<Connection> {
    let path = dir.join("bench-fts5.sqlite");
    let fresh = !path.exists();
    let mut conn = Connection::open(&path)?;
    if fresh {
        conn.execute_batch(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut ins = tx.prepare("INSERT INTO fts (title, body) VALUES (?1, ?2)")?;
            let mut err = None;
            store.scan(|a| {
                if err.is_none() {
                    if let Err(e) = ins.execute(rusqlite::params![a.title.unwrap_or_default(), a.body]) {
                        err = Some(e);
                    }
                }
            })?;
            if let Some(e) = err {
                return Err(e.into());
            }
        }
        tx.commit()?;
    }
    Ok(conn)
}
