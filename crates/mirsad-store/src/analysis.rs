//! What the analysis stage found, stored beside the articles: entity mentions, quotes and dated
//! events per article, and one summary row per entity (its name, type and article count) kept
//! up to date in the batch transaction that changed its mentions.
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
";

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
    for (rank, m) in an.mentions.iter().enumerate() {
        spellings.entry((&m.entity, &m.text)).or_insert((0, rank as i64)).0 += 1;
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
    let mut add = tx
        .prepare_cached("INSERT OR IGNORE INTO entities (id, kind, name, articles) VALUES (?1, ?2, '', 0)")
        .map_err(sql)?;
    // One pass over the entity's mentions (in primary-key order: by article) gives both the
    // number of articles and the most used spelling.
    let mut rows = tx.prepare_cached("SELECT article, text, count FROM mentions WHERE entity = ?1").map_err(sql)?;
    let mut set = tx.prepare_cached("UPDATE entities SET name = ?2, articles = ?3 WHERE id = ?1").map_err(sql)?;
    let mut del = tx.prepare_cached("DELETE FROM entities WHERE id = ?1").map_err(sql)?;
    for (id, kind) in touched.0 {
        let mut articles = 0i64;
        let mut last_article = String::new();
        let mut spellings: HashMap<String, i64> = HashMap::new();
        let mut q = rows.query([&id]).map_err(sql)?;
        while let Some(r) = q.next().map_err(sql)? {
            let article: String = r.get(0).map_err(sql)?;
            if article != last_article {
                articles += 1;
                last_article = article;
            }
            *spellings.entry(r.get(1).map_err(sql)?).or_default() += r.get::<_, i64>(2).map_err(sql)?;
        }
        // Most used spelling; the smallest text among equals (as `ORDER BY SUM(count) DESC, text`).
        let Some(best) = spellings.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|(t, _)| t) else {
            del.execute([&id]).map_err(sql)?;
            continue;
        };
        if let Some(k) = kind {
            add.execute(params![&id, k.code()]).map_err(sql)?;
        }
        set.execute(params![&id, best, articles]).map_err(sql)?;
    }
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

    /// The stored analysis of one article (empty when it was stored without one).
    pub fn analysis(&self, article: &str) -> Result<ArticleAnalysis> {
        let e = |e| self.sql_err(e);
        let mut out = ArticleAnalysis::default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT m.entity, e.kind, m.text FROM mentions m JOIN entities e ON e.id = m.entity
                 WHERE m.article = ?1 ORDER BY m.first",
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
        let variants = strings(
            "SELECT text FROM mentions WHERE entity = ?1 GROUP BY text ORDER BY SUM(count) DESC, text",
            &[&id],
        )?;
        let articles = strings(
            "SELECT a.id FROM articles a WHERE a.id IN (SELECT article FROM mentions WHERE entity = ?1)
             ORDER BY a.published DESC, a.seq DESC LIMIT ?2",
            &[&id, &(ENTITY_ARTICLES as i64)],
        )?;
        let mut stories = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT s.id, json_extract(s.state, '$.title'), s.size, s.last_published, COUNT(*) AS c
                     FROM articles a JOIN stories s ON s.id = a.story
                     WHERE a.id IN (SELECT article FROM mentions WHERE entity = ?1)
                     GROUP BY s.id ORDER BY c DESC, s.last_published DESC LIMIT ?2",
                )
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
            "SELECT ev.json FROM event_entities x JOIN events ev ON ev.article = x.article AND ev.n = x.n
             WHERE x.entity = ?1 ORDER BY x.start DESC, x.article LIMIT ?2",
            params![id, ENTITY_EVENTS as i64],
        )?;
        timeline.reverse();
        // The same event told by several articles (copies) is listed once.
        let mut seen = std::collections::HashSet::new();
        timeline.retain(|ev| seen.insert((ev.date.start.clone(), ev.sentence.clone())));
        let quotes = self.json_rows(
            "SELECT q.json FROM quotes q JOIN articles a ON a.id = q.article WHERE q.speaker = ?1
             ORDER BY a.published DESC, a.seq DESC, q.n LIMIT ?2",
            params![id, ENTITY_QUOTES as i64],
        )?;
        Ok(Some(EntityRecord {
            entity: Entity { id: id.to_string(), name, kind, variants, articles },
            article_count: article_count as u64,
            stories,
            timeline,
            quotes,
        }))
    }
}
