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
//! - `eval/stories.tsv` (hand-labelled stories of those corpora, see `eval/README.md`): the same
//!   run's stories scored by B-cubed precision, recall and F1 over the labelled articles only
//!   ([`bcubed`]), and the number of labelled stories of several articles split across more than
//!   one story of mirsad's.

use super::skip_if_absent;
use anyhow::Context;
use mirsad_model::Article;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

const LABELS: &str = include_str!("../../../../eval/stories.tsv");

/// Labelled URLs that may be missing from the corpora before the eval fails (a moved or
/// re-sampled corpus, or a damaged label file).
const MAX_MISSING: usize = 5;

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
    let labelled_report = labelled(&arts)?;
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
    f.write_all(labelled_report.as_bytes())?;
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

/// `eval/stories.tsv` as (URL, story label) pairs, in file order.
fn gold_labels() -> anyhow::Result<Vec<(&'static str, &'static str)>> {
    let mut out = Vec::new();
    for (n, line) in LABELS.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split('\t').collect::<Vec<_>>().as_slice() {
            [url, label] if !url.is_empty() && !label.is_empty() => out.push((*url, *label)),
            _ => anyhow::bail!("eval/stories.tsv line {}: expected `URL<TAB>STORY_LABEL`", n + 1),
        }
    }
    Ok(out)
}

/// B-cubed precision, recall and F1 of a clustering against gold classes, over the items given:
/// `items[i] = (gold class, system cluster)`. For each item, precision is the share of its
/// system cluster that is in its gold class and recall the share of its gold class that is in
/// its system cluster (both counted among `items` only); each is averaged over the items.
pub fn bcubed<G: Eq + std::hash::Hash, S: Eq + std::hash::Hash>(items: &[(G, S)]) -> (f64, f64, f64) {
    if items.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut gold: HashMap<&G, usize> = HashMap::new();
    let mut system: HashMap<&S, usize> = HashMap::new();
    let mut both: HashMap<(&G, &S), usize> = HashMap::new();
    for (g, s) in items {
        *gold.entry(g).or_default() += 1;
        *system.entry(s).or_default() += 1;
        *both.entry((g, s)).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for (g, s) in items {
        let common = both[&(g, s)] as f64;
        p += common / system[s] as f64;
        r += common / gold[g] as f64;
    }
    let n = items.len() as f64;
    let (p, r) = (p / n, r / n);
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// Scores the clustered corpora on `eval/stories.tsv`, prints the figures and returns the
/// per-story report for the details file. A labelled URL stands for every main article
/// (segment 0) read from a record with that URL; an article with no story counts as a story of
/// its own.
fn labelled(arts: &[Article]) -> anyhow::Result<String> {
    let gold = gold_labels()?;
    let mut by_url: HashMap<&str, Vec<&Article>> = HashMap::new();
    for a in arts.iter().filter(|a| a.segment == 0) {
        if let Some(u) = a.url.as_deref() {
            by_url.entry(u).or_default().push(a);
        }
    }
    let mut missing = Vec::new();
    // (gold label, system story, article) for every labelled article found.
    let mut items: Vec<(&str, &str, &Article)> = Vec::new();
    for &(url, label) in &gold {
        match by_url.get(url) {
            Some(found) => items.extend(found.iter().map(|a| (label, a.story.as_deref().unwrap_or(a.id.as_str()), *a))),
            None => missing.push(url),
        }
    }
    if missing.len() > MAX_MISSING {
        anyhow::bail!(
            "stories labelled: {} of {} labelled URLs are not in the corpora (first: {}); eval/stories.tsv and the data in --data disagree",
            missing.len(),
            gold.len(),
            missing[0]
        );
    }
    let pairs: Vec<(&str, &str)> = items.iter().map(|(g, s, _)| (*g, *s)).collect();
    let (p, r, f) = bcubed(&pairs);
    if let Some(path) = std::env::var_os("MIRSAD_DUMP_PAIRS") {
        dump_pairs(Path::new(&path), arts, &items)?;
    }
    let mut per_gold: BTreeMap<&str, Vec<(&str, &Article)>> = BTreeMap::new();
    for (g, s, a) in &items {
        per_gold.entry(g).or_default().push((s, a));
    }
    let multi: Vec<&Vec<(&str, &Article)>> = per_gold.values().filter(|v| v.len() > 1).collect();
    let distinct = |v: &Vec<(&str, &Article)>| v.iter().map(|x| x.0).collect::<std::collections::BTreeSet<_>>().len();
    let split = multi.iter().filter(|v| distinct(v) > 1).count();
    println!(
        "stories labelled: articles {} stories {} (with several articles {}) urls missing {} bcubed precision {p:.3} recall {r:.3} f1 {f:.3} split {split}",
        items.len(),
        per_gold.len(),
        multi.len(),
        missing.len()
    );
    // The report: each labelled story with the system stories its articles fall in, then each
    // system story holding articles of several labelled stories (the wrong merges).
    let mut out = String::from("# labelled stories (eval/stories.tsv): label · articles · mirsad stories\n");
    for (g, v) in &per_gold {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (s, _) in v {
            *counts.entry(s).or_default() += 1;
        }
        let shown: Vec<String> = counts.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        out.push_str(&format!(
            "{g} · {} · {}{}\n",
            v.len(),
            shown.join(" "),
            if counts.len() > 1 { "  [split]" } else { "" }
        ));
        if counts.len() > 1 {
            for (s, a) in v {
                out.push_str(&format!("    {s} | {}\n", a.title.as_deref().unwrap_or("(no title)")));
            }
        }
    }
    let mut per_system: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (g, s, _) in &items {
        *per_system.entry(s).or_default().entry(g).or_default() += 1;
    }
    out.push_str("\n# mirsad stories holding articles of several labelled stories\n");
    for (s, labels) in per_system.iter().filter(|(_, l)| l.len() > 1) {
        let shown: Vec<String> = labels.iter().map(|(g, n)| format!("{g}×{n}")).collect();
        out.push_str(&format!("{s} · {}\n", shown.join(" ")));
    }
    for url in &missing {
        out.push_str(&format!("not in the corpora: {url}\n"));
    }
    out.push('\n');
    Ok(out)
}

/// Writes the labelled articles (gold label, mirsad story, date, title, the first 1,500
/// characters of the body) and the cosine of every pair of them, for
/// `experiments/story-ceiling/ceiling.py`. Only on request (`MIRSAD_DUMP_PAIRS=FILE`): the file
/// holds corpus text and stays outside the repository.
fn dump_pairs(path: &Path, arts: &[Article], items: &[(&str, &str, &Article)]) -> anyhow::Result<()> {
    let mut c = mirsad_cluster::Clusterer::new();
    c.observe_all(arts);
    let labelled: Vec<&Article> = items.iter().map(|x| x.2).collect();
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut out = String::new();
    for (g, s, a) in items {
        out.push_str(&format!(
            "A\t{}\t{g}\t{s}\t{}\t{}\t{}\t{}\t{}\n",
            a.id,
            a.published.as_ref().map(|p| p.value.to_string()).unwrap_or_default(),
            a.outlet.as_deref().unwrap_or(""),
            a.duplicate_of.as_deref().unwrap_or(""),
            clean(a.title.as_deref().unwrap_or("")),
            clean(&a.body.chars().take(1500).collect::<String>()),
        ));
    }
    for (i, j, x) in c.pair_similarities(&labelled) {
        out.push_str(&format!("P\t{i}\t{j}\t{x:.4}\n"));
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::bcubed;

    #[test]
    fn bcubed_by_hand() {
        // Gold {1,2,3} {4,5}; system {1,2} {3,4,5}.
        // Precision: 1,2 → 2/2; 3 → 1/3; 4,5 → 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15.
        // Recall: 1,2 → 2/3; 3 → 1/3; 4,5 → 2/2 → (2/3+2/3+1/3+1+1)/5 = 11/15.
        let items = [("a", 1), ("a", 1), ("a", 2), ("b", 2), ("b", 2)];
        let (p, r, f) = bcubed(&items);
        assert!((p - 11.0 / 15.0).abs() < 1e-12, "{p}");
        assert!((r - 11.0 / 15.0).abs() < 1e-12, "{r}");
        assert!((f - 11.0 / 15.0).abs() < 1e-12, "{f}");
        // All in one system cluster: precision 1/2 per gold pair, recall 1.
        let items = [("a", 0), ("a", 0), ("b", 0), ("b", 0)];
        let (p, r, f) = bcubed(&items);
        assert!((p - 0.5).abs() < 1e-12 && (r - 1.0).abs() < 1e-12 && (f - 2.0 / 3.0).abs() < 1e-12);
        // Every item alone: precision 1, recall 1/2 for two gold pairs.
        let items = [("a", 1), ("a", 2), ("b", 3), ("b", 4)];
        let (p, r, _) = bcubed(&items);
        assert!((p - 1.0).abs() < 1e-12 && (r - 0.5).abs() < 1e-12);
        assert_eq!(bcubed::<&str, u8>(&[]), (0.0, 0.0, 0.0));
    }
}
