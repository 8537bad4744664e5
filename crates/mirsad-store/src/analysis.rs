//! What the analysis stage found, stored beside the articles: entity mentions, quotes and dated
//! events per article, and one summary row per entity (its name, type and article count) kept
//! up to date in the batch transaction that changed its mentions.
//!
//! Mentions, quotes and events store *surface* entity ids (one type and name key, as the
//! analysis of one article gives them); `entity_alias` maps surfaces to the entities resolved
//! across the collection ([`mirsad_analyze::resolve`]), recomputed by [`Store::resolve_entities`]
//! after each ingest, so every read goes through it.
//!
//! Rows belong to their article: replacing an article deletes its rows first, so an entity
//! never counts an article twice and no stale quote outlives the text it came from.

use crate::{Result, Store, StoreError};
use mirsad_model::{ArticleAnalysis, Entity, EntityMention, EntityType, Event, Quote};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

pub(crate) const SCHEMA_SQL: &str = "
-- One row per (entity, article, spelling); `first` is the mention's rank in the article.
CREATE TABLE IF NOT EXISTS mentions (
    entity   TEXT NOT NULL,
    article  TEXT NOT NULL,
    text     TEXT NOT NULL,
    count    INTEGER NOT NULL,
    first    INTEGER NOT NULL,
    PRIMARY KEY (entity, article, text)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article);
CREATE INDEX IF NOT EXISTS mentions_text ON mentions(text);
CREATE TABLE IF NOT EXISTS entities (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL,
    articles  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_by_articles ON entities(articles DESC, id);
CREATE INDEX IF NOT EXISTS entities_by_kind ON entities(kind, articles DESC, id);
CREATE TABLE IF NOT EXISTS quotes (
    article  TEXT NOT NULL,
    n        INTEGER NOT NULL,
    speaker  TEXT,
    json     TEXT NOT NULL,
    PRIMARY KEY (article, n)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);
CREATE TABLE IF NOT EXISTS events (
    article  TEXT NOT NULL,
    n        INTEGER NOT NULL,
    start    TEXT NOT NULL,
    json     TEXT NOT NULL,
    PRIMARY KEY (article, n)
) WITHOUT ROWID;
-- An event under each entity of its sentence: entity timelines by event date.
CREATE TABLE IF NOT EXISTS event_entities (
    entity   TEXT NOT NULL,
    start    TEXT NOT NULL,
    article  TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (entity, start, article, n)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_entities_article ON event_entities(article);
-- The type of each surface entity (the per-article entity of one type and name key).
CREATE TABLE IF NOT EXISTS surfaces (
    id    TEXT PRIMARY KEY,
    kind  TEXT NOT NULL
) WITHOUT ROWID;
-- Surfaces resolved into another entity across the collection (`entity` NULL: not an entity,
-- e.g. a first name alone), with that entity's type. A surface not listed is its own entity.
CREATE TABLE IF NOT EXISTS entity_alias (
    surface  TEXT PRIMARY KEY,
    entity   TEXT,
    kind     TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_alias_entity ON entity_alias(entity);
";

/// The surfaces an entity is made of (SQL; `?1` the entity id).
const MEMBERS: &str = "SELECT ?1 UNION ALL SELECT surface FROM entity_alias WHERE entity = ?1";

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

/// Most articles listed in an [`EntityRecord`].
pub const ENTITY_ARTICLES: usize = 50;
/// Most stories, events and quotes listed in an [`EntityRecord`].
pub const ENTITY_STORIES: usize = 20;
pub const ENTITY_EVENTS: usize = 200;
pub const ENTITY_QUOTES: usize = 50;
/// Most spellings a name search adds.
pub const MAX_SPELLINGS: usize = 8;

fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: PathBuf::from("mirsad.sqlite"), source: e }
}

fn corrupt(id: &str, e: impl ToString) -> StoreError {
    StoreError::Corrupt { id: id.to_string(), reason: e.to_string() }
}

/// An analyzer's output for `articles` articles, refused unless it is one analysis per article.
pub(crate) fn one_per_article(analyses: Vec<ArticleAnalysis>, articles: usize) -> Result<Vec<ArticleAnalysis>> {
    if analyses.len() != articles {
        return Err(corrupt("analysis", format!("{} analyses for {articles} articles", analyses.len())));
    }
    Ok(analyses)
}

/// Entities whose summary rows a batch must recompute, with their type when known.
#[derive(Default)]
pub(crate) struct Touched(HashMap<String, Option<EntityType>>);

/// Deletes the analysis rows of a stored article (before it is replaced).
pub(crate) fn delete_article(tx: &Transaction, article: &str, touched: &mut Touched) -> Result<()> {
    {
        let mut old = tx.prepare_cached("SELECT DISTINCT entity FROM mentions WHERE article = ?1").map_err(sql)?;
        let rows = old.query_map([article], |r| r.get::<_, String>(0)).map_err(sql)?;
        for r in rows {
            touched.0.entry(r.map_err(sql)?).or_insert(None);
        }
    }
    for table in ["mentions", "quotes", "events", "event_entities"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE article = ?1"))
            .map_err(sql)?
            .execute([article])
            .map_err(sql)?;
    }
    Ok(())
}

/// Writes the analysis of one article (whose old rows are gone).
pub(crate) fn insert_article(
    tx: &Transaction,
    article: &str,
    an: &ArticleAnalysis,
    touched: &mut Touched,
) -> Result<()> {
    // (entity, spelling) → (count, first rank)
    let mut spellings: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    let mut surface = tx.prepare_cached("INSERT OR IGNORE INTO surfaces (id, kind) VALUES (?1, ?2)").map_err(sql)?;
    for (rank, m) in an.mentions.iter().enumerate() {
        match spellings.entry((&m.entity, &m.text)) {
            std::collections::btree_map::Entry::Occupied(mut o) => o.get_mut().0 += 1,
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert((1, rank as i64));
                surface.execute(params![&m.entity, m.kind.code()]).map_err(sql)?;
            }
        }
        touched.0.insert(m.entity.clone(), Some(m.kind));
    }
    let mut ins = tx
        .prepare_cached("INSERT INTO mentions (entity, article, text, count, first) VALUES (?1, ?2, ?3, ?4, ?5)")
        .map_err(sql)?;
    for ((entity, text), (count, first)) in spellings {
        ins.execute(params![entity, article, text, count, first]).map_err(sql)?;
    }
    let mut q =
        tx.prepare_cached("INSERT INTO quotes (article, n, speaker, json) VALUES (?1, ?2, ?3, ?4)").map_err(sql)?;
    for (n, quote) in an.quotes.iter().enumerate() {
        let json = serde_json::to_string(quote).map_err(|e| corrupt(article, e))?;
        q.execute(params![article, n as i64, &quote.speaker, json]).map_err(sql)?;
    }
    let mut ev =
        tx.prepare_cached("INSERT INTO events (article, n, start, json) VALUES (?1, ?2, ?3, ?4)").map_err(sql)?;
    let mut ee = tx
        .prepare_cached("INSERT OR IGNORE INTO event_entities (entity, start, article, n) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sql)?;
    for (n, event) in an.events.iter().enumerate() {
        let json = serde_json::to_string(event).map_err(|e| corrupt(article, e))?;
        ev.execute(params![article, n as i64, &event.date.start, json]).map_err(sql)?;
        for e in &event.entities {
            ee.execute(params![e, &event.date.start, article, n as i64]).map_err(sql)?;
        }
    }
    Ok(())
}

/// Recomputes the summary rows of the touched entities: the most used spelling names the
/// entity; an entity no article mentions any more is removed.
pub(crate) fn refresh_entities(tx: &Transaction, touched: Touched) -> Result<()> {
    // The touched surfaces' entities, as currently resolved.
    let mut alias = tx.prepare_cached("SELECT entity, kind FROM entity_alias WHERE surface = ?1").map_err(sql)?;
    let mut entities: BTreeMap<String, Option<EntityType>> = BTreeMap::new();
    for (surface, kind) in touched.0 {
        let row: Option<(Option<String>, Option<String>)> =
            alias.query_row([&surface], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(sql)?;
        match row {
            None => {
                let e = entities.entry(surface).or_insert(kind);
                *e = e.or(kind);
            }
            Some((Some(entity), k)) => {
                entities.insert(entity, k.as_deref().and_then(EntityType::from_code).or(kind));
            }
            Some((None, _)) => {}
        }
    }
    let mut add = tx
        .prepare_cached("INSERT OR IGNORE INTO entities (id, kind, name, articles) VALUES (?1, ?2, '', 0)")
        .map_err(sql)?;
    let mut rows = tx
        .prepare_cached(&format!(
            "SELECT entity, article, text, count FROM mentions WHERE entity IN ({MEMBERS}) ORDER BY article"
        ))
        .map_err(sql)?;
    let mut set = tx.prepare_cached("UPDATE entities SET name = ?2, articles = ?3 WHERE id = ?1").map_err(sql)?;
    let mut del = tx.prepare_cached("DELETE FROM entities WHERE id = ?1").map_err(sql)?;
    for (id, kind) in entities {
        let mut summary = Summary::default();
        let mut q = rows.query([&id]).map_err(sql)?;
        while let Some(r) = q.next().map_err(sql)? {
            let surface: String = r.get(0).map_err(sql)?;
            summary.add(surface == id, r.get(1).map_err(sql)?, r.get(2).map_err(sql)?, r.get(3).map_err(sql)?);
        }
        let Some((name, articles)) = summary.finish() else {
            del.execute([&id]).map_err(sql)?;
            continue;
        };
        if let Some(k) = kind {
            add.execute(params![&id, k.code()]).map_err(sql)?;
        }
        set.execute(params![&id, name, articles]).map_err(sql)?;
    }
    Ok(())
}

/// One entity's summary, from its mention rows in article order.
#[derive(Default)]
struct Summary {
    articles: i64,
    last_article: String,
    /// spelling → (mentions under the entity's own surface, all mentions)
    spellings: HashMap<String, (i64, i64)>,
}

impl Summary {
    fn add(&mut self, own: bool, article: String, text: String, count: i64) {
        if article != self.last_article {
            self.articles += 1;
            self.last_article = article;
        }
        let s = self.spellings.entry(text).or_default();
        s.0 += if own { count } else { 0 };
        s.1 += count;
    }

    /// The name (the most used spelling of the entity's own surface, the name that parts and
    /// variants joined, else the most used of all; the smallest text among equals) and the
    /// number of articles; `None` when no mention is left.
    fn finish(self) -> Option<(String, i64)> {
        let best = self
            .spellings
            .into_iter()
            .max_by(|a, b| (a.1 .0, a.1 .1).cmp(&(b.1 .0, b.1 .1)).then(b.0.cmp(&a.0)))
            .map(|(t, _)| t)?;
        Some((best, self.articles))
    }
}

/// Where each surface goes, as stored: `None` for a surface that is no entity.
fn canonical_of(conn: &rusqlite::Connection, surface: &str) -> Result<Option<String>> {
    let row: Option<Option<String>> = conn
        .prepare_cached("SELECT entity FROM entity_alias WHERE surface = ?1")
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

/// The store's mentions as evidence for resolution.
struct StoredEvidence<'a>(&'a rusqlite::Connection);

impl mirsad_analyze::resolve::Evidence for StoredEvidence<'_> {
    fn articles(&self, surfaces: &[&str], limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let Ok(mut stmt) =
            self.0.prepare_cached("SELECT DISTINCT article FROM mentions WHERE entity = ?1 ORDER BY article LIMIT ?2")
        else {
            return out;
        };
        for s in surfaces {
            if let Ok(rows) = stmt.query_map(params![s, limit as i64], |r| r.get::<_, String>(0)) {
                out.extend(rows.flatten());
            }
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(limit);
        out
    }

    fn surfaces_in(&self, article: &str) -> Vec<String> {
        let Ok(mut stmt) = self.0.prepare_cached("SELECT DISTINCT entity FROM mentions WHERE article = ?1") else {
            return Vec::new();
        };
        stmt.query_map([article], |r| r.get::<_, String>(0)).map(|rows| rows.flatten().collect()).unwrap_or_default()
    }
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
                    arts.push(crate::parse_article(&id, &json)?);
                }
            }
            if arts.is_empty() {
                return Ok(done);
            }
            let analyses = one_per_article(analyzer(&arts), arts.len())?;
            let tx = self.conn.transaction().map_err(sql)?;
            let mut touched = Touched::default();
            for (a, an) in arts.iter().zip(&analyses) {
                delete_article(&tx, &a.id, &mut touched)?;
                insert_article(&tx, &a.id, an, &mut touched)?;
            }
            refresh_entities(&tx, touched)?;
            tx.commit().map_err(sql)?;
            done += arts.len();
            progress(done);
        }
    }

    /// Resolves the stored entities across the whole collection ([`mirsad_analyze::resolve`]:
    /// one type per entity, clitics, partial names, transliteration variants) and rebuilds the
    /// entity summaries, in one transaction. A function of the stored mentions alone, so a
    /// collection ingested batch after batch ends with the entities of one ingested at once.
    /// Returns how many surfaces moved into another entity or were dropped.
    pub fn resolve_entities(&mut self) -> Result<usize> {
        if !self.is_writer() {
            self.lock_writer(crate::Wait::Yes, || {})?;
        }
        // Each surface: its type, most used spelling and mention count.
        let mut stats: Vec<mirsad_analyze::resolve::SurfaceStat> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT m.entity, s.kind, m.text, SUM(m.count) FROM mentions m JOIN surfaces s ON s.id = m.entity
                     GROUP BY m.entity, m.text ORDER BY m.entity",
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
        }
        let resolution = mirsad_analyze::resolve::resolve(&stats, &StoredEvidence(&self.conn));
        let kinds: HashMap<&str, EntityType> = stats.iter().map(|s| (s.id.as_str(), s.kind)).collect();
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute_batch("DELETE FROM entity_alias; DELETE FROM entities;").map_err(sql)?;
        {
            let mut ins =
                tx.prepare("INSERT INTO entity_alias (surface, entity, kind) VALUES (?1, ?2, ?3)").map_err(sql)?;
            for (surface, to) in &resolution.alias {
                let kind = to.as_deref().map(|e| {
                    resolution.kind(e, kinds.get(surface.as_str()).copied().unwrap_or(EntityType::MISC)).code()
                });
                ins.execute(params![surface, to, kind]).map_err(sql)?;
            }
            let mut summaries: HashMap<String, (EntityType, Summary)> = HashMap::new();
            let mut stmt =
                tx.prepare("SELECT entity, article, text, count FROM mentions ORDER BY article").map_err(sql)?;
            let mut rows = stmt.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let surface: String = r.get(0).map_err(sql)?;
                let Some(entity) = resolution.entity(&surface) else { continue };
                let tagged = kinds.get(surface.as_str()).copied().unwrap_or(EntityType::MISC);
                let own = entity == surface;
                let e = summaries
                    .entry(entity.to_string())
                    .or_insert_with(|| (resolution.kind(entity, tagged), Summary::default()));
                e.1.add(own, r.get(1).map_err(sql)?, r.get(2).map_err(sql)?, r.get(3).map_err(sql)?);
            }
            let mut add =
                tx.prepare("INSERT INTO entities (id, kind, name, articles) VALUES (?1, ?2, ?3, ?4)").map_err(sql)?;
            for (id, (kind, summary)) in summaries {
                if let Some((name, articles)) = summary.finish() {
                    add.execute(params![id, kind.code(), name, articles]).map_err(sql)?;
                }
            }
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
                "SELECT COALESCE(al.entity, m.entity) AS e, SUM(m.count) AS n FROM mentions m
                 LEFT JOIN entity_alias al ON al.surface = m.entity
                 WHERE m.text = ?1 AND (al.surface IS NULL OR al.entity IS NOT NULL)
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
                "SELECT text FROM mentions WHERE entity IN ({MEMBERS}) GROUP BY text ORDER BY SUM(count) DESC, text"
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
        let e = |e| self.sql_err(e);
        let mut out = ArticleAnalysis::default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(al.entity, m.entity), COALESCE(al.kind, s.kind), m.text
                 FROM mentions m JOIN surfaces s ON s.id = m.entity
                 LEFT JOIN entity_alias al ON al.surface = m.entity
                 WHERE m.article = ?1 AND (al.surface IS NULL OR al.entity IS NOT NULL) ORDER BY m.first",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([article], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map_err(e)?;
        for row in rows {
            let (entity, kind, text) = row.map_err(e)?;
            let kind = EntityType::from_code(&kind).ok_or_else(|| corrupt(&entity, format!("entity type {kind}")))?;
            out.mentions.push(EntityMention { entity, kind, text });
        }
        out.quotes = self.json_rows("SELECT json FROM quotes WHERE article = ?1 ORDER BY n", [article])?;
        out.events = self.json_rows("SELECT json FROM events WHERE article = ?1 ORDER BY n", [article])?;
        for q in &mut out.quotes {
            resolve_quote(&self.conn, q)?;
        }
        for ev in &mut out.events {
            resolve_event(&self.conn, ev)?;
        }
        Ok(out)
    }

    fn json_rows<T: serde::de::DeserializeOwned>(&self, query: &str, p: impl rusqlite::Params) -> Result<Vec<T>> {
        let e = |e| self.sql_err(e);
        let mut stmt = self.conn.prepare_cached(query).map_err(e)?;
        let rows = stmt.query_map(p, |r| r.get::<_, String>(0)).map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            let json = row.map_err(e)?;
            out.push(serde_json::from_str(&json).map_err(|err| corrupt("stored quote or event", err))?);
        }
        Ok(out)
    }

    /// Entities, those in most articles first; only one type when `kind` is given.
    pub fn entities(&self, kind: Option<EntityType>, offset: usize, limit: usize) -> Result<Vec<EntitySummary>> {
        let e = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, kind, articles FROM entities WHERE ?1 IS NULL OR kind = ?1
                 ORDER BY articles DESC, id LIMIT ?2 OFFSET ?3",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map(params![kind.map(EntityType::code), limit as i64, offset as i64], |r| {
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
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM entities WHERE ?1 IS NULL OR kind = ?1",
                [kind.map(EntityType::code)],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
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
        let strings = |query: &str, p: &[&dyn rusqlite::ToSql]| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare_cached(query).map_err(e)?;
            let rows = stmt.query_map(p, |r| r.get::<_, String>(0)).map_err(e)?;
            rows.collect::<std::result::Result<_, _>>().map_err(e)
        };
        let mut variants = Vec::new();
        let mut variant_counts = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT text, SUM(count) AS n FROM mentions WHERE entity IN ({MEMBERS}) GROUP BY text ORDER BY n DESC, text"
                ))
                .map_err(e)?;
            let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(e)?;
            for r in rows {
                let (t, n) = r.map_err(e)?;
                variants.push(t);
                variant_counts.push(n as u64);
            }
        }
        let articles = strings(
            &format!(
                "SELECT a.id FROM articles a WHERE a.id IN (SELECT article FROM mentions WHERE entity IN ({MEMBERS}))
                 ORDER BY a.published DESC, a.seq DESC LIMIT ?2"
            ),
            &[&id, &(ENTITY_ARTICLES as i64)],
        )?;
        let mut stories = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT s.id, json_extract(s.state, '$.title'), s.size, s.last_published, COUNT(*) AS c
                     FROM articles a JOIN stories s ON s.id = a.story
                     WHERE a.id IN (SELECT article FROM mentions WHERE entity IN ({MEMBERS}))
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
        let mut timeline: Vec<Event> = self.json_rows(
            &format!(
                "SELECT ev.json FROM event_entities x JOIN events ev ON ev.article = x.article AND ev.n = x.n
                 WHERE x.entity IN ({MEMBERS}) ORDER BY x.start DESC, x.article LIMIT ?2"
            ),
            params![id, ENTITY_EVENTS as i64],
        )?;
        for ev in &mut timeline {
            resolve_event(&self.conn, ev)?;
        }
        timeline.reverse();
        // The same event told by several articles (copies) is listed once.
        let mut seen = std::collections::HashSet::new();
        timeline.retain(|ev| seen.insert((ev.date.start.clone(), ev.sentence.clone())));
        let mut quotes: Vec<Quote> = self.json_rows(
            &format!(
                "SELECT q.json FROM quotes q JOIN articles a ON a.id = q.article WHERE q.speaker IN ({MEMBERS})
                 ORDER BY a.published DESC, a.seq DESC, q.n LIMIT ?2"
            ),
            params![id, ENTITY_QUOTES as i64],
        )?;
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
}
