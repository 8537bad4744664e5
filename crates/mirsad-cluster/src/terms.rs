//! Term statistics for story similarity: interned stems, document frequencies, and an
//! article's tf-idf vector over its most telling terms.

use crate::background;
use mirsad_model::Article;
use std::collections::HashMap;

/// Terms kept per article vector.
pub const VECTOR_TERMS: usize = 60;
/// Title words count this many times: a headline names what the story is about.
const TITLE_WEIGHT: f32 = 5.0;
/// The lead: the first this many topical words of the body, which say who did what where
/// (news is written as an inverted pyramid; late paragraphs drift to background).
const LEAD_WORDS: usize = 60;
/// How many times a lead word counts.
const LEAD_WEIGHT: f32 = 2.0;

/// The weight of the `n`th topical word of a body (0-based).
pub(crate) fn body_weight(n: usize) -> f32 {
    if n < LEAD_WORDS {
        LEAD_WEIGHT
    } else {
        1.0
    }
}

/// A sparse vector sorted by term id.
pub type Vector = Vec<(u32, f32)>;

/// Fast hashing for the term tables: foldhash with a fixed seed, so that iteration order, and
/// with it the order of floating-point sums over a vector, is the same on every run.
type Fast = foldhash::fast::FixedState;
/// Term id → weight.
type Tf = HashMap<u32, f32, Fast>;

#[derive(Default)]
pub struct TermModel {
    ids: HashMap<String, u32, Fast>,
    /// Term counts computed by `observe`, reused by `vector` for the same article.
    counted: HashMap<String, Tf, Fast>,
    /// Per term: its stem, a readable surface form (the shortest seen), document frequency.
    stems: Vec<String>,
    surfaces: Vec<String>,
    df: Vec<u32>,
    /// Per term: its document frequency in [`background::BACKGROUND_DOCS`] background documents.
    bg: Vec<f32>,
    docs: u64,
    /// Terms whose frequency changed since the last `take_changed`.
    changed: Vec<u32>,
    dirty: Vec<bool>,
}

/// Counts (stem, surface) occurrences, keeping the shortest surface of each stem. Surfaces are
/// borrowed from the article and each distinct stem is allocated once: this runs for every
/// token of every article.
#[derive(Default)]
pub(crate) struct WordCounter<'a> {
    at: HashMap<String, usize, Fast>,
    counts: Vec<(&'a str, f32)>,
}

impl<'a> WordCounter<'a> {
    pub(crate) fn add(&mut self, stem: &str, surface: &'a str, w: f32) {
        match self.at.get(stem) {
            Some(&i) => {
                let e = &mut self.counts[i];
                e.1 += w;
                if surface.len() < e.0.len() {
                    e.0 = surface;
                }
            }
            None => {
                self.at.insert(stem.to_string(), self.counts.len());
                self.counts.push((surface, w));
            }
        }
    }

    pub(crate) fn add_title(&mut self, title: &'a str) {
        for_each_word(title, |s, w| self.add(s, w, TITLE_WEIGHT));
    }

    /// (stem, surface, count) in first-seen order.
    pub(crate) fn finish(self) -> Vec<(String, &'a str, f32)> {
        let mut stems: Vec<String> = vec![String::new(); self.counts.len()];
        for (stem, i) in self.at {
            stems[i] = stem;
        }
        stems.into_iter().zip(self.counts).map(|(stem, (surface, c))| (stem, surface, c)).collect()
    }
}

/// (stem, surface, count) of an article's topical words, title words weighted up. Pure, so
/// callers can run it for many articles in parallel before the serial assignment.
pub fn word_counts(a: &Article) -> Vec<(String, &str, f32)> {
    let mut c = WordCounter::default();
    if let Some(t) = &a.title {
        c.add_title(t);
    }
    let mut n = 0usize;
    for_each_word(&a.body, |s, w| {
        c.add(s, w, body_weight(n));
        n += 1;
    });
    c.finish()
}

/// The stem of a keyed word when it is topical: not a stopword, not a number, two letters or
/// more before and after stemming.
pub(crate) fn topical_stem(k: &str) -> Option<&str> {
    if k.chars().nth(1).is_none() || mirsad_text::is_stopword_key(k) || k.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let s = mirsad_text::stem_key(k);
    s.chars().nth(1).is_some().then_some(s)
}

/// Calls `f` with (stem, surface) of each of a text's topical words: keyed, stopwords and
/// numbers dropped, light-stemmed.
fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(&str, &'a str)) {
    mirsad_text::for_each_key(text, |k, tok| {
        if let Some(s) = topical_stem(k) {
            f(s, tok);
        }
    });
}

impl TermModel {
    fn intern(&mut self, stem: &str, surface: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            let cur = &mut self.surfaces[id as usize];
            // Byte lengths: Arabic letters are all two bytes, so shorter means fewer letters.
            if surface.len() < cur.len() {
                *cur = mirsad_text::display(surface);
            }
            return id;
        }
        let id = self.stems.len() as u32;
        self.ids.insert(stem.to_string(), id);
        self.stems.push(stem.to_string());
        self.surfaces.push(mirsad_text::display(surface));
        self.df.push(0);
        self.bg.push(background::per_million(stem) as f32 * 1e-6 * background::BACKGROUND_DOCS);
        self.dirty.push(false);
        id
    }

    /// Term counts of an article (title words weighted up), interning new terms.
    fn counts(&mut self, a: &Article) -> Tf {
        self.intern_counts(&word_counts(a))
    }

    fn intern_counts(&mut self, words: &[(String, &str, f32)]) -> Tf {
        let mut tf: Tf = HashMap::with_capacity_and_hasher(words.len(), Fast::default());
        for (stem, surface, c) in words {
            *tf.entry(self.intern(stem, surface)).or_default() += c;
        }
        tf
    }

    /// Counts the article's terms into the document frequencies.
    pub fn observe(&mut self, a: &Article) {
        let tf = self.counts(a);
        self.count_in(a, tf);
    }

    /// [`TermModel::observe`] with the words already counted by [`word_counts`].
    pub fn observe_counted(&mut self, a: &Article, words: &[(String, &str, f32)]) {
        let tf = self.intern_counts(words);
        self.count_in(a, tf);
    }

    fn count_in(&mut self, a: &Article, tf: Tf) {
        self.docs += 1;
        for id in tf.keys() {
            let i = *id as usize;
            self.df[i] += 1;
            if !self.dirty[i] {
                self.dirty[i] = true;
                self.changed.push(*id);
            }
        }
        self.counted.insert(a.id.clone(), tf);
    }

    /// idf over the collection plus the background documents ([`background`]): a small input
    /// (two articles, a handful of pages on one topic) is weighted as a news collection would
    /// weight it, and the words its pages all share are not zeroed.
    fn idf(&self, id: u32) -> f32 {
        let i = id as usize;
        ((self.docs as f32 + background::BACKGROUND_DOCS) / (self.df[i] as f32 + self.bg[i] + 1.0)).ln()
    }

    /// The article's unit-length tf-idf vector over its `VECTOR_TERMS` heaviest terms.
    pub fn vector(&mut self, a: &Article) -> Vector {
        let tf = match self.counted.remove(&a.id) {
            Some(tf) => tf,
            None => self.counts(a),
        };
        let mut v: Vec<(u32, f32)> =
            tf.into_iter().map(|(id, c)| (id, (1.0 + c.ln()) * self.idf(id))).filter(|(_, w)| *w > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(VECTOR_TERMS);
        normalize(&mut v);
        v.sort_by_key(|x| x.0);
        v
    }

    pub fn stem(&self, id: u32) -> &str {
        &self.stems[id as usize]
    }

    pub fn surface(&self, id: u32) -> &str {
        &self.surfaces[id as usize]
    }

    pub fn id(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }

    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Restores a saved frequency (used when reopening a collection).
    pub fn restore(&mut self, stem: &str, surface: &str, df: u32) {
        let id = self.intern(stem, surface);
        self.surfaces[id as usize] = surface.to_string();
        self.df[id as usize] = df;
    }

    pub fn set_docs(&mut self, n: u64) {
        self.docs = n;
    }

    /// (stem, surface, df) of every term whose frequency changed since the last call.
    pub fn take_changed(&mut self) -> Vec<(String, String, u32)> {
        let ids = std::mem::take(&mut self.changed);
        ids.into_iter()
            .map(|id| {
                let i = id as usize;
                self.dirty[i] = false;
                (self.stems[i].clone(), self.surfaces[i].clone(), self.df[i])
            })
            .collect()
    }
}

pub fn normalize(v: &mut [(u32, f32)]) {
    let n = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            x.1 /= n;
        }
    }
}

/// Dot product of two vectors sorted by term id.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}
