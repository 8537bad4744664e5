//! `mirsad bench-dedup`: near-duplicate detection measured against brute force, and the inputs
//! for the same measurement on datasketch (bench/dedup_bench.sh).
//!
//! - Articles come from the usual pipeline (`run_pipeline`), bodies as extracted.
//! - Ground truth: every pair among the first `--sample` articles (input order) whose exact
//!   Jaccard of word 3-shingle sets is ≥ 0.8, by brute force. Pairs whose set sizes alone rule
//!   out 0.8 (min/max < 0.8) are skipped without merging: the bound is exact, no pair is lost.
//!   Articles without shingles take no part (empty sets).
//! - mirsad: from body text to pairs, end to end, over all articles: shingles and signatures in
//!   parallel (rayon, all cores), then in input order each article queries the LSH index, keeps
//!   the candidates whose estimated similarity is ≥ `DUPLICATE_SIMILARITY`, and is inserted.
//!   So every pair is examined once (all-pairs mode, unlike `Clusterer`, which indexes one text
//!   per group). Best of `--runs` passes.
//! - Recall and precision on the sample's pairs; missed pairs are described by their exact
//!   Jaccard and by why they were missed (no shared band, or estimate under the cut).

use crate::analyze::{run_pipeline, InputArgs};
use anyhow::Context;
use mirsad_cluster::minhash::{jaccard, shingles, signature, Lsh, Signature, BANDS, ROWS};
use mirsad_cluster::DUPLICATE_SIMILARITY;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Exact Jaccard at or above which a pair is a near-duplicate in the ground truth.
pub const TRUTH_JACCARD: f64 = 0.8;

#[derive(clap::Args)]
pub struct BenchDedupArgs {
    /// Files or folders of documents (JSONL corpora, HTML, …).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write each article's shingle hashes as JSON lines `{"id":…,"shingles":[u64…]}`, one
    /// line per article in input order (empty list for a text without words).
    #[arg(long)]
    pub shingles_out: Option<PathBuf>,
    /// Write the ground-truth pairs as JSON lines `[i, j, jaccard]` (article positions in
    /// input order, i < j).
    #[arg(long)]
    pub truth_out: Option<PathBuf>,
    /// Articles (the first, in input order) over which all pairs are compared exactly.
    #[arg(long, default_value_t = 8000)]
    pub sample: usize,
    /// Timed passes of mirsad; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    #[command(flatten)]
    pub input: InputArgs,
}

/// One timed pass: body text → confirmed pairs `(earlier, later)` by article position.
fn mirsad_pass(bodies: &[&str]) -> (Vec<(u32, u32)>, Vec<Option<Signature>>, f64) {
    let started = Instant::now();
    let sigs: Vec<Option<Signature>> = bodies
        .par_iter()
        .map(|b| {
            let sh = shingles(b);
            (!sh.is_empty()).then(|| signature(&sh))
        })
        .collect();
    let mut lsh = Lsh::new();
    let mut entry_article: Vec<u32> = Vec::new();
    let mut pairs = Vec::new();
    for (i, s) in sigs.iter().enumerate() {
        let Some(s) = s else { continue };
        for c in lsh.candidates(s) {
            let a = entry_article[c as usize];
            if let Some(sa) = &sigs[a as usize] {
                if sa.similarity(s) >= DUPLICATE_SIMILARITY {
                    pairs.push((a, i as u32));
                }
            }
        }
        lsh.insert(entry_article.len() as u32, s);
        entry_article.push(i as u32);
    }
    (pairs, sigs, started.elapsed().as_secs_f64())
}

fn shares_band(a: &Signature, b: &Signature) -> bool {
    (0..BANDS).any(|band| a.0[band * ROWS..(band + 1) * ROWS] == b.0[band * ROWS..(band + 1) * ROWS])
}

/// Counts of exact Jaccard values in fixed buckets, printed on one line.
fn histogram(label: &str, values: &[f64]) {
    const EDGES: [f64; 9] = [0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
    let mut counts = [0usize; EDGES.len() + 1];
    for &v in values {
        if v >= 1.0 {
            counts[EDGES.len()] += 1;
        } else {
            let k = EDGES.iter().rposition(|&e| v >= e).unwrap_or(0);
            counts[k] += 1;
        }
    }
    let mut parts = Vec::new();
    for (k, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let range = if k == EDGES.len() {
            "=1.00".to_string()
        } else if k + 1 == EDGES.len() {
            format!("[{:.2},1.00)", EDGES[k])
        } else {
            format!("[{:.2},{:.2})", EDGES[k], EDGES[k + 1])
        };
        parts.push(format!("{range} {c}"));
    }
    println!(
        "bench-dedup {label} ({}): {}",
        values.len(),
        if parts.is_empty() { "none".into() } else { parts.join(", ") }
    );
}

pub fn run(args: BenchDedupArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut ids: Vec<String> = Vec::new();
    let mut bodies: Vec<String> = Vec::new();
    let totals = run_pipeline(&args.paths, &args.input, |arts| {
        for a in arts {
            ids.push(a.id);
            bodies.push(a.body);
        }
        Ok(())
    })?;
    let n = bodies.len();
    println!(
        "bench-dedup input: documents {} articles {n} errors {} read in {:.1} s",
        totals.documents,
        totals.errors,
        started.elapsed().as_secs_f64()
    );
    anyhow::ensure!(n < u32::MAX as usize, "too many articles");

    // Shingle sets (untimed: for the ground truth and the datasketch side).
    let sets: Vec<Vec<u64>> = bodies.par_iter().map(|b| shingles(b)).collect();
    let mean = sets.iter().map(Vec::len).sum::<usize>() as f64 / n.max(1) as f64;
    println!(
        "bench-dedup shingles: {:.0} per article on average, {} articles without any",
        mean,
        sets.iter().filter(|s| s.is_empty()).count()
    );
    if let Some(path) = &args.shingles_out {
        let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = std::io::BufWriter::new(f);
        for (id, s) in ids.iter().zip(&sets) {
            serde_json::to_writer(&mut w, &serde_json::json!({ "id": id, "shingles": s }))?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }

    // Ground truth over the sample: all pairs, exact Jaccard, size bound first.
    let m = args.sample.min(n);
    let t = Instant::now();
    let mut by_size: Vec<u32> = (0..m as u32).filter(|&i| !sets[i as usize].is_empty()).collect();
    by_size.sort_by_key(|&i| sets[i as usize].len());
    let mut truth: Vec<(u32, u32, f64)> = (0..by_size.len())
        .into_par_iter()
        .flat_map_iter(|x| {
            let a = &sets[by_size[x] as usize];
            let mut out = Vec::new();
            for &j in &by_size[x + 1..] {
                let b = &sets[j as usize];
                // |A∩B|/|A∪B| ≤ |A|/|B| for |A| ≤ |B|; sizes only grow from here on.
                if (a.len() as f64) < TRUTH_JACCARD * b.len() as f64 {
                    break;
                }
                let jac = jaccard(a, b);
                if jac >= TRUTH_JACCARD {
                    let i = by_size[x];
                    out.push((i.min(j), i.max(j), jac));
                }
            }
            out.into_iter()
        })
        .collect();
    truth.sort_by_key(|p| (p.0, p.1));
    let compared = by_size.len() * by_size.len().saturating_sub(1) / 2;
    println!(
        "bench-dedup truth: sample {m} articles ({} with shingles), {compared} pairs, {} with Jaccard >= {TRUTH_JACCARD} ({:.1} s)",
        by_size.len(),
        truth.len(),
        t.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.truth_out {
        let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = std::io::BufWriter::new(f);
        for (i, j, jac) in &truth {
            writeln!(w, "[{i},{j},{jac}]")?;
        }
        w.flush()?;
    }

    // mirsad, end to end from body text.
    let texts: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let mut best = f64::INFINITY;
    let mut result = None;
    for _ in 0..args.runs.max(1) {
        let (pairs, sigs, secs) = mirsad_pass(&texts);
        best = best.min(secs);
        result = Some((pairs, sigs));
    }
    let (pairs, sigs) = result.expect("one pass at least");
    let rate = n as f64 / best;
    println!(
        "bench-dedup mirsad: {n} articles in {best:.3} s (best of {}, {} threads) = {rate:.0} articles/s, {} pairs confirmed",
        args.runs.max(1),
        rayon::current_num_threads(),
        pairs.len()
    );

    // Where the time goes (separate passes, for reading only: not the figure above).
    let t = Instant::now();
    let again: Vec<Vec<u64>> = texts.par_iter().map(|b| shingles(b)).collect();
    let t_shingles = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again: Vec<Signature> = again.par_iter().map(|s| signature(s)).collect();
    let t_signatures = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut lsh = Lsh::new();
    let mut candidates = 0usize;
    for (i, s) in again.iter().enumerate() {
        candidates += lsh.candidates(s).len();
        lsh.insert(i as u32, s);
    }
    let t_lsh = t.elapsed().as_secs_f64();
    println!(
        "bench-dedup mirsad breakdown: shingles {t_shingles:.3} s, signatures {t_signatures:.3} s (both on {} threads), LSH insert+query {t_lsh:.3} s (one thread, {candidates} candidates)",
        rayon::current_num_threads()
    );

    // Scores on the sample.
    let truth_set: HashSet<(u32, u32)> = truth.iter().map(|p| (p.0, p.1)).collect();
    let found: Vec<(u32, u32)> = pairs.iter().copied().filter(|&(a, b)| (a as usize) < m && (b as usize) < m).collect();
    let hits = found.iter().filter(|p| truth_set.contains(p)).count();
    let recall = if truth.is_empty() { 1.0 } else { hits as f64 / truth.len() as f64 };
    let precision = if found.is_empty() { 1.0 } else { hits as f64 / found.len() as f64 };
    println!(
        "bench-dedup mirsad sample: truth {} found {} correct {hits} recall {recall:.4} precision {precision:.4}",
        truth.len(),
        found.len()
    );
    let found_set: HashSet<(u32, u32)> = found.iter().copied().collect();
    let missed: Vec<&(u32, u32, f64)> = truth.iter().filter(|p| !found_set.contains(&(p.0, p.1))).collect();
    let sig = |i: u32| sigs[i as usize].as_ref().expect("non-empty sets have signatures");
    let no_band: Vec<f64> = missed.iter().filter(|p| !shares_band(sig(p.0), sig(p.1))).map(|p| p.2).collect();
    let under_cut: Vec<f64> = missed.iter().filter(|p| shares_band(sig(p.0), sig(p.1))).map(|p| p.2).collect();
    histogram("mirsad missed, exact Jaccard", &missed.iter().map(|p| p.2).collect::<Vec<_>>());
    histogram("mirsad missed for no shared band, exact Jaccard", &no_band);
    histogram("mirsad missed for an estimate under the cut, exact Jaccard", &under_cut);
    let wrong: Vec<f64> = found
        .iter()
        .filter(|p| !truth_set.contains(p))
        .map(|&(a, b)| jaccard(&sets[a as usize], &sets[b as usize]))
        .collect();
    histogram("mirsad false positives, exact Jaccard", &wrong);
    println!(
        "{}",
        serde_json::json!({
            "bench_dedup": {
                "articles": n,
                "sample": m,
                "truth_pairs": truth.len(),
                "mirsad_seconds": best,
                "mirsad_articles_per_s": rate,
                "mirsad_threads": rayon::current_num_threads(),
                "mirsad_pairs": pairs.len(),
                "mirsad_sample_found": found.len(),
                "mirsad_recall": recall,
                "mirsad_precision": precision,
            }
        })
    );
    Ok(0)
}
