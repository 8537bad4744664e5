//! Background document frequencies: how common each term is in Arabic text at large, so that
//! term weights do not depend on the collection being large.
//!
//! Two articles analyzed on their own share «قال» and «ترامب» once each; only a prior on how
//! common words are tells the verb from the name. The table (`data/background.tsv.gz`, built by
//! `mirsad build-background` from wordfreq's Arabic list; sources and license in
//! `data/NOTICE`) gives, per stem, the expected number of news articles of a million holding
//! it. [`crate::terms::TermModel`] counts it as [`BACKGROUND_DOCS`] documents of evidence
//! beside the collection's own, so a small input is weighted as a large one would be, and a
//! collection of a million articles is weighted by itself.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

/// Documents the background table counts for in idf: enough that two articles are weighted as
/// a news collection would weight them, few enough that a collection of 100k articles outweighs
/// it where the two disagree (its own subjects are common in it, whatever the web says).
pub const BACKGROUND_DOCS: f32 = 20_000.0;

/// Tokens of a typical news article, to turn a word's frequency per token into the share of
/// articles holding it (the two JSONL corpora average about 330 words of body and title).
pub const ARTICLE_TOKENS: f64 = 330.0;

/// Rows kept: the share of articles per million below which a term is left out. At 25 per
/// million a term counts for half a background document, about nothing beside the `+ 1` of idf,
/// so leaving it out changes no weight and halves the table.
pub const MIN_PER_MILLION: u32 = 25;

static TABLE: &[u8] = include_bytes!("../data/background.tsv.gz");

/// The share of news articles (per million) expected to hold `stem`; 0 when the table does not
/// list it.
pub fn per_million(stem: &str) -> u32 {
    static MAP: OnceLock<HashMap<String, u32>> = OnceLock::new();
    MAP.get_or_init(|| parse(TABLE)).get(stem).copied().unwrap_or(0)
}

/// Reads the shipped table. It is part of the binary, checked by the tests: a damaged table
/// would be a build defect, so rows that do not parse are skipped rather than reported.
fn parse(gz: &[u8]) -> HashMap<String, u32> {
    let mut text = String::new();
    if flate2::read::GzDecoder::new(gz).read_to_string(&mut text).is_err() {
        return HashMap::new();
    }
    text.lines()
        .filter_map(|l| {
            let (stem, n) = l.split_once('\t')?;
            Some((stem.to_string(), n.parse().ok()?))
        })
        .collect()
}

/// Builds the table rows from word forms and their frequencies per token (wordfreq's list):
/// forms are keyed and stemmed as [`crate::terms`] does for articles, frequencies of one stem
/// summed, and turned into the expected share of articles holding the stem. Sorted by stem.
pub fn build(words: impl IntoIterator<Item = (String, f64)>) -> Vec<(String, u32)> {
    let mut freq: HashMap<String, f64> = HashMap::new();
    let mut k = String::new();
    for (w, f) in words {
        mirsad_text::key_into(&w, &mut k);
        // wordfreq lists single tokens; a form our tokenizer splits is not a term.
        if k.contains(' ') {
            continue;
        }
        if let Some(s) = crate::terms::topical_stem(&k) {
            *freq.entry(s.to_string()).or_default() += f;
        }
    }
    let mut rows: Vec<(String, u32)> = freq
        .into_iter()
        .map(|(s, f)| {
            // A word of frequency f per token is in an article of n tokens with probability
            // 1 - (1 - f)^n.
            let share = 1.0 - (1.0 - f.min(1.0)).powf(ARTICLE_TOKENS);
            (s, (share * 1e6).round() as u32)
        })
        .filter(|(_, n)| *n >= MIN_PER_MILLION)
        .collect();
    rows.sort();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_tells_function_words_from_names() {
        // «قال» (said) is in most news articles, «الحكومة» in many; a transliterated name of a
        // person in the news is rare on the web at large.
        let said = per_million(crate::terms::topical_stem("قال").unwrap());
        let government = per_million(crate::terms::topical_stem("الحكومه").unwrap());
        let name = per_million(crate::terms::topical_stem("بيسكوف").unwrap());
        assert!(said > 100_000, "قال: {said}");
        assert!(government > 5_000, "الحكومة: {government}");
        assert!(name < government / 10, "بيسكوف: {name}");
    }

    #[test]
    fn build_sums_forms_of_a_stem() {
        let rows = build([("الكتاب".to_string(), 1e-4), ("كتاب".to_string(), 1e-4), ("في".to_string(), 1e-2)]);
        let stem = crate::terms::topical_stem("كتاب").unwrap();
        let (_, n) = rows.iter().find(|(s, _)| s == stem).unwrap();
        // Two forms of 1e-4 each: 1 - (1 - 2e-4)^330 ≈ 0.0639.
        assert!((63_000..65_000).contains(n), "{n}");
        // A stopword is not a term.
        assert!(rows.iter().all(|(s, _)| s != "في"));
    }
}
