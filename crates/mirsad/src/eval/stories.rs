//! `mirsad eval stories`: the same-story decision and duplicate rates.
//!
//! - `semeval2022-task8-ar`: pairs of Arabic news texts rated 1 (same) … 4 (unrelated) on
//!   "Overall"; Overall ≤ 2 counts as same story. The decision is the clusterer's own: cosine
//!   of the two tf-idf vectors, each pair judged as a collection of its two articles (term
//!   weights from the shipped background frequencies), at or above
//!   [`mirsad_cluster::STORY_SIMILARITY`]. Precision, recall and F1 are printed for the test
//!   rows (the threshold was chosen on the training rows; the best threshold on each part is
//!   printed too, so a drift shows).
//! - The JSONL corpora: the whole pipeline with stories; duplicate rate per outlet and a sample
//!   of multi-article stories (id, dates, outlets, titles) written for reading by a person.

use super::skip_if_absent;
use anyhow::Context;
use mirsad_model::Article;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

pub fn run(data: &Path, details: Option<&Path>) -> anyhow::Result<u8> {
    semeval(data)?;
    corpora(data, details)?;
    Ok(0)
}

struct Pair {
    a: usize,
    b: usize,
    same: bool,
    train: bool,
}

fn article(i: usize, text: &str) -> Article {
    Article::new(format!("t{i}"), String::new(), text)
}

fn semeval(data: &Path) -> anyhow::Result<()> {
    let path = data.join("semeval2022-task8-ar/ar_ar_pairs.jsonl");
    if skip_if_absent(&path) {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut texts: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut pairs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}#{}: bad JSON", path.display(), n + 1))?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let overall = v.get("Overall").and_then(|x| x.as_f64());
        let Some(overall) = overall else { anyhow::bail!("{}#{}: no Overall score", path.display(), n + 1) };
        let train = field("source_file").contains("train");
        // A pair id present in both files is kept once, from the training file.
        if !seen.insert(field("pair_id")) {
            continue;
        }
        let mut id_of = |t: String| -> usize {
            let len = texts.len();
            *index.entry(t.clone()).or_insert_with(|| {
                texts.push(t);
                len
            })
        };
        let (a, b) = (id_of(field("text1")), id_of(field("text2")));
        pairs.push(Pair { a, b, same: overall <= 2.0, train });
    }
    let arts: Vec<Article> = texts.iter().enumerate().map(|(i, t)| article(i, t)).collect();
    // Each pair on its own, as `mirsad analyze a.txt b.txt` would see it: a collection of two
    // articles, weighted by the shipped background frequencies alone.
    let scored: Vec<(f32, &Pair)> = pairs
        .iter()
        .map(|p| {
            let mut c = mirsad_cluster::Clusterer::new();
            c.observe(&arts[p.a]);
            c.observe(&arts[p.b]);
            (c.similarity(&arts[p.a], &arts[p.b]), p)
        })
        .collect();
    if std::env::var_os("MIRSAD_EVAL_DUMP").is_some() {
        for (s, p) in &scored {
            eprintln!("{s:.3} {} {}", p.same, p.train);
        }
    }
    let t = mirsad_cluster::STORY_SIMILARITY;
    for (name, part) in [("train", Some(true)), ("test", Some(false)), ("all", None)] {
        let rows: Vec<(f32, bool)> =
            scored.iter().filter(|(_, p)| part.is_none_or(|tr| p.train == tr)).map(|(s, p)| (*s, p.same)).collect();
        let (p, r, f) = prf(&rows, t);
        let same = rows.iter().filter(|x| x.1).count();
        println!(
            "stories semeval2022-ar {name}: pairs {} (same story {same}) threshold {t:.2} precision {p:.3} recall {r:.3} f1 {f:.3}",
            rows.len()
        );
        let best = (1..=60).map(|i| i as f32 / 100.0).map(|th| (prf(&rows, th).2, th)).fold((0.0, 0.0), |a, b| {
            if b.0 > a.0 {
                b
            } else {
                a
            }
        });
        println!("stories semeval2022-ar {name}: best threshold {:.2} f1 {:.3}", best.1, best.0);
    }
    Ok(())
}

fn prf(rows: &[(f32, bool)], t: f32) -> (f64, f64, f64) {
    let tp = rows.iter().filter(|(s, g)| *s >= t && *g).count() as f64;
    let fp = rows.iter().filter(|(s, g)| *s >= t && !*g).count() as f64;
    let fn_ = rows.iter().filter(|(s, g)| *s < t && *g).count() as f64;
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

fn corpora(data: &Path, details: Option<&Path>) -> anyhow::Result<()> {
    let Some(mut arts) = super::corpus_articles(data)? else { return Ok(()) };
    let started = std::time::Instant::now();
    let stories = mirsad_cluster::cluster_all(&mut arts);
    let secs = started.elapsed().as_secs_f64();
    let mut per_outlet: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for a in &arts {
        let e = per_outlet.entry(a.outlet.clone().unwrap_or_else(|| "(none)".into())).or_default();
        e.0 += 1;
        e.1 += usize::from(a.duplicate_of.is_some());
    }
    for (o, (n, d)) in &per_outlet {
        println!("stories duplicates outlet {o}: articles {n} copies {d} rate {:.3}", *d as f64 / *n as f64);
    }
    let copies: usize = per_outlet.values().map(|x| x.1).sum();
    let multi: Vec<&mirsad_model::Story> = stories.iter().filter(|s| s.articles.len() > 1).collect();
    let multi_outlet = multi.iter().filter(|s| s.outlets.len() > 1).count();
    println!(
        "stories corpora: articles {} copies {copies} stories {} with several articles {} spanning several outlets {multi_outlet} largest {} clustering {:.0} articles/s",
        arts.len(),
        stories.len(),
        multi.len(),
        stories.iter().map(|s| s.articles.len()).max().unwrap_or(0),
        arts.len() as f64 / secs.max(1e-9)
    );
    let sample_path = details.map(Path::to_path_buf).unwrap_or_else(|| Path::new("target").join("stories-sample.txt"));
    if let Some(parent) = sample_path.parent() {
        std::fs::create_dir_all(parent).ok();
    }
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(&sample_path).with_context(|| format!("creating {}", sample_path.display()))?,
    );
    // Every k-th multi-article story, so the sample spreads over sizes and dates.
    let by_id: HashMap<&str, &Article> = arts.iter().map(|a| (a.id.as_str(), a)).collect();
    let step = (multi.len() / 30).max(1);
    for s in multi.iter().step_by(step).take(30) {
        writeln!(
            f,
            "story {} · {} articles · {} … {} · {}",
            s.id,
            s.articles.len(),
            s.first_published.as_ref().map_or("?", |d| d.as_str()),
            s.last_published.as_ref().map_or("?", |d| d.as_str()),
            s.outlets.join(", ")
        )?;
        for t in s.timeline.iter().take(12) {
            let a = by_id.get(t.article.as_str());
            writeln!(
                f,
                "    {} {} | {}{}",
                t.published.as_ref().map_or("----------", |p| p.day_or_coarser()),
                t.outlet.as_deref().unwrap_or("-"),
                a.and_then(|a| a.title.as_deref()).unwrap_or("(no title)"),
                if t.duplicate_of.is_some() { "  [copy]" } else { "" }
            )?;
        }
        writeln!(f)?;
    }
    f.flush()?;
    println!("stories sample: {}", crate::shown(&sample_path));
    Ok(())
}
