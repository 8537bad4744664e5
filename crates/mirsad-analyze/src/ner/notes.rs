//! Word notes: per word key, whether a spelling dictionary (hunspell's Arabic one) accepts the
//! word, and how frequent the word is in general Arabic text (wordfreq's list).
//!
//! Half of the entities in a held-out part of ANERcorp are names never seen in training. A
//! transliterated foreign name («سكريبال», «بومبيو») is not Arabic vocabulary, so a spelling
//! dictionary rejects it, while common words pass; and a word that is rare in general text is
//! more often a name than a frequent one. Neither source is needed when tagging: the trainer
//! looks every word of its vocabulary up once and the model keeps only
//! `32-bit hash of the key → one byte`, never text.
//!
//! Several spellings share one key (`mirsad_text::key` folds hamza forms, so «الى» and «إلى»
//! are one key): a key counts as accepted when any of its spellings is, and its frequency is
//! the sum of its spellings'.

use super::{sh, IdHasher, ModelError, Reader};
use std::collections::HashMap;

/// Key hash → code: bits 0–1 the dictionary's verdict ([`UNCHECKED`], [`ACCEPTED`],
/// [`REJECTED`]), bits 2–7 the frequency bucket (0: not in the list, or below its cut).
pub type Table = HashMap<u32, u8, std::hash::BuildHasherDefault<IdHasher>>;

/// Dictionary verdicts.
pub const UNCHECKED: u8 = 0;
pub const ACCEPTED: u8 = 1;
pub const REJECTED: u8 = 2;

/// [`Notes::sources`] bit: the table holds dictionary verdicts.
pub const SPELLING: u8 = 1;
/// [`Notes::sources`] bit: the table holds frequency buckets.
pub const FREQUENCY: u8 = 2;

/// The table and which of the two sources it holds (a feature of a source the table does not
/// hold would fire alike for every word).
#[derive(Clone, Default)]
pub struct Notes {
    pub sources: u8,
    pub table: Table,
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.sources == 0
    }

    /// The code of a key (0 when the table does not know it).
    pub fn get(&self, key: &str) -> u8 {
        self.table.get(&word_hash(key)).copied().unwrap_or(0)
    }

    /// Sets a key's dictionary verdict (merged: accepted wins over rejected).
    pub fn add_verdict(&mut self, key: &str, accepted: bool) {
        self.sources |= SPELLING;
        let e = self.table.entry(word_hash(key)).or_insert(0);
        let v = if accepted || *e & 3 == ACCEPTED { ACCEPTED } else { REJECTED };
        *e = (*e & !3) | v;
    }

    /// Sets a key's frequency bucket (see [`frequency_bucket`]).
    pub fn add_frequency(&mut self, key: &str, bucket: u8) {
        self.sources |= FREQUENCY;
        let e = self.table.entry(word_hash(key)).or_insert(0);
        *e = (*e & 3) | (bucket.min(63) << 2);
    }
}

/// Verdict and frequency bucket of a code.
pub fn unpack(code: u8) -> (u8, u8) {
    (code & 3, code >> 2)
}

/// Hash under which a key is stored.
pub fn word_hash(key: &str) -> u32 {
    (sh(key) >> 32) as u32 ^ 0x6e6f_7465
}

/// Frequency bucket of a word whose frequency (share of all tokens) is `freq`: half steps of
/// the Zipf scale (log10 of occurrences per billion words), 1 for Zipf 1 (once in a hundred
/// million words) up to 17 for Zipf 9; 0 below Zipf 1.
pub fn frequency_bucket(freq: f64) -> u8 {
    if freq <= 0.0 {
        return 0;
    }
    // The list's frequencies are powers of ten (10^(-i/100)): the small slack keeps one whose
    // Zipf value is a bound in the bucket above it, as the bound says, whatever the rounding.
    let half_steps = ((freq.log10() + 8.0) * 2.0 + 1e-9).floor();
    if half_steps < 0.0 {
        0
    } else {
        (1.0 + half_steps).min(17.0) as u8
    }
}

pub(super) fn write(n: &Notes, out: &mut Vec<u8>) {
    out.push(n.sources);
    super::put_hash_table(out, n.table.iter().map(|(h, c)| (*h, *c)).collect(), |out, c| out.push(c));
}

pub(super) fn read(r: &mut Reader<'_>) -> Result<Notes, ModelError> {
    r.section("word notes");
    let sources = r.byte()?;
    if sources > SPELLING | FREQUENCY {
        return Err(r.out_of_range(u64::from(sources)));
    }
    let n = r.count(2)?;
    let mut table = Table::with_capacity_and_hasher(n, Default::default());
    let mut h = 0u64;
    for _ in 0..n {
        h = r.sum(h)?;
        let c = r.byte()?;
        table.insert(r.fits(h)?, c);
    }
    Ok(Notes { sources, table })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_buckets_are_half_zipf_steps() {
        assert_eq!(frequency_bucket(0.0), 0);
        assert_eq!(frequency_bucket(1e-9), 0); // Zipf 0
        assert_eq!(frequency_bucket(1e-8), 1); // Zipf 1
        assert_eq!(frequency_bucket(3.2e-8), 2); // Zipf 1.5
        assert_eq!(frequency_bucket(10f64.powf(-2.5)), 12); // Zipf 6.5
        assert_eq!(frequency_bucket(1e-2), 13); // Zipf 7
        assert_eq!(frequency_bucket(1e-2 * 0.99), 12);
        assert_eq!(frequency_bucket(1.0), 17);
    }

    #[test]
    fn any_accepted_spelling_makes_the_key_accepted() {
        let mut n = Notes::default();
        n.add_verdict("الي", false);
        assert_eq!(unpack(n.get("الي")).0, REJECTED);
        n.add_verdict("الي", true);
        n.add_verdict("الي", false);
        n.add_frequency("الي", 14);
        assert_eq!(unpack(n.get("الي")), (ACCEPTED, 14));
        assert_eq!(n.get("غيرها"), 0);
        assert_eq!(n.sources, SPELLING | FREQUENCY);
    }
}
