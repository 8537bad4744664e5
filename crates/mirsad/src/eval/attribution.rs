//! `mirsad eval attribution`: the sources read from bylines, datelines and credit lines
//! (`mirsad_ingest::credit`) on the two JSONL corpora, scored on `eval/attribution.tsv` (150
//! articles labelled by hand; see `eval/README.md`).
//!
//! Both corpora go through the ingest stage as `analyze` reads them. Printed:
//! - per corpus, the articles with an attribution and the count per canonical name;
//! - precision: of the names mirsad gives the labelled articles, those the label has;
//! - recall: of the labelled names, those mirsad gives;
//!   both over all labelled articles, then over the two samples (`precision`: 100 random
//!   articles with an attribution; `recall`: 50 random articles).
//!
//! `--details FILE` writes each article's URL, outlet and attribution as JSON lines.
//!
//! Names are compared by `mirsad_ingest::credit::fold_name` (key, spaces removed).

use mirsad_ingest::credit::fold_name;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const LABELS: &str = include_str!("../../../../eval/attribution.tsv");

/// Names listed per corpus in the count line.
const TOP_NAMES: usize = 12;

struct Gold {
    url: String,
    sample: String,
    names: Vec<String>,
}

fn labels() -> anyhow::Result<Vec<Gold>> {
    let mut out = Vec::new();
    for (n, line) in LABELS.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split('\t').collect::<Vec<_>>().as_slice() {
            [url, sample, names] => out.push(Gold {
                url: url.to_string(),
                sample: sample.to_string(),
                names: if *names == "-" { Vec::new() } else { names.split('|').map(str::to_string).collect() },
            }),
            _ => anyhow::bail!("eval/attribution.tsv line {}: expected `url<TAB>sample<TAB>names|…` (or `-`)", n + 1),
        }
    }
    Ok(out)
}

#[derive(Default)]
struct Score {
    articles: usize,
    predicted: usize,
    gold: usize,
    right: usize,
}

impl Score {
    fn add(&mut self, predicted: &[String], gold: &[String]) {
        let p: Vec<String> = predicted.iter().map(|n| fold_name(n)).collect();
        let g: Vec<String> = gold.iter().map(|n| fold_name(n)).collect();
        self.articles += 1;
        self.predicted += p.len();
        self.gold += g.len();
        self.right += p.iter().filter(|n| g.contains(n)).count();
    }

    fn line(&self, what: &str) -> String {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        format!(
            "attribution {what}: precision {:.3} ({}/{} names), recall {:.3} ({}/{} names), {} articles",
            ratio(self.right, self.predicted),
            self.right,
            self.predicted,
            ratio(self.right, self.gold),
            self.right,
            self.gold,
            self.articles
        )
    }
}

pub fn run(data: &Path, details: Option<&Path>) -> anyhow::Result<u8> {
    let gold = labels()?;
    let Some(arts) = super::corpus_articles(data)? else { return Ok(0) };
    // per corpus: articles, attributed articles, count per name
    let mut corpora: BTreeMap<&str, (usize, usize, HashMap<String, usize>)> = BTreeMap::new();
    let mut by_url: HashMap<&str, &[String]> = HashMap::new();
    for a in &arts {
        let corpus = if a.document.contains("saudinewsnet") { "SaudiNewsNet" } else { "ANT" };
        let e = corpora.entry(corpus).or_default();
        e.0 += 1;
        if !a.attribution.is_empty() {
            e.1 += 1;
        }
        for n in &a.attribution {
            *e.2.entry(n.clone()).or_default() += 1;
        }
        if a.segment == 0 {
            if let Some(u) = a.url.as_deref() {
                by_url.entry(u).or_insert(&a.attribution);
            }
        }
    }
    if let Some(path) = details {
        use anyhow::Context;
        use std::io::Write;
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for a in &arts {
            let line = serde_json::json!({"url": a.url, "segment": a.segment, "outlet": a.outlet, "attribution": a.attribution});
            writeln!(out, "{line}")?;
        }
    }
    for (corpus, (total, attributed, names)) in &corpora {
        let mut names: Vec<_> = names.iter().collect();
        names.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = names.iter().take(TOP_NAMES).map(|(n, c)| format!("{n} {c}")).collect();
        println!(
            "attribution {corpus}: {attributed} of {total} articles ({:.1} %) have one; {}",
            100.0 * *attributed as f64 / (*total).max(1) as f64,
            top.join(", ")
        );
    }
    let (mut all, mut per_sample) = (Score::default(), BTreeMap::<&str, Score>::new());
    let mut missing = 0;
    for g in &gold {
        let Some(pred) = by_url.get(g.url.as_str()) else {
            missing += 1;
            continue;
        };
        all.add(pred, &g.names);
        per_sample.entry(g.sample.as_str()).or_default().add(pred, &g.names);
    }
    println!("{}", all.line("all labelled"));
    for (sample, s) in &per_sample {
        println!("{}", s.line(&format!("{sample} sample")));
    }
    if missing > 0 {
        println!("attribution: {missing} labelled URLs not found in the corpora");
    }
    Ok(0)
}
