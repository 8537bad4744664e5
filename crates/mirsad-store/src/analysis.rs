//! What the analysis stage found, stored beside the articles: entity mentions, quotes and dated
//! events per article, and one summary row per entity (its name, type and article count) kept
//! up to date in the batch transaction that changed its mentions (see [`crate::stored`] for
//! how they are kept).
//!
//! The analysis stores *surface* entity ids (one type and name key, as the analysis of one
//! article gives them); `surface_alias` maps surfaces to the entities resolved across the
//! collection ([`mirsad_analyze::resolve`]), updated by [`Store::resolve_entities`] after each
//! ingest, so every read goes through it.
//!
//! An analysis belongs to its article: replacing an article deletes it first, so an entity
//! never counts an article twice and no stale quote outlives the text it came from.

use crate::stored::{self, corrupt, sql, Loaded, Names, MEMBERS};
use crate::{Result, Store, StoreError};
use mirsad_model::{ArticleAnalysis, Entity, EntityMention, EntityType, Event, Quote};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The analysis stage as the store calls it: one analysis per given article, in order.
pub type Analyzer = Box<dyn Fn(&[mirsad_model::Article]) -> Vec<ArticleAnalysis> + Send + Sync>;

/// One entity in a list: enough to name and link it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntitySummary {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Number of stored articles that mention it.
    pub article_count: u64,
}

/// A story an entity appears in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryRef {
    pub id: String,
    pub title: String,
    pub size: u64,
    pub last_published: Option<String>,
    /// How many of the story's articles mention the entity.
    pub mentions: u64,
}

/// Everything about one entity: the record of the export contract (its `articles` limited to
/// the newest ones), its stories, its timeline of dated events (by event date) and its quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    #[serde(flatten)]
    pub entity: Entity,
    pub article_count: u64,
    /// Mentions of each spelling, in the order of `variants`.
    pub variant_counts: Vec<u64>,
    /// Stories with the most articles mentioning it first.
    pub stories: Vec<StoryRef>,
    /// Events whose sentence mentions it, ordered by event date (the latest ones when there
    /// are many).
    pub timeline: Vec<Event>,
    /// Quotes it is the speaker of, newest articles first.
    pub quotes: Vec<Quote>,
}

/// Which entities a list holds, in what order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityFilter {
    pub kind: Option<EntityType>,
    /// Mentioned in at least this many articles (of the days asked for, when given).
    pub min_articles: usize,
    pub sort: EntitySort,
    /// Only articles published on or after this day (`YYYY-MM-DD`) count.
    pub from: Option<String>,
    /// Only articles published on or before this day count.
    pub to: Option<String>,
}

impl EntityFilter {
    /// The entities with their article counts as the filter sees them (SQL: id, name, kind, n),
    /// with its parameters: `?1` type, `?2` minimum, `?3`/`?4` the days' bounds. Without days,
    /// the stored counts; with days, the articles of those days counted through their surfaces
    /// (one scan of the days' articles by the date index, then their surfaces by `seq`).
    fn base(&self) -> (&'static str, [rusqlite::types::Value; 4]) {
        use rusqlite::types::Value;
        let kind = self.kind.map_or(Value::Null, |k| Value::Text(k.code().to_string()));
        let min = Value::Integer(self.min_articles as i64);
        if self.from.is_none() && self.to.is_none() {
            return (
                "SELECT id, name, kind, articles AS n FROM entities WHERE (?1 IS NULL OR kind = ?1) AND articles >= ?2
                 AND ?3 IS NULL AND ?4 IS NULL",
                [kind, min, Value::Null, Value::Null],
            );
        }
        let from = Value::Text(self.from.clone().unwrap_or_default());
        // Any time on the last day sorts before the day followed by '~'.
        let to = Value::Text(self.to.as_ref().map_or("~".to_string(), |t| format!("{t}~")));
        (
            "SELECT e.id, e.name, e.kind, COUNT(DISTINCT h.seq) AS n FROM (
                 SELECT CASE WHEN al.surface IS NULL THEN s.id ELSE al.entity END AS ent, x.seq
                 FROM articles a JOIN surface_article x ON x.seq = a.seq JOIN surface s ON s.n = x.surface
                 LEFT JOIN surface_alias al ON al.surface = x.surface
                 WHERE a.published >= ?3 AND a.published <= ?4
             ) h JOIN entities e ON e.id = h.ent
             WHERE (?1 IS NULL OR e.kind = ?1) GROUP BY e.id HAVING n >= ?2",
            [kind, min, from, to],
        )
    }
}

/// The order of an entity list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntitySort {
    /// Those in most articles first.
    #[default]
    Articles,
    /// By name, in the order of their letters.
    Name,
}

/// Most articles listed in an [`EntityRecord`].
pub const ENTITY_ARTICLES: usize = 50;
/// Most stories, events and quotes listed in an [`EntityRecord`].
pub const ENTITY_STORIES: usize = 20;
pub const ENTITY_EVENTS: usize = 200;
pub const ENTITY_QUOTES: usize = 50;
/// Newest articles of an entity [`Store::entity_neighbours`] reads: a bound on the page's
/// cost for an entity in a hundred thousand articles; its recent company is what a reader asks.
pub const NEIGHBOUR_SCAN: usize = 500;
/// Most spellings a name search adds.
pub const MAX_SPELLINGS: usize = 8;

/// An analyzer's output for `articles` articles, refused unless it is one analysis per article.
pub(crate) fn one_per_article(analyses: Vec<ArticleAnalysis>, articles: usize) -> Result<Vec<ArticleAnalysis>> {
    if analyses.len() != articles {
        return Err(corrupt("analysis", format!("{} analyses for {articles} articles", analyses.len())));
    }
    Ok(analyses)
}

/// Where a surface goes, as stored: `None` for a surface that is no entity.
fn canonical_of(conn: &rusqlite::Connection, surface: &str) -> Result<Option<String>> {
    let row: Option<Option<String>> = conn
        .prepare_cached("SELECT al.entity FROM surface s JOIN surface_alias al ON al.surface = s.n WHERE s.id = ?1")
        .map_err(sql)?
        .query_row([surface], |r| r.get(0))
        .optional()
        .map_err(sql)?;
    Ok(match row {
        None => Some(surface.to_string()),
        Some(to) => to,
    })
}

/// Quote speakers and event entities (stored as surfaces) moved to their entities.
fn resolve_quote(conn: &rusqlite::Connection, q: &mut Quote) -> Result<()> {
    if let Some(s) = q.speaker.take() {
        q.speaker = canonical_of(conn, &s)?;
    }
    Ok(())
}

fn resolve_event(conn: &rusqlite::Connection, ev: &mut Event) -> Result<()> {
    let mut out: Vec<String> = Vec::with_capacity(ev.entities.len());
    for s in std::mem::take(&mut ev.entities) {
        if let Some(e) = canonical_of(conn, &s)? {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    ev.entities = out;
    Ok(())
}

impl Store {
    /// Runs the analyzer again over every stored article, `batch` articles per transaction, and
    /// replaces their analysis rows (for collections stored before the analysis existed or
    /// with an older model). `progress` gets the number of articles done after each batch.
    /// Returns the number of articles analyzed. Articles and stories are not touched.
    pub fn reanalyze(&mut self, batch: usize, mut progress: impl FnMut(usize)) -> Result<usize> {
        let Some(analyzer) = self.analyzer.take() else {
            return Err(StoreError::Query("reanalyze: no analyzer set".into()));
        };
        if let Err(e) = self.lock_writer(crate::Wait::Yes, || {}) {
            self.analyzer = Some(analyzer);
            return Err(e);
        }
        let result = self.reanalyze_with(&analyzer, batch.max(1), &mut progress);
        self.analyzer = Some(analyzer);
        result
    }

    fn reanalyze_with(
        &mut self,
        analyzer: &crate::Analyzer,
        batch: usize,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let mut done = 0usize;
        let mut after = 0i64;
        loop {
            let mut arts = Vec::with_capacity(batch);
            let mut seqs = Vec::with_capacity(batch);
            {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT seq, id, json FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2")
                    .map_err(|e| self.sql_err(e))?;
                let rows = stmt
                    .query_map(params![after, batch as i64], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                    })
                    .map_err(|e| self.sql_err(e))?;
                for row in rows {
                    let (seq, id, json) = row.map_err(|e| self.sql_err(e))?;
                    after = seq;
                    seqs.push(seq);
                    arts.push(crate::parse_article(&id, &json)?);
                }
            }
            if arts.is_empty() {
                return Ok(done);
            }
            let analyses = one_per_article(analyzer(&arts), arts.len())?;
            self.write_analyses(&arts, &seqs, &analyses)?;
            done += arts.len();
            progress(done);
        }
    }

    /// Replaces the analysis rows of stored articles (`seqs` their row numbers) in one
    /// transaction.
    fn write_analyses(
        &mut self,
        arts: &[mirsad_model::Article],
        seqs: &[i64],
        analyses: &[ArticleAnalysis],
    ) -> Result<()> {
        let tx = self.conn.transaction().map_err(sql)?;
        let mut w = stored::Writer::new(&tx);
        for ((a, seq), an) in arts.iter().zip(seqs).zip(analyses) {
            w.delete(*seq, &a.id)?;
            w.insert(*seq, &a.id, &a.body, an)?;
        }
        let written = w.finish()?;
        tx.commit().map_err(sql)?;
        self.evidence.forget(written.iter().map(String::as_str));
        Ok(())
    }

    /// Replaces the analysis of articles already stored with one made elsewhere (a
    /// PostgreSQL worker's re-analysis, which a replica takes from the change feed without the
    /// article changing). Ids not stored are skipped; returns how many were replaced. Run
    /// [`Store::resolve_entities`] afterwards, as after `reanalyze`.
    pub fn replace_analyses(&mut self, items: Vec<(String, ArticleAnalysis)>) -> Result<usize> {
        self.lock_writer(crate::Wait::Yes, || {})?;
        let (mut arts, mut seqs, mut analyses) = (Vec::new(), Vec::new(), Vec::new());
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT seq, json FROM articles WHERE id = ?1")
                .map_err(|e| self.sql_err(e))?;
            for (id, an) in items {
                let row = stmt
                    .query_row([&id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                    .optional()
                    .map_err(|e| self.sql_err(e))?;
                if let Some((seq, json)) = row {
                    seqs.push(seq);
                    arts.push(crate::parse_article(&id, &json)?);
                    analyses.push(an);
                }
            }
        }
        self.write_analyses(&arts, &seqs, &analyses)?;
        Ok(arts.len())
    }

    /// Each stored surface's type, most used spelling of its own key and mention count, from
    /// the per-surface aggregates (in surface id order).
    fn surface_stats(&self) -> Result<Vec<mirsad_analyze::resolve::SurfaceStat>> {
        let mut stats: Vec<mirsad_analyze::resolve::SurfaceStat> = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.kind, sp.text, ss.mentions FROM surface_spelling ss
                 JOIN surface s ON s.n = ss.surface JOIN spelling sp ON sp.n = ss.spelling
                 WHERE s.kind IS NOT NULL ORDER BY s.id, sp.text",
            )
            .map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        // The surface's name: its most used spelling of its own key (as `stats_of`).
        let mut best = (false, 0i64);
        while let Some(r) = rows.next().map_err(sql)? {
            let (id, k, text, n): (String, String, String, i64) =
                (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?, r.get(2).map_err(sql)?, r.get(3).map_err(sql)?);
            let kind = EntityType::from_code(&k).ok_or_else(|| corrupt(&id, format!("entity type {k}")))?;
            let rank = (mirsad_analyze::resolve::is_own_spelling(&id, kind, &text), n);
            match stats.last_mut() {
                Some(s) if s.id == id => {
                    s.mentions += n as u64;
                    if rank > best {
                        best = rank;
                        s.name = text;
                    }
                }
                _ => {
                    best = rank;
                    stats.push(mirsad_analyze::resolve::SurfaceStat { id, kind, name: text, mentions: n as u64 });
                }
            }
        }
        Ok(stats)
    }

    /// Resolves the stored entities across the whole collection ([`mirsad_analyze::resolve`]:
    /// one type per entity, clitics, partial names, transliteration variants) and updates the
    /// entity summaries, in one transaction. A function of the stored mentions alone, so a
    /// collection ingested batch after batch ends with the entities of one ingested at once.
    ///
    /// The statistics come from per-surface aggregates (a few rows per distinct surface), and
    /// only what the new resolution changes is written: the surfaces that moved, and the
    /// entities they left or joined, counted again over the articles that mention them.
    /// Returns how many surfaces moved into another entity or were dropped.
    pub fn resolve_entities(&mut self) -> Result<usize> {
        self.resolve_with(false)
    }

    /// [`Store::resolve_entities`] recomputing every entity summary from all stored analyses
    /// instead of updating what changed: the same result at the cost of a pass over the
    /// collection (for checks).
    pub fn resolve_entities_fully(&mut self) -> Result<usize> {
        self.resolve_with(true)
    }

    fn resolve_with(&mut self, fully: bool) -> Result<usize> {
        if !self.is_writer() {
            self.lock_writer(crate::Wait::Yes, || {})?;
        }
        let stats = self.surface_stats()?;
        let evidence = crate::evidence::StoredEvidence::new(&self.conn, std::mem::take(&mut self.evidence));
        let resolution = mirsad_analyze::resolve::resolve(&stats, &evidence);
        self.evidence = evidence.into_cache();
        let kinds: HashMap<&str, EntityType> = stats.iter().map(|s| (s.id.as_str(), s.kind)).collect();
        let tx = self.conn.transaction().map_err(sql)?;
        if fully {
            stored::replace_resolution(&tx, &resolution, &kinds)?;
        } else {
            stored::apply_resolution(&tx, &resolution, &kinds)?;
        }
        tx.commit().map_err(|e| self.sql_err(e))?;
        self.data_version = Some(self.data_version()?);
        Ok(resolution.alias.len())
    }

    /// When `query` is written as an entity's name (plain words, no operators), the entity's
    /// other spellings to search as well: distinct name keys, most used first, clitic forms of
    /// a spelling already listed and forms with punctuation left out; at most
    /// [`MAX_SPELLINGS`]. Empty otherwise.
    pub fn name_spellings(&self, query: &str) -> Result<Vec<String>> {
        let q = mirsad_text::display(query.trim());
        if q.is_empty() || q.len() > 200 || q.contains(['"', '«', '»', '(', ')', '|', '-']) {
            return Ok(Vec::new());
        }
        if q.split_whitespace().any(|w| matches!(w, "OR" | "NOT" | "AND")) {
            return Ok(Vec::new());
        }
        let e = |e| self.sql_err(e);
        let entity: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(al.entity, s.id) AS e, SUM(ss.mentions) AS n FROM spelling sp
                 JOIN surface_spelling ss ON ss.spelling = sp.n JOIN surface s ON s.n = ss.surface
                 LEFT JOIN surface_alias al ON al.surface = ss.surface
                 WHERE sp.text = ?1 AND (al.surface IS NULL OR al.entity IS NOT NULL)
                 GROUP BY e ORDER BY n DESC, e LIMIT 1",
            )
            .map_err(e)?
            .query_row([&q], |r| r.get(0))
            .optional()
            .map_err(e)?;
        let Some(entity) = entity else { return Ok(Vec::new()) };
        let name: String = self
            .conn
            .prepare_cached("SELECT name FROM entities WHERE id = ?1")
            .map_err(e)?
            .query_row([&entity], |r| r.get(0))
            .optional()
            .map_err(e)?
            .unwrap_or_else(|| q.clone());
        // Only the query's own spellings, fuller names ending in it, and the spellings of the
        // entity's name: a partial name the entity took in («دونالد» of «دونالد ترامب») would
        // find other people.
        let words = |t: &str| -> Vec<String> { mirsad_text::tokens(t).map(mirsad_text::name_key).collect() };
        let skeleton = |w: &[String]| mirsad_analyze::resolve::skeleton(w);
        let (qw, nw) = (words(&q), words(&name));
        let (q_skeleton, name_skeleton) = (skeleton(&qw), skeleton(&nw));
        let accept = |t: &str| {
            let tw = words(t);
            let sk = skeleton(&tw);
            sk == q_skeleton
                || sk == name_skeleton
                || (tw.len() > qw.len() && skeleton(&tw[tw.len() - qw.len()..]) == q_skeleton)
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT sp.text FROM surface_spelling ss JOIN spelling sp ON sp.n = ss.spelling
                 WHERE ss.surface IN ({MEMBERS}) GROUP BY sp.text ORDER BY SUM(ss.mentions) DESC, sp.text"
            ))
            .map_err(e)?;
        let texts = stmt.query_map([&entity], |r| r.get::<_, String>(0)).map_err(e)?;
        let mut keys = vec![mirsad_text::name_key(&q)];
        let mut out = Vec::new();
        for t in texts {
            let t = t.map_err(e)?;
            if out.len() >= MAX_SPELLINGS {
                break;
            }
            if t.chars().any(|c| !(mirsad_text::is_word_char(c) || c == ' ' || c == '-')) || !accept(&t) {
                continue;
            }
            let key = mirsad_text::name_key(&t);
            // A clitic form of a listed spelling is found by the analyzer already.
            let peeled = ["و", "ف", "ب", "ل", "ك"]
                .iter()
                .any(|c| t.strip_prefix(c).is_some_and(|rest| keys.contains(&mirsad_text::name_key(rest))));
            if key.is_empty() || keys.contains(&key) || peeled {
                continue;
            }
            keys.push(key);
            out.push(t);
        }
        Ok(out)
    }

    /// The stored analysis of one article (empty when it was stored without one).
    pub fn analysis(&self, article: &str) -> Result<ArticleAnalysis> {
        let mut out = ArticleAnalysis::default();
        let Some(loaded) = stored::load_id(&self.conn, article)? else { return Ok(out) };
        let mut names = Names::new(&self.conn);
        let mut alias = self
            .conn
            .prepare_cached("SELECT entity, kind FROM surface_alias WHERE surface = ?1")
            .map_err(|e| self.sql_err(e))?;
        for (s, sp) in loaded.mentions() {
            let row: Option<(Option<String>, Option<String>)> =
                alias.query_row([s], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(|e| self.sql_err(e))?;
            let (entity, kind) = match row {
                Some((None, _)) => continue,
                Some((Some(entity), kind)) => (entity, kind.as_deref().and_then(EntityType::from_code)),
                None => names.surface_id(s)?.clone(),
            };
            let kind = kind.ok_or_else(|| corrupt(&entity, "entity type unknown"))?;
            out.mentions.push(EntityMention { entity, kind, text: names.spelling_text(sp)?.to_string() });
        }
        for n in 0..loaded.quote_count() {
            let mut q = loaded.quote(&mut names, n)?;
            resolve_quote(&self.conn, &mut q)?;
            out.quotes.push(q);
        }
        for n in 0..loaded.event_count() {
            let mut ev = loaded.event(&mut names, n)?;
            resolve_event(&self.conn, &mut ev)?;
            out.events.push(ev);
        }
        Ok(out)
    }

    /// Events or quotes (by `event`) at the given (article `seq`, number) places, as stored.
    fn stored_items<T>(
        &self,
        places: &[(i64, usize)],
        mut item: impl FnMut(&Loaded, &mut Names, usize) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut names = Names::new(&self.conn);
        let mut loaded: HashMap<i64, Loaded> = HashMap::new();
        let mut out = Vec::with_capacity(places.len());
        for &(seq, n) in places {
            let l = match loaded.entry(seq) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(
                    stored::load_seq(&self.conn, seq)?
                        .ok_or_else(|| corrupt(&format!("article {seq}"), "indexed analysis is gone"))?,
                ),
            };
            out.push(item(l, &mut names, n)?);
        }
        Ok(out)
    }

    /// (seq, n) pairs a query returns.
    fn places(&self, query: &str, p: impl rusqlite::Params) -> Result<Vec<(i64, usize)>> {
        let e = |e| self.sql_err(e);
        let mut stmt = self.conn.prepare_cached(query).map_err(e)?;
        let rows = stmt.query_map(p, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize))).map_err(e)?;
        rows.collect::<std::result::Result<_, _>>().map_err(e)
    }

    /// Entities, those in most articles first; only one type when `kind` is given.
    pub fn entities(&self, kind: Option<EntityType>, offset: usize, limit: usize) -> Result<Vec<EntitySummary>> {
        self.entities_filtered(&EntityFilter { kind, ..Default::default() }, offset, limit)
    }

    /// Entities as `filter` says.
    pub fn entities_filtered(&self, filter: &EntityFilter, offset: usize, limit: usize) -> Result<Vec<EntitySummary>> {
        let e = |e| self.sql_err(e);
        let order = match filter.sort {
            EntitySort::Articles => "n DESC, id",
            EntitySort::Name => "name, id",
        };
        let (base, [kind, min, from, to]) = filter.base();
        let mut stmt = self.conn.prepare_cached(&format!("{base} ORDER BY {order} LIMIT ?5 OFFSET ?6")).map_err(e)?;
        let rows = stmt
            .query_map(params![kind, min, from, to, limit as i64, offset as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
            })
            .map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, k, n) = row.map_err(e)?;
            let kind = EntityType::from_code(&k).ok_or_else(|| corrupt(&id, format!("entity type {k}")))?;
            out.push(EntitySummary { id, name, kind, article_count: n as u64 });
        }
        Ok(out)
    }

    /// The summaries of the given entities, in the given order (unknown ids are skipped).
    pub fn entity_summaries(&self, ids: &[String]) -> Result<Vec<EntitySummary>> {
        let e = |e| self.sql_err(e);
        let mut stmt =
            self.conn.prepare_cached("SELECT name, kind, articles FROM entities WHERE id = ?1").map_err(e)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = stmt
                .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))
                .optional()
                .map_err(e)?;
            if let Some((name, k, n)) = row {
                let kind = EntityType::from_code(&k).ok_or_else(|| corrupt(id, format!("entity type {k}")))?;
                out.push(EntitySummary { id: id.clone(), name, kind, article_count: n as u64 });
            }
        }
        Ok(out)
    }

    /// Number of entities (of one type when `kind` is given).
    pub fn entity_count(&self, kind: Option<EntityType>) -> Result<u64> {
        self.entity_count_filtered(&EntityFilter { kind, ..Default::default() })
    }

    /// Number of entities `filter` keeps.
    pub fn entity_count_filtered(&self, filter: &EntityFilter) -> Result<u64> {
        let (base, p) = filter.base();
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM ({base})"), rusqlite::params_from_iter(p), |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
    }

    /// The ids of the articles that mention entity `id` (any of its surfaces), newest first (by
    /// publication date, then arrival), at most `limit`: the whole list an export needs, where
    /// [`Store::entity`] keeps only the newest [`ENTITY_ARTICLES`]. `None` when there is no such
    /// entity (an entity without articles gives an empty list).
    pub fn entity_articles(&self, id: &str, limit: usize) -> Result<Option<Vec<String>>> {
        let known: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM entities WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql_err(e))?;
        match known {
            None => Ok(None),
            Some(_) => self.entity_article_ids(id, limit).map(Some),
        }
    }

    fn entity_article_ids(&self, id: &str, limit: usize) -> Result<Vec<String>> {
        let e = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT a.id FROM articles a WHERE a.seq IN (SELECT seq FROM surface_article WHERE surface IN ({MEMBERS}))
                 ORDER BY a.published DESC, a.seq DESC LIMIT ?2"
            ))
            .map_err(e)?;
        // SQLite's LIMIT is signed: a count past i64 is "no limit".
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![id, limit], |r| r.get::<_, String>(0)).map_err(e)?;
        rows.collect::<std::result::Result<_, _>>().map_err(e)
    }

    /// One entity with its variants, newest articles, stories, timeline and quotes.
    pub fn entity(&self, id: &str) -> Result<Option<EntityRecord>> {
        let e = |e| self.sql_err(e);
        let head: Option<(String, String, i64)> = self
            .conn
            .query_row("SELECT name, kind, articles FROM entities WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(e)?;
        let Some((name, kind, article_count)) = head else { return Ok(None) };
        let kind = EntityType::from_code(&kind).ok_or_else(|| corrupt(id, format!("entity type {kind}")))?;
        let mut variants = Vec::new();
        let mut variant_counts = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT sp.text, SUM(ss.mentions) AS n FROM surface_spelling ss JOIN spelling sp ON sp.n = ss.spelling
                     WHERE ss.surface IN ({MEMBERS}) GROUP BY sp.text ORDER BY n DESC, sp.text"
                ))
                .map_err(e)?;
            let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(e)?;
            for r in rows {
                let (t, n) = r.map_err(e)?;
                variants.push(t);
                variant_counts.push(n as u64);
            }
        }
        let articles = self.entity_article_ids(id, ENTITY_ARTICLES)?;
        let mut stories = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT s.id, json_extract(s.state, '$.title'), s.size, s.last_published, COUNT(*) AS c
                     FROM articles a JOIN stories s ON s.id = a.story
                     WHERE a.seq IN (SELECT seq FROM surface_article WHERE surface IN ({MEMBERS}))
                     GROUP BY s.id ORDER BY c DESC, s.last_published DESC LIMIT ?2"
                ))
                .map_err(e)?;
            let rows = stmt
                .query_map(params![id, ENTITY_STORIES as i64], |r| {
                    Ok(StoryRef {
                        id: r.get(0)?,
                        title: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        size: r.get::<_, i64>(2)? as u64,
                        last_published: r.get(3)?,
                        mentions: r.get::<_, i64>(4)? as u64,
                    })
                })
                .map_err(e)?;
            for r in rows {
                stories.push(r.map_err(e)?);
            }
        }
        let places = self.places(
            &format!(
                "SELECT x.seq, x.n FROM event_entity x JOIN articles a ON a.seq = x.seq JOIN surface s ON s.n = x.surface
                 WHERE x.surface IN ({MEMBERS}) ORDER BY x.start DESC, a.id, s.id, x.n LIMIT ?2"
            ),
            params![id, ENTITY_EVENTS as i64],
        )?;
        let mut timeline: Vec<Event> = self.stored_items(&places, |l, names, n| l.event(names, n))?;
        for ev in &mut timeline {
            resolve_event(&self.conn, ev)?;
        }
        timeline.reverse();
        // The same event told by several articles (copies) is listed once.
        let mut seen = std::collections::HashSet::new();
        timeline.retain(|ev| seen.insert((ev.date.start.clone(), ev.sentence.clone())));
        let places = self.places(
            &format!(
                "SELECT x.seq, x.n FROM quote_speaker x JOIN articles a ON a.seq = x.seq WHERE x.surface IN ({MEMBERS})
                 ORDER BY a.published DESC, a.seq DESC, x.n LIMIT ?2"
            ),
            params![id, ENTITY_QUOTES as i64],
        )?;
        let mut quotes: Vec<Quote> = self.stored_items(&places, |l, names, n| l.quote(names, n))?;
        for q in &mut quotes {
            resolve_quote(&self.conn, q)?;
        }
        Ok(Some(EntityRecord {
            entity: Entity { id: id.to_string(), name, kind, variants, articles },
            article_count: article_count as u64,
            variant_counts,
            stories,
            timeline,
            quotes,
        }))
    }

    /// Articles mentioning the entity per publication day (`YYYY-MM-DD`, the day the outlet
    /// wrote), oldest first; articles without a day are left out. One pass over the entity's
    /// rows of `surface_article` (its primary key) and one article lookup per row: its cost is
    /// the entity's article count, as for its story list.
    pub fn entity_days(&self, id: &str) -> Result<Vec<(String, u64)>> {
        let e = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT substr(a.published, 1, 10) AS d, COUNT(*) FROM articles a
                 WHERE a.seq IN (SELECT seq FROM surface_article WHERE surface IN ({MEMBERS}))
                   AND length(a.published) >= 10
                 GROUP BY d ORDER BY d"
            ))
            .map_err(e)?;
        let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(e)?;
        rows.map(|r| r.map(|(d, n)| (d, n.max(0) as u64))).collect::<std::result::Result<_, _>>().map_err(e)
    }

    /// The entities mentioned in the same articles as `id`, with the number of shared articles,
    /// most first (then by id), at most `limit`; `id` itself is not listed.
    ///
    /// Only the entity's newest `scan` articles are read (see [`NEIGHBOUR_SCAN`]): each is a
    /// stored analysis to parse, so the whole history of a frequent entity would cost seconds.
    /// The counts are therefore over those articles, which the page says.
    pub fn entity_neighbours(&self, id: &str, scan: usize, limit: usize) -> Result<Vec<(EntitySummary, u64)>> {
        let e = |e| self.sql_err(e);
        let seqs: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT a.seq FROM articles a WHERE a.seq IN (SELECT seq FROM surface_article WHERE surface IN ({MEMBERS}))
                     ORDER BY a.published DESC, a.seq DESC LIMIT ?2"
                ))
                .map_err(e)?;
            let rows = stmt.query_map(params![id, scan as i64], |r| r.get::<_, i64>(0)).map_err(e)?;
            rows.collect::<std::result::Result<_, _>>().map_err(e)?
        };
        let mut names = Names::new(&self.conn);
        let mut alias = stored::StoredAlias::new(&self.conn);
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut data = self.conn.prepare_cached("SELECT data FROM analysis WHERE seq = ?1").map_err(e)?;
        /// Only the mentions of a stored analysis (quotes and events are skipped unread).
        #[derive(Deserialize)]
        struct Mentions {
            #[serde(default)]
            m: Vec<(u32, u32, u32, u32)>,
        }
        for seq in seqs {
            let Some(d) = data.query_row([seq], |r| r.get::<_, String>(0)).optional().map_err(e)? else { continue };
            let m: Mentions = serde_json::from_str(&d)
                .map_err(|x| corrupt(&format!("analysis {seq}"), format!("stored analysis: {x}")))?;
            for other in stored::entities_of(&mut names, &mut alias, m.m.into_iter().map(|m| m.0))? {
                if other != id {
                    *counts.entry(other).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // Ids with no summary (no longer an entity) are skipped, so read a few more than asked.
        ranked.truncate(limit.saturating_mul(2));
        let ids: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
        let summaries = self.entity_summaries(&ids)?;
        let mut out: Vec<(EntitySummary, u64)> = Vec::with_capacity(limit);
        for (sid, n) in ranked {
            if out.len() == limit {
                break;
            }
            if let Some(s) = summaries.iter().find(|s| s.id == sid) {
                out.push((s.clone(), n));
            }
        }
        Ok(out)
    }
}
