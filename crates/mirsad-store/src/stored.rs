//! How the analysis of an article is kept (schema 3).
//!
//! One row per analyzed article (`analysis`, keyed by the article's `seq`, so a batch appends)
//! holds its mentions as numbers — (surface, spelling, count, rank of the first) — and its quotes
//! and events with their texts as places in the article's body, which holds them; a text the
//! body does not hold is written out. Surface ids and spellings are numbered once (`surface`,
//! `spelling`). Beside it, only what reads need by entity: a surface's articles in id order
//! (`surface_article`: resolution evidence, entity pages), a speaker's quotes, an entity's events
//! by date; and per-surface aggregates (`surface_spelling`: mentions per spelling) kept up to
//! date at insert and delete, so that naming an entity or collecting the resolution's statistics
//! reads a few rows per surface, never the mentions of the whole collection.
//!
//! Entity summaries (`entities`: name, type, article count) are kept up to date the same way: an
//! article inserted or deleted adds or removes one article to each entity it mentions, as
//! currently resolved (`surface_alias`), and those entities are named again from the
//! aggregates. A new resolution changes only the entities whose surfaces moved, counting again
//! only the articles that mention a moved surface.

use crate::{Result, StoreError};
use mirsad_model::{ArticleAnalysis, EntityType, Event, EventBasis, EventDate, Quote};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

pub(crate) const SCHEMA_SQL: &str = "
-- Surface entities (one type and name key, as one article's analysis gives them), numbered.
-- `kind` is NULL for an id only a quote or an event named.
CREATE TABLE IF NOT EXISTS surface (
    n     INTEGER PRIMARY KEY,
    id    TEXT NOT NULL UNIQUE,
    kind  TEXT
);
CREATE TABLE IF NOT EXISTS spelling (
    n     INTEGER PRIMARY KEY,
    text  TEXT NOT NULL UNIQUE
);
-- Mentions of each surface per spelling over the whole collection.
CREATE TABLE IF NOT EXISTS surface_spelling (
    surface   INTEGER NOT NULL,
    spelling  INTEGER NOT NULL,
    mentions  INTEGER NOT NULL,
    PRIMARY KEY (surface, spelling)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS surface_spelling_by_text ON surface_spelling(spelling);
-- The articles that mention each surface, by `seq`. Keyed in storing order so that a batch
-- appends at the end of each surface's rows: keyed by article id (schema 3), every row went to
-- a random place, and once the table outgrew the page cache a batch rewrote (and read back) a
-- page per row, a cost per article that grew with the collection.
CREATE TABLE IF NOT EXISTS surface_article (
    surface  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (surface, seq)
) WITHOUT ROWID;
-- One article's analysis (JSON of `Stored`), under the article's `seq`.
CREATE TABLE IF NOT EXISTS analysis (
    seq   INTEGER PRIMARY KEY,
    data  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quote_speaker (
    surface  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (surface, seq, n)
) WITHOUT ROWID;
-- An event under each entity of its sentence: entity timelines (sorted by `start` when read,
-- as they were already sorted across an entity's surfaces). Keyed in storing order, like
-- `surface_article`: keyed by event date, a batch wrote all over the table.
CREATE TABLE IF NOT EXISTS event_entity (
    surface  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    start    TEXT NOT NULL,
    PRIMARY KEY (surface, seq, n)
) WITHOUT ROWID;
-- Surfaces resolved into another entity across the collection (`entity` NULL: not an entity,
-- e.g. a first name alone), with that entity's type. A surface not listed is its own entity.
CREATE TABLE IF NOT EXISTS surface_alias (
    surface  INTEGER PRIMARY KEY,
    entity   TEXT,
    kind     TEXT
);
CREATE INDEX IF NOT EXISTS surface_alias_entity ON surface_alias(entity);
CREATE TABLE IF NOT EXISTS entities (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL,
    articles  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_by_articles ON entities(articles DESC, id);
CREATE INDEX IF NOT EXISTS entities_by_kind ON entities(kind, articles DESC, id);
CREATE INDEX IF NOT EXISTS entities_by_name ON entities(name, id);
";

/// Indexes made after any migration (they name columns older schemas lack). The surfaces of
/// each article, for lists of the entities of a span of days: `seq` only grows, so a batch
/// appends at the end of this index too.
pub(crate) const LATE_INDEXES_SQL: &str = "CREATE INDEX IF NOT EXISTS surface_article_by_seq ON surface_article(seq);";

/// The surfaces an entity is made of, as numbers (SQL; `?1` the entity id).
pub(crate) const MEMBERS: &str =
    "SELECT n FROM surface WHERE id = ?1 UNION ALL SELECT surface FROM surface_alias WHERE entity = ?1";

pub(crate) fn sql(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: PathBuf::from("mirsad.sqlite"), source: e }
}

pub(crate) fn corrupt(id: &str, e: impl ToString) -> StoreError {
    StoreError::Corrupt { id: id.to_string(), reason: e.to_string() }
}

/// A text of the analysis: a place in the article's body (byte offset and length), or the text
/// itself when the body does not hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Text {
    At(u32, u32),
    Own(String),
}

impl Text {
    fn of(body: &str, s: &str) -> Text {
        if !s.is_empty() {
            if let Some(i) = body.find(s) {
                if let (Ok(at), Ok(len)) = (u32::try_from(i), u32::try_from(s.len())) {
                    return Text::At(at, len);
                }
            }
        }
        Text::Own(s.to_string())
    }

    fn get(&self, body: &str, article: &str) -> Result<String> {
        match self {
            Text::Own(s) => Ok(s.clone()),
            Text::At(at, len) => body
                .get(*at as usize..(*at as usize).saturating_add(*len as usize))
                .map(str::to_string)
                .ok_or_else(|| corrupt(article, format!("analysis text at {at}+{len} is not in the body"))),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

/// One stored quote; `s` and `n` are the speaker (surface number) and the speaker's words.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredQuote {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<Text>,
    t: Text,
    #[serde(default, skip_serializing_if = "is_false")]
    d: bool,
    /// The article the quote names, when it is not the one it is stored under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
}

/// One stored event: start, end, basis, expression, sentence, entities (surface numbers).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEvent {
    d: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    z: Option<String>,
    b: EventBasis,
    x: Text,
    s: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    e: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
}

/// The stored analysis of one article.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// (surface, spelling, mentions, rank of the first) per spelling of a surface, by first rank.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    m: Vec<(u32, u32, u32, u32)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    q: Vec<StoredQuote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    e: Vec<StoredEvent>,
}

impl Stored {
    fn parse(article: &str, data: &str) -> Result<Stored> {
        serde_json::from_str(data).map_err(|e| corrupt(article, format!("stored analysis: {e}")))
    }

    /// The distinct surfaces the article mentions.
    pub(crate) fn surfaces(&self) -> BTreeSet<u32> {
        self.m.iter().map(|m| m.0).collect()
    }
}

/// The spellings of one surface in one article: (surface id, its type, text, count, first rank).
pub(crate) struct MentionRow {
    pub surface: String,
    pub kind: Option<EntityType>,
    pub text: String,
    pub count: u32,
    pub first: u32,
}

/// An article's mentions grouped by surface and spelling, in order of first mention.
fn mention_rows(an: &ArticleAnalysis) -> Vec<MentionRow> {
    let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut rows: Vec<MentionRow> = Vec::new();
    for (rank, m) in an.mentions.iter().enumerate() {
        match by.get(&(m.entity.as_str(), m.text.as_str())) {
            Some(&i) => rows[i].count += 1,
            None => {
                by.insert((&m.entity, &m.text), rows.len());
                rows.push(MentionRow {
                    surface: m.entity.clone(),
                    kind: Some(m.kind),
                    text: m.text.clone(),
                    count: 1,
                    first: rank as u32,
                });
            }
        }
    }
    rows
}

/// Numbers and resolution of surfaces and spellings, read once per transaction.
pub(crate) struct Names<'c> {
    conn: &'c Connection,
    surfaces: HashMap<String, u32>,
    ids: HashMap<u32, (String, Option<EntityType>)>,
    spellings: HashMap<String, u32>,
    texts: HashMap<u32, String>,
}

impl<'c> Names<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Names { conn, surfaces: HashMap::new(), ids: HashMap::new(), spellings: HashMap::new(), texts: HashMap::new() }
    }

    /// The number of a surface id, created when new; a type given fills one not known yet.
    fn surface(&mut self, id: &str, kind: Option<EntityType>) -> Result<u32> {
        if let Some(&n) = self.surfaces.get(id) {
            if kind.is_some() && self.ids.get(&n).is_some_and(|(_, k)| k.is_none()) {
                self.set_kind(n, id, kind)?;
            }
            return Ok(n);
        }
        let row: Option<(u32, Option<String>)> = self
            .conn
            .prepare_cached("SELECT n, kind FROM surface WHERE id = ?1")
            .map_err(sql)?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql)?;
        let n = match row {
            Some((n, k)) => {
                let known = k.as_deref().and_then(EntityType::from_code);
                self.ids.insert(n, (id.to_string(), known));
                if known.is_none() && kind.is_some() {
                    self.set_kind(n, id, kind)?;
                }
                n
            }
            None => {
                self.conn
                    .prepare_cached("INSERT INTO surface (id, kind) VALUES (?1, ?2)")
                    .map_err(sql)?
                    .execute(params![id, kind.map(EntityType::code)])
                    .map_err(sql)?;
                let n = self.conn.last_insert_rowid() as u32;
                self.ids.insert(n, (id.to_string(), kind));
                n
            }
        };
        self.surfaces.insert(id.to_string(), n);
        Ok(n)
    }

    fn set_kind(&mut self, n: u32, id: &str, kind: Option<EntityType>) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE surface SET kind = ?2 WHERE n = ?1")
            .map_err(sql)?
            .execute(params![n, kind.map(EntityType::code)])
            .map_err(sql)?;
        self.ids.insert(n, (id.to_string(), kind));
        Ok(())
    }

    /// The number of a surface id already stored.
    pub(crate) fn known_surface(&mut self, id: &str) -> Result<Option<u32>> {
        if let Some(&n) = self.surfaces.get(id) {
            return Ok(Some(n));
        }
        let n: Option<u32> = self
            .conn
            .prepare_cached("SELECT n FROM surface WHERE id = ?1")
            .map_err(sql)?
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        if let Some(n) = n {
            self.surfaces.insert(id.to_string(), n);
        }
        Ok(n)
    }

    /// The id and type of a surface number.
    pub(crate) fn surface_id(&mut self, n: u32) -> Result<&(String, Option<EntityType>)> {
        if !self.ids.contains_key(&n) {
            let (id, kind): (String, Option<String>) = self
                .conn
                .prepare_cached("SELECT id, kind FROM surface WHERE n = ?1")
                .map_err(sql)?
                .query_row([n], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql)?
                .ok_or_else(|| corrupt("analysis", format!("no surface {n}")))?;
            let kind = kind.as_deref().and_then(EntityType::from_code);
            self.surfaces.insert(id.clone(), n);
            self.ids.insert(n, (id, kind));
        }
        Ok(&self.ids[&n])
    }

    fn spelling(&mut self, text: &str) -> Result<u32> {
        if let Some(&n) = self.spellings.get(text) {
            return Ok(n);
        }
        let row: Option<u32> = self
            .conn
            .prepare_cached("SELECT n FROM spelling WHERE text = ?1")
            .map_err(sql)?
            .query_row([text], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        let n = match row {
            Some(n) => n,
            None => {
                self.conn
                    .prepare_cached("INSERT INTO spelling (text) VALUES (?1)")
                    .map_err(sql)?
                    .execute([text])
                    .map_err(sql)?;
                self.conn.last_insert_rowid() as u32
            }
        };
        self.spellings.insert(text.to_string(), n);
        Ok(n)
    }

    pub(crate) fn spelling_text(&mut self, n: u32) -> Result<&str> {
        if !self.texts.contains_key(&n) {
            let t: String = self
                .conn
                .prepare_cached("SELECT text FROM spelling WHERE n = ?1")
                .map_err(sql)?
                .query_row([n], |r| r.get(0))
                .optional()
                .map_err(sql)?
                .ok_or_else(|| corrupt("analysis", format!("no spelling {n}")))?;
            self.texts.insert(n, t);
        }
        Ok(&self.texts[&n])
    }
}

/// Where surfaces go: the stored resolution (`surface_alias`), or one being put in its place.
pub(crate) trait AliasMap {
    /// `None`: the surface is its own entity; `Some(None)`: it is no entity.
    fn alias(&mut self, n: u32) -> Result<Option<Option<String>>>;
}

/// The stored resolution, read as needed.
pub(crate) struct StoredAlias<'c> {
    conn: &'c Connection,
    cache: HashMap<u32, Option<Option<String>>>,
}

impl<'c> StoredAlias<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        StoredAlias { conn, cache: HashMap::new() }
    }
}

impl AliasMap for StoredAlias<'_> {
    fn alias(&mut self, n: u32) -> Result<Option<Option<String>>> {
        if let Some(a) = self.cache.get(&n) {
            return Ok(a.clone());
        }
        let a: Option<Option<String>> = self
            .conn
            .prepare_cached("SELECT entity FROM surface_alias WHERE surface = ?1")
            .map_err(sql)?
            .query_row([n], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        self.cache.insert(n, a.clone());
        Ok(a)
    }
}

impl AliasMap for HashMap<u32, (Option<String>, Option<&'static str>)> {
    fn alias(&mut self, n: u32) -> Result<Option<Option<String>>> {
        Ok(self.get(&n).map(|(to, _)| to.clone()))
    }
}

/// The entities an article counts for: each of its surfaces as resolved by `alias`.
pub(crate) fn entities_of(
    names: &mut Names,
    alias: &mut dyn AliasMap,
    surfaces: impl IntoIterator<Item = u32>,
) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for s in surfaces {
        match alias.alias(s)? {
            Some(Some(e)) => {
                out.insert(e);
            }
            Some(None) => {}
            None => {
                out.insert(names.surface_id(s)?.0.clone());
            }
        }
    }
    Ok(out)
}

/// Writes and deletes the analyses of a transaction and keeps the aggregates and the entity
/// summaries they change up to date ([`Writer::finish`]).
pub(crate) struct Writer<'c> {
    conn: &'c Connection,
    names: Names<'c>,
    alias: StoredAlias<'c>,
    /// Change of article count of each entity a written or deleted article counts for.
    changed: HashMap<String, i64>,
    /// Articles whose analysis was written or deleted.
    written: Vec<String>,
}

impl<'c> Writer<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Writer {
            conn,
            names: Names::new(conn),
            alias: StoredAlias::new(conn),
            changed: HashMap::new(),
            written: Vec::new(),
        }
    }

    /// Stores the analysis of the article `id` (stored under `seq`, with this body).
    pub(crate) fn insert(&mut self, seq: i64, id: &str, body: &str, an: &ArticleAnalysis) -> Result<()> {
        self.insert_rows(seq, id, body, mention_rows(an), &an.quotes, &an.events)
    }

    pub(crate) fn insert_rows(
        &mut self,
        seq: i64,
        id: &str,
        body: &str,
        mentions: Vec<MentionRow>,
        quotes: &[Quote],
        events: &[Event],
    ) -> Result<()> {
        if mentions.is_empty() && quotes.is_empty() && events.is_empty() {
            return Ok(());
        }
        let mut st = Stored::default();
        for m in &mentions {
            let s = self.names.surface(&m.surface, m.kind)?;
            let sp = self.names.spelling(&m.text)?;
            st.m.push((s, sp, m.count, m.first));
        }
        st.m.sort_by_key(|m| m.3);
        for q in quotes {
            st.q.push(StoredQuote {
                s: q.speaker.as_deref().map(|s| self.names.surface(s, None)).transpose()?,
                n: q.speaker_name.as_deref().map(|n| Text::of(body, n)),
                t: Text::of(body, &q.text),
                d: q.direct,
                a: (q.article != id).then(|| q.article.clone()),
            });
        }
        for ev in events {
            st.e.push(StoredEvent {
                d: ev.date.start.clone(),
                z: ev.date.end.clone(),
                b: ev.date.basis,
                x: Text::of(body, &ev.expression),
                s: Text::of(body, &ev.sentence),
                e: ev.entities.iter().map(|e| self.names.surface(e, None)).collect::<Result<_>>()?,
                a: (ev.article != id).then(|| ev.article.clone()),
            });
        }
        let data = serde_json::to_string(&st).map_err(|e| corrupt(id, e))?;
        self.conn
            .prepare_cached("INSERT INTO analysis (seq, data) VALUES (?1, ?2)")
            .map_err(sql)?
            .execute(params![seq, data])
            .map_err(sql)?;
        self.index(seq, id, &st, 1)
    }

    /// Deletes the stored analysis of the article `id` stored under `seq` (none is fine).
    pub(crate) fn delete(&mut self, seq: i64, id: &str) -> Result<()> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM analysis WHERE seq = ?1")
            .map_err(sql)?
            .query_row([seq], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        let Some(data) = data else { return Ok(()) };
        let st = Stored::parse(id, &data)?;
        self.conn.prepare_cached("DELETE FROM analysis WHERE seq = ?1").map_err(sql)?.execute([seq]).map_err(sql)?;
        self.index(seq, id, &st, -1)
    }

    /// Adds (`sign` 1) or removes (-1) what reads find an article's analysis by.
    fn index(&mut self, seq: i64, id: &str, st: &Stored, sign: i64) -> Result<()> {
        let c = self.conn;
        self.written.push(id.to_string());
        let [article, spelling, quote, event] = if sign > 0 {
            [
                "INSERT OR IGNORE INTO surface_article (surface, seq) VALUES (?1, ?2)",
                "INSERT INTO surface_spelling (surface, spelling, mentions) VALUES (?1, ?2, ?3)
                 ON CONFLICT (surface, spelling) DO UPDATE SET mentions = mentions + excluded.mentions",
                "INSERT OR IGNORE INTO quote_speaker (surface, seq, n) VALUES (?1, ?2, ?3)",
                "INSERT OR IGNORE INTO event_entity (surface, seq, n, start) VALUES (?1, ?3, ?4, ?2)",
            ]
        } else {
            [
                "DELETE FROM surface_article WHERE surface = ?1 AND seq = ?2",
                // The row goes when its count does.
                "UPDATE surface_spelling SET mentions = mentions - ?3 WHERE surface = ?1 AND spelling = ?2
                 RETURNING mentions",
                "DELETE FROM quote_speaker WHERE surface = ?1 AND seq = ?2 AND n = ?3",
                "DELETE FROM event_entity WHERE surface = ?1 AND seq = ?3 AND n = ?4 AND start = ?2",
            ]
        };
        {
            let mut stmt = c.prepare_cached(spelling).map_err(sql)?;
            let mut gone =
                c.prepare_cached("DELETE FROM surface_spelling WHERE surface = ?1 AND spelling = ?2").map_err(sql)?;
            for &(s, sp, count, _) in &st.m {
                if sign > 0 {
                    stmt.execute(params![s, sp, count]).map_err(sql)?;
                } else {
                    let left: Option<i64> =
                        stmt.query_row(params![s, sp, count], |r| r.get(0)).optional().map_err(sql)?;
                    if left.is_some_and(|n| n <= 0) {
                        gone.execute(params![s, sp]).map_err(sql)?;
                    }
                }
            }
        }
        let surfaces = st.surfaces();
        {
            let mut stmt = c.prepare_cached(article).map_err(sql)?;
            for &s in &surfaces {
                stmt.execute(params![s, seq]).map_err(sql)?;
            }
            let mut stmt = c.prepare_cached(quote).map_err(sql)?;
            for (n, q) in st.q.iter().enumerate() {
                if let Some(s) = q.s {
                    stmt.execute(params![s, seq, n as i64]).map_err(sql)?;
                }
            }
            let mut stmt = c.prepare_cached(event).map_err(sql)?;
            for (n, ev) in st.e.iter().enumerate() {
                for &s in &ev.e {
                    stmt.execute(params![s, &ev.d, seq, n as i64]).map_err(sql)?;
                }
            }
        }
        for e in entities_of(&mut self.names, &mut self.alias, surfaces)? {
            *self.changed.entry(e).or_default() += sign;
        }
        Ok(())
    }

    /// Brings the summaries of the entities the written articles count for up to date.
    /// Returns the articles whose analysis was written or deleted.
    pub(crate) fn finish(mut self) -> Result<Vec<String>> {
        let changed = std::mem::take(&mut self.changed);
        update_entities(self.conn, &changed)?;
        Ok(self.written)
    }
}

/// Adds each change to an entity's article count and names it again from the aggregates of its
/// surfaces; an entity no article mentions any more is removed.
pub(crate) fn update_entities(conn: &Connection, changed: &HashMap<String, i64>) -> Result<()> {
    let mut ids: Vec<(&String, &i64)> = changed.iter().collect();
    ids.sort();
    let mut count = conn.prepare_cached("SELECT articles FROM entities WHERE id = ?1").map_err(sql)?;
    let mut set = conn
        .prepare_cached(
            "INSERT INTO entities (id, kind, name, articles) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, articles = excluded.articles",
        )
        .map_err(sql)?;
    let mut del = conn.prepare_cached("DELETE FROM entities WHERE id = ?1").map_err(sql)?;
    for (id, delta) in ids {
        let articles = count.query_row([id], |r| r.get::<_, i64>(0)).optional().map_err(sql)?.unwrap_or(0) + delta;
        match name_of(conn, id)? {
            Some(name) if articles > 0 => {
                set.execute(params![id, kind_of(conn, id)?.code(), name, articles]).map_err(sql)?;
            }
            _ => {
                del.execute([id]).map_err(sql)?;
            }
        }
    }
    Ok(())
}

/// The type of an entity: the one its resolution gave, else its own surface's.
fn kind_of(conn: &Connection, id: &str) -> Result<EntityType> {
    let k: Option<String> = conn
        .prepare_cached("SELECT kind FROM surface_alias WHERE entity = ?1 AND kind IS NOT NULL LIMIT 1")
        .map_err(sql)?
        .query_row([id], |r| r.get(0))
        .optional()
        .map_err(sql)?;
    let k = match k {
        Some(k) => Some(k),
        None => conn
            .prepare_cached("SELECT kind FROM surface WHERE id = ?1")
            .map_err(sql)?
            .query_row([id], |r| r.get::<_, Option<String>>(0))
            .optional()
            .map_err(sql)?
            .flatten(),
    };
    Ok(k.as_deref().and_then(EntityType::from_code).unwrap_or(EntityType::MISC))
}

/// An entity's name: the most used spelling of its own surface's name key (the name that parts
/// and variants joined: not «بوتين», which articles link to «فلاديمير بوتين»), else the most
/// used of its own surface, else of all; the smallest text among equals. `None` when no surface
/// of it is mentioned.
fn name_of(conn: &Connection, id: &str) -> Result<Option<String>> {
    let own_kind: Option<EntityType> = conn
        .prepare_cached("SELECT kind FROM surface WHERE id = ?1")
        .map_err(sql)?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()
        .map_err(sql)?
        .flatten()
        .as_deref()
        .and_then(EntityType::from_code);
    let own_key = |text: &str| own_kind.is_some_and(|k| mirsad_analyze::resolve::is_own_spelling(id, k, text));
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT s.id = ?1, sp.text, ss.mentions FROM surface_spelling ss
             JOIN surface s ON s.n = ss.surface JOIN spelling sp ON sp.n = ss.spelling
             WHERE ss.surface IN ({MEMBERS})"
        ))
        .map_err(sql)?;
    let mut rows = stmt.query([id]).map_err(sql)?;
    // spelling → (mentions under the entity's own surface, all mentions)
    let mut spellings: HashMap<String, (i64, i64)> = HashMap::new();
    while let Some(r) = rows.next().map_err(sql)? {
        let (own, text, n): (bool, String, i64) =
            (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?, r.get(2).map_err(sql)?);
        let s = spellings.entry(text).or_default();
        s.0 += if own { n } else { 0 };
        s.1 += n;
    }
    Ok(spellings
        .into_iter()
        .map(|(t, n)| ((n.0 > 0 && own_key(&t), n), t))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, t)| t))
}

/// Recounts every entity summary from the stored analyses under the stored resolution: what
/// the incremental updates keep, at the cost of a pass over the collection.
pub(crate) fn recount_entities(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM entities").map_err(sql)?;
    let mut names = Names::new(conn);
    let mut alias = StoredAlias::new(conn);
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare("SELECT seq, data FROM analysis").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let (seq, data): (i64, String) = (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?);
        let st = Stored::parse(&format!("analysis {seq}"), &data)?;
        for e in entities_of(&mut names, &mut alias, st.surfaces())? {
            *counts.entry(e).or_default() += 1;
        }
    }
    update_entities(conn, &counts)
}

/// Stores a resolution in place of the stored one: only the surfaces that moved are written,
/// and only the entities they left or joined change, counted again over the articles that
/// mention a moved surface. Returns the number of surfaces that moved.
pub(crate) fn apply_resolution(
    conn: &Connection,
    resolution: &mirsad_analyze::resolve::Resolution,
    kinds: &HashMap<&str, EntityType>,
) -> Result<usize> {
    let mut names = Names::new(conn);
    let mut new: HashMap<u32, (Option<String>, Option<&'static str>)> = HashMap::new();
    for (surface, to) in &resolution.alias {
        let Some(n) = names.known_surface(surface)? else { continue };
        let kind = to
            .as_deref()
            .map(|e| resolution.kind(e, kinds.get(surface.as_str()).copied().unwrap_or(EntityType::MISC)).code());
        new.insert(n, (to.clone(), kind));
    }
    let mut old: HashMap<u32, (Option<String>, Option<&'static str>)> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT surface, entity, kind FROM surface_alias").map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let k: Option<String> = r.get(2).map_err(sql)?;
            let k = k.as_deref().and_then(EntityType::from_code).map(EntityType::code);
            old.insert(r.get(0).map_err(sql)?, (r.get(1).map_err(sql)?, k));
        }
    }
    let mut moved: Vec<u32> = old
        .keys()
        .chain(new.keys())
        .copied()
        .filter(|n| old.get(n) != new.get(n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    moved.sort_unstable();
    if moved.is_empty() {
        return Ok(0);
    }
    // The entities the moved surfaces left and joined are named again; the articles that
    // mention a moved surface count again for the entities they now name.
    let mut changed: HashMap<String, i64> = HashMap::new();
    for &n in &moved {
        let own = names.surface_id(n)?.0.clone();
        for map in [&old, &new] {
            match map.get(&n) {
                Some((Some(e), _)) => {
                    changed.entry(e.clone()).or_default();
                }
                Some((None, _)) => {}
                None => {
                    changed.entry(own.clone()).or_default();
                }
            }
        }
    }
    let mut articles: BTreeSet<i64> = BTreeSet::new();
    {
        let mut stmt = conn.prepare_cached("SELECT seq FROM surface_article WHERE surface = ?1").map_err(sql)?;
        for &n in &moved {
            let rows = stmt.query_map([n], |r| r.get::<_, i64>(0)).map_err(sql)?;
            for a in rows {
                articles.insert(a.map_err(sql)?);
            }
        }
    }
    {
        let mut stmt = conn.prepare_cached("SELECT data FROM analysis WHERE seq = ?1").map_err(sql)?;
        for &seq in &articles {
            let Some(data) = stmt.query_row([seq], |r| r.get::<_, String>(0)).optional().map_err(sql)? else {
                continue;
            };
            let surfaces = Stored::parse(&format!("analysis {seq}"), &data)?.surfaces();
            let before = entities_of(&mut names, &mut old, surfaces.iter().copied())?;
            let after = entities_of(&mut names, &mut new, surfaces)?;
            for e in before.difference(&after) {
                *changed.entry(e.clone()).or_default() -= 1;
            }
            for e in after.difference(&before) {
                *changed.entry(e.clone()).or_default() += 1;
            }
        }
    }
    {
        let mut put = conn
            .prepare_cached("INSERT OR REPLACE INTO surface_alias (surface, entity, kind) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        let mut del = conn.prepare_cached("DELETE FROM surface_alias WHERE surface = ?1").map_err(sql)?;
        for &n in &moved {
            match new.get(&n) {
                Some((to, kind)) => put.execute(params![n, to, kind]).map_err(sql)?,
                None => del.execute([n]).map_err(sql)?,
            };
        }
    }
    update_entities(conn, &changed)?;
    Ok(moved.len())
}

/// Replaces the stored resolution with `resolution` and counts every entity again.
pub(crate) fn replace_resolution(
    conn: &Connection,
    resolution: &mirsad_analyze::resolve::Resolution,
    kinds: &HashMap<&str, EntityType>,
) -> Result<()> {
    conn.execute_batch("DELETE FROM surface_alias").map_err(sql)?;
    let mut names = Names::new(conn);
    let mut put = conn.prepare("INSERT INTO surface_alias (surface, entity, kind) VALUES (?1, ?2, ?3)").map_err(sql)?;
    for (surface, to) in &resolution.alias {
        let Some(n) = names.known_surface(surface)? else { continue };
        let kind = to
            .as_deref()
            .map(|e| resolution.kind(e, kinds.get(surface.as_str()).copied().unwrap_or(EntityType::MISC)).code());
        put.execute(params![n, to, kind]).map_err(sql)?;
    }
    recount_entities(conn)
}

/// A stored article's body and analysis, as read back.
pub(crate) struct Loaded {
    pub id: String,
    body: String,
    st: Stored,
}

#[derive(Deserialize)]
struct BodyOnly {
    body: String,
}

impl Loaded {
    pub(crate) fn parse(id: String, article_json: &str, data: &str) -> Result<Loaded> {
        let body = serde_json::from_str::<BodyOnly>(article_json).map_err(|e| corrupt(&id, e))?.body;
        let st = Stored::parse(&id, data)?;
        Ok(Loaded { id, body, st })
    }

    /// The mentions as (surface number, spelling number), by first rank.
    pub(crate) fn mentions(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.st.m.iter().map(|m| (m.0, m.1))
    }

    pub(crate) fn quote_count(&self) -> usize {
        self.st.q.len()
    }

    pub(crate) fn event_count(&self) -> usize {
        self.st.e.len()
    }

    /// Quote `n` with its speaker as the stored surface id.
    pub(crate) fn quote(&self, names: &mut Names, n: usize) -> Result<Quote> {
        let q = self.st.q.get(n).ok_or_else(|| corrupt(&self.id, format!("no quote {n}")))?;
        Ok(Quote {
            article: q.a.clone().unwrap_or_else(|| self.id.clone()),
            speaker: q.s.map(|s| names.surface_id(s).map(|x| x.0.clone())).transpose()?,
            speaker_name: q.n.as_ref().map(|t| t.get(&self.body, &self.id)).transpose()?,
            text: q.t.get(&self.body, &self.id)?,
            direct: q.d,
        })
    }

    /// Event `n` with its entities as the stored surface ids.
    pub(crate) fn event(&self, names: &mut Names, n: usize) -> Result<Event> {
        let e = self.st.e.get(n).ok_or_else(|| corrupt(&self.id, format!("no event {n}")))?;
        Ok(Event {
            article: e.a.clone().unwrap_or_else(|| self.id.clone()),
            date: EventDate { start: e.d.clone(), end: e.z.clone(), basis: e.b },
            expression: e.x.get(&self.body, &self.id)?,
            sentence: e.s.get(&self.body, &self.id)?,
            entities: e.e.iter().map(|&s| names.surface_id(s).map(|x| x.0.clone())).collect::<Result<_>>()?,
        })
    }
}

/// The stored article `seq` (its id, body and analysis), `None` when it has no analysis.
pub(crate) fn load_seq(conn: &Connection, seq: i64) -> Result<Option<Loaded>> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT a.id, a.json, an.data FROM articles a JOIN analysis an ON an.seq = a.seq WHERE a.seq = ?1",
        )
        .map_err(sql)?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
        .map_err(sql)?;
    row.map(|(id, json, data)| Loaded::parse(id, &json, &data)).transpose()
}

/// The stored analysis of the article `id`, `None` when it has none.
pub(crate) fn load_id(conn: &Connection, id: &str) -> Result<Option<Loaded>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT a.json, an.data FROM articles a JOIN analysis an ON an.seq = a.seq WHERE a.id = ?1")
        .map_err(sql)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(sql)?;
    row.map(|(json, data)| Loaded::parse(id.to_string(), &json, &data)).transpose()
}

/// The surface numbers an article mentions (resolution evidence).
pub(crate) fn surfaces_of(conn: &Connection, id: &str) -> Result<BTreeSet<u32>> {
    let data: Option<String> = conn
        .prepare_cached("SELECT an.data FROM articles a JOIN analysis an ON an.seq = a.seq WHERE a.id = ?1")
        .map_err(sql)?
        .query_row([id], |r| r.get(0))
        .optional()
        .map_err(sql)?;
    /// Only the mentions of a stored analysis (the rest is skipped unread).
    #[derive(Deserialize)]
    struct Mentions {
        #[serde(default)]
        m: Vec<(u32, u32, u32, u32)>,
    }
    Ok(match data {
        Some(d) => serde_json::from_str::<Mentions>(&d)
            .map_err(|e| corrupt(id, format!("stored analysis: {e}")))?
            .m
            .into_iter()
            .map(|m| m.0)
            .collect(),
        None => BTreeSet::new(),
    })
}

/// Whether `surface_article` and `event_entity` are keyed as in schema 3 (by article id and by
/// event date), which [`migrate_v3`] rekeys.
pub(crate) fn has_v3_keys(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT COUNT(*) FROM pragma_table_info('surface_article') WHERE name = 'article'", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .map_err(sql)
}

/// Schema 3 to 4: `surface_article` and `event_entity` keyed in storing order (see the schema),
/// filled again from the stored analyses, which hold everything they list. Part of the caller's
/// transaction; nothing else changes (summaries, resolution and analyses stay as they are).
pub(crate) fn migrate_v3(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP TABLE IF EXISTS surface_article; DROP TABLE IF EXISTS event_entity;").map_err(sql)?;
    conn.execute_batch(SCHEMA_SQL).map_err(sql)?;
    let mut article =
        conn.prepare("INSERT OR IGNORE INTO surface_article (surface, seq) VALUES (?1, ?2)").map_err(sql)?;
    let mut event = conn
        .prepare("INSERT OR IGNORE INTO event_entity (surface, seq, n, start) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sql)?;
    let mut stmt = conn.prepare("SELECT seq, data FROM analysis ORDER BY seq").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        let (seq, data): (i64, String) = (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?);
        let st = Stored::parse(&format!("analysis {seq}"), &data)?;
        for s in st.surfaces() {
            article.execute(params![s, seq]).map_err(sql)?;
        }
        for (n, ev) in st.e.iter().enumerate() {
            for &s in &ev.e {
                event.execute(params![s, seq, n as i64, &ev.d]).map_err(sql)?;
            }
        }
    }
    Ok(())
}

/// Schema 2 (and 1): mentions, quotes and events as rows and JSON keyed by article id.
const V2_SQL: &str = "
CREATE TABLE IF NOT EXISTS mentions (
    entity TEXT NOT NULL, article TEXT NOT NULL, text TEXT NOT NULL, count INTEGER NOT NULL,
    first INTEGER NOT NULL, PRIMARY KEY (entity, article, text)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article);
CREATE TABLE IF NOT EXISTS quotes (
    article TEXT NOT NULL, n INTEGER NOT NULL, speaker TEXT, json TEXT NOT NULL, PRIMARY KEY (article, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    article TEXT NOT NULL, n INTEGER NOT NULL, start TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (article, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS surfaces (id TEXT PRIMARY KEY, kind TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_alias (surface TEXT PRIMARY KEY, entity TEXT, kind TEXT) WITHOUT ROWID;
";

/// Whether the database holds analysis tables of schema 1 or 2.
pub(crate) fn has_v2_tables(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'mentions'", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .map_err(sql)
}

/// Moves the analysis of schema 1 or 2 into this schema's tables, keeping the stored resolution
/// (schema 1 had none), and drops the old tables. Part of the caller's transaction.
pub(crate) fn migrate_v2(conn: &Connection, version: i64) -> Result<()> {
    conn.execute_batch(V2_SQL).map_err(sql)?;
    if version <= 1 {
        // Schema 1 kept each surface's type in its (unresolved) summary row.
        conn.execute_batch("INSERT OR IGNORE INTO surfaces (id, kind) SELECT id, kind FROM entities").map_err(sql)?;
    }
    let mut w = Writer::new(conn);
    {
        let mut arts = conn.prepare("SELECT seq, id, json FROM articles ORDER BY seq").map_err(sql)?;
        let mut mentions = conn
            .prepare(
                "SELECT m.entity, s.kind, m.text, m.count, m.first FROM mentions m
                 LEFT JOIN surfaces s ON s.id = m.entity WHERE m.article = ?1 ORDER BY m.first",
            )
            .map_err(sql)?;
        let mut quotes = conn.prepare("SELECT json FROM quotes WHERE article = ?1 ORDER BY n").map_err(sql)?;
        let mut events = conn.prepare("SELECT json FROM events WHERE article = ?1 ORDER BY n").map_err(sql)?;
        let mut rows = arts.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let (seq, id, json): (i64, String, String) =
                (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?, r.get(2).map_err(sql)?);
            let mut ms = Vec::new();
            let mut q = mentions.query([&id]).map_err(sql)?;
            while let Some(m) = q.next().map_err(sql)? {
                let kind: Option<String> = m.get(1).map_err(sql)?;
                ms.push(MentionRow {
                    surface: m.get(0).map_err(sql)?,
                    kind: kind.as_deref().and_then(EntityType::from_code),
                    text: m.get(2).map_err(sql)?,
                    count: m.get(3).map_err(sql)?,
                    first: m.get(4).map_err(sql)?,
                });
            }
            let json_rows = |stmt: &mut rusqlite::Statement| -> Result<Vec<String>> {
                let rows = stmt.query_map([&id], |r| r.get::<_, String>(0)).map_err(sql)?;
                rows.collect::<std::result::Result<_, _>>().map_err(sql)
            };
            let qs: Vec<Quote> = json_rows(&mut quotes)?
                .iter()
                .map(|j| serde_json::from_str(j).map_err(|e| corrupt(&id, e)))
                .collect::<Result<_>>()?;
            let es: Vec<Event> = json_rows(&mut events)?
                .iter()
                .map(|j| serde_json::from_str(j).map_err(|e| corrupt(&id, e)))
                .collect::<Result<_>>()?;
            if ms.is_empty() && qs.is_empty() && es.is_empty() {
                continue;
            }
            let body = serde_json::from_str::<BodyOnly>(&json).map_err(|e| corrupt(&id, e))?.body;
            w.insert_rows(seq, &id, &body, ms, &qs, &es)?;
        }
    }
    // The summaries are counted again below; the writer's own changes are not needed.
    drop(w);
    {
        let mut names = Names::new(conn);
        let mut stmt = conn.prepare("SELECT surface, entity, kind FROM entity_alias").map_err(sql)?;
        let mut put = conn
            .prepare("INSERT OR REPLACE INTO surface_alias (surface, entity, kind) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let surface: String = r.get(0).map_err(sql)?;
            let n = names.surface(&surface, None)?;
            put.execute(params![
                n,
                r.get::<_, Option<String>>(1).map_err(sql)?,
                r.get::<_, Option<String>>(2).map_err(sql)?
            ])
            .map_err(sql)?;
        }
    }
    conn.execute_batch(
        "DROP TABLE IF EXISTS mentions; DROP TABLE IF EXISTS quotes; DROP TABLE IF EXISTS events;
         DROP TABLE IF EXISTS event_entities; DROP TABLE IF EXISTS surfaces; DROP TABLE IF EXISTS entity_alias;",
    )
    .map_err(sql)?;
    recount_entities(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use mirsad_model::{Article, EntityMention};

    /// A stand-in analysis: «المكتبة»/«المكتبه» is the library, «الوزير» a person; a quote
    /// after «قال»; one event per article whose expression the body may not hold.
    fn analyze(a: &Article) -> ArticleAnalysis {
        let mut an = ArticleAnalysis::default();
        for w in a.body.split_whitespace() {
            let (entity, kind) = match w.trim_matches(|c: char| !c.is_alphabetic()) {
                "المكتبة" | "المكتبه" => ("lib", EntityType::ORG),
                "الوزير" => ("minister", EntityType::PER),
                _ => continue,
            };
            let text = w.trim_matches(|c: char| !c.is_alphabetic()).to_string();
            an.mentions.push(EntityMention { entity: entity.into(), kind, text });
        }
        if let Some(i) = a.body.find("قال ") {
            an.quotes.push(Quote {
                article: a.id.clone(),
                speaker: Some("minister".into()),
                speaker_name: Some("الوزير".into()),
                text: a.body[i + "قال ".len()..].to_string(),
                direct: false,
            });
        }
        an.events.push(Event {
            article: a.id.clone(),
            date: EventDate { start: "2024-03-01".into(), end: None, basis: EventBasis::Relative },
            expression: "أمس".into(),
            sentence: a.body.clone(),
            entities: an.mentions.iter().map(|m| m.entity.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
        });
        an
    }

    fn articles() -> Vec<Article> {
        let bodies = [
            "افتتحت البلدية المكتبة العامة أمس وقال الوزير إن المكتبة مفتوحة للجميع",
            "زار الوزير المكتبه الجديدة في المدينة",
            "ارتفعت أسعار القمح في الأسواق",
        ];
        bodies
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut a = Article::new(format!("a{i}"), format!("d{i}.txt"), b.to_string());
                a.title = Some(format!("عنوان {i}"));
                a
            })
            .collect()
    }

    /// What a store answers about its entities and analyses.
    fn snapshot(s: &Store) -> String {
        let mut out = String::new();
        for e in s.entities(None, 0, 100).unwrap() {
            out += &serde_json::to_string(&e).unwrap();
            out += &serde_json::to_string(&s.entity(&e.id).unwrap()).unwrap();
        }
        for a in articles() {
            out += &serde_json::to_string(&s.analysis(&a.id).unwrap()).unwrap();
        }
        out
    }

    /// Rows as schema 2 wrote them for one article.
    fn write_v2(c: &Connection, article: &str, an: &ArticleAnalysis) {
        let mut spellings: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
        for (rank, m) in an.mentions.iter().enumerate() {
            spellings.entry((&m.entity, &m.text)).or_insert((0, rank as i64)).0 += 1;
            c.execute("INSERT OR IGNORE INTO surfaces (id, kind) VALUES (?1, ?2)", params![&m.entity, m.kind.code()])
                .unwrap();
        }
        for ((entity, text), (count, first)) in spellings {
            c.execute(
                "INSERT INTO mentions (entity, article, text, count, first) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![entity, article, text, count, first],
            )
            .unwrap();
        }
        for (n, q) in an.quotes.iter().enumerate() {
            let json = serde_json::to_string(q).unwrap();
            c.execute("INSERT INTO quotes VALUES (?1, ?2, ?3, ?4)", params![article, n as i64, &q.speaker, json])
                .unwrap();
        }
        for (n, ev) in an.events.iter().enumerate() {
            let json = serde_json::to_string(ev).unwrap();
            c.execute("INSERT INTO events VALUES (?1, ?2, ?3, ?4)", params![article, n as i64, &ev.date.start, json])
                .unwrap();
            for e in &ev.entities {
                c.execute(
                    "INSERT INTO event_entities VALUES (?1, ?2, ?3, ?4)",
                    params![e, &ev.date.start, article, n as i64],
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn a_schema_2_store_reads_the_same_after_migrating() {
        let now = tempfile::tempdir().unwrap();
        let mut s = Store::open(now.path()).unwrap();
        s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(analyze).collect()));
        s.put_batch(&articles()).unwrap();
        let expected = snapshot(&s);
        assert!(expected.contains("«") || expected.contains("المكتبة"), "{expected}");

        // The same articles stored without analysis, then given schema 2's tables and rows.
        let old = tempfile::tempdir().unwrap();
        Store::open(old.path()).unwrap().put_batch(&articles()).unwrap();
        {
            let c = Connection::open(old.path().join("mirsad.sqlite")).unwrap();
            c.execute_batch(
                "DROP TABLE surface; DROP TABLE spelling; DROP TABLE surface_spelling; DROP TABLE surface_article;
                 DROP TABLE analysis; DROP TABLE quote_speaker; DROP TABLE event_entity; DROP TABLE surface_alias;
                 CREATE TABLE event_entities (entity TEXT NOT NULL, start TEXT NOT NULL, article TEXT NOT NULL,
                     n INTEGER NOT NULL, PRIMARY KEY (entity, start, article, n)) WITHOUT ROWID;
                 PRAGMA user_version = 2;",
            )
            .unwrap();
            c.execute_batch(V2_SQL).unwrap();
            for a in articles() {
                write_v2(&c, &a.id, &analyze(&a));
            }
        }
        let mut migrated = Store::open(old.path()).unwrap();
        assert_eq!(snapshot(&migrated), expected);
        {
            let c = Connection::open(old.path().join("mirsad.sqlite")).unwrap();
            assert_eq!(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), crate::SCHEMA_VERSION);
            assert!(!has_v2_tables(&c).unwrap(), "old tables dropped");
        }
        // Texts the body holds are stored as places, the others written out.
        let data: String = Connection::open(old.path().join("mirsad.sqlite"))
            .unwrap()
            .query_row("SELECT group_concat(data, ' ') FROM analysis", [], |r| r.get(0))
            .unwrap();
        assert!(data.contains(r#""x":"أمس""#) && data.contains(r#""x":[56,6]"#) && !data.contains("البلدية"), "{data}");
        s.resolve_entities().unwrap();
        migrated.resolve_entities().unwrap();
        assert_eq!(snapshot(&migrated), snapshot(&s));
    }

    #[test]
    fn a_schema_3_store_reads_the_same_after_rekeying() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        s.set_analyzer(Box::new(|arts: &[Article]| arts.iter().map(analyze).collect()));
        s.put_batch(&articles()).unwrap();
        s.resolve_entities().unwrap();
        let expected = snapshot(&s);
        let count = |c: &Connection, t: &str| -> i64 {
            c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0)).unwrap()
        };
        let c = Connection::open(dir.path().join("mirsad.sqlite")).unwrap();
        let (articles_before, events_before) = (count(&c, "surface_article"), count(&c, "event_entity"));
        assert!(articles_before > 0 && events_before > 0);
        drop(s);
        // The same rows under schema 3's keys (article id, event date).
        c.execute_batch(
            "CREATE TABLE sa3 (surface INTEGER NOT NULL, article TEXT NOT NULL, PRIMARY KEY (surface, article)) WITHOUT ROWID;
             INSERT INTO sa3 SELECT sa.surface, a.id FROM surface_article sa JOIN articles a ON a.seq = sa.seq;
             DROP TABLE surface_article; ALTER TABLE sa3 RENAME TO surface_article;
             CREATE TABLE ee3 (surface INTEGER NOT NULL, start TEXT NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
                 PRIMARY KEY (surface, start, seq, n)) WITHOUT ROWID;
             INSERT INTO ee3 SELECT surface, start, seq, n FROM event_entity;
             DROP TABLE event_entity; ALTER TABLE ee3 RENAME TO event_entity;
             PRAGMA user_version = 3;",
        )
        .unwrap();
        assert!(has_v3_keys(&c).unwrap());
        let migrated = Store::open(dir.path()).unwrap();
        assert_eq!(snapshot(&migrated), expected);
        assert_eq!(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), crate::SCHEMA_VERSION);
        assert!(!has_v3_keys(&c).unwrap());
        assert_eq!((count(&c, "surface_article"), count(&c, "event_entity")), (articles_before, events_before));
    }

    #[test]
    fn texts_are_places_in_the_body_or_written_out() {
        let body = "قال الوزير أمس إن «العمل مستمر».";
        let t = Text::of(body, "العمل مستمر");
        assert!(matches!(t, Text::At(..)));
        assert_eq!(t.get(body, "a").unwrap(), "العمل مستمر");
        let own = Text::of(body, "ليس في النص");
        assert_eq!(own, Text::Own("ليس في النص".into()));
        assert_eq!(own.get(body, "a").unwrap(), "ليس في النص");
        // A place that is not in the body (a damaged row) is an error, not a panic.
        assert!(Text::At(3, 1000).get(body, "a").is_err());
        assert!(Text::At(1, 2).get(body, "a").is_err(), "inside a two-byte letter");
        let json = serde_json::to_string(&[Text::At(1, 2), Text::Own("x".into())]).unwrap();
        assert_eq!(json, r#"[[1,2],"x"]"#);
        let back: Vec<Text> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [Text::At(1, 2), Text::Own("x".into())]);
    }
}
