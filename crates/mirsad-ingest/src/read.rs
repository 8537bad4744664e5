//! Readers: paths to [`Document`]s.
//!
//! A path is a file, a folder (read recursively, in sorted order so output is deterministic)
//! or `-` for standard input. Each file's format is taken from its name when that is clear and
//! sniffed from its first bytes otherwise; gzip input is decompressed first, never past the
//! document limit for a single document nor past a bounded expansion ratio for a stream
//! ([`gzip`]). Multi-record formats (JSONL, WARC) stream their records, so memory stays
//! bounded by one record. Every problem becomes an [`IngestError`] naming the file or record;
//! reading goes on with the next record where the format allows it.

pub mod gzip;
mod warc;
pub use warc::{HttpError, WarcError};

use crate::document::{Document, Hints, Payload};
use crate::error::{IngestError, Location};
use crate::{dates, encoding};
use gzip::Counted;
use mirsad_model::{Basis, DateValue, Precision, Published};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Options for the readers.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest document (a file, a record's body) accepted, in bytes.
    pub max_doc_bytes: u64,
    /// Field names for JSONL records; unset fields are detected.
    pub fields: FieldMap,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_doc_bytes: 16 << 20, fields: FieldMap::default() }
    }
}

/// Which JSONL field holds what. `None` means: detect from the usual names.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    pub body: Option<String>,
    pub html: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub keywords: Option<String>,
}

/// A `--field` value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FieldSpecError {
    #[error("field mapping `{0}` is not NAME=FIELD")]
    NotNameField(String),
    #[error("unknown field name `{0}` (known: body, html, title, url, date, outlet, author, keywords)")]
    UnknownName(String),
}

impl FieldMap {
    /// Sets one mapping from a `name=field` flag value.
    pub fn set(&mut self, spec: &str) -> Result<(), FieldSpecError> {
        let (name, field) = spec.split_once('=').ok_or_else(|| FieldSpecError::NotNameField(spec.to_string()))?;
        let slot = match name.trim() {
            "body" | "text" => &mut self.body,
            "html" => &mut self.html,
            "title" => &mut self.title,
            "url" => &mut self.url,
            "date" | "published" => &mut self.date,
            "outlet" | "source" => &mut self.outlet,
            "author" => &mut self.author,
            "keywords" | "tags" => &mut self.keywords,
            other => return Err(FieldSpecError::UnknownName(other.to_string())),
        };
        *slot = Some(field.trim().to_string());
        Ok(())
    }
}

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// Expands paths into inputs: folders recursively (sorted, hidden entries skipped), `-` as
/// standard input. A path given that does not exist fails the whole call (a mistyped path stops
/// a run before anything is written). Inside a folder, an entry that cannot be read (a
/// sub-folder without permission, a path too long for the OS) becomes an `Err` item in its place,
/// naming it with the reason, and the walk goes on with the rest.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Result<Input, IngestError>>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(Input::Stdin));
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| IngestError::Io { location: loc(p), source: e })?;
        if meta.is_dir() {
            let walker = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.')));
            for entry in walker {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => out.push(Ok(Input::File(entry.into_path()))),
                    Ok(_) => {}
                    Err(e) => out.push(Err(walk_error(p, e))),
                }
            }
        } else {
            out.push(Ok(Input::File(p.clone())));
        }
    }
    Ok(out)
}

/// A walk error as an `Io` error on the entry it concerns (the OS error alone: the location
/// already names the path that walkdir's own message repeats).
fn walk_error(root: &Path, e: walkdir::Error) -> IngestError {
    let location = loc(e.path().unwrap_or(root));
    let source = match e.into_io_error() {
        Some(io) => io,
        None => std::io::Error::other("a symbolic link loops back to a folder above it"),
    };
    IngestError::Io { location, source }
}

/// The formats the readers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Feed,
    Jsonl,
    Warc,
}

/// A stream of documents (or per-record errors) from one input.
pub type Documents = Box<dyn Iterator<Item = Result<Document, IngestError>> + Send>;

/// A document cut out of its container but not yet decoded. Cutting (finding record
/// boundaries) is serial; decoding a JSON line is deferred to [`Pending::resolve`] so that a
/// caller can run it on worker threads.
pub enum Pending {
    Ready(Result<Document, IngestError>),
    JsonLine { location: String, line: Vec<u8>, fields: Arc<FieldMap> },
}

impl Pending {
    pub fn resolve(self) -> Result<Document, IngestError> {
        match self {
            Pending::Ready(d) => d,
            Pending::JsonLine { location, line, fields } => jsonl_record(&location, &line, &fields),
        }
    }
}

/// A stream of pending documents from one input.
pub type PendingDocuments = Box<dyn Iterator<Item = Pending> + Send>;

/// Opens one input and returns its documents. An input that cannot be opened at all gives a
/// single error item.
pub fn read(input: &Input, opts: &ReadOptions) -> Documents {
    Box::new(read_pending(input, opts).map(Pending::resolve))
}

/// Like [`read`], with decoding left to the caller.
pub fn read_pending(input: &Input, opts: &ReadOptions) -> PendingDocuments {
    match open(input, opts) {
        Ok(d) => d,
        Err(e) => Box::new(std::iter::once(Pending::Ready(Err(e)))),
    }
}

fn open(input: &Input, opts: &ReadOptions) -> Result<PendingDocuments, IngestError> {
    let name = input.name();
    let (raw, size): (Box<dyn Read + Send>, Option<u64>) = match input {
        Input::Stdin => (Box::new(std::io::stdin()), None),
        Input::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| IngestError::Io { location: loc(p), source: e })?;
            // The size of a regular file names an oversized one without reading it to the end.
            let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            (Box::new(f), size)
        }
    };
    open_reader(name, raw, size, opts)
}

/// Reads documents from bytes already in memory, as if they were a file called `name` (the
/// name's extension still chooses the format when it is clear). For tests and fuzzing.
pub fn read_bytes(name: &str, bytes: Vec<u8>, opts: &ReadOptions) -> Documents {
    let size = Some(bytes.len() as u64);
    match open_reader(name.to_string(), Box::new(std::io::Cursor::new(bytes)), size, opts) {
        Ok(d) => Box::new(d.map(Pending::resolve)),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

/// The raw input, counted so that the gzip guard can compare what it read with what it gave.
type Source = BufReader<Counted<Box<dyn Read + Send>>>;

/// `size` is the input's length when known without reading it (a regular file, not gzip).
fn open_reader(
    name: String,
    raw: Box<dyn Read + Send>,
    size: Option<u64>,
    opts: &ReadOptions,
) -> Result<PendingDocuments, IngestError> {
    let mut reader: Source = BufReader::with_capacity(1 << 16, Counted::new(raw));
    let head = reader.fill_buf().map_err(|e| io_err(&name, e))?;
    let (mut reader, name_for_format, size): (Box<dyn BufRead + Send>, String, Option<u64>) =
        if head.starts_with(&[0x1f, 0x8b]) {
            let inner = name.strip_suffix(".gz").unwrap_or(&name).to_string();
            // What the decoder has taken: read from the source, less what waits in the buffer.
            let decoder = gzip::Guarded::new(reader, |r: &Source| r.get_ref().count() - r.buffer().len() as u64);
            (Box::new(BufReader::with_capacity(1 << 16, decoder)), inner, None)
        } else {
            (Box::new(reader), name.clone(), size)
        };
    let head = reader.fill_buf().map_err(|e| io_err(&name, e))?.to_vec();
    if head.is_empty() {
        return Err(IngestError::Empty { location: Location(name) });
    }
    let format = format_from_name(&name_for_format).unwrap_or_else(|| sniff(&head));
    let opts = opts.clone();
    Ok(match format {
        Format::Warc => warc::warc_documents(name, reader, opts),
        Format::Jsonl => jsonl_documents(name, reader, opts),
        Format::Feed => {
            // A feed holds many items, so it may be larger than one document.
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes.saturating_mul(8), size)?;
            Box::new(feed_documents(&name, &bytes).into_iter().map(Pending::Ready))
        }
        Format::Html => {
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes, size)?;
            if let Some(reason) = encoding::binary_reason(&bytes) {
                return Err(IngestError::malformed(name, "HTML", reason));
            }
            Box::new(std::iter::once(Pending::Ready(Ok(Document {
                source: name,
                url: None,
                payload: Payload::Html(bytes),
                hints: Hints::default(),
            }))))
        }
        Format::Text => {
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes, size)?;
            if let Some(reason) = encoding::binary_reason(&bytes) {
                return Err(IngestError::malformed(name, "text", reason));
            }
            if let Some((at, n)) = encoding::damaged_utf8(&bytes) {
                let reason =
                    format!("invalid UTF-8 at byte {at} ({n} invalid sequence{})", if n == 1 { "" } else { "s" });
                return Err(IngestError::malformed(name, "text", reason));
            }
            let text = encoding::decode_text(&bytes);
            if text.trim().is_empty() {
                return Err(IngestError::Empty { location: Location(name) });
            }
            Box::new(std::iter::once(Pending::Ready(Ok(Document {
                source: name,
                url: None,
                payload: Payload::Text(text),
                hints: Hints::default(),
            }))))
        }
    })
}

fn loc(p: &Path) -> Location {
    Location(p.display().to_string())
}

/// A read failure at `location`: a refused gzip stream as `Bomb`, anything else as `Io`.
fn io_err(location: impl Into<String>, e: std::io::Error) -> IngestError {
    let location = Location(location.into());
    match gzip::Bomb::of(&e) {
        Some(b) => IngestError::Bomb { location, expanded: b.expanded, compressed: b.compressed },
        None => IngestError::Io { location, source: e },
    }
}

/// Reads a whole input, refusing one larger than `limit`. Reading stops there: the rest of a
/// decompressed or endless input is never read just to count it; `size`, when known, names it.
fn read_limited(reader: &mut dyn BufRead, name: &str, limit: u64, size: Option<u64>) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    let n = reader.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| io_err(name, e))?;
    if n as u64 > limit {
        let size = size.filter(|&s| s > limit);
        return Err(IngestError::TooLarge { location: Location(name.to_string()), size, limit });
    }
    Ok(bytes)
}

/// The format a file name says, when it says one clearly.
pub fn format_from_name(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "html" | "htm" | "xhtml" | "shtml" => Format::Html,
        "txt" | "text" | "md" => Format::Text,
        "jsonl" | "ndjson" | "json" => Format::Jsonl,
        "rss" | "atom" => Format::Feed,
        "warc" | "arc" => Format::Warc,
        _ => return None,
    })
}

/// The format the first bytes show.
pub fn sniff(head: &[u8]) -> Format {
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let body = &head[start..];
    // skip a UTF-8 BOM
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.starts_with(b"WARC/") {
        return Format::Warc;
    }
    if body.starts_with(b"{") {
        return Format::Jsonl;
    }
    let probe: Vec<u8> = body[..body.len().min(2048)].iter().map(|b| b.to_ascii_lowercase()).collect();
    let has = |n: &[u8]| probe.windows(n.len()).any(|w| w == n);
    if body.starts_with(b"<") {
        if has(b"<rss") || has(b"<feed") || has(b"<rdf:rdf") {
            return Format::Feed;
        }
        return Format::Html;
    }
    if has(b"<html") || has(b"<!doctype html") || has(b"<body") {
        return Format::Html;
    }
    Format::Text
}

// ---------------------------------------------------------------- JSONL

fn jsonl_documents(name: String, mut reader: Box<dyn BufRead + Send>, opts: ReadOptions) -> PendingDocuments {
    let mut n = 0usize;
    let fields = Arc::new(opts.fields.clone());
    // At most one line over the limit is kept in memory (its excess is read and dropped), so a
    // file without line breaks cannot fill the memory.
    let keep = usize::try_from(opts.max_doc_bytes.saturating_add(2)).unwrap_or(usize::MAX);
    let mut done = false;
    Box::new(std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        let mut line = Vec::new();
        let len = read_line_capped(&mut *reader, &mut line, keep);
        n += 1;
        let location = format!("{name}#{n}");
        let len = match len {
            Ok(0) => return None,
            Ok(len) => len,
            Err(e) => {
                // a read error (a corrupt .gz) does not go away: report it once and stop
                done = true;
                return Some(Pending::Ready(Err(io_err(location, e))));
            }
        };
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let size = len as u64 - u64::from(line.ends_with(b"\n"));
        if size > opts.max_doc_bytes {
            return Some(Pending::Ready(Err(IngestError::TooLarge {
                location: Location(location),
                size: Some(size),
                limit: opts.max_doc_bytes,
            })));
        }
        return Some(Pending::JsonLine { location, line, fields: fields.clone() });
    }))
}

const BODY_FIELDS: &[&str] = &["text", "content", "body", "article", "articleBody", "maintext", "story"];
const HTML_FIELDS: &[&str] = &["html", "raw_html", "page"];
const TITLE_FIELDS: &[&str] = &["title", "headline"];
const URL_FIELDS: &[&str] = &["url", "link", "uri"];
/// Publication date fields; the crawl-time fields after them give only an inferred date.
const DATE_FIELDS: &[&str] = &["time_iso", "published", "date_publish", "datePublished", "pubDate", "date", "time"];
const CRAWL_DATE_FIELDS: &[&str] = &["date_extracted", "date_download", "crawled", "fetched"];
const OUTLET_FIELDS: &[&str] = &["outlet", "site", "source_domain", "sitename", "src", "source"];
const KEYWORD_FIELDS: &[&str] = &["keywords", "tags"];
const SECTION_FIELDS: &[&str] = &["section", "category", "cat"];

/// One JSONL record to a document. Shapes of the usual news corpora are detected by field
/// names; `FieldMap` overrides any of them.
pub fn jsonl_record(location: &str, line: &[u8], fields: &FieldMap) -> Result<Document, IngestError> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| IngestError::malformed(location, "JSON line", e))?;
    let obj = value.as_object().ok_or_else(|| IngestError::malformed(location, "JSON line", "not a JSON object"))?;
    let get = |explicit: &Option<String>, names: &[&str]| -> Option<String> {
        let pick = |k: &str| obj.get(k).and_then(json_text).filter(|s| !s.trim().is_empty());
        match explicit {
            Some(k) => pick(k),
            None => names.iter().find_map(|k| pick(k)),
        }
    };
    let html = get(&fields.html, if fields.body.is_some() { &[] } else { HTML_FIELDS });
    let body = get(&fields.body, BODY_FIELDS);
    let payload = match (html, body) {
        (Some(h), _) => Payload::Html(h.into_bytes()),
        (None, Some(b)) => Payload::Text(b),
        (None, None) => {
            let present = match &fields.body {
                Some(k) => obj.contains_key(k),
                None => BODY_FIELDS.iter().any(|k| obj.contains_key(*k)),
            };
            if present {
                return Err(IngestError::Empty { location: Location(location.to_string()) });
            }
            let wanted = fields.body.clone().unwrap_or_else(|| BODY_FIELDS.join("/"));
            return Err(IngestError::malformed(
                location,
                "JSON line",
                format!("no body text (looked for field {wanted})"),
            ));
        }
    };
    let mut published = get(&fields.date, DATE_FIELDS)
        .and_then(|d| dates::parse_date(&d))
        .and_then(|d| d.to_published(Basis::Explicit));
    if published.is_none() && fields.date.is_none() {
        published = get(&None, CRAWL_DATE_FIELDS).and_then(|d| dates::parse_date(&d)).and_then(|d| {
            // A crawl time says on which day the page was seen, not when it was written.
            let day = DateValue::from_day(d.date)?;
            Some(Published { value: day, precision: Precision::Day.min(d.precision), basis: Basis::Inferred })
        });
    }
    let keywords = match fields
        .keywords
        .as_deref()
        .map(|k| obj.get(k))
        .unwrap_or_else(|| KEYWORD_FIELDS.iter().find_map(|k| obj.get(*k)))
    {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(json_text).collect(),
        Some(serde_json::Value::String(s)) => {
            s.split([',', '،', ';', '|']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        }
        _ => Vec::new(),
    };
    let clean_body = matches!(payload, Payload::Text(_));
    Ok(Document {
        source: location.to_string(),
        url: get(&fields.url, URL_FIELDS),
        payload,
        hints: Hints {
            title: get(&fields.title, TITLE_FIELDS).map(|t| t.trim().to_string()),
            published,
            outlet: get(&fields.outlet, OUTLET_FIELDS).map(|t| t.trim().to_string()),
            author: get(&fields.author, &["author", "authors", "byline"]).map(|t| t.trim().to_string()),
            keywords,
            section: get(&None, SECTION_FIELDS).map(|t| t.trim().to_string()),
            clean_body,
        },
    })
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        serde_json::Value::Object(o) => o.get("name").and_then(json_text),
        _ => None,
    }
}

// ---------------------------------------------------------------- feeds

/// RSS 2.0 / Atom / RSS 1.0 / JSON Feed: one document per item, with the item's full content
/// when it carries one (`content:encoded`, Atom `content`), else its summary.
pub fn feed_documents(name: &str, bytes: &[u8]) -> Vec<Result<Document, IngestError>> {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(f) => f,
        Err(e) => return vec![Err(IngestError::malformed(name, "feed", e))],
    };
    let outlet = feed_outlet(&feed);
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| feed_entry_document(&format!("{name}#{}", i + 1), entry, outlet.clone()))
        .collect()
}

/// A feed's own title, as the outlet of its items.
pub fn feed_outlet(feed: &feed_rs::model::Feed) -> Option<String> {
    feed.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty())
}

/// One feed item as a document named `location`: its full content when it carries one
/// (`content:encoded`, Atom `content`), else its summary, with title, date, author and
/// categories as hints.
pub fn feed_entry_document(
    location: &str,
    entry: feed_rs::model::Entry,
    outlet: Option<String>,
) -> Result<Document, IngestError> {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()).filter(|b| !b.trim().is_empty()))
        .ok_or_else(|| IngestError::malformed(location, "feed item", "no content or summary"))?;
    let published = entry
        .published
        .or(entry.updated)
        .and_then(|d| DateValue::parse(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).ok())
        .map(|value| Published { value, precision: Precision::Second, basis: Basis::Explicit });
    Ok(Document {
        source: location.to_string(),
        url: entry.links.first().map(|l| l.href.clone()),
        payload: Payload::Html(content.into_bytes()),
        hints: Hints {
            title: entry.title.map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty()),
            published,
            outlet,
            author: entry
                .authors
                .first()
                .and_then(|a| a.name.as_deref())
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            keywords: entry.categories.into_iter().map(|c| c.label.unwrap_or(c.term)).collect(),
            section: None,
            clean_body: true,
        },
    })
}

/// Reads one line (through its `\n`) into `buf`, keeping at most `limit` bytes of it (plus the
/// `\n`); the rest of a longer line is consumed and dropped. Returns the line's full length, 0
/// at the end.
fn read_line_capped(r: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<usize> {
    buf.clear();
    let mut total = 0usize;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(total);
        }
        let (len, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let keep = len.min(limit.saturating_sub(buf.len()));
        buf.extend_from_slice(&avail[..keep]);
        r.consume(len);
        total = total.saturating_add(len);
        if done {
            if keep < len {
                buf.push(b'\n'); // a cut line still shows that it ended
            }
            return Ok(total);
        }
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The start of a line for an error message, readable whatever its bytes.
fn preview(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(trim_eol(&line[..line.len().min(60)]));
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs_of(bytes: &[u8], name: &str) -> Vec<Result<Document, IngestError>> {
        let dir = std::env::temp_dir().join(format!("mirsad-read-{}-{}", std::process::id(), name));
        std::fs::write(&dir, bytes).unwrap();
        let out: Vec<_> = read(&Input::File(dir.clone()), &ReadOptions::default()).collect();
        std::fs::remove_file(&dir).ok();
        out
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(sniff(b"WARC/1.0\r\n"), Format::Warc);
        assert_eq!(sniff(b"  {\"a\":1}"), Format::Jsonl);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><rss version=\"2.0\">"), Format::Feed);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff("عنوان الخبر\nنص".as_bytes()), Format::Text);
    }

    #[test]
    fn jsonl_detects_corpus_shapes() {
        let line = r#"{"src":"skynews","url":"http://x/1","title":" عنوان ","time_iso":"2018-03-01T00:06:36+04:00","text":"فقرة أولى\nفقرة ثانية"}"#;
        let d = jsonl_record("f.jsonl#1", line.as_bytes(), &FieldMap::default()).unwrap();
        assert_eq!(d.url.as_deref(), Some("http://x/1"));
        assert_eq!(d.hints.title.as_deref(), Some("عنوان"));
        assert_eq!(d.hints.outlet.as_deref(), Some("skynews"));
        assert_eq!(d.hints.section, None);
        assert!(matches!(d.payload, Payload::Text(ref t) if t.contains("فقرة ثانية")));
        let line = r#"{"source":"sabq","url":"u","date_extracted":"2015-08-01 08:00:57","title":"t","content":"نص"}"#;
        let d = jsonl_record("f.jsonl#2", line.as_bytes(), &FieldMap::default()).unwrap();
        assert_eq!(d.hints.outlet.as_deref(), Some("sabq"));
        let d =
            jsonl_record("c.jsonl#3", br#"{"src":"skynews","cat":"sport","text":"t"}"#, &FieldMap::default()).unwrap();
        assert_eq!(d.hints.section.as_deref(), Some("sport"));
    }

    #[test]
    fn jsonl_field_mapping_flag() {
        let mut f = FieldMap::default();
        f.set("body=maqala").unwrap();
        f.set("title=onwan").unwrap();
        assert!(f.set("nonsense").is_err());
        assert!(f.set("colour=x").is_err());
        let d = jsonl_record("x#1", r#"{"maqala":"نص المقال","onwan":"عنوان"}"#.as_bytes(), &f).unwrap();
        assert_eq!(d.hints.title.as_deref(), Some("عنوان"));
    }

    #[test]
    fn jsonl_bad_lines_are_errors_naming_the_line() {
        let out =
            docs_of(b"{\"text\":\"a\"}\n{broken\n\n[1,2]\n{\"title\":\"no body\"}\n{\"text\":\"b\"}\n", "bad.jsonl");
        assert_eq!(out.len(), 5);
        assert!(out[0].is_ok() && out[4].is_ok());
        let e1 = out[1].as_ref().unwrap_err().to_string();
        assert!(e1.contains("bad.jsonl#2") && e1.contains("JSON"), "{e1}");
        assert!(out[2].as_ref().unwrap_err().to_string().contains("#4"));
        assert!(out[3].as_ref().unwrap_err().to_string().contains("no body"));
    }

    #[test]
    fn feed_items_become_documents() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>موقع الأخبار</title>
<item><title>خبر أول</title><link>http://example.com/1</link><pubDate>Mon, 11 Sep 2023 10:00:00 +0300</pubDate>
<description>ملخص</description><content:encoded><![CDATA[<p>النص الكامل للخبر الأول.</p>]]></content:encoded><category>روسيا</category></item>
<item><title>خبر ثان</title><link>http://example.com/2</link><description>&lt;p&gt;ملخص الخبر الثاني.&lt;/p&gt;</description></item>
</channel></rss>"#;
        let docs = docs_of(rss.as_bytes(), "feed.rss");
        assert_eq!(docs.len(), 2);
        let d = docs[0].as_ref().unwrap();
        assert_eq!(d.url.as_deref(), Some("http://example.com/1"));
        assert_eq!(d.hints.outlet.as_deref(), Some("موقع الأخبار"));
        assert_eq!(d.hints.published.as_ref().unwrap().value, "2023-09-11T07:00:00Z");
        assert!(matches!(&d.payload, Payload::Html(b) if String::from_utf8_lossy(b).contains("النص الكامل")));
        assert_eq!(d.hints.keywords, ["روسيا"]);
        let d2 = docs[1].as_ref().unwrap();
        assert!(matches!(&d2.payload, Payload::Html(b) if String::from_utf8_lossy(b).contains("ملخص الخبر الثاني")));
    }

    fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-09-11T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    #[test]
    fn warc_response_records_hold_html() {
        let mut w = warc_record("warcinfo", "", b"software: test\r\n");
        w.extend(warc_record(
            "response",
            "http://example.com/a",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>نص</p></body></html>"
                .as_bytes(),
        ));
        w.extend(warc_record(
            "response",
            "http://example.com/b.png",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG",
        ));
        w.extend(warc_record("request", "http://example.com/a", b"GET /a HTTP/1.1\r\n\r\n"));
        let docs = docs_of(&w, "crawl.warc");
        assert_eq!(docs.len(), 1);
        let d = docs[0].as_ref().unwrap();
        assert_eq!(d.url.as_deref(), Some("http://example.com/a"));
        assert_eq!(d.source.rsplit_once('#').unwrap().1, "2");
        // gzip of the same file reads the same
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &w).unwrap();
        let docs = docs_of(&gz.finish().unwrap(), "crawl.warc.gz");
        assert_eq!(docs.len(), 1);
        assert!(docs[0].is_ok());
    }

    #[test]
    fn broken_warc_gives_errors_not_panics() {
        let mut w = warc_record("response", "http://e/a", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>");
        w.truncate(w.len() - 10);
        let docs = docs_of(&w, "broken.warc");
        assert!(!docs.is_empty());
        assert!(docs.iter().all(|d| d.is_err()));
        assert!(docs[0].as_ref().unwrap_err().to_string().contains("broken.warc#1"));
    }

    #[test]
    fn chunked_http_body() {
        let block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n4\r\n<p>a\r\n5\r\n</p>b\r\n0\r\n\r\n";
        assert_eq!(warc::http_payload(block, u64::MAX).unwrap().unwrap(), b"<p>a</p>b");
    }

    #[test]
    fn empty_and_oversized_files() {
        assert!(matches!(docs_of(b"", "empty.txt")[0], Err(IngestError::Empty { .. })));
        assert!(matches!(docs_of(b"  \n ", "blank.txt")[0], Err(IngestError::Empty { .. })));
        let big = vec![b'a'; 300];
        let p = std::env::temp_dir().join(format!("mirsad-big-{}.txt", std::process::id()));
        std::fs::write(&p, &big).unwrap();
        let opts = ReadOptions { max_doc_bytes: 100, ..Default::default() };
        let out: Vec<_> = read(&Input::File(p.clone()), &opts).collect();
        std::fs::remove_file(&p).ok();
        match &out[0] {
            Err(IngestError::TooLarge { size, limit, .. }) => assert_eq!((*size, *limit), (Some(300), 100)),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    /// A reader over `bytes` that counts what was taken from it, seen from outside.
    struct Tally(std::io::Cursor<Vec<u8>>, Arc<std::sync::atomic::AtomicU64>);

    impl Read for Tally {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            Ok(n)
        }
    }

    /// Every document or error from `bytes` read as `name`, and how many of its bytes were read.
    fn read_counting(name: &str, bytes: Vec<u8>, opts: &ReadOptions) -> (Vec<Result<Document, IngestError>>, u64) {
        let taken = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let raw = Box::new(Tally(std::io::Cursor::new(bytes), taken.clone()));
        let out = match open_reader(name.to_string(), raw, None, opts) {
            Ok(d) => d.map(Pending::resolve).collect(),
            Err(e) => vec![Err(e)],
        };
        (out, taken.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut e, data).unwrap();
        e.finish().unwrap()
    }

    /// 10 GiB of zeros in about 10 MB: one gzip member of 16 MiB, 640 times.
    fn bomb() -> Vec<u8> {
        gz(&vec![0u8; 16 << 20]).repeat(640)
    }

    #[test]
    fn gzip_bomb_single_document_stops_at_once() {
        let bomb = bomb();
        for name in ["page.html.gz", "page.txt.gz", "feed.rss.gz"] {
            let (out, taken) = read_counting(name, bomb.clone(), &ReadOptions::default());
            assert_eq!(out.len(), 1, "{name}");
            let msg = out[0].as_ref().unwrap_err().to_string();
            assert!(msg.starts_with(&format!("{name}: gzip data expands more than 100 times")), "{msg}");
            assert!(taken < bomb.len() as u64 / 100, "{name}: read {taken} of {} bytes", bomb.len());
        }
        // Under a smaller limit the document limit comes first.
        let opts = ReadOptions { max_doc_bytes: 1 << 20, ..Default::default() };
        let (out, taken) = read_counting("page.html.gz", bomb.clone(), &opts);
        match &out[0] {
            Err(e @ IngestError::TooLarge { size: None, limit, .. }) => {
                assert_eq!(*limit, 1 << 20);
                assert_eq!(
                    e.to_string(),
                    "page.html.gz: over the limit of 1048576 bytes per document (reading stopped there)"
                );
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(taken < bomb.len() as u64 / 100, "read {taken} of {} bytes", bomb.len());
    }

    #[test]
    fn gzip_bomb_inside_a_stream_ends_the_stream() {
        let good = "{\"text\": \"نص أول للخبر\"}\n";
        let mut jsonl = gz(good.as_bytes());
        jsonl.extend(bomb());
        let (out, taken) = read_counting("c.jsonl.gz", jsonl.clone(), &ReadOptions::default());
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].is_ok());
        assert!(matches!(&out[1], Err(IngestError::Bomb { location, .. }) if location.0 == "c.jsonl.gz#2"), "{out:?}");
        assert!(taken < jsonl.len() as u64 / 100, "read {taken} of {} bytes", jsonl.len());

        let mut warc = gz(&warc_record("warcinfo", "", b"software: test\r\n"));
        warc.extend(bomb());
        let (out, taken) = read_counting("crawl.warc.gz", warc.clone(), &ReadOptions::default());
        let last = out.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(last.starts_with("crawl.warc.gz#") && last.contains("compression bomb"), "{last}");
        assert!(taken < warc.len() as u64 / 100, "read {taken} of {} bytes", warc.len());
    }

    #[test]
    fn oversized_plain_file_is_named_with_its_size_unread() {
        // A regular file's size comes from its metadata: the reader stops at the limit.
        let p = std::env::temp_dir().join(format!("mirsad-size-{}.txt", std::process::id()));
        std::fs::write(&p, vec![b'a'; 5000]).unwrap();
        let opts = ReadOptions { max_doc_bytes: 100, ..Default::default() };
        let out: Vec<_> = read(&Input::File(p.clone()), &opts).collect();
        std::fs::remove_file(&p).ok();
        assert!(matches!(out[0], Err(IngestError::TooLarge { size: Some(5000), limit: 100, .. })), "{out:?}");
    }

    #[test]
    fn field_spec_errors_are_typed() {
        let mut f = FieldMap::default();
        assert!(matches!(f.set("body"), Err(FieldSpecError::NotNameField(s)) if s == "body"));
        assert!(matches!(f.set("colour=x"), Err(FieldSpecError::UnknownName(s)) if s == "colour"));
    }

    #[test]
    fn missing_path_is_an_error() {
        let e = expand(&[PathBuf::from("/nonexistent/mirsad/x")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/mirsad/x"));
    }

    /// A folder whose full path is longer than the OS accepts (PATH_MAX, 4096 bytes on Linux)
    /// cannot be opened, whoever runs the test (root reads a `chmod 000` folder anyway).
    /// `mkdir -p`, run inside `root` with a relative path, makes it one step at a time.
    #[cfg(unix)]
    pub(crate) fn too_deep_folder(root: &Path) -> PathBuf {
        let name = "d".repeat(250);
        let rel = vec![name.as_str(); 20].join("/");
        let ok = std::process::Command::new("mkdir")
            .arg("-p")
            .arg(&rel)
            .current_dir(root)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not build the deep folder");
        root.join(&name)
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_sub_folder_is_an_error_item_and_the_walk_goes_on() {
        let root = std::env::temp_dir().join(format!("mirsad-expand-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("a.txt"), "x").unwrap();
        std::fs::write(root.join("b/c.txt"), "x").unwrap();
        std::fs::write(root.join("z.txt"), "x").unwrap();
        let deep = too_deep_folder(&root);
        let items = expand(std::slice::from_ref(&root)).unwrap();
        let _ = std::process::Command::new("rm").arg("-rf").arg(&root).status();
        let files: Vec<String> = items
            .iter()
            .filter_map(|i| i.as_ref().ok())
            .map(|i| i.name().rsplit('/').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(files, ["a.txt", "c.txt", "z.txt"]);
        let errors: Vec<String> = items.iter().filter_map(|i| i.as_ref().err()).map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with(&deep.display().to_string()) && errors[0].contains("cannot read"), "{errors:?}");
        // the error stands where the folder is in the walk: after b/, before z.txt
        let at = items.iter().position(|i| i.is_err()).unwrap();
        assert_eq!(at, 2, "{items:?}");
    }
}
