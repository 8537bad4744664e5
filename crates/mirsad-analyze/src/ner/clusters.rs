//! Word clusters learned from unlabelled text: words that occur between the same neighbours
//! share a cluster (so an unseen name next to «الرئيس» or «قال» looks like the names seen in
//! training).
//!
//! Each frequent word (in tagger key form) is described by how often each of the most frequent
//! words stands just before and just after it, weighted by positive pointwise mutual
//! information, projected to a few dense dimensions by fixed pseudo-random signs, normalized,
//! and grouped by spherical k-means (deterministic: the initial centroids are the most
//! frequent words). Only `hash of the key → cluster number` is kept.

use super::{sh, token_key, Clusters};
use rayon::prelude::*;
use std::collections::HashMap;

/// Settings of [`learn`].
pub struct Settings {
    /// Number of clusters.
    pub k: usize,
    /// Words kept: at most this many of the most frequent, and only those seen `min_count` times.
    pub vocab: usize,
    pub min_count: u32,
    /// Context words: this many of the most frequent.
    pub contexts: usize,
    /// Dense dimensions of the projection.
    pub dims: usize,
    pub iterations: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { k: 256, vocab: 60_000, min_count: 5, contexts: 1_000, dims: 128, iterations: 12 }
    }
}

/// Hash under which a key is stored in the cluster table.
pub fn cluster_hash(key: &str) -> u32 {
    (sh(key) >> 32) as u32
}

/// Learns clusters from sentences of raw tokens (punctuation tokens are skipped).
pub fn learn(sentences: &[Vec<String>], s: &Settings) -> Clusters {
    // Keys, and word frequencies.
    let keyed: Vec<Vec<String>> = sentences
        .par_iter()
        .map(|toks| toks.iter().map(|t| token_key(t)).filter(|k| super::is_word_key(k)).collect())
        .collect();
    let mut freq: HashMap<&str, u32> = HashMap::new();
    for sent in &keyed {
        for k in sent {
            *freq.entry(k.as_str()).or_insert(0) += 1;
        }
    }
    let mut by_freq: Vec<(&str, u32)> = freq.iter().map(|(k, c)| (*k, *c)).collect();
    by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let vocab: Vec<&str> =
        by_freq.iter().take_while(|(_, c)| *c >= s.min_count).take(s.vocab).map(|(k, _)| *k).collect();
    let index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    // Context ids: left neighbours 0..contexts, right neighbours contexts..2*contexts;
    // sentence starts and ends are contexts too.
    let nctx = s.contexts.min(vocab.len());
    let (bos, eos) = (nctx, nctx + 1);
    let width = 2 * (nctx + 2);
    let ctx_of = |k: Option<&String>, edge: usize| -> usize {
        match k {
            None => edge,
            Some(k) => index.get(k.as_str()).copied().filter(|&i| i < nctx).unwrap_or(usize::MAX),
        }
    };
    let mut counts: Vec<HashMap<u32, u32>> = vec![HashMap::new(); vocab.len()];
    for sent in &keyed {
        for (i, k) in sent.iter().enumerate() {
            let Some(&w) = index.get(k.as_str()) else { continue };
            let left = ctx_of(if i > 0 { sent.get(i - 1) } else { None }, bos);
            let right = ctx_of(sent.get(i + 1), eos);
            if left != usize::MAX {
                *counts[w].entry(left as u32).or_insert(0) += 1;
            }
            if right != usize::MAX {
                *counts[w].entry((nctx + 2 + right) as u32).or_insert(0) += 1;
            }
        }
    }
    // PPMI weights, projected by fixed signs.
    let mut ctx_total = vec![0f64; width];
    let mut all = 0f64;
    for c in &counts {
        for (&j, &n) in c {
            ctx_total[j as usize] += f64::from(n);
            all += f64::from(n);
        }
    }
    let dims = s.dims;
    let sign = |j: u32, d: usize| -> f32 {
        if super::mix(u64::from(j) << 16 | d as u64) & 1 == 0 {
            1.0
        } else {
            -1.0
        }
    };
    let vecs: Vec<Vec<f32>> = counts
        .par_iter()
        .map(|c| {
            let row: f64 = c.values().map(|&n| f64::from(n)).sum();
            let mut v = vec![0f32; dims];
            for (&j, &n) in c {
                let pmi = (f64::from(n) * all / (row * ctx_total[j as usize])).ln();
                if pmi > 0.0 {
                    for (d, x) in v.iter_mut().enumerate() {
                        *x += sign(j, d) * pmi as f32;
                    }
                }
            }
            normalize(&mut v);
            v
        })
        .collect();
    // Spherical k-means, started from the most frequent words.
    let k = s.k.min(vecs.len());
    let mut centroids: Vec<Vec<f32>> = vecs[..k].to_vec();
    let mut assign = vec![0usize; vecs.len()];
    for _ in 0..s.iterations {
        assign = vecs
            .par_iter()
            .map(|v| {
                let mut best = (0, f32::NEG_INFINITY);
                for (ci, c) in centroids.iter().enumerate() {
                    let dot: f32 = v.iter().zip(c).map(|(a, b)| a * b).sum();
                    if dot > best.1 {
                        best = (ci, dot);
                    }
                }
                best.0
            })
            .collect();
        let mut sums = vec![vec![0f32; dims]; k];
        for (v, &a) in vecs.iter().zip(&assign) {
            for (s, x) in sums[a].iter_mut().zip(v) {
                *s += x;
            }
        }
        for (c, mut sum) in centroids.iter_mut().zip(sums) {
            if sum.iter().any(|x| *x != 0.0) {
                normalize(&mut sum);
                *c = sum;
            }
        }
    }
    vocab.iter().zip(&assign).map(|(w, &a)| (cluster_hash(w), a as u16)).collect()
}

fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}
