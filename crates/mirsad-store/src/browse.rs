//! What the web UI's lists read: the stories most covered in a window of time, stories
//! filtered by size and date and sorted, and the outlets of the collection.
//!
//! These read the `articles` and `stories` tables only (no story members, no analyses), so a
//! list stays one or two index scans whatever the size of the stories in it.

use crate::{Result, Store, StoreError};
use mirsad_cluster::StoryState;
use rusqlite::params;
use serde::Serialize;

/// Keywords of a story in a list, as in a story record.
const STORY_KEYWORDS: usize = 8;

/// A story as a list shows it, without its members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryBrief {
    pub id: String,
    pub title: String,
    /// Articles in the whole story.
    pub size: u64,
    /// Outlets that covered it, in order of first article.
    pub outlets: Vec<String>,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    /// Articles of the story published inside the window asked for (all of them outside
    /// [`Store::top_stories`]).
    pub in_window: u64,
    /// Outlets among those articles.
    pub outlets_in_window: u64,
    /// Its heaviest terms as its articles spell them (filled by [`Store::story_briefs`]).
    pub keywords: Vec<String>,
}

impl StoryBrief {
    fn from_state(st: StoryState, in_window: u64, outlets_in_window: u64) -> StoryBrief {
        StoryBrief {
            id: st.id,
            title: st.title,
            size: st.size as u64,
            outlets: st.outlets,
            first_published: st.first_published,
            last_published: st.last_published,
            in_window,
            outlets_in_window,
            keywords: Vec::new(),
        }
    }
}

/// One section of a window of news: its name as stored, its articles in the window, and its
/// stories most covered then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionStories {
    pub section: String,
    pub articles: u64,
    pub stories: Vec<StoryBrief>,
}

/// How a story list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StorySort {
    /// The day of the latest article, newest first; the largest first within a day.
    #[default]
    Newest,
    /// The most articles first.
    Largest,
    /// The earliest first report first.
    Oldest,
}

/// Which stories a list holds. Dates are `YYYY-MM-DD` days, compared with the stored
/// publication values (local times as the pages gave them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryFilter {
    /// At least this many articles (0 and 1 both mean all).
    pub min_articles: usize,
    /// At most this many articles, when given.
    pub max_articles: Option<usize>,
    /// Stories still told on or after this day (their latest article).
    pub from: Option<String>,
    /// Stories begun on or before this day (their first article).
    pub to: Option<String>,
    pub sort: StorySort,
}

impl StoryFilter {
    /// The WHERE clause and its parameters (numbered from 1).
    fn clause(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut w = vec!["size >= ?1".to_string()];
        let mut p = vec![Value::Integer(self.min_articles.max(1) as i64)];
        if let Some(max) = self.max_articles {
            p.push(Value::Integer(max as i64));
            w.push(format!("size <= ?{}", p.len()));
        }
        if let Some(from) = &self.from {
            p.push(Value::Text(from.clone()));
            w.push(format!("last_published >= ?{}", p.len()));
        }
        if let Some(to) = &self.to {
            // Any time on that day sorts before the day followed by '~'.
            p.push(Value::Text(format!("{to}~")));
            w.push(format!("json_extract(state, '$.first_published') <= ?{}", p.len()));
        }
        (w.join(" AND "), p)
    }
}

impl Store {
    /// The stories with the most articles published between `from` and `to` (stored
    /// publication values, compared as text: local times as the pages gave them, so the bounds
    /// are exact to within the outlets' offsets from each other), ranked by how many outlets
    /// told them in that window, then by how many articles; stories told by fewer than
    /// `min_articles` articles in the window are left out.
    pub fn top_stories(&self, from: &str, to: &str, min_articles: usize, limit: usize) -> Result<Vec<StoryBrief>> {
        let sql = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.story, COUNT(*) AS n, COUNT(DISTINCT a.outlet) AS o, s.state
                 FROM articles a JOIN stories s ON s.id = a.story
                 WHERE a.published >= ?1 AND a.published <= ?2 AND a.story IS NOT NULL
                 GROUP BY a.story HAVING n >= ?3
                 ORDER BY o DESC, n DESC, MIN(a.published), a.story LIMIT ?4",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![from, to, min_articles.max(1) as i64, limit as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
            })
            .map_err(sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, n, o, json) = row.map_err(sql)?;
            out.push(StoryBrief::from_state(state(&id, &json)?, n as u64, o as u64));
        }
        Ok(out)
    }

    /// The sections with most articles published between `from` and `to` (compared as in
    /// [`Store::top_stories`]), at most `sections` of them, each with its `per_section` stories
    /// most covered in the window (told by at least `min_articles` of its articles there).
    /// Articles without a section are left out; a section with no such story too.
    pub fn top_stories_by_section(
        &self,
        from: &str,
        to: &str,
        min_articles: usize,
        sections: usize,
        per_section: usize,
    ) -> Result<Vec<SectionStories>> {
        let sql = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT json_extract(a.json, '$.section') AS sec, a.story, COUNT(*) AS n, COUNT(DISTINCT a.outlet) AS o,
                        s.state
                 FROM articles a JOIN stories s ON s.id = a.story
                 WHERE a.published >= ?1 AND a.published <= ?2 AND json_extract(a.json, '$.section') IS NOT NULL
                 GROUP BY sec, a.story
                 ORDER BY sec, o DESC, n DESC, MIN(a.published), a.story",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![from, to], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(sql)?;
        let mut out: Vec<SectionStories> = Vec::new();
        for row in rows {
            let (sec, id, n, o, json) = row.map_err(sql)?;
            if out.last().is_none_or(|s| s.section != sec) {
                out.push(SectionStories { section: sec, articles: 0, stories: Vec::new() });
            }
            let Some(s) = out.last_mut() else { continue };
            s.articles += n as u64;
            if n as usize >= min_articles.max(1) && s.stories.len() < per_section {
                s.stories.push(StoryBrief::from_state(state(&id, &json)?, n as u64, o as u64));
            }
        }
        out.retain(|s| !s.stories.is_empty());
        out.sort_by(|a, b| b.articles.cmp(&a.articles).then_with(|| a.section.cmp(&b.section)));
        out.truncate(sections);
        Ok(out)
    }

    /// The latest stored publication value not after `not_after` (a date or time as stored):
    /// where "now" is for a collection whose news is older than the clock. A page dated in the
    /// future does not move it.
    pub fn newest_published(&self, not_after: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT published FROM articles WHERE published IS NOT NULL AND published <= ?1
                 ORDER BY published DESC LIMIT 1",
                [not_after],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql_err(e))
    }

    /// The states of a page of stories as `filter` says.
    fn filtered_states(&self, filter: &StoryFilter, offset: usize, limit: usize) -> Result<Vec<StoryState>> {
        let (clause, mut p) = filter.clause();
        let order = match filter.sort {
            StorySort::Newest => "substr(last_published, 1, 10) DESC, size DESC, last_published DESC, id",
            StorySort::Largest => "size DESC, last_published DESC, id",
            StorySort::Oldest => {
                "json_extract(state, '$.first_published') IS NULL, json_extract(state, '$.first_published'), id"
            }
        };
        p.push(rusqlite::types::Value::Integer(limit as i64));
        p.push(rusqlite::types::Value::Integer(offset as i64));
        let n = p.len();
        let query =
            format!("SELECT id, state FROM stories WHERE {clause} ORDER BY {order} LIMIT ?{} OFFSET ?{n}", n - 1);
        self.story_states(&query, rusqlite::params_from_iter(p))
    }

    /// A page of stories as `filter` says, with their keywords but not their members (a
    /// story's first [`mirsad_cluster::KEYWORD_MEMBERS`] articles are read for the keywords).
    pub fn story_briefs(&self, filter: &StoryFilter, offset: usize, limit: usize) -> Result<Vec<StoryBrief>> {
        let sql = |e| self.sql_err(e);
        let states = self.filtered_states(filter, offset, limit)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, json FROM articles WHERE story = ?1 ORDER BY published IS NULL, published, seq LIMIT ?2",
            )
            .map_err(sql)?;
        let mut out = Vec::with_capacity(states.len());
        for st in states {
            let rows = stmt
                .query_map(params![&st.id, mirsad_cluster::KEYWORD_MEMBERS as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(sql)?;
            let mut members = Vec::new();
            for row in rows {
                let (id, json) = row.map_err(sql)?;
                members.push(crate::parse_article(&id, &json)?);
            }
            let refs: Vec<&mirsad_model::Article> = members.iter().collect();
            let keywords = mirsad_cluster::keywords_in_text(&st, &refs, STORY_KEYWORDS);
            let (n, o) = (st.size as u64, st.outlets.len() as u64);
            let mut b = StoryBrief::from_state(st, n, o);
            b.keywords = keywords;
            out.push(b);
        }
        Ok(out)
    }

    /// A page of stories as `filter` says, with their articles (as [`Store::story`]).
    pub fn stories_filtered(
        &self,
        filter: &StoryFilter,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<mirsad_model::Story>> {
        let states = self.filtered_states(filter, offset, limit)?;
        states.iter().map(|st| self.story_with_members(st)).collect()
    }

    /// Number of stories `filter` keeps.
    pub fn story_count_filtered(&self, filter: &StoryFilter) -> Result<u64> {
        let (clause, p) = filter.clause();
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM stories WHERE {clause}"), rusqlite::params_from_iter(p), |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.sql_err(e))
    }

    /// Every outlet of the collection with its number of articles, the most first.
    pub fn outlets(&self) -> Result<Vec<(String, u64)>> {
        let sql = |e| self.sql_err(e);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT outlet, COUNT(*) AS n FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC, outlet",
            )
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))).map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }
}

fn state(id: &str, json: &str) -> Result<StoryState> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}
