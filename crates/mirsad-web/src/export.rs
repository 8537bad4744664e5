//! Downloads: the articles of a search, a story or an entity as CSV or JSON lines (issue 18).
//!
//! `GET /api/search/export` takes the parameters of `/api/search` (and checks them the same
//! way, through [`SearchParams`]); `GET /api/stories/{id}/export` lists a story's articles in
//! timeline order; `GET /api/entities/{id}/export` the articles mentioning an entity, newest
//! first. Each takes `format=csv|jsonl` (JSON lines when absent), `limit` (rows, at most
//! [`MAX_EXPORT_ROWS`]) and, for CSV, `body=1` to add the article text.
//!
//! A download is built whole on the blocking pool and only then sent: the store handle is
//! free again before a slow client reads a byte, and the work is bounded by
//! [`MAX_EXPORT_ROWS`] rows and [`MAX_EXPORT_BYTES`] bytes, so it finishes well within the
//! request timeout. A list cut by either bound says so in [`TRUNCATED_HEADER`].
//!
//! CSV is for spreadsheets: it starts with a UTF-8 byte order mark (else Excel reads the Arabic
//! as Latin-1), ends records with CRLF (RFC 4180), and no cell starts with a character a
//! spreadsheet would read as a formula (see [`defuse`]): the text comes from untrusted pages.

use crate::api::{path_id, query};
use crate::{nonempty, parse_count, url_encode, AppState, Error, SearchParams, MAX_SEARCH_OFFSET};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use mirsad_model::Article;
use mirsad_store::{Store, COLLAPSE_FACTOR, MAX_RANKED};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most rows in one download. Ten thousand articles is far more than a reader skims and as
/// deep as search pages go ([`MAX_SEARCH_OFFSET`]); it keeps one download to tens of megabytes
/// and a few seconds of work, so a handful at once cannot exhaust memory or the request timeout.
pub const MAX_EXPORT_ROWS: usize = 10_000;

/// Most bytes in one download: articles are untrusted and some bodies are huge, so the row cap
/// alone does not bound the memory a download holds. Rows past it are left out (and the
/// download says it was cut), never split.
pub const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;

/// Response header saying whether rows were left out (`true`) or the list is whole (`false`).
pub const TRUNCATED_HEADER: &str = "x-mirsad-truncated";
/// Response header with the number of rows in the download.
pub const ROWS_HEADER: &str = "x-mirsad-rows";

/// Columns of every CSV download, in order; search downloads put `rank` and `score` first and
/// `body=1` adds `body` last. Lists (keywords, attribution) are joined with [`LIST_SEPARATOR`].
pub const CSV_COLUMNS: [&str; 10] =
    ["id", "url", "title", "outlet", "published", "story", "duplicate_of", "keywords", "attribution", "author"];

/// How list cells are joined: a character news text does not use, so a list splits back.
pub const LIST_SEPARATOR: &str = " | ";

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Format {
    Csv,
    Jsonl,
}

impl Format {
    fn parse(v: &Option<String>) -> Result<Format, Error> {
        match nonempty(v) {
            None | Some("jsonl") => Ok(Format::Jsonl),
            Some("csv") => Ok(Format::Csv),
            Some(s) => {
                Err(Error::bad_request(format!("format must be csv or jsonl, got {s:?}"))
                    .ar("صيغة التنزيل csv أو jsonl."))
            }
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson",
        }
    }
}

/// Parameters of the story and entity downloads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExportParams {
    pub format: Option<String>,
    pub body: Option<String>,
    pub limit: Option<String>,
}

/// Parameters of the search download: those of `/api/search` and the download's own.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchExportParams {
    #[serde(flatten)]
    pub search: SearchParams,
    pub format: Option<String>,
    pub body: Option<String>,
}

/// How a download is shaped and bounded; the handlers use the crate's caps, tests lower them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub format: Format,
    /// CSV only: add the `body` column (JSON lines always carry the whole record).
    pub body: bool,
    /// Most rows written.
    pub rows: usize,
    /// Most bytes written.
    pub bytes: usize,
}

impl Shape {
    fn parse(format: &Option<String>, body: &Option<String>, limit: &Option<String>) -> Result<Shape, Error> {
        let body = match nonempty(body) {
            None | Some("0") => false,
            Some("1") => true,
            Some(s) => {
                return Err(
                    Error::bad_request(format!("body must be 1 or 0, got {s:?}")).ar("المعامل body يقبل 0 أو 1.")
                )
            }
        };
        Ok(Shape {
            format: Format::parse(format)?,
            body,
            rows: parse_count("limit", limit, MAX_EXPORT_ROWS, 1, MAX_EXPORT_ROWS)?,
            bytes: MAX_EXPORT_BYTES,
        })
    }
}

/// One row: an article, with its place in the ranking for a search.
pub(crate) struct Row {
    pub rank: Option<usize>,
    pub score: Option<f32>,
    pub article: Article,
}

/// A JSON line: the article record as `/api/articles/{id}` gives it, with `rank` and `score`
/// for a search.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
    #[serde(flatten)]
    article: &'a Article,
}

/// A finished download.
pub(crate) struct Export {
    pub bytes: Vec<u8>,
    pub rows: usize,
    /// Rows were left out: by the row cap, the byte cap or `limit`.
    pub truncated: bool,
}

/// A cell a spreadsheet will show as text: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (CSV injection), so it gets a leading `'`.
pub(crate) fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes `rows` as `shape` says, stopping at `shape.bytes`. `more` says whether rows beyond
/// these exist (the caller read one more than it writes, or knows the total).
pub(crate) fn write(
    rows: impl IntoIterator<Item = Row>,
    ranked: bool,
    shape: Shape,
    more: bool,
) -> Result<Export, Error> {
    let mut out = Export { bytes: Vec::new(), rows: 0, truncated: more };
    match shape.format {
        Format::Jsonl => {
            for r in rows.into_iter().take(shape.rows) {
                let mut line = serde_json::to_vec(&Line { rank: r.rank, score: r.score, article: &r.article })
                    .map_err(Error::internal)?;
                line.push(b'\n');
                if out.bytes.len() + line.len() > shape.bytes {
                    out.truncated = true;
                    break;
                }
                out.bytes.extend_from_slice(&line);
                out.rows += 1;
            }
        }
        Format::Csv => {
            let mut w =
                csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer("\u{feff}".as_bytes().to_vec());
            let mut header: Vec<&str> = Vec::new();
            if ranked {
                header.extend(["rank", "score"]);
            }
            header.extend(CSV_COLUMNS);
            if shape.body {
                header.push("body");
            }
            w.write_record(&header).map_err(Error::internal)?;
            w.flush().map_err(Error::internal)?;
            let mut cut = None;
            for r in rows.into_iter().take(shape.rows) {
                let before = w.get_ref().len();
                let a = &r.article;
                let text = |v: &Option<String>| defuse(v.as_deref().unwrap_or("")).into_owned();
                let mut cells: Vec<String> = Vec::with_capacity(header.len());
                if ranked {
                    cells.push(r.rank.map(|n| n.to_string()).unwrap_or_default());
                    cells.push(r.score.map(|s| s.to_string()).unwrap_or_default());
                }
                cells.push(defuse(&a.id).into_owned());
                cells.push(text(&a.url));
                cells.push(text(&a.title));
                cells.push(text(&a.outlet));
                cells.push(a.published.as_ref().map(|p| defuse(p.value.as_str()).into_owned()).unwrap_or_default());
                cells.push(text(&a.story));
                cells.push(text(&a.duplicate_of));
                cells.push(defuse(&a.keywords.join(LIST_SEPARATOR)).into_owned());
                cells.push(defuse(&a.attribution.join(LIST_SEPARATOR)).into_owned());
                cells.push(text(&a.author));
                if shape.body {
                    cells.push(defuse(&a.body).into_owned());
                }
                w.write_record(&cells).map_err(Error::internal)?;
                w.flush().map_err(Error::internal)?;
                if w.get_ref().len() > shape.bytes {
                    cut = Some(before);
                    break;
                }
                out.rows += 1;
            }
            out.bytes = w.into_inner().map_err(|e| Error::internal(e.error()))?;
            if let Some(len) = cut {
                out.bytes.truncate(len);
                out.truncated = true;
            }
        }
    }
    Ok(out)
}

/// The stored articles of `ids`, in order (ids the store no longer has are skipped).
fn articles(s: &Store, ids: impl IntoIterator<Item = String>) -> Result<Vec<Row>, Error> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(article) = s.get(&id)? {
            out.push(Row { rank: None, score: None, article });
        }
    }
    Ok(out)
}

/// A story's articles in timeline order (by publication date, undated last). `None` when the
/// story is unknown.
pub(crate) fn story_export(s: &Store, id: &str, shape: Shape) -> Result<Option<Export>, Error> {
    let Some(story) = s.story(id)? else { return Ok(None) };
    let mut ids: Vec<String> = story.timeline.into_iter().map(|e| e.article).collect();
    if ids.is_empty() {
        ids = story.articles;
    }
    let more = ids.len() > shape.rows;
    ids.truncate(shape.rows);
    write(articles(s, ids)?, false, shape, more).map(Some)
}

/// The articles mentioning an entity, newest first. `None` when the entity is unknown.
pub(crate) fn entity_export(s: &Store, id: &str, shape: Shape) -> Result<Option<Export>, Error> {
    // One more than is written, to know whether the list was cut.
    let Some(mut ids) = s.entity_articles(id, shape.rows + 1)? else { return Ok(None) };
    let more = ids.len() > shape.rows;
    ids.truncate(shape.rows);
    write(articles(s, ids)?, false, shape, more).map(Some)
}

/// The ranked hits of a search from `offset`, up to `shape.rows`. With `collapse=story` only the
/// best-ranked hit of each story is kept (hits without a story all stay), reading up to
/// [`COLLAPSE_FACTOR`] times the hits needed, as the search page does; `rank` is then the place
/// among the kept hits.
pub(crate) fn search_export(s: &Store, p: &SearchParams, offset: usize, shape: Shape) -> Result<Export, Error> {
    let by_story = p.collapse_story()?;
    s.refresh()?;
    if !by_story {
        let mut q = p.to_query(shape.rows, offset)?;
        crate::outlets::resolve_filter(s, &mut q)?;
        let (total, ids) = s.search_ranked(&q)?;
        let more = offset + ids.len() < total;
        let mut rows = Vec::with_capacity(ids.len());
        for (i, (id, score)) in ids.into_iter().enumerate() {
            if let Some(article) = s.get(&id)? {
                rows.push(Row { rank: Some(offset + i + 1), score: Some(score), article });
            }
        }
        return write(rows, true, shape, more);
    }
    let want = offset + shape.rows;
    let read = want.saturating_mul(COLLAPSE_FACTOR).min(MAX_RANKED);
    let mut q = p.to_query(read, 0)?;
    crate::outlets::resolve_filter(s, &mut q)?;
    let (total, ids) = s.search_ranked(&q)?;
    // Hits not read could hold more stories: then the list may be longer than this.
    let mut more = ids.len() < total;
    let mut seen = HashSet::new();
    let mut kept: Vec<Row> = Vec::new();
    for (id, score) in ids {
        let Some(article) = s.get(&id)? else { continue };
        if article.story.as_ref().is_some_and(|st| !seen.insert(st.clone())) {
            continue;
        }
        if kept.len() == want {
            more = true;
            break;
        }
        kept.push(Row { rank: Some(kept.len() + 1), score: Some(score), article });
    }
    write(kept.into_iter().skip(offset), true, shape, more)
}

/// Headers and body of a finished download; `name` is the file name without extension.
fn download(e: Export, format: Format, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    let mut r = (StatusCode::OK, e.bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    // The name is built from ASCII letters, digits and `-` only (see [`file_name`]).
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        HeaderName::from_static(TRUNCATED_HEADER),
        HeaderValue::from_static(if e.truncated { "true" } else { "false" }),
    );
    h.insert(HeaderName::from_static(ROWS_HEADER), HeaderValue::from(e.rows));
    r
}

/// A safe ASCII file name: `mirsad-{kind}`, then the ASCII letters and digits of `what` (other
/// characters make one `-`; at most 40), then a short hash of `what` whenever anything was
/// dropped, so that two Arabic queries or ids do not download to the same name.
pub(crate) fn file_name(kind: &str, what: &str) -> String {
    let mut slug = String::new();
    let mut dropped = false;
    for c in what.chars() {
        if c.is_ascii_alphanumeric() {
            if slug.len() < 40 {
                slug.push(c.to_ascii_lowercase());
            } else {
                dropped = true;
            }
        } else {
            dropped = true;
            if !slug.is_empty() && !slug.ends_with('-') && slug.len() < 40 {
                slug.push('-');
            }
        }
    }
    let slug = slug.trim_end_matches('-');
    let mut name = format!("mirsad-{kind}");
    if !slug.is_empty() {
        name.push('-');
        name.push_str(slug);
    }
    if dropped || slug.is_empty() {
        name.push_str(&format!("-{:08x}", xxhash_rust::xxh3::xxh3_64(what.as_bytes()) as u32));
    }
    name
}

fn respond(r: Result<Response, Error>) -> Response {
    r.unwrap_or_else(Error::into_json)
}

/// `GET /api/search/export`.
pub(crate) async fn search(
    State(state): State<AppState>,
    q: Result<Query<SearchExportParams>, QueryRejection>,
) -> Response {
    respond(
        async {
            let p = query(q)?;
            let shape = Shape::parse(&p.format, &p.body, &p.search.limit)?;
            let offset = parse_count("offset", &p.search.offset, 0, 0, MAX_SEARCH_OFFSET)?;
            // Checked here too, so a bad query is a 400 before any work is queued.
            p.search.to_query(shape.rows, offset)?;
            let s = &p.search;
            let words: Vec<&str> =
                [&s.q, &s.from, &s.to, &s.outlet, &s.keyword].into_iter().filter_map(nonempty).collect();
            let name = file_name("search", &words.join(" "));
            let search = p.search;
            let e = state.with_store(move |s| search_export(s, &search, offset, shape)).await?;
            Ok(download(e, shape.format, &name))
        }
        .await,
    )
}

/// `GET /api/stories/{id}/export`.
pub(crate) async fn story(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            let p = query(q)?;
            let shape = Shape::parse(&p.format, &p.body, &p.limit)?;
            let name = file_name("story", &id);
            let e = state
                .with_store(move |s| {
                    story_export(s, &id, shape)?.ok_or_else(|| {
                        Error::not_found(format!("no story with id {id:?}")).ar("لا توجد قصة بهذا المعرّف.")
                    })
                })
                .await?;
            Ok(download(e, shape.format, &name))
        }
        .await,
    )
}

/// `GET /api/entities/{id}/export`.
pub(crate) async fn entity(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            let p = query(q)?;
            let shape = Shape::parse(&p.format, &p.body, &p.limit)?;
            let name = file_name("entity", &id);
            let e = state
                .with_store(move |s| {
                    entity_export(s, &id, shape)?.ok_or_else(|| {
                        Error::not_found(format!("no entity with id {id:?}")).ar("لا يوجد علَم بهذا المعرّف.")
                    })
                })
                .await?;
            Ok(download(e, shape.format, &name))
        }
        .await,
    )
}

/// The «download» line of a page: `base` is the export path with its query string so far
/// (ending in `?` or `&`).
pub(crate) fn links(label: &str, base: &str) -> Markup {
    html! {
        p.export {
            (label) ": "
            a href={ (base) "format=csv" } download { "CSV" }
            " · "
            a href={ (base) "format=jsonl" } download { "JSONL" }
        }
    }
}

/// The download line of the search page, for the search `qs` (as [`crate::ui::search_qs`]
/// writes it).
pub(crate) fn search_links(qs: &str) -> Markup {
    links("تنزيل النتائج", &format!("/api/search/export?{qs}&"))
}

/// The download line of a story page.
pub(crate) fn story_links(id: &str) -> Markup {
    links("تنزيل المقالات", &format!("/api/stories/{}/export?", url_encode(id)))
}

/// The download line of an entity page.
pub(crate) fn entity_links(id: &str) -> Markup {
    links("تنزيل المقالات", &format!("/api/entities/{}/export?", url_encode(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                rank: Some(i + 1),
                score: Some(1.0),
                article: Article::new(format!("id{i}"), "doc", "نص عربي ".repeat(20)),
            })
            .collect()
    }

    fn shape(format: Format, rows: usize, bytes: usize) -> Shape {
        Shape { format, body: true, rows, bytes }
    }

    #[test]
    fn the_caps_cut_at_whole_rows_and_say_so() {
        for format in [Format::Csv, Format::Jsonl] {
            // Whole.
            let e = write(rows(3), true, shape(format, 5, MAX_EXPORT_BYTES), false).unwrap();
            assert_eq!((e.rows, e.truncated), (3, false));
            // The row cap: a lowered one stands for MAX_EXPORT_ROWS.
            let e = write(rows(5), true, shape(format, 2, MAX_EXPORT_BYTES), true).unwrap();
            assert_eq!((e.rows, e.truncated), (2, true));
            // The byte cap: room for two and a half rows keeps two, whole.
            let one = write(rows(1), true, shape(format, 5, MAX_EXPORT_BYTES), false).unwrap().bytes.len();
            let e = write(rows(5), true, shape(format, 5, one * 5 / 2), false).unwrap();
            assert_eq!((e.rows, e.truncated), (2, true), "{format:?}");
            assert!(e.bytes.len() <= one * 5 / 2);
            let text = String::from_utf8(e.bytes).unwrap();
            match format {
                Format::Jsonl => {
                    assert_eq!(text.lines().count(), 2);
                    assert!(text.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
                }
                Format::Csv => {
                    let body = text.strip_prefix('\u{feff}').unwrap();
                    let mut r = csv::Reader::from_reader(body.as_bytes());
                    assert_eq!(r.records().collect::<Result<Vec<_>, _>>().unwrap().len(), 2);
                }
            }
        }
    }

    #[test]
    fn formula_cells_are_defused() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defuse(s), format!("'{s}"));
        }
        for s in ["", "1-1", "مكتبة", " =1", "'=1", "https://x.test/a"] {
            assert_eq!(defuse(s), s);
        }
    }

    #[test]
    fn file_names_are_short_safe_ascii() {
        assert_eq!(file_name("story", "abc123"), "mirsad-story-abc123");
        let a = file_name("search", "المكتبة");
        assert!(a.starts_with("mirsad-search-") && a.len() == "mirsad-search-".len() + 8, "{a}");
        assert_ne!(a, file_name("search", "القمح"));
        let b = file_name("entity", "PER:Kim \"Jong\"\r\nUn; x=1");
        assert!(b.starts_with("mirsad-entity-per-kim-jong-un-x-1-"), "{b}");
        let long = file_name("search", &"a".repeat(500));
        assert!(long.len() < 70, "{long}");
        for n in [a, b, long] {
            assert!(n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'), "{n}");
        }
    }
}
