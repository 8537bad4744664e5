//! The store's analyses as evidence for the collection-level resolution
//! ([`mirsad_analyze::resolve::Evidence`]): a surface's first stored articles, and the surfaces
//! an article mentions.
//!
//! The sample is the first stored (by `seq`, the order `surface_article` keeps so that ingest
//! appends to it) rather than the first in id order as the in-memory evidence takes it: the
//! two agree whenever no surface has more articles than the sample, and taking the first in
//! id order here would mean reading and sorting all of a frequent name's articles per run.
//!
//! The resolution samples up to 200 articles of every name that has a transliteration variant
//! and reads the surfaces of each, so one run reads the analyses of a sizeable part of a large
//! collection. What it read is kept in the store handle ([`EvidenceCache`]) for the next run:
//! an article's surfaces change only when the article is written again or deleted (the writer
//! forgets those), and a handle that sees another process's commit forgets everything. A handle
//! that resolves after every batch (the API) reads again only what the batches changed.

use crate::stored::{self, sql};
use crate::Result;
use mirsad_analyze::resolve::Evidence;
use rusqlite::{params, Connection};
use std::cell::RefCell;
use std::collections::HashMap;

/// What earlier resolutions read, still true of the stored analyses.
#[derive(Default)]
pub(crate) struct EvidenceCache {
    /// Surface number → id (numbers are never reused).
    ids: HashMap<u32, String>,
    /// Article id → the surfaces it mentions.
    surfaces: HashMap<String, Box<[u32]>>,
}

impl EvidenceCache {
    /// Forgets what was read of articles written or deleted since.
    pub(crate) fn forget<'a>(&mut self, articles: impl IntoIterator<Item = &'a str>) {
        for a in articles {
            self.surfaces.remove(a);
        }
    }

    /// Forgets the articles (another process wrote).
    pub(crate) fn clear(&mut self) {
        self.surfaces = HashMap::new();
    }
}

pub(crate) struct StoredEvidence<'a> {
    conn: &'a Connection,
    cache: RefCell<EvidenceCache>,
}

impl<'a> StoredEvidence<'a> {
    pub(crate) fn new(conn: &'a Connection, cache: EvidenceCache) -> Self {
        StoredEvidence { conn, cache: RefCell::new(cache) }
    }

    pub(crate) fn into_cache(self) -> EvidenceCache {
        self.cache.into_inner()
    }

    fn surfaces_of(&self, article: &str) -> Result<Vec<String>> {
        let mut cache = self.cache.borrow_mut();
        let cache = &mut *cache;
        if !cache.surfaces.contains_key(article) {
            let ns: Box<[u32]> = stored::surfaces_of(self.conn, article)?.into_iter().collect();
            cache.surfaces.insert(article.to_string(), ns);
        }
        let mut stmt = self.conn.prepare_cached("SELECT id FROM surface WHERE n = ?1").map_err(sql)?;
        let mut out = Vec::new();
        for &n in cache.surfaces[article].iter() {
            let id = match cache.ids.entry(n) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(stmt.query_row([n], |r| r.get(0)).map_err(sql)?)
                }
            };
            out.push(id.clone());
        }
        Ok(out)
    }
}

impl Evidence for StoredEvidence<'_> {
    fn articles(&self, surfaces: &[&str], limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let Ok(mut stmt) = self.conn.prepare_cached(
            "SELECT a.id FROM surface s JOIN surface_article sa ON sa.surface = s.n JOIN articles a ON a.seq = sa.seq
             WHERE s.id = ?1 ORDER BY sa.seq LIMIT ?2",
        ) else {
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
        self.surfaces_of(article).unwrap_or_default()
    }
}
