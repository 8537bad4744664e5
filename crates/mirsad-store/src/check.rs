//! The store's health (`mirsad check`): counts, SQLite's own integrity check, every record
//! readable, every index file's checksum, and the index agreeing with the records; a damaged
//! or disagreeing index is rebuilt from the records.

use crate::{analyzer, open_index, parse_article, schema, verify, Result, Store, StoreError, Wait};
use serde::Serialize;

/// Version of the SQLite schema this build writes (`PRAGMA user_version`). 6: the indexes of
/// the UI's lists (stories by size, articles by outlet, entities by name, an article's surfaces).
pub const SCHEMA_VERSION: i64 = 6;

/// What [`Store::check`] found and did.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub articles: u64,
    pub stories: u64,
    pub entities: u64,
    pub indexed: u64,
    /// Highest record sequence number, and the one the index covers.
    pub max_seq: i64,
    pub indexed_seq: i64,
    pub schema_version: i64,
    /// The search analyzer version of this build and of the index.
    pub analyzer_version: u32,
    pub index_analyzer_version: u32,
    /// Index files read and checksummed.
    pub index_files: usize,
    /// Records whose JSON does not parse (listed by id, at most 20).
    pub unreadable_records: Vec<String>,
    /// SQLite's `quick_check` answer (`ok` when whole).
    pub sqlite: String,
    /// Problems found, in words.
    pub problems: Vec<String>,
    /// What was repaired, in words.
    pub repaired: Vec<String>,
}

impl Health {
    /// True when nothing is wrong any more.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Store {
    /// Checks everything and repairs the index (taking the writer lock, waiting as `wait`
    /// says). Records are never changed.
    pub fn check(&mut self, wait: Wait, on_wait: impl FnOnce()) -> Result<Health> {
        let sql = |e| StoreError::Sqlite { path: self.dir.join("mirsad.sqlite"), source: e };
        let sqlite: String = self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(sql)?;
        let schema_version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql)?;
        let mut unreadable = Vec::new();
        let mut unreadable_count = 0usize;
        {
            let mut stmt = self.conn.prepare("SELECT id, json FROM articles").map_err(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(sql)?;
            for row in rows {
                let (id, json) = row.map_err(sql)?;
                if parse_article(&id, &json).is_err() {
                    unreadable_count += 1;
                    if unreadable.len() < 20 {
                        unreadable.push(id);
                    }
                }
            }
        }
        let mut problems = Vec::new();
        if sqlite != "ok" {
            problems.push(format!("SQLite integrity check: {sqlite}"));
        }
        if unreadable_count > 0 {
            problems.push(format!("{unreadable_count} stored records do not parse (kept, not searchable)"));
        }
        self.lock_writer(wait, on_wait)?;
        let mut repaired = std::mem::take(&mut self.repairs);
        // Every checksum, whatever the record of verified files says.
        let index_dir = self.dir.join("index");
        let verified = verify::verify(&self.index, &index_dir, &self.dir, true);
        let mut index_files = 0;
        let rebuild = match verified {
            Ok(v) => {
                index_files = v.files;
                let (count, indexed) = (self.count()?, self.indexed_count());
                (count != indexed + unreadable_count as u64)
                    .then(|| format!("the index holds {indexed} articles, the records {count}"))
            }
            Err(reason) => Some(format!("index damaged: {reason}")),
        };
        if let Some(why) = rebuild {
            self.rebuild_index()?;
            repaired.push(format!("{why}: index rebuilt from the records"));
            index_files = verify::verify(&self.index, &index_dir, &self.dir, true)
                .map_err(|e| StoreError::Damaged { path: index_dir.clone(), reason: e.to_string() })?
                .files;
        }
        self.unlock_writer();
        let state = self.index_state()?;
        Ok(Health {
            articles: self.count()?,
            stories: self.story_count()?,
            entities: self.entity_count(None)?,
            indexed: self.indexed_count(),
            max_seq: self.max_seq()?,
            indexed_seq: state.seq,
            schema_version,
            analyzer_version: analyzer::VERSION,
            index_analyzer_version: state.analyzer,
            index_files,
            unreadable_records: unreadable,
            sqlite,
            problems,
            repaired,
        })
    }

    /// Deletes the index and builds it again from the records. The caller holds the lock.
    pub(crate) fn rebuild_index(&mut self) -> Result<()> {
        debug_assert!(self.lock.is_some());
        self.writer = None;
        let index_dir = self.dir.join("index");
        let _ = std::fs::remove_dir_all(&index_dir);
        let _ = std::fs::remove_file(self.dir.join(verify::VERIFIED_FILE));
        let (schema, _) = schema();
        let (index, reader) = open_index(&index_dir, &schema)?;
        self.index = index;
        self.reader = reader;
        self.catch_up()
    }
}
