//! Ranked search (BM25 over title and body through the Arabic analyzer) with date, outlet and
//! keyword filters, highlighted snippets, and related articles.

use crate::{analyzer, indexed_day, Store, StoreError};
use mirsad_model::{Article, Published};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryClone;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

/// A search request. Dates are `YYYY-MM-DD`, inclusive.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub outlet: Option<String>,
    pub keyword: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Only the words as given: no other spellings of a name (see [`SearchResults::spellings`]).
    pub exact: bool,
    /// Further outlet ids the `outlet` filter stands for (an outlet known by several ids: its
    /// slug in one corpus, its site name on its pages); an article of any of them matches.
    pub outlet_ids: Vec<String>,
    pub sort: SearchSort,
}

/// The order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// Latest publication first; undated articles last. Hits then have score 0.
    Newest,
    /// Earliest publication first.
    Oldest,
}

/// One result, shaped as the CLI contract's `hits` entries.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: Option<String>,
    pub published: Option<Published>,
    pub outlet: Option<String>,
    pub story: Option<String>,
    pub score: f32,
    /// HTML-escaped text with the matched words in `<b>…</b>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// When the query is the name of an entity, the entity's other spellings that were
    /// searched too («ترمب» for «ترامب»); empty with [`SearchQuery::exact`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<String>,
}

/// With story collapsing, hits read per hit wanted.
pub const COLLAPSE_FACTOR: usize = 5;

/// Keeps the first (best-ranked) hit of each story; hits without a story all stay.
pub fn collapse_by_story(hits: Vec<Hit>) -> Vec<Hit> {
    let mut seen = HashSet::new();
    hits.into_iter().filter(|h| h.story.as_ref().is_none_or(|s| seen.insert(s.clone()))).collect()
}

/// A search as the index runs it.
struct Compiled {
    query: BooleanQuery,
    /// The analyzed terms the query asks for, to highlight them.
    wanted: HashSet<String>,
    spellings: Vec<String>,
}

/// Most hits [`Store::search_ranked`] reads at once: bounds the ranking heap whatever the
/// caller asks for.
pub const MAX_RANKED: usize = 100_000;

/// Terms of an article used to find related ones.
const RELATED_TERMS: usize = 30;
/// Two articles sharing this share of their term sets are copies, not related articles.
const COPY_OVERLAP: f64 = 0.8;

impl Store {
    /// Runs a search. A failure of the index while reading it (damaged files: tantivy errors,
    /// or its assertions, which panic) is [`StoreError::Damaged`], never a panic.
    pub fn search(&self, q: &SearchQuery) -> crate::Result<SearchResults> {
        self.reading_index(|| self.search_unguarded(q))
    }

    /// The index query a search runs (words with the other spellings of a name, and the
    /// filters), with what highlighting needs: shared by [`Store::search`] and
    /// [`Store::search_ranked`] so both rank exactly alike.
    fn compile(&self, q: &SearchQuery) -> crate::Result<Compiled> {
        let f = self.fields;
        let mut spellings = if q.exact { Vec::new() } else { self.name_spellings(&q.text)? };
        let parsed = if q.text.trim().is_empty() {
            None
        } else {
            let p = crate::query::parse(&q.text).map_err(|e| StoreError::Query(e.to_string()))?;
            // The name or any of its spellings, each as a phrase (as given when that would
            // pass the parser's limits).
            let mut text = format!("\"{}\"", q.text.trim());
            for s in &spellings {
                text.push_str(&format!(" OR \"{s}\""));
            }
            match crate::query::parse(&text) {
                Ok(expanded) if !spellings.is_empty() => Some(expanded),
                _ => {
                    spellings.clear();
                    Some(p)
                }
            }
        };
        let text_query = parsed.as_ref().map(|p| p.to_query(&[(f.title, 2.0), (f.body, 1.0)]));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(t) = &text_query {
            clauses.push((Occur::Must, t.box_clone()));
        }
        let day = |s: &Option<String>, end: bool| -> crate::Result<Bound<Term>> {
            match s {
                None => Ok(Bound::Unbounded),
                Some(d) => {
                    let dt = mirsad_model::DateValue::parse(d)
                        .ok()
                        .filter(|v| v.precision() == mirsad_model::Precision::Day)
                        .and_then(|v| indexed_day(&v))
                        .ok_or_else(|| StoreError::Query(format!("bad date {d:?}, want YYYY-MM-DD")))?;
                    if end {
                        let next = tantivy::DateTime::from_timestamp_secs(dt.into_timestamp_secs() + 86_400);
                        Ok(Bound::Excluded(Term::from_field_date(f.published, next)))
                    } else {
                        Ok(Bound::Included(Term::from_field_date(f.published, dt)))
                    }
                }
            }
        };
        if q.from.is_some() || q.to.is_some() {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(day(&q.from, false)?, day(&q.to, true)?))));
        }
        if let Some(o) = &q.outlet {
            let ids: Vec<&str> = std::iter::once(o.trim()).chain(q.outlet_ids.iter().map(|s| s.trim())).collect();
            let any: Vec<(Occur, Box<dyn Query>)> = ids
                .into_iter()
                .map(|id| {
                    let t: Box<dyn Query> =
                        Box::new(TermQuery::new(Term::from_field_text(f.outlet, id), IndexRecordOption::Basic));
                    (Occur::Should, t)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(k) = &q.keyword {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.keyword, &mirsad_text::key(k)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if clauses.is_empty() {
            return Err(StoreError::Query("empty query: give words or a filter".into()));
        }
        let wanted = parsed.map(|p| p.positive_terms.into_iter().collect()).unwrap_or_default();
        Ok(Compiled { query: BooleanQuery::new(clauses), wanted, spellings })
    }

    fn search_unguarded(&self, q: &SearchQuery) -> crate::Result<SearchResults> {
        let Compiled { query, wanted, spellings } = self.compile(q)?;
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 1000);
        let (top, total) = self.ranked(&searcher, &query, q.sort, q.offset, limit)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| self.damaged(e))?;
            let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()).map(str::to_string) else { continue };
            let Some(a) = self.get(&id)? else { continue };
            let snippet = highlight(&a.body, &wanted).unwrap_or_else(|| escape_start(&a.body));
            hits.push(hit(a, score, snippet));
        }
        Ok(SearchResults { total, hits, spellings })
    }

    /// The hits `offset..offset + limit` of `query` in the order `sort` asks for, with the
    /// number of matches.
    fn ranked(
        &self,
        searcher: &tantivy::Searcher,
        query: &BooleanQuery,
        sort: SearchSort,
        offset: usize,
        limit: usize,
    ) -> crate::Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
        match sort {
            SearchSort::Relevance => {
                // Equal scores in a fixed order keyed by the article id: by itself the index
                // orders them by their place in its segments, which differs between two stores
                // holding the same articles (a replica's segments follow its sync batches), and
                // two servers of one collection must answer alike.
                let c = TopDocs::with_limit(limit).and_offset(offset).tweak_score(|seg: &tantivy::SegmentReader| {
                    let tie = seg.fast_fields().u64(crate::TIE_FIELD).ok().map(|c| c.first_or_default_col(0));
                    move |doc: tantivy::DocId, score: tantivy::Score| {
                        (score, std::cmp::Reverse(tie.as_ref().map_or(0, |c| c.get_val(doc))))
                    }
                });
                let (top, total) = searcher.search(query, &(c, Count)).map_err(|e| self.damaged(e))?;
                Ok((top.into_iter().map(|((score, _), addr)| (score, addr)).collect(), total))
            }
            SearchSort::Newest => self.top_by_date(searcher, query, offset, limit, true),
            SearchSort::Oldest => self.top_by_date(searcher, query, offset, limit, false),
        }
    }

    /// The hits `offset..offset + limit` of `query` by publication time (score 0), and the
    /// number of matches. The index knows only each article's day, so the top
    /// `offset + limit` are taken by day, every match of the last day taken is added (its
    /// articles may sort anywhere in it), and all are ordered by the stored time. Undated
    /// articles come last.
    fn top_by_date(
        &self,
        searcher: &tantivy::Searcher,
        query: &BooleanQuery,
        offset: usize,
        limit: usize,
        newest: bool,
    ) -> crate::Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
        let f = self.fields;
        let k = offset + limit;
        let order = if newest { tantivy::Order::Desc } else { tantivy::Order::Asc };
        let c = TopDocs::with_limit(k).order_by_fast_field::<tantivy::DateTime>("published", order);
        let (mut docs, total) = searcher.search(query, &(c, Count)).map_err(|e| self.damaged(e))?;
        if docs.len() == k {
            if let Some((Some(day), _)) = docs.last().copied() {
                docs.retain(|(d, _)| *d != Some(day));
                let next = tantivy::DateTime::from_timestamp_secs(day.into_timestamp_secs() + 86_400);
                let that_day: Box<dyn Query> = Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_date(f.published, day)),
                    Bound::Excluded(Term::from_field_date(f.published, next)),
                ));
                let q = BooleanQuery::new(vec![(Occur::Must, query.box_clone()), (Occur::Must, that_day)]);
                let same = searcher.search(&q, &tantivy::collector::DocSetCollector).map_err(|e| self.damaged(e))?;
                docs.extend(same.into_iter().map(|a| (Some(day), a)));
            }
        }
        // The stored time of each, as an instant.
        let mut stmt =
            self.conn.prepare_cached("SELECT published FROM articles WHERE id = ?1").map_err(|e| self.sql_err(e))?;
        let mut timed = Vec::with_capacity(docs.len());
        for (_, addr) in docs {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| self.damaged(e))?;
            let Some(id) = doc.get_first(f.id).and_then(|v| v.as_str()) else { continue };
            let published: Option<String> =
                stmt.query_row([id], |r| r.get(0)).optional().map_err(|e| self.sql_err(e))?.flatten();
            let at = published.and_then(|p| mirsad_model::DateValue::parse(&p).ok()).map(|d| d.timestamp());
            timed.push((at, crate::tie_key(id), addr));
        }
        // Equal times in the fixed order of equal scores (see `ranked`).
        timed.sort_by(|(a, x, _), (b, y, _)| match (a, b) {
            (Some(a), Some(b)) if newest => b.cmp(a).then(x.cmp(y)),
            (Some(a), Some(b)) => a.cmp(b).then(x.cmp(y)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => x.cmp(y),
        });
        Ok((timed.into_iter().skip(offset).take(limit).map(|(_, _, a)| (0.0, a)).collect(), total))
    }

    /// The ids and scores of the hits of `q` from `q.offset`, at most `q.limit` (capped at
    /// [`MAX_RANKED`]), in the order `q.sort` asks for, with the total number of hits: what an export lists. It
    /// ranks exactly as [`Store::search`] does but reads no article and makes no snippet, so a
    /// long list costs one index pass. Ids the index has but the articles table lost (a crash
    /// between the two commits) are left for the caller to skip, as it reads the articles.
    pub fn search_ranked(&self, q: &SearchQuery) -> crate::Result<(usize, Vec<(String, f32)>)> {
        self.reading_index(|| {
            let Compiled { query, .. } = self.compile(q)?;
            let searcher = self.reader.searcher();
            let limit = q.limit.clamp(1, MAX_RANKED);
            let (top, total) = self.ranked(&searcher, &query, q.sort, q.offset, limit)?;
            let mut out = Vec::with_capacity(top.len());
            for (score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr).map_err(|e| self.damaged(e))?;
                if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) {
                    out.push((id.to_string(), score));
                }
            }
            Ok((total, out))
        })
    }

    /// [`Store::search`] with one hit per story: the best-ranked of each (hits without a story
    /// all stay). Up to `COLLAPSE_FACTOR` times the hits needed are read to fill the page; then
    /// `total` is exact when every hit was looked at, else the count before collapsing (an
    /// upper bound).
    pub fn search_by_story(&self, q: &SearchQuery) -> crate::Result<SearchResults> {
        let want = q.offset + q.limit.clamp(1, 1000);
        let cap = want.saturating_mul(COLLAPSE_FACTOR);
        let mut kept: Vec<Hit> = Vec::new();
        let mut seen = HashSet::new();
        let mut fetched = 0usize;
        // The spellings searched are those of the last round (each round is the same query).
        let (total, spellings) = loop {
            let n = 1000.min(cap - fetched);
            let r = self.search(&SearchQuery { limit: n, offset: fetched, ..q.clone() })?;
            let got = r.hits.len();
            fetched += got;
            kept.extend(r.hits.into_iter().filter(|h| h.story.as_ref().is_none_or(|s| seen.insert(s.clone()))));
            if got < n || fetched >= r.total || fetched >= cap || kept.len() >= want {
                break (r.total, r.spellings);
            }
        };
        let total = if fetched >= total { kept.len() } else { total };
        Ok(SearchResults {
            total,
            hits: kept.into_iter().skip(q.offset).take(q.limit.clamp(1, 1000)).collect(),
            spellings,
        })
    }

    /// The `k` articles most similar in content to article `id`, near-identical copies of it
    /// excluded. `None` when the article does not exist.
    pub fn related(&self, id: &str, k: usize) -> crate::Result<Option<Vec<Hit>>> {
        self.reading_index(|| self.related_unguarded(id, k))
    }

    fn related_unguarded(&self, id: &str, k: usize) -> crate::Result<Option<Vec<Hit>>> {
        let Some(a) = self.get(id)? else { return Ok(None) };
        let f = self.fields;
        let searcher = self.reader.searcher();
        // Term frequencies of the article, weighted by idf: its most telling words.
        let mut tf: HashMap<String, usize> = HashMap::new();
        let text = format!("{}\n{}", a.title.as_deref().unwrap_or(""), a.body);
        for t in analyzer::analyze(&text) {
            *tf.entry(t.text).or_default() += 1;
        }
        let n = searcher.num_docs().max(1) as f64;
        let mut weighted: Vec<(f64, String)> = Vec::new();
        for (term, c) in &tf {
            let df = searcher.doc_freq(&Term::from_field_text(f.body, term)).map_err(|e| self.damaged(e))? as f64;
            if df <= 1.0 {
                continue; // only this article has it: it cannot relate to another
            }
            weighted.push(((1.0 + (*c as f64).ln()) * (n / df).ln(), term.clone()));
        }
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(RELATED_TERMS);
        if weighted.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = weighted
            .iter()
            .map(|(w, term)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(Term::from_field_text(f.body, term), IndexRecordOption::WithFreqs)),
                    *w as f32,
                ));
                (Occur::Should, q)
            })
            .collect();
        let query = BooleanQuery::new(clauses);
        let top =
            searcher.search(&query, &TopDocs::with_limit(k * 3 + 5).order_by_score()).map_err(|e| self.damaged(e))?;
        let own: std::collections::HashSet<&String> = tf.keys().collect();
        let mut out = Vec::new();
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(|e| self.damaged(e))?;
            let Some(other_id) = doc.get_first(f.id).and_then(|v| v.as_str()) else { continue };
            if other_id == id {
                continue;
            }
            let Some(b) = self.get(other_id)? else { continue };
            let other_text = format!("{}\n{}", b.title.as_deref().unwrap_or(""), b.body);
            let theirs: std::collections::HashSet<String> =
                analyzer::analyze(&other_text).into_iter().map(|t| t.text).collect();
            let inter = theirs.iter().filter(|t| own.contains(t)).count() as f64;
            let union = (own.len() + theirs.len()) as f64 - inter;
            if union > 0.0 && inter / union >= COPY_OVERLAP {
                continue; // a copy of the same text
            }
            let snippet = escape_start(&b.body);
            out.push(hit(b, score, snippet));
            if out.len() == k {
                break;
            }
        }
        Ok(Some(out))
    }
}

impl Store {
    /// Runs `f`, which reads the index, turning a panic inside tantivy into an error.
    fn reading_index<T>(&self, f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
            Err(StoreError::Damaged { path: self.dir.join("index"), reason: crate::panic_message(&p) })
        })
    }

    fn damaged(&self, e: tantivy::TantivyError) -> StoreError {
        StoreError::Damaged { path: self.dir.join("index"), reason: e.to_string() }
    }
}

fn hit(a: Article, score: f32, snippet: String) -> Hit {
    Hit { id: a.id, title: a.title, published: a.published, outlet: a.outlet, story: a.story, score, snippet }
}

/// Longest snippet, in bytes of text (about 240 Arabic letters).
const SNIPPET_BYTES: usize = 480;

/// The passage of `body` that holds the most distinct `wanted` terms (then the most matches),
/// HTML-escaped, matched words in `<b>…</b>`, `…` where it was cut. `None` when no word matches.
///
/// Written here rather than with tantivy's `SnippetGenerator` because that one lower-cases and
/// looks up every token through a B-tree, which made snippets the bulk of a search's cost.
pub fn highlight(body: &str, wanted: &HashSet<String>) -> Option<String> {
    if wanted.is_empty() {
        return None;
    }
    let mut hits: Vec<(usize, usize, &str)> = analyzer::analyze(body)
        .into_iter()
        .filter(|t| wanted.contains(&t.text))
        .map(|t| (t.offset_from, t.offset_to, wanted.get(&t.text).map(String::as_str).unwrap_or("")))
        .collect();
    // Two readings of one word (see `analyzer::analyze`) are one match.
    hits.dedup_by_key(|h| h.0);
    if hits.is_empty() {
        return None;
    }
    // Best window of matches starting at each match.
    let mut best = (0usize, 0usize, 0usize); // (distinct, count, first index)
    for i in 0..hits.len() {
        let mut seen: Vec<&str> = Vec::new();
        let mut count = 0;
        for h in &hits[i..] {
            if h.1 - hits[i].0 > SNIPPET_BYTES {
                break;
            }
            count += 1;
            if !seen.contains(&h.2) {
                seen.push(h.2);
            }
        }
        if (seen.len(), count) > (best.0, best.1) {
            best = (seen.len(), count, i);
        }
        if seen.len() == wanted.len() && best.2 == i {
            break; // every term in one window: nothing later can do better
        }
    }
    // Open a little before the first match, at a word boundary, and fill the window.
    let first = hits[best.2].0;
    let mut start = floor_boundary(body, first.saturating_sub(SNIPPET_BYTES / 6));
    if start > 0 {
        start = body[start..first].find(char::is_whitespace).map_or(first, |p| start + p + 1);
    }
    let mut end = floor_boundary(body, (start + SNIPPET_BYTES).min(body.len()));
    if end < body.len() {
        if let Some(p) = body[start..end].rfind(char::is_whitespace) {
            end = (start + p).max(hits[best.2].1);
        }
    }
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(from, to, _) in hits.iter().skip(best.2).take_while(|h| h.1 <= end) {
        out.push_str(&html_escape(&body[at..from]));
        out.push_str("<b>");
        out.push_str(&html_escape(&body[from..to]));
        out.push_str("</b>");
        at = to;
    }
    out.push_str(&html_escape(&body[at..end]));
    if end < body.len() {
        out.push('…');
    }
    Some(out)
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first words of a text, HTML-escaped, for results without a highlighted passage.
fn escape_start(text: &str) -> String {
    let mut s: String = text.chars().take(200).collect();
    if text.chars().nth(200).is_some() {
        s.push('…');
    }
    html_escape(&s)
}

pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(words: &[&str]) -> HashSet<String> {
        words.iter().flat_map(|w| analyzer::analyze(w)).map(|t| t.text).collect()
    }

    #[test]
    fn highlight_marks_variants_and_escapes() {
        let body = "قال <وزير> إن أسعار النفط ارتفعت، وإن صادرات نفط الخليج زادت.";
        let s = highlight(body, &wanted(&["نفط"])).unwrap();
        assert!(s.contains("<b>النفط</b>"), "{s}");
        assert!(s.contains("<b>نفط</b>"), "{s}");
        assert!(s.contains("&lt;وزير&gt;"), "{s}");
        assert!(!s.contains('…'), "{s}");
        assert_eq!(highlight(body, &wanted(&["قمح"])), None);
    }

    #[test]
    fn highlight_picks_the_window_with_most_terms() {
        let filler = "كلام عادي لا يخص البحث ".repeat(60);
        let body = format!("النفط في البداية. {filler} هنا النفط والغاز معا. {filler}");
        let s = highlight(&body, &wanted(&["النفط", "الغاز"])).unwrap();
        assert!(s.contains("<b>النفط</b>والغاز") || s.contains("<b>والغاز</b>"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() < 320, "{}", s.chars().count());
    }
}
