//! Atom feeds out: `/atom` (latest articles) and `/search.atom?q=…` (a search's results).
//!
//! Written with quick-xml, which escapes text and attribute values; characters XML 1.0 does not
//! allow are dropped first. Summaries are `type="text"`, so a reader never renders them as HTML.
//! Links are relative to the feed's own URL (`/articles/ID`).

use crate::api::{latest_page, search_page};
use crate::ui::{search_qs, snippet_text};
use crate::{
    parse_count, safe_url, url_encode, AppState, Error, SearchParams, MAX_LIMIT, MAX_SEARCH_OFFSET, PAGE_SIZE,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use mirsad_model::Published;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// One entry, whatever it was made from.
pub(crate) struct Entry {
    pub id: String,
    pub title: Option<String>,
    pub published: Option<Published>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub summary: String,
    pub keywords: Vec<String>,
}

pub(crate) struct Feed {
    pub id: String,
    pub title: String,
    pub self_href: String,
    pub alternate_href: String,
    pub entries: Vec<Entry>,
}

/// Drops characters XML 1.0 forbids (controls other than tab, newline, return; U+FFFE/U+FFFF).
fn xml_clean(s: &str) -> String {
    s.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')).collect()
}

/// RFC 3339 instant of a contract date value (a bare day is midnight UTC, a time without an
/// offset is taken as UTC); none for a value coarser than a day.
fn rfc3339(p: &Published) -> Option<String> {
    p.value.day()?;
    if let Some(dt) = p.value.datetime() {
        return Some(dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    chrono::DateTime::from_timestamp(p.value.timestamp(), 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn text_el(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&xml_clean(text)))?;
    Ok(())
}

impl Feed {
    pub(crate) fn to_xml(&self) -> io::Result<Vec<u8>> {
        let dates: Vec<Option<String>> = self.entries.iter().map(|e| e.published.as_ref().and_then(rfc3339)).collect();
        let feed_updated = dates
            .iter()
            .flatten()
            .max()
            .cloned()
            .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.write_event(Event::Text(BytesText::new("\n")))?;
        w.create_element("feed")
            .with_attribute(("xmlns", ATOM_NS))
            .with_attribute(("xml:lang", "ar"))
            .write_inner_content(|w| {
                text_el(w, "id", &self.id)?;
                w.create_element("title")
                    .with_attribute(("type", "text"))
                    .write_text_content(BytesText::new(&xml_clean(&self.title)))?;
                text_el(w, "updated", &feed_updated)?;
                w.create_element("author").write_inner_content(|w| text_el(w, "name", "mirsad"))?;
                w.create_element("generator").write_text_content(BytesText::new("mirsad"))?;
                w.create_element("link")
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/atom+xml"))
                    .with_attribute(("href", xml_clean(&self.self_href).as_str()))
                    .write_empty()?;
                w.create_element("link")
                    .with_attribute(("rel", "alternate"))
                    .with_attribute(("type", "text/html"))
                    .with_attribute(("href", xml_clean(&self.alternate_href).as_str()))
                    .write_empty()?;
                for (e, date) in self.entries.iter().zip(&dates) {
                    w.create_element("entry").write_inner_content(|w| {
                        text_el(w, "id", &format!("urn:mirsad:article:{}", url_encode(&e.id)))?;
                        w.create_element("title").with_attribute(("type", "text")).write_text_content(
                            BytesText::new(&xml_clean(e.title.as_deref().unwrap_or("(بلا عنوان)"))),
                        )?;
                        text_el(w, "updated", date.as_deref().unwrap_or(&feed_updated))?;
                        if let Some(d) = date {
                            text_el(w, "published", d)?;
                        }
                        if let Some(o) = &e.outlet {
                            w.create_element("author")
                                .write_inner_content(|w| text_el(w, "name", &crate::outlets::display(o)))?;
                        }
                        w.create_element("link")
                            .with_attribute(("rel", "alternate"))
                            .with_attribute(("type", "text/html"))
                            .with_attribute(("href", format!("/articles/{}", url_encode(&e.id)).as_str()))
                            .write_empty()?;
                        if let Some(u) = safe_url(&e.url) {
                            w.create_element("link")
                                .with_attribute(("rel", "related"))
                                .with_attribute(("href", xml_clean(u).as_str()))
                                .write_empty()?;
                        }
                        for k in &e.keywords {
                            w.create_element("category")
                                .with_attribute(("term", xml_clean(k).as_str()))
                                .write_empty()?;
                        }
                        w.create_element("summary")
                            .with_attribute(("type", "text"))
                            .write_text_content(BytesText::new(&xml_clean(&e.summary)))?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(w.into_inner())
    }
}

fn feed_response(r: Result<Feed, Error>) -> Response {
    let feed = match r {
        Ok(f) => f,
        Err(e) => return e.into_json(),
    };
    match feed.to_xml() {
        Ok(xml) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response()
        }
        Err(e) => Error::internal(e).into_json(),
    }
}

fn summary_of(body: &str) -> String {
    let s: String = body.chars().take(400).collect();
    if body.chars().nth(400).is_some() {
        format!("{s}…")
    } else {
        s
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct FeedParams {
    limit: Option<String>,
}

pub(crate) async fn latest(State(state): State<AppState>, q: Result<Query<FeedParams>, QueryRejection>) -> Response {
    feed_response(
        async {
            let p = q.map(|Query(p)| p).map_err(|e| Error::bad_request(e.body_text()))?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            let page = latest_page(&state, 0, limit).await?;
            Ok(Feed {
                id: "urn:mirsad:latest".into(),
                title: "مرصد: أحدث الأخبار".into(),
                self_href: "/atom".into(),
                alternate_href: "/".into(),
                entries: page
                    .articles
                    .into_iter()
                    .map(|a| Entry {
                        summary: summary_of(&a.body),
                        id: a.id,
                        title: a.title,
                        published: a.published,
                        outlet: a.outlet,
                        url: a.url,
                        keywords: a.keywords,
                    })
                    .collect(),
            })
        }
        .await,
    )
}

pub(crate) async fn search(State(state): State<AppState>, q: Result<Query<SearchParams>, QueryRejection>) -> Response {
    feed_response(
        async {
            let p = q.map(|Query(p)| p).map_err(|e| Error::bad_request(e.body_text()))?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            let offset = parse_count("offset", &p.offset, 0, 0, MAX_SEARCH_OFFSET)?;
            let results = search_page(&state, &p, limit, offset).await?;
            let qs = search_qs(&p);
            let what = crate::nonempty(&p.q).unwrap_or("").to_string();
            Ok(Feed {
                id: format!("urn:mirsad:search:{qs}"),
                title: if what.is_empty() {
                    "مرصد: بحث".into()
                } else {
                    format!("مرصد: بحث عن {what}")
                },
                self_href: format!("/search.atom?{qs}"),
                alternate_href: format!("/search?{qs}"),
                entries: results
                    .hits
                    .into_iter()
                    .map(|h| Entry {
                        summary: snippet_text(&h.snippet),
                        id: h.id,
                        title: h.title,
                        published: h.published,
                        outlet: h.outlet,
                        url: None,
                        keywords: Vec::new(),
                    })
                    .collect(),
            })
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mirsad_model::{Basis, Precision};

    #[test]
    fn dates_become_rfc3339() {
        let p = |v: &str, precision| Published { value: v.parse().unwrap(), precision, basis: Basis::Explicit };
        assert_eq!(rfc3339(&p("2023-09-11", Precision::Day)).as_deref(), Some("2023-09-11T00:00:00Z"));
        assert_eq!(
            rfc3339(&p("2023-09-11T10:05+03:00", Precision::Minute)).as_deref(),
            Some("2023-09-11T10:05:00+03:00")
        );
        assert_eq!(rfc3339(&p("2023", Precision::Year)), None);
    }

    #[test]
    fn hostile_dates_cannot_reach_the_feed() {
        // A value with a multi-byte character at byte 16 is refused where it enters (the date
        // type), so the feed never formats one; a minute value gets its seconds.
        assert!("2024-01-05T00:0é+03:00".parse::<mirsad_model::DateValue>().is_err());
        let p = |v: &str| Published { value: v.parse().unwrap(), precision: Precision::Minute, basis: Basis::Explicit };
        assert_eq!(rfc3339(&p("2024-01-05T00:00")), Some("2024-01-05T00:00:00Z".into()));
        assert_eq!(rfc3339(&p("٢٠٢٤-٠١-٠٥T10:05")), Some("2024-01-05T10:05:00Z".into()));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(xml_clean("a\u{0}b\u{1b}c\nd\u{FFFF}"), "abc\nd");
    }
}
