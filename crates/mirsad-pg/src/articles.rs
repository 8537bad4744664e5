//! Idempotent article writes: keyed by article id as in the embedded store, so a job run twice
//! (a worker killed after writing, before its commit was seen) writes nothing twice.

use crate::{q, Result};
use mirsad_model::{Article, ArticleAnalysis};
use postgres::{Client, GenericClient};

/// The partition month of an article: `yyyymm` of its publication, 0 when undated.
pub fn month_of(a: &Article) -> i32 {
    let Some(p) = &a.published else { return 0 };
    let v = p.value.to_string();
    let year: Option<i32> = v.get(..4).and_then(|y| y.parse().ok());
    let month: i32 = v.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    match year {
        Some(y) if (1..=9999).contains(&y) && (1..=12).contains(&month) => y * 100 + month,
        _ => 0,
    }
}

/// Makes the monthly partitions that `months` need, each once (an advisory lock per month,
/// in its own short transaction, so the parent table is not held by a long write).
pub fn ensure_partitions(client: &mut Client, months: impl IntoIterator<Item = i32>) -> Result<()> {
    for m in months {
        if m == 0 {
            continue;
        }
        let name = format!("articles_m{m}");
        let exists: bool = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .map_err(q("looking up a partition"))?
            .get(0);
        if exists {
            continue;
        }
        let mut tx = client.transaction().map_err(q("making a partition"))?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('mirsad-partition'), $1)", &[&m])
            .map_err(q("locking a partition"))?;
        // Both bounds are integers formatted here, never input text.
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF articles FOR VALUES FROM ({m}) TO ({})",
            m + 1
        ))
        .map_err(q("making a partition"))?;
        tx.commit().map_err(q("making a partition"))?;
    }
    Ok(())
}

/// What writing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Updated,
    Unchanged,
    /// Another id already holds the same content (the same page read through another path).
    Duplicate,
}

/// One article to write, with the identity values of the embedded store
/// (`mirsad_store::content_hash`, `mirsad_store::content_key`).
pub struct Row<'a> {
    pub article: &'a Article,
    pub analysis: Option<&'a ArticleAnalysis>,
    pub hash: i64,
    pub content_key: i64,
}

/// Writes an article (upsert by id) inside the caller's transaction. The partition of its
/// month must exist ([`ensure_partitions`]).
pub fn upsert(tx: &mut impl GenericClient, row: &Row) -> Result<Written> {
    let a = row.article;
    let holder: String = tx
        .query_one(
            "INSERT INTO content_keys (content_key, id) VALUES ($1, $2)
             ON CONFLICT (content_key) DO UPDATE SET id = content_keys.id RETURNING id",
            &[&row.content_key, &a.id],
        )
        .map_err(q("writing a content key"))?
        .get(0);
    if holder != a.id {
        return Ok(Written::Duplicate);
    }
    let month = month_of(a);
    // A fresh key is a new article; an existing one is locked for this write and says where
    // the article lives now.
    let fresh = tx
        .query_opt(
            "INSERT INTO article_keys (id, month) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING month",
            &[&a.id, &month],
        )
        .map_err(q("writing an article key"))?
        .is_some();
    let old: i32 = if fresh {
        month
    } else {
        tx.query_one("SELECT month FROM article_keys WHERE id = $1 FOR UPDATE", &[&a.id])
            .map_err(q("reading an article key"))?
            .get(0)
    };
    if old != month {
        tx.execute("DELETE FROM articles WHERE month = $1 AND id = $2", &[&old, &a.id])
            .map_err(q("moving an article to its month"))?;
        tx.execute("UPDATE article_keys SET month = $2 WHERE id = $1", &[&a.id, &month])
            .map_err(q("moving an article to its month"))?;
    }
    let bad = |e: serde_json::Error| crate::PgError::Record { id: a.id.clone(), reason: e.to_string() };
    let doc = serde_json::to_value(a).map_err(bad)?;
    let analysis = row.analysis.map(serde_json::to_value).transpose().map_err(bad)?;
    let published = a.published.as_ref().map(|p| p.value.to_string());
    let written = tx
        .query_opt(
            "INSERT INTO articles (month, id, content_key, hash, published, outlet, doc, analysis, seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nextval('feed_seq'))
             ON CONFLICT (month, id) DO UPDATE SET content_key = EXCLUDED.content_key, hash = EXCLUDED.hash,
                 published = EXCLUDED.published, outlet = EXCLUDED.outlet, doc = EXCLUDED.doc,
                 analysis = EXCLUDED.analysis, seq = EXCLUDED.seq
             WHERE articles.hash <> EXCLUDED.hash
             RETURNING 1",
            &[&month, &a.id, &row.content_key, &row.hash, &published, &a.outlet, &doc, &analysis],
        )
        .map_err(q("writing an article"))?;
    Ok(match written {
        None => Written::Unchanged,
        Some(_) if fresh => Written::New,
        Some(_) => Written::Updated,
    })
}

/// The stored articles of `ids` (those still stored), for re-analysis.
pub fn by_ids(client: &mut Client, ids: &[String]) -> Result<Vec<Article>> {
    let rows = client
        .query(
            "SELECT a.id, a.doc FROM article_keys k JOIN articles a ON a.month = k.month AND a.id = k.id
             WHERE k.id = ANY($1) ORDER BY a.id",
            &[&ids],
        )
        .map_err(q("reading articles"))?;
    rows.iter()
        .map(|r| {
            let id: String = r.get(0);
            serde_json::from_value(r.get(1)).map_err(|e| crate::PgError::Record { id, reason: e.to_string() })
        })
        .collect()
}

/// Replaces an article's analysis and puts the article on the change feed again (a new feed
/// number), so that replicas take the new analysis. False when the article is gone.
pub fn set_analysis(tx: &mut impl GenericClient, id: &str, analysis: &ArticleAnalysis) -> Result<bool> {
    let value =
        serde_json::to_value(analysis).map_err(|e| crate::PgError::Record { id: id.into(), reason: e.to_string() })?;
    let n = tx
        .execute(
            "UPDATE articles SET analysis = $2, seq = nextval('feed_seq')
             WHERE month = (SELECT month FROM article_keys WHERE id = $1) AND id = $1",
            &[&id, &value],
        )
        .map_err(q("writing an analysis"))?;
    Ok(n == 1)
}

/// Up to `n` article ids after `after`, in id order (for walking the collection in chunks).
pub fn ids_after(client: &mut Client, after: &str, n: i64) -> Result<Vec<String>> {
    let rows = client
        .query("SELECT id FROM article_keys WHERE id > $1 ORDER BY id LIMIT $2", &[&after, &n])
        .map_err(q("listing articles"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// [`upsert`] for a batch, with the same outcome as writing the rows one after the other, in
/// four statements instead of four per article (`unnest` over arrays). Rows are written in id
/// order, so that concurrent writers lock keys in one order. A batch that holds one id twice
/// is written row by row.
pub fn upsert_batch(tx: &mut impl GenericClient, rows: &[Row]) -> Result<Vec<Written>> {
    let mut ids_seen = std::collections::HashSet::new();
    if !rows.iter().all(|r| ids_seen.insert(r.article.id.as_str())) {
        return rows.iter().map(|r| upsert(tx, r)).collect();
    }
    let mut out: Vec<Option<Written>> = vec![None; rows.len()];
    // 1. Content keys: the first row of each key claims it; a key held by another id makes
    //    a duplicate.
    let mut first_of: std::collections::HashMap<i64, &str> = std::collections::HashMap::new();
    for r in rows {
        first_of.entry(r.content_key).or_insert(r.article.id.as_str());
    }
    let mut claims: Vec<(i64, &str)> = first_of.iter().map(|(k, id)| (*k, *id)).collect();
    claims.sort_unstable();
    let (keys, holders): (Vec<i64>, Vec<&str>) = claims.into_iter().unzip();
    let held: std::collections::HashMap<i64, String> = tx
        .query(
            "INSERT INTO content_keys (content_key, id) SELECT * FROM unnest($1::bigint[], $2::text[])
             ON CONFLICT (content_key) DO UPDATE SET id = content_keys.id RETURNING content_key, id",
            &[&keys, &holders],
        )
        .map_err(q("writing content keys"))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut live: Vec<usize> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if held.get(&r.content_key).map(String::as_str) == Some(r.article.id.as_str()) {
            live.push(i);
        } else {
            out[i] = Some(Written::Duplicate);
        }
    }
    live.sort_by(|&a, &b| rows[a].article.id.cmp(&rows[b].article.id));
    // 2. Article keys: new ones, and where the others live now (locked for this write).
    let ids: Vec<&str> = live.iter().map(|&i| rows[i].article.id.as_str()).collect();
    let months: Vec<i32> = live.iter().map(|&i| month_of(rows[i].article)).collect();
    let fresh: std::collections::HashSet<String> = tx
        .query(
            "INSERT INTO article_keys (id, month) SELECT * FROM unnest($1::text[], $2::int[])
             ON CONFLICT (id) DO NOTHING RETURNING id",
            &[&ids, &months],
        )
        .map_err(q("writing article keys"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let known: Vec<&str> = ids.iter().copied().filter(|id| !fresh.contains(*id)).collect();
    let old: std::collections::HashMap<String, i32> = tx
        .query("SELECT id, month FROM article_keys WHERE id = ANY($1) ORDER BY id FOR UPDATE", &[&known])
        .map_err(q("reading article keys"))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // 3. An article whose date moved to another month leaves its old partition (rare).
    for (id, month) in ids.iter().zip(&months) {
        if let Some(&was) = old.get(*id).filter(|&&was| was != *month) {
            tx.execute("DELETE FROM articles WHERE month = $1 AND id = $2", &[&was, id])
                .map_err(q("moving an article to its month"))?;
            tx.execute("UPDATE article_keys SET month = $2 WHERE id = $1", &[id, month])
                .map_err(q("moving an article to its month"))?;
        }
    }
    // 4. The articles, written where their content changed.
    let mut docs = Vec::with_capacity(live.len());
    let mut analyses = Vec::with_capacity(live.len());
    for &i in &live {
        let (a, an) = (rows[i].article, rows[i].analysis);
        let bad = |e: serde_json::Error| crate::PgError::Record { id: a.id.clone(), reason: e.to_string() };
        docs.push(serde_json::to_value(a).map_err(bad)?);
        analyses.push(an.map(serde_json::to_value).transpose().map_err(bad)?);
    }
    let content_keys: Vec<i64> = live.iter().map(|&i| rows[i].content_key).collect();
    let hashes: Vec<i64> = live.iter().map(|&i| rows[i].hash).collect();
    let published: Vec<Option<String>> =
        live.iter().map(|&i| rows[i].article.published.as_ref().map(|p| p.value.to_string())).collect();
    let outlets: Vec<Option<&str>> = live.iter().map(|&i| rows[i].article.outlet.as_deref()).collect();
    let written: std::collections::HashSet<String> = tx
        .query(
            "INSERT INTO articles (month, id, content_key, hash, published, outlet, doc, analysis, seq)
             SELECT m, i, c, h, p, o, d, a, nextval('feed_seq')
             FROM unnest($1::int[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])
                  AS t(m, i, c, h, p, o, d, a)
             ON CONFLICT (month, id) DO UPDATE SET content_key = EXCLUDED.content_key, hash = EXCLUDED.hash,
                 published = EXCLUDED.published, outlet = EXCLUDED.outlet, doc = EXCLUDED.doc,
                 analysis = EXCLUDED.analysis, seq = EXCLUDED.seq
             WHERE articles.hash <> EXCLUDED.hash
             RETURNING id",
            &[&months, &ids, &content_keys, &hashes, &published, &outlets, &docs, &analyses],
        )
        .map_err(q("writing articles"))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for &i in &live {
        let id = &rows[i].article.id;
        out[i] = Some(match (written.contains(id), fresh.contains(id)) {
            (false, _) => Written::Unchanged,
            (true, true) => Written::New,
            (true, false) => Written::Updated,
        });
    }
    Ok(out.into_iter().map(|w| w.unwrap_or(Written::Unchanged)).collect())
}

/// Articles stored.
pub fn count(client: &mut Client) -> Result<i64> {
    Ok(client.query_one("SELECT count(*) FROM articles", &[]).map_err(q("counting articles"))?.get(0))
}

/// Every article id, sorted (for comparisons and checks).
pub fn ids(client: &mut Client) -> Result<Vec<String>> {
    let rows = client.query("SELECT id FROM articles ORDER BY id", &[]).map_err(q("listing articles"))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Articles per partition, for `mirsad jobs` and the size figures.
pub fn per_partition(client: &mut Client) -> Result<Vec<(String, i64)>> {
    let rows = client
        .query("SELECT tableoid::regclass::text, count(*) FROM articles GROUP BY 1 ORDER BY 1", &[])
        .map_err(q("counting partitions"))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Advisory lock key of the change feed ("mirsad-f"). Writers hold it shared for their whole
/// transaction; a reader takes it exclusively for an instant to learn a sequence number below
/// which every write has committed or rolled back ([`safe_seq`]).
const FEED_LOCK: i64 = 0x6d69_7273_6164_2d66;

/// Call first in a transaction that writes articles.
pub fn lock_feed_shared(tx: &mut impl GenericClient) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock_shared($1)", &[&FEED_LOCK]).map_err(q("joining the feed"))?;
    Ok(())
}

/// The highest feed number every row at or below which is final: sequence numbers are taken in
/// writers' transactions, which commit in any order, so a reader that went past an uncommitted
/// number would skip it for ever. Waits for the writes in flight (each one batch) to end.
pub fn safe_seq(client: &mut Client) -> Result<i64> {
    let mut tx = client.transaction().map_err(q("reading the feed position"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK]).map_err(q("reading the feed position"))?;
    let seq: i64 =
        tx.query_one("SELECT COALESCE(MAX(seq), 0) FROM articles", &[]).map_err(q("reading the feed position"))?.get(0);
    tx.commit().map_err(q("reading the feed position"))?;
    Ok(seq)
}

/// One change of the feed: an article as last written, with its analysis when it has one.
pub struct FeedRow {
    pub seq: i64,
    pub article: Article,
    pub analysis: Option<ArticleAnalysis>,
}

/// Changes after `after` up to `upto` (from [`safe_seq`]), oldest first, at most `limit`.
pub fn feed(client: &mut Client, after: i64, upto: i64, limit: i64) -> Result<Vec<FeedRow>> {
    let rows = client
        .query(
            "SELECT seq, id, doc, analysis FROM articles WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            &[&after, &upto, &limit],
        )
        .map_err(q("reading the feed"))?;
    rows.iter()
        .map(|r| {
            let id: String = r.get(1);
            let bad = |e: serde_json::Error| crate::PgError::Record { id: id.clone(), reason: e.to_string() };
            let article: Article = serde_json::from_value(r.get(2)).map_err(bad)?;
            let analysis: Option<serde_json::Value> = r.get(3);
            let analysis = analysis.map(serde_json::from_value).transpose().map_err(bad)?;
            Ok(FeedRow { seq: r.get(0), article, analysis })
        })
        .collect()
}
