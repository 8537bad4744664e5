//! The collection in one data directory: SQLite (WAL) holds the records, a tantivy index under
//! `index/` serves search.
//!
//! SQLite is the source of truth. Every stored article gets a change sequence number (`seq`);
//! each tantivy commit records the highest `seq` it covers in its payload. A batch is one SQLite
//! transaction, acknowledged once it commits; the index is committed right after. If the process
//! dies in between, [`Store::open`] replays the records whose `seq` the index has not seen, so the
//! index always ends up agreeing with the records. A lost or unreadable index is rebuilt.

mod analysis;
pub mod analyzer;
mod browse;
mod check;
mod crawl;
mod evidence;
pub mod query;
mod search;
mod stored;
mod verify;
mod volume;

use mirsad_cluster::{Changes, Clusterer, Group, StoryState};
use mirsad_model::Article;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use tantivy::schema::{DateOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING};
use tantivy::{DateTime, Index, IndexReader, IndexWriter, TantivyDocument, Term};

pub use analysis::{
    Analyzer, EntityFilter, EntityRecord, EntitySort, EntitySummary, StoryRef, ENTITY_ARTICLES, ENTITY_EVENTS,
    ENTITY_QUOTES, ENTITY_STORIES, NEIGHBOUR_SCAN,
};
pub use browse::{SectionStories, StoryBrief, StoryFilter, StorySort};
pub use check::{Health, SCHEMA_VERSION};
pub use crawl::{Endpoint, Source};
pub use query::{QueryError, MAX_QUERY_BYTES, MAX_QUERY_DEPTH, MAX_QUERY_WORDS};
pub use search::{collapse_by_story, Hit, SearchQuery, SearchResults, SearchSort, COLLAPSE_FACTOR, MAX_RANKED};
pub use volume::VOLUME_DAYS;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: search index: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("bad query: {0}")]
    Query(String),
    /// Another process holds the data directory's writer lock (and the caller chose not to wait).
    #[error(
        "{path}: another process is writing to this collection (its writer lock is held); try again when it is done"
    )]
    Locked { path: PathBuf },
    /// The search index failed in a way that means its files are damaged.
    #[error("{path}: search index is damaged ({reason}); `mirsad check --data DIR` rebuilds it from the records")]
    Damaged { path: PathBuf, reason: String },
    #[error("stored record {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchSummary {
    pub new: usize,
    pub updated: usize,
    /// Same article already stored (same id and content), or the same text under another id.
    pub unchanged: usize,
    pub duplicates: usize,
}

impl std::ops::AddAssign for BatchSummary {
    fn add_assign(&mut self, o: Self) {
        self.new += o.new;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.duplicates += o.duplicates;
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub published: Field,
    pub outlet: Field,
    pub keyword: Field,
    /// A fixed number per article (a hash of its id) that orders hits of equal score.
    pub tie: Field,
}

/// The embedded store.
pub struct Store {
    dir: PathBuf,
    conn: Connection,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
    /// The story stage's state, loaded on the first write (readers never need it).
    clusterer: Option<Clusterer>,
    /// The analysis stage, run on new and changed articles when set.
    analyzer: Option<Analyzer>,
    /// The data directory's writer lock, while this handle holds it.
    lock: Option<std::fs::File>,
    /// SQLite's `data_version` when this handle last wrote: another value after taking the lock
    /// means another process wrote meanwhile, so the in-memory story state is stale.
    data_version: Option<i64>,
    /// What `open` repaired (said to the user by the caller).
    repairs: Vec<String>,
    /// What the last entity resolutions read, for the next one.
    evidence: evidence::EvidenceCache,
}

/// Whether taking the writer lock waits for another writer to finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Yes,
    No,
}

/// Index segments with more documents than this are not merged again. Every batch commits
/// a small segment and merges join them level by level: without a bound, a document is
/// rewritten once per level, so the merge work per article grows with the logarithm of the
/// collection (the merge threads' CPU time per article nearly tripled between 20k and 220k
/// articles of a scaled ingest). Bounded, an article is rewritten a fixed number of times
/// whatever the collection's size, at the cost of a search visiting more segments (each of
/// up to about 8 × this many documents) as the collection grows.
const MAX_MERGE_DOCS: usize = 50_000;

/// Records indexed per commit when the index catches up with the records.
const CATCH_UP_CHUNK: i64 = 10_000;

/// A value that changes whenever a write to the collection in `dir` commits, to the records or
/// to the index: the sizes and modification times of the SQLite file, its write-ahead log and
/// the index's `meta.json` (every SQLite commit appends to the log, every index commit rewrites
/// the meta file). Cheap (three `stat` calls), for caches of what readers computed. `None`
/// when a file cannot be read (then nothing should be cached).
pub fn change_stamp(dir: &Path) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for name in ["mirsad.sqlite", "mirsad.sqlite-wal", "index/meta.json"] {
        match std::fs::metadata(dir.join(name)) {
            Ok(m) => (m.len(), m.modified().ok()?).hash(&mut h),
            // no log yet (before the first write, or after a clean close)
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name.ends_with("-wal") => 0u8.hash(&mut h),
            Err(_) => return None,
        }
    }
    Some(h.finish())
}

/// Name of the lock file in the data directory. Held (an OS advisory lock, released by the OS
/// when the process dies) by the one process that writes; readers never take it.
pub const LOCK_FILE: &str = "writer.lock";

const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS articles (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    content_key INTEGER NOT NULL,
    hash        INTEGER NOT NULL,
    published   TEXT,
    outlet      TEXT,
    story       TEXT,
    json        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_content ON articles(content_key);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
-- newest first without sorting the table (NULL dates sort last in DESC order)
CREATE INDEX IF NOT EXISTS articles_latest ON articles(published DESC, seq DESC);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
-- The story stage's state, written in the same transaction as the articles it assigned.
CREATE TABLE IF NOT EXISTS stories (
    id              TEXT PRIMARY KEY,
    last_published  TEXT,
    size            INTEGER NOT NULL,
    state           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_latest ON stories(last_published DESC, id);
CREATE TABLE IF NOT EXISTS dedup_groups (
    idx                 INTEGER PRIMARY KEY,
    original            TEXT NOT NULL,
    original_published  TEXT,
    story               TEXT,
    signature           BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS dedup_groups_story ON dedup_groups(story);
CREATE INDEX IF NOT EXISTS stories_by_day ON stories(substr(last_published, 1, 10) DESC, size DESC);
CREATE INDEX IF NOT EXISTS stories_by_size ON stories(size DESC, last_published DESC);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
-- Shingle count of each dedup group's first text, for the partial-copy (containment) rule.
-- A table of its own so that a collection saved before it needs no migration: a group
-- without a row has size 0 and is judged by resemblance alone. `alias_of`: the entry is a
-- partial copy's text, indexed for its group (an earlier entry).
CREATE TABLE IF NOT EXISTS dedup_sizes (
    idx       INTEGER PRIMARY KEY,
    shingles  INTEGER NOT NULL,
    alias_of  INTEGER
);
CREATE TABLE IF NOT EXISTS term_df (
    term     TEXT PRIMARY KEY,
    surface  TEXT NOT NULL,
    df       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
";

/// The fast field of [`Fields::tie`].
pub(crate) const TIE_FIELD: &str = "tie";

/// The tie-break number of an article id (see [`Fields::tie`]).
pub(crate) fn tie_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::ARABIC)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        published: b.add_date_field("published", DateOptions::default().set_indexed().set_fast()),
        outlet: b.add_text_field("outlet", STRING),
        keyword: b.add_text_field("keyword", STRING),
        tie: b.add_u64_field(TIE_FIELD, tantivy::schema::NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

impl Store {
    /// Opens (creating if needed) the data directory and brings the index up to date.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io { path: dir.to_path_buf(), source: e })?;
        let db_path = dir.join("mirsad.sqlite");
        let sql = |e| StoreError::Sqlite { path: db_path.clone(), source: e };
        let (conn, version) = retry_busy(|| connect(&db_path)).map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Corrupt {
                id: db_path.display().to_string(),
                reason: format!("written by a newer mirsad (schema {version}, this one knows {SCHEMA_VERSION})"),
            });
        }
        if version < SCHEMA_VERSION {
            migrate(dir, &conn).map_err(|e| match e {
                StoreError::Sqlite { source, .. } => sql(source),
                e => e,
            })?;
        }

        let index_dir = dir.join("index");
        let (schema, fields) = schema();
        let mut repairs = Vec::new();
        let (index, reader) = match open_index(&index_dir, &schema) {
            Ok(ok) => ok,
            Err(e) => {
                // Unreadable, damaged or from another schema: the records can always rebuild it.
                // Only the writer may delete it; a reader waits for no one and searches nothing
                // until a writer (or `mirsad check`) has rebuilt it.
                let lock = try_lock(dir)?.ok_or_else(|| StoreError::Damaged {
                    path: index_dir.clone(),
                    reason: format!("{e}; a writer holds the collection, it rebuilds the index when it opens it"),
                })?;
                let why = match &e {
                    StoreError::Damaged { reason, .. } => reason.clone(),
                    e => e.to_string(),
                };
                repairs.push(format!("search index damaged ({why}): rebuilt from the records"));
                let _ = std::fs::remove_dir_all(&index_dir);
                let ok = open_index(&index_dir, &schema)?;
                drop(lock);
                ok
            }
        };
        let mut store = Store {
            dir: dir.to_path_buf(),
            conn,
            index,
            reader,
            writer: None,
            fields,
            clusterer: None,
            analyzer: None,
            lock: None,
            data_version: None,
            repairs,
            evidence: Default::default(),
        };
        // Bring the index up to date if no writer is at work (a writer does it itself).
        if let Some(lock) = try_lock(dir)? {
            store.lock = Some(lock);
            let r = store.catch_up();
            store.unlock_writer();
            r?;
        }
        Ok(store)
    }

    /// What opening the store repaired, for the caller to tell the user.
    pub fn repairs(&self) -> &[String] {
        &self.repairs
    }

    /// Takes the data directory's writer lock: with [`Wait::No`] fails at once with
    /// [`StoreError::Locked`] when another process holds it; with [`Wait::Yes`] calls
    /// `on_wait` once and waits. Then brings the index and the story state up to date with
    /// what other writers committed. Writes ([`Store::put_batch`], [`Store::reanalyze`]) take
    /// the lock themselves, waiting, when the handle does not hold it yet.
    pub fn lock_writer(&mut self, wait: Wait, on_wait: impl FnOnce()) -> Result<()> {
        if self.lock.is_some() {
            return Ok(());
        }
        let lock = match try_lock(&self.dir)? {
            Some(l) => l,
            None if wait == Wait::No => return Err(StoreError::Locked { path: self.dir.clone() }),
            None => {
                on_wait();
                let path = self.dir.join(LOCK_FILE);
                let f = lock_file(&path)?;
                f.lock().map_err(|e| StoreError::Io { path, source: e })?;
                f
            }
        };
        self.lock = Some(lock);
        let r = self.sync_with_other_writers();
        if r.is_err() {
            self.unlock_writer();
        }
        r
    }

    /// Releases the writer lock (and the index writer, which holds tantivy's own lock).
    pub fn unlock_writer(&mut self) {
        self.writer = None;
        self.lock = None;
    }

    /// True while this handle holds the writer lock.
    pub fn is_writer(&self) -> bool {
        self.lock.is_some()
    }

    fn sync_with_other_writers(&mut self) -> Result<()> {
        let version = self.data_version()?;
        if self.data_version != Some(version) {
            self.clusterer = None; // reloaded from the committed tables on the next batch
            self.evidence.clear();
        }
        let reloaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.reader.reload()))
            .map_err(|p| StoreError::Damaged { path: self.dir.join("index"), reason: panic_message(&p) })
            .and_then(|r| r.map_err(|e| self.ix_err(e)))
            .and_then(|_| self.catch_up());
        match reloaded {
            Err(e @ (StoreError::Index { .. } | StoreError::Damaged { .. })) => {
                // The index changed under us and does not read: the records rebuild it.
                self.repairs.push(format!("{e}: index rebuilt from the records"));
                self.rebuild_index()
            }
            r => r,
        }
    }

    fn data_version(&self) -> Result<i64> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.sql_err(e))
    }

    /// Makes every later [`Store::put_batch`] run `f` on the batch's new and changed articles
    /// and store the entity mentions, quotes and dated events it finds, in the batch's
    /// transaction.
    pub fn set_analyzer(&mut self, f: Analyzer) {
        self.analyzer = Some(f);
    }

    /// Whether batches are analyzed as they are stored.
    pub fn has_analyzer(&self) -> bool {
        self.analyzer.is_some()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn sql_err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.dir.join("mirsad.sqlite"), source: e }
    }

    fn ix_err(&self, e: tantivy::TantivyError) -> StoreError {
        StoreError::Index { path: self.dir.join("index"), source: e }
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let w = self.index.writer(100_000_000).map_err(|e| self.ix_err(e))?;
            let mut policy = tantivy::indexer::LogMergePolicy::default();
            policy.set_max_docs_before_merge(MAX_MERGE_DOCS);
            w.set_merge_policy(Box::new(policy));
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().expect("writer just set"))
    }

    /// The highest record sequence number the committed index covers, and the analyzer
    /// version it was built with.
    pub(crate) fn index_state(&self) -> Result<IndexState> {
        let metas = self.index.load_metas().map_err(|e| self.ix_err(e))?;
        Ok(metas.payload.as_deref().map(IndexState::parse).unwrap_or_default())
    }

    pub(crate) fn max_seq(&self) -> Result<i64> {
        self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| r.get(0)).map_err(|e| self.sql_err(e))
    }

    /// Indexes every record newer than the index's last commit.
    pub(crate) fn catch_up(&mut self) -> Result<()> {
        let state = self.index_state()?;
        let to = self.max_seq()?;
        let mut from = state.seq;
        if state.analyzer != analyzer::VERSION && to > 0 {
            // Terms from another analysis would not match this version's queries.
            self.repairs.push(format!(
                "search analyzer changed (version {} to {}): index rebuilt from the records",
                state.analyzer,
                analyzer::VERSION
            ));
            self.writer()?.delete_all_documents().map_err(|e| self.ix_err(e))?;
            from = 0;
        }
        if from >= to && state.analyzer == analyzer::VERSION {
            return self.reader.reload().map_err(|e| self.ix_err(e));
        }
        // In chunks, each committed with the last `seq` it covers: memory stays bounded on a
        // large rebuild, and an interrupted one goes on from where it stopped.
        loop {
            let mut arts = Vec::new();
            let mut last = from;
            {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT seq, id, json FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2")
                    .map_err(|e| self.sql_err(e))?;
                let rows = stmt
                    .query_map(params![from, CATCH_UP_CHUNK], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
                    })
                    .map_err(|e| self.sql_err(e))?;
                for row in rows {
                    let (seq, id, json) = row.map_err(|e| self.sql_err(e))?;
                    last = seq;
                    match parse_article(&id, &json) {
                        Ok(a) => arts.push(a),
                        // Kept in the records (nothing is deleted), but not searchable.
                        Err(e) => self.repairs.push(format!("{e}: not indexed")),
                    }
                }
            }
            let done = last == from;
            // An empty chunk still commits once: it records the analyzer version.
            self.index_articles(&arts, last)?;
            if done || last >= to {
                return Ok(());
            }
            from = last;
        }
    }

    /// Replaces the index entries of `arts` and commits with `seq` as the covered sequence.
    fn index_articles(&mut self, arts: &[Article], seq: i64) -> Result<()> {
        let f = self.fields;
        let writer = self.writer()?;
        for a in arts {
            writer.delete_term(Term::from_field_text(f.id, &a.id));
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &a.id);
            doc.add_u64(f.tie, tie_key(&a.id));
            if let Some(t) = &a.title {
                doc.add_text(f.title, t);
            }
            doc.add_text(f.body, &a.body);
            if let Some(d) = a
                .published
                .as_ref()
                .filter(|p| p.precision >= mirsad_model::Precision::Day)
                .and_then(|p| indexed_day(&p.value))
            {
                doc.add_date(f.published, d);
            }
            if let Some(o) = &a.outlet {
                doc.add_text(f.outlet, o);
            }
            for k in &a.keywords {
                doc.add_text(f.keyword, mirsad_text::key(k));
            }
            writer.add_document(doc).map_err(|e| StoreError::Index { path: PathBuf::from("index"), source: e })?;
        }
        let mut prepared =
            writer.prepare_commit().map_err(|e| StoreError::Index { path: PathBuf::from("index"), source: e })?;
        prepared.set_payload(&IndexState { seq, analyzer: analyzer::VERSION }.to_payload());
        prepared.commit().map_err(|e| self.ix_err(e))?;
        self.reader.reload().map_err(|e| self.ix_err(e))
    }

    /// Stores a batch in one transaction, then indexes it. Returns once the records are durable
    /// (acknowledged). Re-storing an unchanged article does nothing.
    pub fn put_batch(&mut self, arts: &[Article]) -> Result<BatchSummary> {
        self.put_batch_seen(arts, &[])
    }

    /// [`Store::put_batch`] that also records crawl keys as seen, in the same transaction: a
    /// crawler that dies after this returns never fetches these items again, and one that dies
    /// before it fetches them again and stores them once.
    pub fn put_batch_seen(&mut self, arts: &[Article], seen: &[i64]) -> Result<BatchSummary> {
        self.lock_writer(Wait::Yes, || {})?;
        if self.clusterer.is_none() {
            self.clusterer = Some(self.load_clusterer()?);
        }
        // A panic in a stage (a bug, never input) must not leave the in-memory story state
        // counting a batch that was not committed: like an error, it drops that state, and the
        // next batch reloads it from the committed tables.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.put_batch_inner(arts, seen)))
            .unwrap_or_else(|_| {
                Err(StoreError::Corrupt {
                    id: "batch".into(),
                    reason: "a pipeline stage panicked; nothing was stored".into(),
                })
            });
        if result.is_err() {
            self.clusterer = None;
        }
        result
    }

    fn put_batch_inner(&mut self, arts: &[Article], seen: &[i64]) -> Result<BatchSummary> {
        let sql = |e| StoreError::Sqlite { path: PathBuf::from("mirsad.sqlite"), source: e };
        let mut summary = BatchSummary::default();
        // 1. Which articles are new or changed (reads only).
        // New or changed articles, and per article (hash, content key, replaces a stored one).
        let mut fresh: Vec<Article> = Vec::new();
        let mut keys: Vec<(i64, i64, bool)> = Vec::new();
        {
            let mut by_id = self.conn.prepare_cached("SELECT hash FROM articles WHERE id = ?1").map_err(sql)?;
            let mut by_content = self
                .conn
                .prepare_cached("SELECT id FROM articles WHERE content_key = ?1 AND id <> ?2 LIMIT 1")
                .map_err(sql)?;
            let mut in_batch = std::collections::HashSet::new();
            for a in arts {
                let hash = content_hash(a)?;
                let ckey = content_key(a);
                match by_id.query_row([&a.id], |r| r.get::<_, i64>(0)).optional().map_err(sql)? {
                    Some(h) if h == hash => summary.unchanged += 1,
                    Some(_) => {
                        summary.updated += 1;
                        fresh.push(a.clone());
                        keys.push((hash, ckey, true));
                    }
                    None => {
                        let stored = by_content.query_row(params![ckey, &a.id], |_| Ok(())).optional().map_err(sql)?;
                        if stored.is_some() || !in_batch.insert(ckey) {
                            summary.duplicates += 1;
                        } else {
                            summary.new += 1;
                            fresh.push(a.clone());
                            keys.push((hash, ckey, false));
                        }
                    }
                }
            }
        }
        // 2. Duplicates and stories, oldest first; the analysis (which reads neither `story` nor
        // `duplicate_of`) runs beside it on a copy of the batch.
        let clusterer = self.clusterer.as_mut().expect("loaded by put_batch");
        let analyzer = self.analyzer.as_ref();
        let analyses = std::thread::scope(|scope| {
            let job = analyzer.map(|f| {
                let view = fresh.clone();
                scope.spawn(move || f(&view))
            });
            clusterer.assign_batch(&mut fresh);
            job.map(|j| j.join())
        });
        let changes = clusterer.take_changes();
        let analyses = match analyses {
            None => Vec::new(),
            Some(Err(_)) => {
                return Err(StoreError::Corrupt { id: "analysis".into(), reason: "the analysis stage panicked".into() })
            }
            Some(Ok(v)) => analysis::one_per_article(v, fresh.len())?,
        };
        // 3. One transaction: articles, their analyses and the story state that describes them.
        let tx = self.conn.transaction().map_err(sql)?;
        let written;
        {
            let mut del = tx.prepare_cached("DELETE FROM articles WHERE id = ?1").map_err(sql)?;
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO articles (id, content_key, hash, published, outlet, story, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            let mut old_seq = tx.prepare_cached("SELECT seq FROM articles WHERE id = ?1").map_err(sql)?;
            let mut w = stored::Writer::new(&tx);
            for (i, (a, (hash, ckey, replaces))) in fresh.iter().zip(&keys).enumerate() {
                if *replaces {
                    if let Some(seq) = old_seq.query_row([&a.id], |r| r.get::<_, i64>(0)).optional().map_err(sql)? {
                        w.delete(seq, &a.id)?;
                    }
                    del.execute([&a.id]).map_err(sql)?;
                }
                let json = serde_json::to_string(a)
                    .map_err(|e| StoreError::Corrupt { id: a.id.clone(), reason: e.to_string() })?;
                let published = a.published.as_ref().map(|p| p.value.to_string());
                ins.execute(params![&a.id, ckey, hash, published, &a.outlet, &a.story, json]).map_err(sql)?;
                if let Some(an) = analyses.get(i) {
                    w.insert(tx.last_insert_rowid(), &a.id, &a.body, an)?;
                }
            }
            written = w.finish()?;
            save_changes(&tx, &changes)?;
            crawl::insert_seen(&tx, seen).map_err(sql)?;
        }
        // The index covers exactly the records this transaction leaves (the writer lock keeps
        // any other process from adding more between the commit and the index commit).
        let seq: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| r.get(0)).map_err(sql)?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        self.evidence.forget(written.iter().map(String::as_str));
        self.data_version = Some(self.data_version()?);
        if !fresh.is_empty() {
            self.index_articles(&fresh, seq)?;
        }
        Ok(summary)
    }

    /// Rebuilds the story stage's state from its tables.
    fn load_clusterer(&self) -> Result<Clusterer> {
        let sql = |e| self.sql_err(e);
        let docs: u64 = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'cluster_docs'", [], |r| r.get::<_, String>(0))
            .optional()
            .map_err(sql)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut terms = Vec::new();
        let mut stmt = self.conn.prepare("SELECT term, surface, df FROM term_df").map_err(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u32))).map_err(sql)?;
        for row in rows {
            terms.push(row.map_err(sql)?);
        }
        let mut groups = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT g.idx, g.original, g.original_published, g.story, g.signature, COALESCE(z.shingles, 0), z.alias_of
                 FROM dedup_groups g LEFT JOIN dedup_sizes z ON z.idx = g.idx ORDER BY g.idx",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })
            .map_err(sql)?;
        for row in rows {
            let (idx, original, original_published, story, sig, shingles, alias_of) = row.map_err(sql)?;
            let shingles = u32::try_from(shingles).unwrap_or(0);
            let alias_of = match alias_of.map(u32::try_from) {
                None => None,
                Some(Ok(of)) => Some(of),
                Some(Err(_)) => {
                    return Err(StoreError::Corrupt { id: format!("dedup group {idx}"), reason: "bad alias".into() })
                }
            };
            let signature = mirsad_cluster::minhash::Signature::from_bytes(&sig);
            if signature.is_none() {
                return Err(StoreError::Corrupt { id: format!("dedup group {idx}"), reason: "bad signature".into() });
            }
            groups.push(Group {
                index: idx as u32,
                original,
                original_published,
                story,
                signature,
                shingles,
                alias_of,
            });
        }
        let stories = self.story_states("SELECT id, state FROM stories ORDER BY rowid", [])?;
        Clusterer::restore(docs, terms, groups, stories)
            .map_err(|e| StoreError::Corrupt { id: "story state".into(), reason: e.to_string() })
    }

    fn story_states(&self, query: &str, p: impl rusqlite::Params) -> Result<Vec<StoryState>> {
        let sql = |e| self.sql_err(e);
        let mut stmt = self.conn.prepare_cached(query).map_err(sql)?;
        let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row.map_err(sql)?;
            out.push(
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt { id: id.clone(), reason: e.to_string() })?,
            );
        }
        Ok(out)
    }

    /// Stories, most recently active first, with their articles.
    pub fn stories(&self, offset: usize, limit: usize) -> Result<Vec<mirsad_model::Story>> {
        self.stories_min(1, offset, limit)
    }

    /// Stories with at least `min_articles` articles: the day of their latest article, newest
    /// first, and within a day the largest first (the news of the day, then its side stories).
    pub fn stories_min(&self, min_articles: usize, offset: usize, limit: usize) -> Result<Vec<mirsad_model::Story>> {
        self.stories_filtered(&StoryFilter { min_articles, ..Default::default() }, offset, limit)
    }

    /// Number of stories with at least `min_articles` articles.
    pub fn story_count_min(&self, min_articles: usize) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM stories WHERE size >= ?1", [min_articles as i64], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
    }

    /// One story with its articles.
    pub fn story(&self, id: &str) -> Result<Option<mirsad_model::Story>> {
        let states = self.story_states("SELECT id, state FROM stories WHERE id = ?1", [id])?;
        states.first().map(|st| self.story_with_members(st)).transpose()
    }

    pub fn story_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM stories", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
    }

    fn story_with_members(&self, st: &StoryState) -> Result<mirsad_model::Story> {
        let sql = |e| self.sql_err(e);
        let mut stmt = self.conn.prepare_cached("SELECT id, json FROM articles WHERE story = ?1").map_err(sql)?;
        let rows = stmt.query_map([&st.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(sql)?;
        let mut members = Vec::new();
        for row in rows {
            let (id, json) = row.map_err(sql)?;
            members.push(parse_article(&id, &json)?);
        }
        let refs: Vec<&Article> = members.iter().collect();
        let mut story = mirsad_cluster::story_record(st, &refs);
        let analyses = story.articles.iter().map(|id| self.analysis(id)).collect::<Result<Vec<_>>>()?;
        story.fill_from_analysis(&analyses);
        Ok(story)
    }

    pub fn get(&self, id: &str) -> Result<Option<Article>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM articles WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql_err(e))?;
        json.map(|j| parse_article(id, &j)).transpose()
    }

    /// Newest articles first (by publication date, then by arrival).
    pub fn latest(&self, offset: usize, limit: usize) -> Result<Vec<Article>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, json FROM articles ORDER BY published DESC, seq DESC LIMIT ?1 OFFSET ?2")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row.map_err(|e| self.sql_err(e))?;
            out.push(parse_article(&id, &json)?);
        }
        Ok(out)
    }

    /// Calls `f` with every stored article in storage order (for exports and benchmarks).
    pub fn scan(&self, mut f: impl FnMut(Article)) -> Result<()> {
        let mut stmt = self.conn.prepare("SELECT id, json FROM articles ORDER BY seq").map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.sql_err(e))?;
        for row in rows {
            let (id, json) = row.map_err(|e| self.sql_err(e))?;
            f(parse_article(&id, &json)?);
        }
        Ok(())
    }

    pub fn count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
    }

    /// Picks up index commits made since open by another process (for example an ingest
    /// running while `mirsad serve` reads the same data directory). Cheap when nothing changed.
    pub fn refresh(&self) -> Result<()> {
        self.reader.reload().map_err(|e| self.ix_err(e))
    }

    /// Number of documents in the committed index (equals [`Store::count`] after open).
    pub fn indexed_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Opens (or creates) the index and a reader on it. Opening the reader opens every segment,
/// which checks their footers: a truncated or missing file fails here.
pub(crate) fn open_index(dir: &Path, schema: &Schema) -> Result<(Index, IndexReader)> {
    let ix = |e| StoreError::Index { path: dir.to_path_buf(), source: e };
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Io { path: dir.to_path_buf(), source: e })?;
    let mmap = tantivy::directory::MmapDirectory::open(dir)
        .map_err(|e| StoreError::Index { path: dir.to_path_buf(), source: e.into() })?;
    let index = Index::open_or_create(mmap, schema.clone()).map_err(ix)?;
    if index.schema() != *schema {
        return Err(StoreError::Index {
            path: dir.to_path_buf(),
            source: tantivy::TantivyError::SchemaError("index schema differs from this version's".into()),
        });
    }
    index.tokenizers().register(analyzer::ARABIC, analyzer::ArabicTokenizer);
    // tantivy asserts (panics) on some damaged files while opening their segment.
    let reader = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into().map_err(ix)
    }))
    .map_err(|p| StoreError::Damaged { path: dir.to_path_buf(), reason: panic_message(&p) })??;
    let data_dir = dir.parent().unwrap_or(dir);
    verify::verify(&index, dir, data_dir, false)
        .map_err(|e| StoreError::Damaged { path: dir.to_path_buf(), reason: e.to_string() })?;
    Ok((index, reader))
}

/// Brings a database of an older schema (or a new one) to [`SCHEMA_VERSION`], in one
/// transaction under the writer lock (waiting for another writer): schema 3 keeps the analysis
/// of schemas 1 and 2 in compact per-article rows ([`stored::migrate_v2`]); schema 4 keys the
/// per-surface lists in storing order ([`stored::migrate_v3`]).
/// Opens the database and sets up the connection; returns it with the schema version found.
fn connect(db_path: &Path) -> rusqlite::Result<(Connection, i64)> {
    let conn = Connection::open(db_path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A batch touches index pages all over the mention and term tables; with SQLite's
    // default 2 MB page cache they are read back from the OS and spilled mid-transaction
    // again and again. 64 MB (taken only as used) keeps a batch's working set.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
    // More statements than rusqlite's default 16 are reused in one batch or resolution;
    // an evicted one is parsed again each time.
    conn.set_prepared_statement_cache_capacity(64);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((conn, version))
}

/// Runs `f` again while SQLite answers "busy" or "locked", for up to ten seconds.
///
/// The busy timeout does not cover everything: switching a new database to WAL, or reading
/// while another connection recovers the WAL index, fails at once without calling the busy
/// handler. Two processes opening one fresh collection together meet exactly that.
fn retry_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            r => return r,
        }
    }
}

fn migrate(dir: &Path, conn: &Connection) -> Result<()> {
    let sql = |e| StoreError::Sqlite { path: dir.join("mirsad.sqlite"), source: e };
    let path = dir.join(LOCK_FILE);
    let lock = lock_file(&path)?;
    lock.lock().map_err(|e| StoreError::Io { path, source: e })?;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
    let r = (|| {
        // Another process may have migrated while this one waited.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql)?;
        if version >= SCHEMA_VERSION {
            return Ok(());
        }
        conn.execute_batch(SCHEMA_SQL).map_err(sql)?;
        conn.execute_batch(stored::SCHEMA_SQL).map_err(sql)?;
        conn.execute_batch(crawl::SCHEMA_SQL).map_err(sql)?;
        // Before anything writes analysis rows: schema 3's tables have other keys.
        if stored::has_v3_keys(conn)? {
            stored::migrate_v3(conn)?;
        }
        if stored::has_v2_tables(conn)? {
            stored::migrate_v2(conn, version)?;
        }
        conn.execute_batch(stored::LATE_INDEXES_SQL).map_err(sql)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(sql)
    })();
    match r {
        Ok(()) => conn.execute_batch("COMMIT").map_err(sql),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// The message of a caught panic.
pub(crate) fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

fn lock_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| StoreError::Io { path: path.to_path_buf(), source: e })
}

/// The writer lock of `dir` if no other process holds it.
fn try_lock(dir: &Path) -> Result<Option<std::fs::File>> {
    let path = dir.join(LOCK_FILE);
    let f = lock_file(&path)?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io { path, source: e }),
    }
}

/// What an index commit covers, kept in the commit's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexState {
    /// The highest record `seq` indexed.
    seq: i64,
    /// [`analyzer::VERSION`] of the terms.
    analyzer: u32,
}

impl Default for IndexState {
    /// An empty index: nothing covered, built by the current analyzer.
    fn default() -> Self {
        IndexState { seq: 0, analyzer: analyzer::VERSION }
    }
}

impl IndexState {
    /// `SEQ analyzer=V`; a bare number is an index of analyzer version 1.
    fn parse(payload: &str) -> IndexState {
        let mut parts = payload.split_whitespace();
        let seq = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let analyzer = parts.find_map(|p| p.strip_prefix("analyzer=")?.parse().ok()).unwrap_or(1);
        IndexState { seq, analyzer }
    }

    fn to_payload(self) -> String {
        format!("{} analyzer={}", self.seq, self.analyzer)
    }
}

pub(crate) fn parse_article(id: &str, json: &str) -> Result<Article> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}

/// Writes what the story stage changed; part of the batch's transaction.
fn save_changes(tx: &rusqlite::Transaction, c: &Changes) -> Result<()> {
    let sql = |e| StoreError::Sqlite { path: PathBuf::from("mirsad.sqlite"), source: e };
    let mut story = tx
        .prepare_cached("INSERT OR REPLACE INTO stories (id, last_published, size, state) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sql)?;
    for st in &c.stories {
        let json =
            serde_json::to_string(st).map_err(|e| StoreError::Corrupt { id: st.id.clone(), reason: e.to_string() })?;
        story.execute(params![&st.id, &st.last_published, st.size, json]).map_err(sql)?;
    }
    let mut group = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO dedup_groups (idx, original, original_published, story, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(sql)?;
    let mut size = tx
        .prepare_cached("INSERT OR REPLACE INTO dedup_sizes (idx, shingles, alias_of) VALUES (?1, ?2, ?3)")
        .map_err(sql)?;
    for g in &c.groups {
        let sig = g.signature.as_ref().map(|s| s.to_bytes()).unwrap_or_default();
        group.execute(params![g.index, &g.original, &g.original_published, &g.story, sig]).map_err(sql)?;
        size.execute(params![g.index, g.shingles, g.alias_of]).map_err(sql)?;
    }
    // Merged stories before relabels: a relabel names the story as it is after the merges.
    let mut moved = tx
        .prepare_cached("UPDATE articles SET story = ?2, json = json_set(json, '$.story', ?2) WHERE story = ?1")
        .map_err(sql)?;
    let mut moved_groups = tx.prepare_cached("UPDATE dedup_groups SET story = ?2 WHERE story = ?1").map_err(sql)?;
    let mut gone = tx.prepare_cached("DELETE FROM stories WHERE id = ?1").map_err(sql)?;
    for (from, into) in &c.merges {
        moved.execute(params![from, into]).map_err(sql)?;
        moved_groups.execute(params![from, into]).map_err(sql)?;
        gone.execute([from]).map_err(sql)?;
    }
    let mut relabel = tx
        .prepare_cached(
            "UPDATE articles SET json = json_set(json, '$.duplicate_of', ?2)
             WHERE id = ?1 OR (story = ?3 AND json_extract(json, '$.duplicate_of') = ?1)",
        )
        .map_err(sql)?;
    for (old, new, story) in &c.relabels {
        relabel.execute(params![old, new, story]).map_err(sql)?;
    }
    let mut term =
        tx.prepare_cached("INSERT OR REPLACE INTO term_df (term, surface, df) VALUES (?1, ?2, ?3)").map_err(sql)?;
    for (t, surface, df) in &c.terms {
        term.execute(params![t, surface, df]).map_err(sql)?;
    }
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cluster_docs', ?1)", [c.docs.to_string()])
        .map_err(sql)?;
    Ok(())
}

/// Hash of what an article says, without the fields the story stage fills: re-reading the
/// same page gives the same hash whatever story the stored copy was put in.
/// Hash of what an article says (its contract JSON without the story stage's fields): a
/// re-read whose hash is unchanged is not written again.
pub fn content_hash(a: &Article) -> Result<i64> {
    let mut bare = a.clone();
    bare.story = None;
    bare.duplicate_of = None;
    let json =
        serde_json::to_string(&bare).map_err(|e| StoreError::Corrupt { id: a.id.clone(), reason: e.to_string() })?;
    Ok(hash64(json.as_bytes()))
}

fn hash64(bytes: &[u8]) -> i64 {
    xxhash_rust::xxh3::xxh3_64(bytes) as i64
}

/// Identity of an article's content regardless of where it was read from: the same URL, title
/// and text read through another path is the same article.
pub fn content_key(a: &Article) -> i64 {
    let mut s = String::with_capacity(a.body.len() + 200);
    s.push_str(a.url.as_deref().unwrap_or(""));
    s.push('\u{0}');
    s.push_str(a.title.as_deref().unwrap_or(""));
    s.push('\u{0}');
    s.push_str(&a.body);
    hash64(s.as_bytes())
}

/// The index date of a contract date value: its stated calendar day (midnight UTC), so that
/// a day filter means the day the article states, whatever its time zone. Values coarser than a
/// day have none.
pub(crate) fn indexed_day(value: &mirsad_model::DateValue) -> Option<DateTime> {
    let day = value.date()?;
    Some(DateTime::from_timestamp_secs(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp()))
}
