//! How name-like the contexts of each word are across an unlabelled news corpus.
//!
//! Half of the entities in a held-out part of ANERcorp are names never seen in training, and
//! one sentence often gives too little context to tell them (a name in a list after «و», a
//! name in a headline). Across a corpus the same word stands in many contexts, some of them
//! telling («قال الرئيس …», «… رئيس الوزراء», «في مدينة …»). A first-round tagger trained on
//! ANERcorp with context features only (its neighbours, never the word itself, so it cannot
//! have memorized the training names or learned their letters) scores every occurrence of
//! every word in the corpus; per word and type we keep where the mean margin of that type over
//! `O` ranks among all words, in coarse buckets, and how often the word occurs. The model of
//! the second round sees those buckets as features of the word.
//!
//! In 5-fold cross-validation on the training part this raised F1 from 0.680 to 0.706 with one
//! perceptron (0.689 to 0.707 with means of five), most of it recall on names unseen in
//! training (0.275 to 0.333); precision rose too (0.782 to 0.796).
//! Also measured there: the share of a word's occurrences that a full first-round tagger tagged
//! as each type (0.700; with a context-only tagger, 0.700), tables for the training folds from
//! taggers that never saw them (jackknife), more rounds, the buckets of the neighbouring words,
//! a minimum of 5 occurrences (0.700) — none scored better.
//!
//! Only `hash of the key → packed buckets` is kept in the model, never corpus text.

use super::{sh, strip_clitics, token_key, IdHasher, ModelError, Reader, Tagger};
use rayon::prelude::*;
use std::collections::HashMap;

/// Key hash → packed code: bits `3t..3t+3` hold the rank bucket of type `t` (0 for none),
/// bits 12..15 the bucket of the word's corpus frequency.
pub type Mined = HashMap<u32, u16, std::hash::BuildHasherDefault<IdHasher>>;

/// Hash under which a word (its key without clitics) is stored.
pub fn word_hash(nc: &str) -> u32 {
    (sh(nc) >> 32) as u32 ^ 0x6d69_6e65
}

/// Frequency bucket: 1, 2–3, 4–9, 10–29, 30–99, 100 and more (1 to 6).
pub(super) fn count_bucket(total: u32) -> u16 {
    match total {
        0..=1 => 1,
        2..=3 => 2,
        4..=9 => 3,
        10..=29 => 4,
        30..=99 => 5,
        _ => 6,
    }
}

/// Words seen fewer times are left out of the table.
pub const MIN_COUNT: u32 = 2;

/// Scores every word token of the sentences (raw tokens) with `tagger`, a context-only tagger
/// (see the module doc), and keeps per word (seen [`MIN_COUNT`] times) and type a bucket of
/// where its mean margin of that type over `O` ([`Tagger::type_margins`]) ranks among all
/// such words: top 1 %, 3 %, 10 %, 30 % (5 to 2), else 0; words with no bucket are left out.
/// Deterministic: the margins are integers, so their sums do not depend on the order of the
/// parallel work, and ties in rank are broken by the word hash.
pub fn mine(tagger: &Tagger, sentences: &[Vec<String>]) -> Mined {
    let sums = sentences
        .par_chunks(512)
        .map(|chunk| {
            let mut c: HashMap<u32, ([i64; 4], u32)> = HashMap::new();
            for s in chunk {
                let toks: Vec<&str> = s.iter().map(String::as_str).collect();
                for (i, m) in tagger.type_margins(&toks) {
                    let e = c.entry(word_hash(strip_clitics(&token_key(toks[i])))).or_default();
                    for (sum, x) in e.0.iter_mut().zip(m) {
                        *sum += i64::from(x);
                    }
                    e.1 += 1;
                }
            }
            c
        })
        .reduce(HashMap::new, |mut a, b| {
            for (h, v) in b {
                let e = a.entry(h).or_default();
                for (sum, x) in e.0.iter_mut().zip(v.0) {
                    *sum += x;
                }
                e.1 += v.1;
            }
            a
        });
    let mut words: Vec<(u32, [f64; 4], u32)> = sums
        .into_iter()
        .filter(|(_, v)| v.1 >= MIN_COUNT)
        .map(|(h, v)| (h, v.0.map(|x| x as f64 / f64::from(v.1)), v.1))
        .collect();
    words.sort_unstable_by_key(|w| w.0);
    let mut codes = vec![0u16; words.len()];
    for t in 0..4 {
        let mut order: Vec<usize> = (0..words.len()).collect();
        order.sort_by(|&a, &b| words[b].1[t].total_cmp(&words[a].1[t]).then(words[a].0.cmp(&words[b].0)));
        let n = order.len() as f64;
        for (rank, &w) in order.iter().enumerate() {
            let q = rank as f64 / n;
            let b = match q {
                q if q < 0.01 => 5,
                q if q < 0.03 => 4,
                q if q < 0.10 => 3,
                q if q < 0.30 => 2,
                _ => 0,
            };
            codes[w] |= b << (3 * t);
        }
    }
    let mut out = Mined::default();
    for (w, code) in words.iter().zip(codes) {
        if code != 0 {
            out.insert(w.0, code | count_bucket(w.2) << 12);
        }
    }
    out
}

/// Rank bucket of type `t` (0 to 5) and frequency bucket in a code.
pub fn unpack(code: u16, t: usize) -> (u64, u64) {
    (u64::from((code >> (3 * t)) & 7), u64::from(code >> 12))
}

pub(super) fn write(m: &Mined, out: &mut Vec<u8>) {
    super::put_hash_table(out, m.iter().map(|(h, c)| (*h, *c)).collect(), |out, c: u16| {
        out.extend_from_slice(&c.to_le_bytes())
    });
}

pub(super) fn read(r: &mut Reader<'_>) -> Result<Mined, ModelError> {
    r.section("mined table");
    let n = r.count(3)?;
    let mut m = Mined::with_capacity_and_hasher(n, Default::default());
    let mut h = 0u64;
    for _ in 0..n {
        h = r.sum(h)?;
        let c = u16::from_le_bytes(r.array()?);
        m.insert(r.fits(h)?, c);
    }
    Ok(m)
}
