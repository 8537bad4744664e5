//! Near-duplicates and stories: what outlets publish grouped into what readers follow.
//!
//! [`Clusterer`] is online and incremental: [`Clusterer::observe`] counts an article's terms,
//! [`Clusterer::assign`] gives it `duplicate_of` and `story`, touching only the stories that
//! share its terms in nearby weeks, so the cost per article does not grow with the collection.
//! Its state is a few hundred bytes per distinct text (a MinHash signature and LSH entries) plus
//! one centroid per story, never the texts themselves. [`Changes`] hands the store what a batch
//! changed, and [`Clusterer::restore`] rebuilds the state from what was saved.
//!
//! Rules:
//! - A near-duplicate (estimated Jaccard of word 3-shingles ≥ [`DUPLICATE_SIMILARITY`]) is a
//!   copy of the group's *original*, its earliest-published member; copies join the original's
//!   story whatever their date. Only the first text of a group enters the LSH index, so a text
//!   syndicated a thousand times costs one index entry.
//! - A *partial* copy is a copy too ([`partial_copy`]): a later text whose shingles are at least
//!   [`PARTIAL_CONTAINED`] contained in an earlier one and which keeps at least [`PARTIAL_KEPT`]
//!   of the earlier one's shingles (a truncated repost, a paragraph dropped, a byline or a
//!   closing line added). Containment is estimated from the MinHash Jaccard estimate and the
//!   two texts' shingle counts ([`minhash::overlap`]), so a group keeps one more number (its
//!   first text's shingle count, [`Group::shingles`]) and candidates come from the same LSH
//!   index, whose banding is tuned to find pairs of Jaccard 0.5–0.6 ([`minhash`]). A partial
//!   copy's text enters the index too, as an *alias* entry of its group
//!   ([`Group::alias_of`]): a group's members may now be far from its first text (a copy of
//!   the truncated repost need not be inside the full original), and without the alias such a
//!   copy of a copy would be missed. Near-identical copies still add no entry.
//! - Another article joins the story whose centroid is most similar (cosine of tf-idf vectors
//!   ≥ [`STORY_SIMILARITY`], a bar that rises with each day since the story began) among
//!   stories active within [`WINDOW_DAYS`] of its date and begun at most [`MAX_SPAN_DAYS`]
//!   before it; otherwise it starts a story. Undated articles take the newest date seen.
//! - When an article passes the bar of several stories, it joins the closest; another of them
//!   whose centroid is as close as [`MERGE_SIMILARITY`] to the joined one's is the same event and
//!   the smaller merges into the larger ([`Changes::merges`]).
//! - Term weights come from the collection and from background frequencies shipped with the
//!   crate ([`background`]), so two articles alone are weighted as a collection would weigh them.

pub mod background;
pub mod minhash;
pub mod terms;

use foldhash::{HashMap, HashMapExt};
use minhash::{Lsh, Signature};
use mirsad_model::Article;
use serde::{Deserialize, Serialize};
use terms::{dot, TermModel, Vector};

/// Estimated Jaccard at or above which two texts are copies (the pair threshold is 0.8; the
/// estimate from 100 hashes has a standard deviation of 0.04 there, so the cut sits a little
/// below to keep recall; measured in docs/QUALITY.md).
pub const DUPLICATE_SIMILARITY: f64 = 0.75;
/// Share of a later text's shingles that must be found in an earlier one for it to be a
/// partial copy. What a copy adds (a byline, a dateline, a «تابعونا» line) is a few shingles
/// against the 100–1,000 of an article, so a copy stays above it; an analysis that quotes a
/// wire paragraph is mostly its own words and stays far below. Not higher: the estimate from
/// 100 hashes has a standard deviation of about 0.05 on a 150-word article truncated to 60 %
/// with two lines added (true containment ≈ 0.88).
pub const PARTIAL_CONTAINED: f64 = 0.8;
/// Share of the earlier text's shingles a partial copy must keep: a copy keeps *most* of its
/// original; a text that shares one paragraph of a long article (a quote, a shared
/// background paragraph) keeps less and is not its copy.
pub const PARTIAL_KEPT: f64 = 0.5;
/// Shingles a text needs before containment is judged: on a shorter text the estimate is
/// too coarse and a shared stock sentence would make a copy. Shorter texts are copies only by
/// [`DUPLICATE_SIMILARITY`].
pub const PARTIAL_MIN_SHINGLES: u32 = 40;

/// Is a text of `copy` shingles a partial copy of an earlier one of `original` shingles, given
/// the estimated Jaccard similarity `j` of the two? The rule is one-sided: the later text must
/// be (almost) inside the earlier and keep most of it. A short text inside a long one is a
/// copy of the long one (a truncated repost); a long text that holds a short earlier one plus
/// much new text is not a copy of it. A size of 0 (a group saved before sizes were kept) never
/// judges by containment.
pub fn partial_copy(j: f64, copy: u32, original: u32) -> bool {
    if copy < PARTIAL_MIN_SHINGLES || original < PARTIAL_MIN_SHINGLES {
        return false;
    }
    let shared = minhash::overlap(j, copy, original);
    shared >= PARTIAL_CONTAINED * f64::from(copy) && shared >= PARTIAL_KEPT * f64::from(original)
}
/// Cosine similarity to a story's centroid needed to join it on the story's first day. Outlets
/// tell one event in different words, so on its day a low bar finds them; the bar rises with
/// every day since the story began ([`STORY_SIMILARITY_PER_DAY`]), so that the next
/// development of a subject (the following week's talks, the next match) starts a story of its
/// own instead of chaining onto a month-long saga. Both were chosen on the hand-labelled stories
/// of `eval/stories.tsv` (B-cubed, docs/QUALITY.md has the sweep).
pub const STORY_SIMILARITY: f32 = 0.13;
/// What the bar of [`STORY_SIMILARITY`] rises per day between the story's first day and the
/// article's: 0.26 two days on, 0.52 four days on (only a close retelling joins then).
pub const STORY_SIMILARITY_PER_DAY: f32 = 0.13;
/// Cosine of two stories' centroids at which they are one event and merge (when both began on
/// one day; the bar rises by [`MERGE_SIMILARITY_PER_DAY`] per day between their first days).
/// Two outlets' first reports may start two stories before later articles show them to be one.
pub const MERGE_SIMILARITY: f32 = 0.40;
pub const MERGE_SIMILARITY_PER_DAY: f32 = 0.25;
/// A story takes articles dated at most this many days after its last one (or before its first).
pub const WINDOW_DAYS: i32 = 7;
/// …and never one dated more than this many days after the story began: without a bound, a
/// subject in the news every week (a summit saga, daily market reports) chains into one story
/// for months.
pub const MAX_SPAN_DAYS: i32 = 30;
/// The widest first-to-last-day span a restored story may have. [`Clusterer::assign`] never
/// makes one near it (a story grows by at most [`WINDOW_DAYS`] before its first day per
/// article); a wider one is a damaged row whose list of weeks would exhaust memory.
pub const MAX_RESTORED_SPAN_DAYS: i64 = 36_525;
/// Articles dated at most this many days after a story's first day may give it its title.
const EARLY_DAYS: i32 = 1;
/// Members read for the spelled-out keywords of a story record.
pub const KEYWORD_MEMBERS: usize = 24;
/// Centroid terms kept per story.
const CENTROID_TERMS: usize = 64;
/// Terms of an article used to find candidate stories.
const PROBE_TERMS: usize = 10;

/// Why saved state cannot be restored by [`Clusterer::restore`].
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("dedup group {index} out of order (group {expected} expected next)")]
    GroupOrder { index: u32, expected: usize },
    #[error("dedup group {index} has no signature")]
    NoSignature { index: u32 },
    #[error("dedup entry {index} is an alias of {of}, not an earlier group")]
    Alias { index: u32, of: u32 },
    #[error("story {id}: days {first_day}..{last_day} span more than {MAX_RESTORED_SPAN_DAYS} days")]
    StorySpan { id: String, first_day: i32, last_day: i32 },
}

/// A dedup group as saved: the first text's signature and the group's original.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Position in the LSH index (0, 1, 2, … in insertion order).
    pub index: u32,
    /// The earliest-published member.
    pub original: String,
    pub original_published: Option<String>,
    pub story: Option<String>,
    #[serde(skip)]
    pub signature: Option<Signature>,
    /// Distinct shingles of the group's first text (0: unknown, saved by an older version).
    #[serde(default)]
    pub shingles: u32,
    /// Set for the index entry of a partial copy: the group (an earlier entry, itself no
    /// alias) whose member it is. The entry's other fields are not read back; the group's are.
    #[serde(default)]
    pub alias_of: Option<u32>,
}

/// A story as saved and as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryState {
    pub id: String,
    pub title: String,
    /// The member most similar to the centroid when it joined (its title is the story's).
    pub representative: String,
    pub representative_similarity: f32,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub first_day: i32,
    pub last_day: i32,
    pub size: u32,
    pub outlets: Vec<String>,
    /// (stem, surface, weight): the summed member vectors, heaviest terms only.
    pub centroid: Vec<(String, String, f32)>,
}

impl StoryState {
    /// Widens the story's dates, days and outlets to cover what a new member (or a story
    /// merged into it) brings: publication values from `first` to `last`, days `days`.
    fn cover(
        &mut self,
        first: &Option<String>,
        last: &Option<String>,
        days: (i32, i32),
        outlets: impl IntoIterator<Item = String>,
    ) {
        if earlier(first, &self.first_published) {
            self.first_published = first.clone();
        }
        if last.is_some() && (self.last_published.is_none() || earlier(&self.last_published, last)) {
            self.last_published = last.clone();
        }
        self.first_day = self.first_day.min(days.0);
        self.last_day = self.last_day.max(days.1);
        for o in outlets {
            if !self.outlets.contains(&o) {
                self.outlets.push(o);
            }
        }
    }
}

/// What assignments changed since the last [`Clusterer::take_changes`].
#[derive(Debug, Default)]
pub struct Changes {
    pub stories: Vec<StoryState>,
    /// New groups and groups whose original or story changed.
    pub groups: Vec<Group>,
    /// `(old, new, story)`: the group whose original was `old` now has the earlier `new`;
    /// every article of `story` with `duplicate_of == old`, and `old` itself, now point at `new`.
    pub relabels: Vec<(String, String, Option<String>)>,
    /// (stem, surface, df) of terms whose document frequency changed.
    pub terms: Vec<(String, String, u32)>,
    /// `(from, into)`: story `from` was found to be the same event as `into` and merged into
    /// it; every article and group of `from` now belongs to `into`, and `from` is gone.
    pub merges: Vec<(String, String)>,
    pub docs: u64,
}

struct Story {
    state: StoryState,
    centroid: Vector,
    norm: f32,
    /// Weeks whose postings list this story.
    weeks: Vec<i32>,
    /// Set when the story was merged into another: postings and groups naming this one lead
    /// there.
    merged_into: Option<u32>,
}

struct GroupMem {
    /// Index entry of a partial copy: the group it belongs to (whose fields count).
    alias_of: Option<u32>,
    original: String,
    original_published: Option<String>,
    story: Option<String>,
}

#[derive(Default)]
pub struct Clusterer {
    terms: TermModel,
    lsh: Lsh,
    signatures: Vec<Signature>,
    /// Shingle count of each group's first text, by group index (0: unknown).
    sizes: Vec<u32>,
    groups: Vec<GroupMem>,
    stories: Vec<Story>,
    story_index: HashMap<String, u32>,
    /// (term, week) → stories with that term among their top terms that week.
    postings: HashMap<(u32, i32), Vec<u32>>,
    /// Scratch for [`Clusterer::best_story`]: the article's vector by term id, else zero.
    dense: Vec<f32>,
    newest_day: Option<i32>,
    changed_stories: Vec<u32>,
    changed_groups: Vec<u32>,
    merges: Vec<(String, String)>,
    relabels: Vec<(String, String, Option<String>)>,
    prepared_signatures: HashMap<String, (Signature, u32)>,
    /// Off: copies by [`DUPLICATE_SIMILARITY`] alone (for measuring what containment adds).
    no_partial_copies: bool,
}

/// Articles prepared at once by [`Clusterer::observe_all`].
const OBSERVE_CHUNK: usize = 2048;

/// The text work for one article, independent of any state: its signature and counted words.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    signature: Option<Signature>,
    shingles: u32,
    words: Vec<(String, &'a str, f32)>,
}

/// Does the per-article text work (shingling, MinHash, word counting); pure and thread-safe.
pub fn prepare(a: &Article) -> Prepared<'_> {
    // One pass over the body: each token keyed once, for shingles and for term counts.
    let mut counter = terms::WordCounter::default();
    if let Some(t) = &a.title {
        counter.add_title(t);
    }
    let mut hashes = Vec::new();
    let mut n = 0usize;
    mirsad_text::for_each_key(&a.body, |k, tok| {
        hashes.push(minhash::word_hash(k));
        if let Some(stem) = terms::topical_stem(k) {
            counter.add(stem, tok, terms::body_weight(n));
            n += 1;
        }
    });
    let sh = minhash::shingles_of_words(&hashes);
    Prepared {
        signature: (!sh.is_empty()).then(|| minhash::signature(&sh)),
        shingles: sh.len().min(u32::MAX as usize) as u32,
        words: counter.finish(),
    }
}

#[cfg(test)]
fn text_signature(body: &str) -> Option<Signature> {
    text_sketch(body).map(|x| x.0)
}

/// A text's signature and distinct shingle count.
fn text_sketch(body: &str) -> Option<(Signature, u32)> {
    let sh = minhash::shingles(body);
    (!sh.is_empty()).then(|| (minhash::signature(&sh), sh.len().min(u32::MAX as usize) as u32))
}

/// Day number of a contract date value (`YYYY-MM-DD…`); `None` without a full day.
pub fn day_of(published: Option<&mirsad_model::Published>) -> Option<i32> {
    use chrono::Datelike;
    let p = published?;
    p.day()?;
    Some(p.value.date()?.num_days_from_ce())
}

fn day_prefix(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

/// Sortable publication value: the ISO string (same-length prefixes sort by time).
fn earlier(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        // Values are checked `DateValue`s (ASCII), but a story state saved by an older
        // version may hold anything: never slice off a char boundary.
        (Some(x), Some(y)) => day_prefix(x) < day_prefix(y) || (x.len() > 10 && y.len() > 10 && x < y),
        (Some(_), None) => true,
        _ => false,
    }
}

impl Clusterer {
    pub fn new() -> Clusterer {
        Clusterer { lsh: Lsh::new(), ..Default::default() }
    }

    /// Turns the partial-copy rule ([`partial_copy`]) off or on (on by default); with it off,
    /// copies are found by [`DUPLICATE_SIMILARITY`] alone. For measuring what it adds.
    pub fn set_partial_copies(&mut self, on: bool) {
        self.no_partial_copies = !on;
    }

    /// Counts the article's terms into the document frequencies. Call for every article
    /// before assigning it (for a whole input, observe all first: better weights).
    pub fn observe(&mut self, a: &Article) {
        self.terms.observe(a);
    }

    /// Observes a batch, doing the text work on all cores (rayon) and the counting in order.
    /// Chunks bound the counted words held at once, so their memory is reused, not new.
    pub fn observe_all(&mut self, arts: &[Article]) {
        use rayon::prelude::*;
        for chunk in arts.chunks(OBSERVE_CHUNK) {
            let prepared: Vec<Prepared> = chunk.par_iter().map(prepare).collect();
            for (a, p) in chunk.iter().zip(prepared) {
                self.observe_prepared(a, p);
            }
        }
    }

    /// Observes a batch, then assigns its articles oldest first (undated last, input order
    /// among equals), as they would have arrived.
    pub fn assign_batch(&mut self, arts: &mut [Article]) {
        self.observe_all(arts);
        let mut order: Vec<usize> = (0..arts.len()).collect();
        order.sort_by_key(|&i| (day_of(arts[i].published.as_ref()).unwrap_or(i32::MAX), i));
        for i in order {
            self.assign(&mut arts[i]);
        }
        // Stories merged while the batch was assigned: its articles name the story they are
        // part of now.
        if !self.merges.is_empty() {
            for a in arts.iter_mut() {
                if let Some(id) =
                    a.story.as_deref().and_then(|id| self.live_id(id)).filter(|l| Some(*l) != a.story.as_deref())
                {
                    a.story = Some(id.to_string());
                }
            }
        }
    }

    /// [`Clusterer::observe`] for an article whose text work [`prepare`] already did (in
    /// parallel, say); its signature is kept for [`Clusterer::assign`].
    pub fn observe_prepared(&mut self, a: &Article, p: Prepared<'_>) {
        self.terms.observe_counted(a, &p.words);
        if let Some(sig) = p.signature {
            self.prepared_signatures.insert(a.id.clone(), (sig, p.shingles));
        }
    }

    /// Cosine similarity of two articles' term vectors under the current frequencies: the
    /// same-story decision of [`Clusterer::assign`] for a one-article story.
    pub fn similarity(&mut self, a: &Article, b: &Article) -> f32 {
        let (va, vb) = (self.terms.vector(a), self.terms.vector(b));
        dot(&va, &vb)
    }

    /// Cosine of every pair of `arts` under the current frequencies, as `(i, j, cosine)` for
    /// i < j and cosine > 0: the same-story decision's raw material, for experiments
    /// (`experiments/story-ceiling`).
    pub fn pair_similarities(&mut self, arts: &[&Article]) -> Vec<(usize, usize, f32)> {
        let vs: Vec<Vector> = arts.iter().map(|a| self.terms.vector(a)).collect();
        let mut out = Vec::new();
        for i in 0..vs.len() {
            for j in i + 1..vs.len() {
                let s = dot(&vs[i], &vs[j]);
                if s > 0.0 {
                    out.push((i, j, s));
                }
            }
        }
        out
    }

    /// Sets `a.duplicate_of` and `a.story`.
    pub fn assign(&mut self, a: &mut Article) {
        let day = day_of(a.published.as_ref()).or(self.newest_day).unwrap_or(0);
        if self.newest_day.is_none_or(|d| day > d) && a.published.is_some() {
            self.newest_day = Some(day);
        }
        let published = a.published.as_ref().map(|p| p.value.to_string());
        a.duplicate_of = None;
        // Near-duplicates first: a copy belongs with its original.
        let sketch = self.prepared_signatures.remove(&a.id).or_else(|| text_sketch(&a.body));
        let mut group = None;
        if let Some((sig, n)) = &sketch {
            let mut best: Option<(f64, u32)> = None;
            for c in self.lsh.candidates(sig) {
                let s = self.signatures[c as usize].similarity(sig);
                let copy = s >= DUPLICATE_SIMILARITY || (!self.no_partial_copies && self.partial(c, s, *n, &published));
                if copy && best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, c));
                }
            }
            group = best.map(|(_, c)| self.groups[c as usize].alias_of.unwrap_or(c));
            // A partial copy's own text becomes an entry of its group, so that copies of it
            // are found even when they are not inside the group's first text.
            if let (Some((s, _)), Some(g)) = (best, group) {
                if s < DUPLICATE_SIMILARITY {
                    let idx = self.signatures.len() as u32;
                    self.lsh.insert(idx, sig);
                    self.signatures.push(sig.clone());
                    self.sizes.push(*n);
                    let gm = &self.groups[g as usize];
                    let alias = GroupMem {
                        alias_of: Some(g),
                        original: gm.original.clone(),
                        original_published: gm.original_published.clone(),
                        story: gm.story.clone(),
                    };
                    self.groups.push(alias);
                    self.changed_groups.push(idx);
                }
            }
        }
        if let Some(g) = group {
            let gm = &mut self.groups[g as usize];
            if earlier(&published, &gm.original_published) {
                let old = std::mem::replace(&mut gm.original, a.id.clone());
                gm.original_published = published.clone();
                self.relabels.push((old, a.id.clone(), gm.story.clone()));
                self.changed_groups.push(g);
            } else {
                a.duplicate_of = Some(gm.original.clone());
            }
            if let Some(sid) = gm.story.clone() {
                a.story = Some(sid.clone());
                if let Some(&si) = self.story_index.get(&sid) {
                    let si = self.live(si);
                    let live_id = self.stories[si as usize].state.id.clone();
                    if live_id != sid {
                        self.groups[g as usize].story = Some(live_id.clone());
                        self.changed_groups.push(g);
                    }
                    a.story = Some(live_id);
                    let v = self.terms.vector(a);
                    self.join(si, a, &v, day);
                }
                return;
            }
        }
        let v = self.terms.vector(a);
        let (best, also) = self.best_story(&v, day);
        let si = match best {
            Some(si) => {
                self.join(si, a, &v, day);
                if !also.is_empty() {
                    self.merge_similar(si, &also);
                }
                self.live(si)
            }
            None => self.start(a, &v, day),
        };
        let sid = self.stories[si as usize].state.id.clone();
        a.story = Some(sid.clone());
        match group {
            Some(g) => {
                self.groups[g as usize].story = Some(sid);
                self.changed_groups.push(g);
            }
            None => {
                if let Some((sig, n)) = sketch {
                    let idx = self.signatures.len() as u32;
                    self.lsh.insert(idx, &sig);
                    self.signatures.push(sig);
                    self.sizes.push(n);
                    self.groups.push(GroupMem {
                        alias_of: None,
                        original: a.id.clone(),
                        original_published: published,
                        story: Some(sid),
                    });
                    self.changed_groups.push(idx);
                }
            }
        }
    }

    /// Whether a text of `n` shingles published at `published`, at estimated Jaccard `j` with
    /// group `g`'s first text, is a partial copy of that group: the later of the two (by the
    /// group original's date) must be the one inside the other. An article dated before the
    /// group's original would become its original, so then the group's text must be the copy.
    fn partial(&self, g: u32, j: f64, n: u32, published: &Option<String>) -> bool {
        let size = self.sizes[g as usize];
        let root = self.groups[g as usize].alias_of.unwrap_or(g);
        if earlier(published, &self.groups[root as usize].original_published) {
            partial_copy(j, size, n)
        } else {
            partial_copy(j, n, size)
        }
    }

    /// The story the article joins, and the other stories it would have joined (their bar
    /// passed too): candidates for a merge.
    fn best_story(&mut self, v: &Vector, day: i32) -> (Option<u32>, Vec<u32>) {
        let mut probe: Vec<&(u32, f32)> = v.iter().collect();
        probe.sort_by(|a, b| b.1.total_cmp(&a.1));
        let week = day.div_euclid(7);
        let mut cands: Vec<u32> = Vec::new();
        for (t, _) in probe.into_iter().take(PROBE_TERMS) {
            for w in week - 1..=week + 1 {
                if let Some(list) = self.postings.get(&(*t, w)) {
                    cands.extend_from_slice(list);
                }
            }
        }
        for c in cands.iter_mut() {
            *c = self.live(*c);
        }
        cands.sort_unstable();
        cands.dedup();
        // The article's weights by term id: each candidate's similarity is then one look-up per
        // centroid term instead of a merge of two sorted lists.
        let need = v.iter().map(|x| x.0 as usize + 1).max().unwrap_or(0);
        if self.dense.len() < need {
            self.dense.resize(need, 0.0);
        }
        for &(t, w) in v {
            self.dense[t as usize] = w;
        }
        let mut best: Option<(f32, u32)> = None;
        let mut passed: Vec<u32> = Vec::new();
        for si in cands {
            let s = &self.stories[si as usize];
            if day > s.state.last_day + WINDOW_DAYS
                || day < s.state.first_day - WINDOW_DAYS
                || day > s.state.first_day + MAX_SPAN_DAYS
                || s.norm == 0.0
            {
                continue;
            }
            let sim = dense_dot(&self.dense, &s.centroid) / s.norm;
            let since = (day - s.state.first_day).abs() as f32;
            if sim >= STORY_SIMILARITY + STORY_SIMILARITY_PER_DAY * since {
                passed.push(si);
                if best.is_none_or(|(b, _)| sim > b) {
                    best = Some((sim, si));
                }
            }
        }
        for &(t, _) in v {
            self.dense[t as usize] = 0.0;
        }
        let best = best.map(|(_, si)| si);
        passed.retain(|&si| Some(si) != best);
        (best, passed)
    }

    fn start(&mut self, a: &Article, v: &Vector, day: i32) -> u32 {
        let si = self.stories.len() as u32;
        let published = a.published.as_ref().map(|p| p.value.to_string());
        let state = StoryState {
            id: format!("s{}", a.id),
            title: a.title.clone().unwrap_or_default(),
            representative: a.id.clone(),
            representative_similarity: 1.0,
            first_published: published.clone(),
            last_published: published,
            first_day: day,
            last_day: day,
            size: 0,
            outlets: Vec::new(),
            centroid: Vec::new(),
        };
        self.story_index.insert(state.id.clone(), si);
        self.stories.push(Story { state, centroid: Vec::new(), norm: 0.0, weeks: Vec::new(), merged_into: None });
        self.join(si, a, v, day);
        si
    }

    fn join(&mut self, si: u32, a: &Article, v: &Vector, day: i32) {
        let s = &mut self.stories[si as usize];
        s.centroid = merge(&s.centroid, v);
        s.norm = s.centroid.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        let st = &mut s.state;
        st.size += 1;
        let published = a.published.as_ref().map(|p| p.value.to_string());
        st.cover(&published, &published, (day, day), a.outlet.iter().cloned());
        // The title is the most central of the early articles: the first reports say what
        // happened; a late article is often a reaction or an analysis.
        if st.size > 1 && s.norm > 0.0 && day <= st.first_day + EARLY_DAYS {
            let sim = dot(v, &s.centroid) / s.norm;
            if sim > st.representative_similarity && a.title.is_some() {
                st.representative = a.id.clone();
                st.representative_similarity = sim;
                st.title = a.title.clone().unwrap_or_default();
            } else {
                // The centroid moved: the old score is an upper bound that decays.
                st.representative_similarity *= 0.98;
            }
        }
        // Post the story under the article's heaviest terms for its week.
        let week = day.div_euclid(7);
        if !s.weeks.contains(&week) {
            s.weeks.push(week);
        }
        let mut top: Vec<&(u32, f32)> = v.iter().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (t, _) in top.into_iter().take(PROBE_TERMS) {
            let list = self.postings.entry((*t, week)).or_default();
            if !list.contains(&si) {
                list.push(si);
            }
        }
        self.changed_stories.push(si);
    }

    /// The story a story index stands for now: itself, or the one it was merged into.
    fn live(&self, mut si: u32) -> u32 {
        while let Some(to) = self.stories[si as usize].merged_into {
            si = to;
        }
        si
    }

    /// After story `si` took an article that also passed the bar of the stories `others`: one
    /// of them whose centroid is as close to `si`'s as a member's would be is the same event told
    /// in other words (two outlets' first reports started two stories before a third article
    /// bridged them). The smaller is merged into the larger. Only the stories the article
    /// itself found are compared, so a merge costs no search of its own.
    fn merge_similar(&mut self, si: u32, others: &[u32]) {
        let mut cands: Vec<u32> = others.iter().map(|&o| self.live(o)).collect();
        cands.sort_unstable();
        cands.dedup();
        let mut best: Option<(f32, u32)> = None;
        for o in cands {
            if o == si {
                continue;
            }
            let (a, b) = (&self.stories[si as usize], &self.stories[o as usize]);
            if a.norm == 0.0 || b.norm == 0.0 {
                continue;
            }
            let gap = (a.state.first_day - b.state.first_day).abs();
            if gap > WINDOW_DAYS {
                continue;
            }
            let sim = dot(&a.centroid, &b.centroid) / (a.norm * b.norm);
            if sim >= MERGE_SIMILARITY + MERGE_SIMILARITY_PER_DAY * gap as f32 && best.is_none_or(|(x, _)| sim > x) {
                best = Some((sim, o));
            }
        }
        if let Some((_, o)) = best {
            let (big, small) = if self.stories[o as usize].state.size > self.stories[si as usize].state.size {
                (o, si)
            } else {
                (si, o)
            };
            self.merge(big, small);
        }
    }

    /// Moves story `from` into `into`.
    fn merge(&mut self, into: u32, from: u32) {
        let f = std::mem::take(&mut self.stories[from as usize].centroid);
        let fstate = self.stories[from as usize].state.clone();
        let fweeks = std::mem::take(&mut self.stories[from as usize].weeks);
        self.stories[from as usize].merged_into = Some(into);
        let s = &mut self.stories[into as usize];
        s.centroid = merge(&s.centroid, &f);
        s.norm = s.centroid.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        for w in fweeks {
            if !s.weeks.contains(&w) {
                s.weeks.push(w);
            }
        }
        let st = &mut s.state;
        st.size += fstate.size;
        st.cover(&fstate.first_published, &fstate.last_published, (fstate.first_day, fstate.last_day), fstate.outlets);
        let into_id = st.id.clone();
        self.merges.push((fstate.id, into_id));
        self.changed_stories.push(into);
    }

    /// The saved form of a story (centroid terms spelled out).
    fn state(&self, si: u32) -> StoryState {
        let s = &self.stories[si as usize];
        let mut st = s.state.clone();
        st.centroid = s
            .centroid
            .iter()
            .map(|(t, w)| (self.terms.stem(*t).to_string(), self.terms.surface(*t).to_string(), *w))
            .collect();
        st
    }

    /// Every story, in creation order.
    pub fn stories(&self) -> Vec<StoryState> {
        (0..self.stories.len() as u32)
            .filter(|&i| self.stories[i as usize].merged_into.is_none())
            .map(|i| self.state(i))
            .collect()
    }

    /// A story by id; a merged story's id gives the story it is now part of.
    pub fn story(&self, id: &str) -> Option<StoryState> {
        self.story_index.get(id).map(|&i| self.state(self.live(i)))
    }

    /// The id of the story a story id stands for now (itself unless it was merged).
    pub fn live_id(&self, id: &str) -> Option<&str> {
        self.story_index.get(id).map(|&i| self.stories[self.live(i) as usize].state.id.as_str())
    }

    /// What changed since the last call, for saving.
    pub fn take_changes(&mut self) -> Changes {
        let mut sids = std::mem::take(&mut self.changed_stories);
        sids.retain(|&i| self.stories[i as usize].merged_into.is_none());
        sids.sort_unstable();
        sids.dedup();
        let mut gids = std::mem::take(&mut self.changed_groups);
        gids.sort_unstable();
        gids.dedup();
        Changes {
            stories: sids.into_iter().map(|i| self.state(i)).collect(),
            groups: gids
                .into_iter()
                .map(|g| {
                    let alias_of = self.groups[g as usize].alias_of;
                    let gm = &self.groups[alias_of.unwrap_or(g) as usize];
                    Group {
                        index: g,
                        original: gm.original.clone(),
                        original_published: gm.original_published.clone(),
                        story: gm.story.as_deref().map(|id| self.live_id(id).unwrap_or(id).to_string()),
                        signature: Some(self.signatures[g as usize].clone()),
                        shingles: self.sizes[g as usize],
                        alias_of,
                    }
                })
                .collect(),
            relabels: std::mem::take(&mut self.relabels)
                .into_iter()
                .map(|(o, n, st)| {
                    let st = st.map(|id| self.live_id(&id).map(str::to_string).unwrap_or(id));
                    (o, n, st)
                })
                .collect(),
            merges: std::mem::take(&mut self.merges),
            terms: self.terms.take_changed(),
            docs: self.terms.docs(),
        }
    }

    /// Rebuilds the state saved through [`Changes`]: term frequencies, groups (in index
    /// order, with signatures) and stories.
    pub fn restore(
        docs: u64,
        terms: impl IntoIterator<Item = (String, String, u32)>,
        groups: impl IntoIterator<Item = Group>,
        stories: impl IntoIterator<Item = StoryState>,
    ) -> Result<Clusterer, RestoreError> {
        let mut c = Clusterer::new();
        c.terms.set_docs(docs);
        for (stem, surface, df) in terms {
            c.terms.restore(&stem, &surface, df);
        }
        for g in groups {
            if g.index as usize != c.signatures.len() {
                return Err(RestoreError::GroupOrder { index: g.index, expected: c.signatures.len() });
            }
            let sig = g.signature.ok_or(RestoreError::NoSignature { index: g.index })?;
            c.lsh.insert(g.index, &sig);
            c.signatures.push(sig);
            c.sizes.push(g.shingles);
            if let Some(of) = g.alias_of {
                if of >= g.index || c.groups[of as usize].alias_of.is_some() {
                    return Err(RestoreError::Alias { index: g.index, of });
                }
            }
            c.groups.push(GroupMem {
                alias_of: g.alias_of,
                original: g.original,
                original_published: g.original_published,
                story: g.story,
            });
        }
        for st in stories {
            if i64::from(st.last_day) - i64::from(st.first_day) > MAX_RESTORED_SPAN_DAYS {
                return Err(RestoreError::StorySpan { id: st.id, first_day: st.first_day, last_day: st.last_day });
            }
            let si = c.stories.len() as u32;
            let mut centroid: Vector = st
                .centroid
                .iter()
                .map(|(stem, surface, w)| {
                    let id = c.terms.id(stem).unwrap_or_else(|| {
                        c.terms.restore(stem, surface, 0);
                        c.terms.id(stem).unwrap_or(0)
                    });
                    (id, *w)
                })
                .collect();
            centroid.sort_by_key(|x| x.0);
            let norm = centroid.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            let mut top: Vec<&(u32, f32)> = centroid.iter().collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1));
            let probes: Vec<u32> = top.into_iter().take(PROBE_TERMS * 2).map(|x| x.0).collect();
            let weeks: Vec<i32> = (st.first_day.div_euclid(7)..=st.last_day.div_euclid(7)).collect();
            for &w in &weeks {
                for &t in &probes {
                    c.postings.entry((t, w)).or_default().push(si);
                }
            }
            if st.last_published.is_some() && c.newest_day.is_none_or(|d| st.last_day > d) {
                c.newest_day = Some(st.last_day);
            }
            c.story_index.insert(st.id.clone(), si);
            c.stories.push(Story { state: st, centroid, norm, weeks, merged_into: None });
        }
        Ok(c)
    }

    pub fn story_count(&self) -> usize {
        self.stories.len()
    }

    /// Number of distinct texts in the dedup index.
    pub fn groups(&self) -> usize {
        self.lsh.len()
    }
}

/// The exported story: the saved state plus its member articles (any order).
pub fn story_record(state: &StoryState, members: &[&Article]) -> mirsad_model::Story {
    let mut sorted: Vec<&Article> = members.to_vec();
    // By date, undated last; input order breaks ties.
    sorted.sort_by(|a, b| {
        let (x, y) = (a.published.as_ref().map(|p| &p.value), b.published.as_ref().map(|p| &p.value));
        match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    let mut outlets: Vec<String> = Vec::new();
    let mut copies: Vec<mirsad_model::CopyGroup> = Vec::new();
    for a in &sorted {
        if let Some(o) = &a.outlet {
            if !outlets.contains(o) {
                outlets.push(o.clone());
            }
        }
        if let Some(orig) = &a.duplicate_of {
            let at = match copies.iter().position(|g| &g.original == orig) {
                Some(i) => i,
                None => {
                    let first_outlet = members.iter().find(|m| &m.id == orig).and_then(|m| m.outlet.clone());
                    copies.push(mirsad_model::CopyGroup {
                        original: orig.clone(),
                        copies: Vec::new(),
                        outlets: first_outlet.into_iter().collect(),
                        agency: None,
                    });
                    copies.len() - 1
                }
            };
            let g = &mut copies[at];
            g.copies.push(a.id.clone());
            if let Some(o) = &a.outlet {
                if !g.outlets.contains(o) {
                    g.outlets.push(o.clone());
                }
            }
        }
    }
    for g in copies.iter_mut() {
        g.agency = common_agency(members, &g.original, &g.copies);
    }
    mirsad_model::Story {
        id: state.id.clone(),
        title: state.title.clone(),
        articles: sorted.iter().map(|a| a.id.clone()).collect(),
        entities: Vec::new(),
        first_published: sorted.iter().find_map(|a| a.published.as_ref().map(|p| p.value.clone())),
        last_published: sorted.iter().rev().find_map(|a| a.published.as_ref().map(|p| p.value.clone())),
        outlets,
        timeline: sorted
            .iter()
            .map(|a| mirsad_model::TimelineEntry {
                article: a.id.clone(),
                published: a.published.as_ref().map(|p| p.value.clone()),
                title: a.title.clone(),
                outlet: a.outlet.clone(),
                duplicate_of: a.duplicate_of.clone(),
            })
            .collect(),
        copies,
        events: Vec::new(),
        keywords: keywords_in_text(state, &sorted, 8),
    }
}

/// The source every article of a copy group credits first, when it is one source and not the
/// outlet of any of them (an outlet's own byline is no agency): the group is then the agency's
/// text run by several outlets.
fn common_agency(members: &[&Article], original: &str, copies: &[String]) -> Option<String> {
    let mut agency: Option<&str> = None;
    for id in std::iter::once(original).chain(copies.iter().map(String::as_str)) {
        let a = members.iter().find(|m| m.id == id)?;
        let first = a.attribution.first()?;
        if a.outlet.as_deref().is_some_and(|o| mirsad_text::key(o) == mirsad_text::key(first)) {
            return None;
        }
        match agency {
            None => agency = Some(first),
            Some(x) if mirsad_text::key(x) == mirsad_text::key(first) => {}
            Some(_) => return None,
        }
    }
    agency.map(str::to_string)
}

/// The story's heaviest terms, each as the word its articles use most for it: a term is a
/// light stem («سور» for «سوريا», «طهر» for «طهران»), and the shortest form seen may be another
/// word of that stem; readers want the word («سوريا»). Falls back to the saved surface.
/// `members` in publication order; only the first [`KEYWORD_MEMBERS`] are read.
pub fn keywords_in_text(state: &StoryState, members: &[&Article], n: usize) -> Vec<String> {
    let mut top: Vec<&(String, String, f32)> = state.centroid.iter().collect();
    top.sort_by(|a, b| b.2.total_cmp(&a.2));
    top.truncate(n);
    let at: HashMap<&str, usize> = top.iter().enumerate().map(|(i, t)| (t.0.as_str(), i)).collect();
    let mut forms: Vec<HashMap<&str, u32>> = vec![HashMap::new(); top.len()];
    for a in members.iter().take(KEYWORD_MEMBERS) {
        for text in a.title.iter().chain(std::iter::once(&a.body)) {
            mirsad_text::for_each_key(text, |k, tok| {
                if let Some(&i) = terms::topical_stem(k).and_then(|s| at.get(s)) {
                    *forms[i].entry(tok).or_default() += 1;
                }
            });
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(top.len());
    for (t, f) in top.iter().zip(forms) {
        // Most used; ties to the shorter, then the first in byte order (deterministic).
        let word = f
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())).then(b.0.cmp(a.0)))
            .map(|(w, _)| mirsad_text::display(w))
            .unwrap_or_else(|| t.1.clone());
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// Clusters a whole input: observes every article, then assigns them oldest first (undated
/// last), as they would have arrived. Returns the stories with their members.
pub fn cluster_all(articles: &mut [Article]) -> Vec<mirsad_model::Story> {
    cluster_all_with(articles, true)
}

/// [`cluster_all`] with the partial-copy rule on or off ([`Clusterer::set_partial_copies`]).
pub fn cluster_all_with(articles: &mut [Article], partial_copies: bool) -> Vec<mirsad_model::Story> {
    let mut c = Clusterer::new();
    c.set_partial_copies(partial_copies);
    c.assign_batch(articles);
    // Only the relabels: the rest of `take_changes` (every story, group and term in saved
    // form) is for the store and would be built here for nothing.
    let relabels: HashMap<String, String> =
        std::mem::take(&mut c.relabels).into_iter().map(|(o, n, _)| (o, n)).collect();
    if !relabels.is_empty() {
        // Follow chains (a → b → c) to the final original.
        let resolve = |mut id: String| {
            while let Some(n) = relabels.get(&id) {
                id = n.clone();
            }
            id
        };
        for a in articles.iter_mut() {
            if relabels.contains_key(&a.id) {
                a.duplicate_of = Some(resolve(a.id.clone()));
            } else if let Some(d) = a.duplicate_of.take() {
                a.duplicate_of = Some(resolve(d));
            }
        }
    }
    let mut members: HashMap<&str, Vec<&Article>> = HashMap::new();
    for a in articles.iter() {
        if let Some(s) = &a.story {
            members.entry(s.as_str()).or_default().push(a);
        }
    }
    c.stories().iter().map(|st| story_record(st, members.get(st.id.as_str()).map_or(&[][..], |v| v))).collect()
}

/// [`dot`] of an id-sorted vector with one given densely by term id. The products of shared
/// terms are summed in the same (id) order and the others add zero, so the result is the same
/// to the bit.
fn dense_dot(dense: &[f32], v: &[(u32, f32)]) -> f32 {
    let mut s = 0.0;
    for &(t, w) in v {
        s += dense.get(t as usize).copied().unwrap_or(0.0) * w;
    }
    s
}

/// Sum of two id-sorted vectors, pruned to the heaviest `CENTROID_TERMS`.
fn merge(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vector {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        }
    }
    if out.len() > CENTROID_TERMS {
        out.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        out.truncate(CENTROID_TERMS);
        out.sort_by_key(|x| x.0);
    }
    out
}

#[cfg(test)]
mod tests;
