//! The collection's volume over time: articles per day, for a chart of what was collected.

use crate::{Result, Store};
use chrono::{Duration, NaiveDate, Utc};

/// Days in the window [`Store::daily_volume`] covers by default (about three months).
pub const VOLUME_DAYS: u32 = 90;

/// Dates further ahead of the wall clock than this are taken for errors (an outlet's wrong
/// year), not for the newest day of the collection.
const FUTURE_SLACK_DAYS: i64 = 1;

impl Store {
    /// Articles per publication day over the `days` days that end on the newest article's day,
    /// oldest first, a day without articles counted as 0; empty when no article has a date.
    ///
    /// The window ends at the data, not at the wall clock: a collection may be years old and
    /// would otherwise show an empty chart. A date more than a day in the future is ignored as
    /// an error so one wrong date does not move the window off the collection. The day is the
    /// one the outlet wrote (the first ten characters of `published`), as the pages show it.
    /// Both reads are ranges of the `articles_published` index (no table rows are read), so
    /// the cost is the number of articles in the window, not the size of the collection.
    pub fn daily_volume(&self, days: u32) -> Result<Vec<(NaiveDate, u64)>> {
        let days = days.clamp(1, 3660);
        let e = |e| self.sql_err(e);
        // The first day after the last one accepted, as a bound on the text ("YYYY-MM-DD" < bound).
        let bound = (Utc::now().date_naive() + Duration::days(FUTURE_SLACK_DAYS + 1)).format("%Y-%m-%d").to_string();
        let newest: Option<String> = self
            .conn
            .query_row(
                "SELECT substr(published, 1, 10) FROM articles WHERE published < ?1 AND length(published) >= 10
                 ORDER BY published DESC LIMIT 1",
                [&bound],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(e)?;
        let Some(last) = newest.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) else {
            return Ok(Vec::new());
        };
        let first = last - Duration::days(i64::from(days) - 1);
        let end = (last + Duration::days(1)).format("%Y-%m-%d").to_string();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT substr(published, 1, 10) AS d, COUNT(*) FROM articles
                 WHERE published >= ?1 AND published < ?2 AND length(published) >= 10 GROUP BY d",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map([first.format("%Y-%m-%d").to_string(), end], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(e)?;
        let mut out: Vec<(NaiveDate, u64)> = first.iter_days().take(days as usize).map(|d| (d, 0)).collect();
        for row in rows {
            let (d, n) = row.map_err(e)?;
            let Ok(d) = NaiveDate::parse_from_str(&d, "%Y-%m-%d") else { continue };
            let i = (d - first).num_days();
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
                slot.1 += n.max(0) as u64;
            }
        }
        Ok(out)
    }
}
