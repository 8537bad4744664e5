//! Readers: paths to [`Document`]s.
//!
//! A path is a file, a folder (read recursively, in sorted order so output is deterministic)
//! or `-` for standard input. Each file's format is taken from its name when that is clear and
//! sniffed from its first bytes otherwise; `.gz` files are decompressed first. Multi-record
//! formats (JSONL, feeds, WARC) stream their records, so memory stays bounded by one record.
//! Every problem becomes an [`IngestError`] naming the file or record; reading goes on with the
//! next record where the format allows it.

use crate::document::{Document, Hints, Payload};
use crate::error::{IngestError, Location};
use crate::{dates, encoding};
use mirsad_model::{Basis, Precision, Published};
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

impl FieldMap {
    /// Sets one mapping from a `name=field` flag value.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (name, field) = spec.split_once('=').ok_or_else(|| format!("field mapping `{spec}` is not NAME=FIELD"))?;
        let slot = match name.trim() {
            "body" | "text" => &mut self.body,
            "html" => &mut self.html,
            "title" => &mut self.title,
            "url" => &mut self.url,
            "date" | "published" => &mut self.date,
            "outlet" | "source" => &mut self.outlet,
            "author" => &mut self.author,
            "keywords" | "tags" => &mut self.keywords,
            other => {
                return Err(format!(
                    "unknown field name `{other}` (known: body, html, title, url, date, outlet, author, keywords)"
                ))
            }
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
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(std::io::stdin()),
        Input::File(p) => {
            Box::new(std::fs::File::open(p).map_err(|e| IngestError::Io { location: loc(p), source: e })?)
        }
    };
    open_reader(name, raw, opts)
}

/// Reads documents from bytes already in memory, as if they were a file called `name` (the
/// name's extension still chooses the format when it is clear). For tests and fuzzing.
pub fn read_bytes(name: &str, bytes: Vec<u8>, opts: &ReadOptions) -> Documents {
    match open_reader(name.to_string(), Box::new(std::io::Cursor::new(bytes)), opts) {
        Ok(d) => Box::new(d.map(Pending::resolve)),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

fn open_reader(name: String, raw: Box<dyn Read + Send>, opts: &ReadOptions) -> Result<PendingDocuments, IngestError> {
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let head = reader.fill_buf().map_err(|e| IngestError::Io { location: Location(name.clone()), source: e })?;
    let (mut reader, name_for_format): (Box<dyn BufRead + Send>, String) = if head.starts_with(&[0x1f, 0x8b]) {
        let inner = name.strip_suffix(".gz").unwrap_or(&name).to_string();
        (Box::new(BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(reader))), inner)
    } else {
        (Box::new(reader), name.clone())
    };
    let head = reader.fill_buf().map_err(|e| io_err(&name, e))?.to_vec();
    if head.is_empty() {
        return Err(IngestError::Empty { location: Location(name) });
    }
    let format = format_from_name(&name_for_format).unwrap_or_else(|| sniff(&head));
    let opts = opts.clone();
    Ok(match format {
        Format::Warc => crate::read::warc_documents(name, reader, opts),
        Format::Jsonl => jsonl_documents(name, reader, opts),
        Format::Feed => {
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes.saturating_mul(8))?;
            Box::new(feed_documents(&name, &bytes).into_iter().map(Pending::Ready))
        }
        Format::Html => {
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes)?;
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
            let bytes = read_limited(&mut reader, &name, opts.max_doc_bytes)?;
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

fn io_err(name: &str, e: std::io::Error) -> IngestError {
    IngestError::Io { location: Location(name.to_string()), source: e }
}

/// Reads a whole input, refusing one larger than `limit`.
fn read_limited(reader: &mut dyn BufRead, name: &str, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    let n = reader.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| io_err(name, e))?;
    if n as u64 > limit {
        // Count the rest without keeping it, so the message gives the real size.
        let rest = std::io::copy(reader, &mut std::io::sink()).unwrap_or(0);
        return Err(IngestError::TooLarge { location: Location(name.to_string()), size: n as u64 + rest, limit });
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
                return Some(Pending::Ready(Err(IngestError::Io { location: Location(location), source: e })));
            }
        };
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let size = len as u64 - u64::from(line.ends_with(b"\n"));
        if size > opts.max_doc_bytes {
            return Some(Pending::Ready(Err(IngestError::TooLarge {
                location: Location(location),
                size,
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
    let mut published =
        get(&fields.date, DATE_FIELDS).and_then(|d| dates::parse_date(&d)).map(|d| d.to_published(Basis::Explicit));
    if published.is_none() && fields.date.is_none() {
        published = get(&None, CRAWL_DATE_FIELDS).and_then(|d| dates::parse_date(&d)).map(|d| {
            let mut p = d.to_published(Basis::Inferred);
            // A crawl time says on which day the page was seen, not when it was written.
            p.value.truncate(10);
            p.precision = Precision::Day.min(p.precision);
            p
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
    let outlet = feed.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty());
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let location = format!("{name}#{}", i + 1);
            let content = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .filter(|b| !b.trim().is_empty())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()).filter(|b| !b.trim().is_empty()))
                .ok_or_else(|| IngestError::malformed(&location, "feed item", "no content or summary"))?;
            let published = entry.published.or(entry.updated).map(|d| Published {
                value: d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                precision: Precision::Second,
                basis: Basis::Explicit,
            });
            Ok(Document {
                source: location,
                url: entry.links.first().map(|l| l.href.clone()),
                payload: Payload::Html(content.into_bytes()),
                hints: Hints {
                    title: entry.title.map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty()),
                    published,
                    outlet: outlet.clone(),
                    author: entry
                        .authors
                        .first()
                        .and_then(|a| a.name.as_deref())
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty()),
                    keywords: entry.categories.into_iter().map(|c| c.label.unwrap_or(c.term)).collect(),
                    clean_body: true,
                },
            })
        })
        .collect()
}

// ---------------------------------------------------------------- WARC

/// After this many consecutive broken records a WARC file is given up (the stream has lost
/// its record boundaries and would only yield noise).
const WARC_MAX_CONSECUTIVE_ERRORS: usize = 20;

fn warc_documents(name: String, reader: Box<dyn BufRead + Send>, opts: ReadOptions) -> PendingDocuments {
    Box::new(warc_records(name, reader, opts).map(Pending::Ready))
}

fn warc_records(
    name: String,
    reader: Box<dyn BufRead + Send>,
    opts: ReadOptions,
) -> impl Iterator<Item = Result<Document, IngestError>> + Send {
    let mut records =
        WarcRecords { reader, max_body: opts.max_doc_bytes, resync: false, done: false, line: Vec::new() };
    let mut n = 0usize;
    let mut errors = 0usize;
    std::iter::from_fn(move || loop {
        if errors >= WARC_MAX_CONSECUTIVE_ERRORS {
            return None;
        }
        let rec = records.next()?;
        n += 1;
        let location = format!("{name}#{n}");
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors += 1;
                let reason = if errors == WARC_MAX_CONSECUTIVE_ERRORS {
                    format!("{e}; giving up on this file after {errors} broken records in a row")
                } else {
                    e
                };
                return Some(Err(IngestError::malformed(location, "WARC record", reason)));
            }
        };
        errors = 0;
        if !rec.warc_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("response")) {
            continue;
        }
        let Some(body) = rec.body else {
            return Some(Err(IngestError::TooLarge {
                location: Location(location),
                size: rec.length,
                limit: opts.max_doc_bytes,
            }));
        };
        let url = rec.target_uri.map(|u| u.trim_matches(['<', '>']).to_string());
        match http_payload(&body, opts.max_doc_bytes) {
            Ok(Some(html)) => {
                return Some(Ok(Document {
                    source: location,
                    url,
                    payload: Payload::Html(html),
                    hints: Hints::default(),
                }))
            }
            Ok(None) => continue, // not HTML (images, scripts, redirects)
            Err(reason) => return Some(Err(IngestError::malformed(location, "HTTP response", reason))),
        }
    })
}

/// Longest WARC header line kept; a longer one makes the record broken.
const WARC_MAX_HEADER_LINE: usize = 64 << 10;
/// Largest header block of one WARC record.
const WARC_MAX_HEADER_BYTES: usize = 1 << 20;

/// One WARC record: the two headers the readers use, and the block (`None` when it was over
/// the size limit and skipped unread).
struct WarcRecord {
    warc_type: Option<String>,
    target_uri: Option<String>,
    length: u64,
    body: Option<Vec<u8>>,
}

/// A streaming WARC record reader. Memory stays bounded by one header line plus one accepted
/// record body, whatever the input (a block over the limit is skipped, not buffered; a line
/// without an end is read in pieces). After a broken record it skips forward to the next
/// `WARC/` version line, so one bad record costs one error, not the rest of the file.
/// (Written here rather than using the `warc` crate's reader, which panics on a huge
/// Content-Length and buffers whole lines of any size.)
struct WarcRecords {
    reader: Box<dyn BufRead + Send>,
    max_body: u64,
    /// The last record was broken: skip lines up to the next version line without complaint.
    resync: bool,
    /// End of input or a read error: stop.
    done: bool,
    line: Vec<u8>,
}

impl Iterator for WarcRecords {
    type Item = Result<WarcRecord, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.next_record();
        if let Some(Err(_)) = &r {
            self.resync = true;
        }
        r
    }
}

impl WarcRecords {
    fn read_line(&mut self) -> Result<usize, String> {
        read_line_capped(&mut *self.reader, &mut self.line, WARC_MAX_HEADER_LINE).map_err(|e| {
            self.done = true;
            format!("cannot read: {e}")
        })
    }

    fn next_record(&mut self) -> Option<Result<WarcRecord, String>> {
        // the version line, after any blank lines (or, after a broken record, any junk)
        loop {
            let n = match self.read_line() {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            if n == 0 {
                self.done = true;
                return None;
            }
            if self.line.starts_with(b"WARC/") {
                break;
            }
            if self.resync || trim_eol(&self.line).iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Err(format!("expected a `WARC/` version line, found `{}`", preview(&self.line))));
        }
        self.resync = false;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut header_bytes = 0usize;
        loop {
            let n = match self.read_line() {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            };
            if n == 0 {
                self.done = true;
                return Some(Err("the file ends inside the record's headers".into()));
            }
            header_bytes += n;
            if n > WARC_MAX_HEADER_LINE || header_bytes > WARC_MAX_HEADER_BYTES {
                return Some(Err("record headers are too long".into()));
            }
            let line = trim_eol(&self.line);
            if line.is_empty() {
                break;
            }
            if line.starts_with(b" ") || line.starts_with(b"\t") {
                // a folded continuation of the previous header's value
                if let Some((_, v)) = headers.last_mut() {
                    v.push(' ');
                    v.push_str(String::from_utf8_lossy(line).trim());
                    continue;
                }
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                return Some(Err(format!("header line without a colon: `{}`", preview(line))));
            };
            headers.push((
                String::from_utf8_lossy(&line[..colon]).trim().to_string(),
                String::from_utf8_lossy(&line[colon + 1..]).trim().to_string(),
            ));
        }
        let get = |k: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
        let length: u64 = match get("Content-Length") {
            None => return Some(Err("no Content-Length header".into())),
            Some(v) => match v.parse() {
                Ok(l) => l,
                Err(_) => return Some(Err(format!("bad Content-Length `{}`", preview(v.as_bytes())))),
            },
        };
        let mut block = (&mut self.reader).take(length);
        let (got, body) = if length > self.max_body {
            match std::io::copy(&mut block, &mut std::io::sink()) {
                Ok(got) => (got, None),
                Err(e) => {
                    self.done = true;
                    return Some(Err(format!("cannot read: {e}")));
                }
            }
        } else {
            let mut body = Vec::new();
            if let Err(e) = block.read_to_end(&mut body) {
                self.done = true;
                return Some(Err(format!("cannot read: {e}")));
            }
            (body.len() as u64, Some(body))
        };
        if got < length {
            self.done = true;
            return Some(Err(format!("truncated: Content-Length is {length} bytes but the file ends after {got}")));
        }
        // The record ends with two line ends; anything else means Content-Length was wrong.
        for _ in 0..2 {
            match self.reader.fill_buf() {
                Ok(b) if b.starts_with(b"\r\n") => self.reader.consume(2),
                Ok(b) if b.starts_with(b"\n") => self.reader.consume(1),
                Ok(b) if b.is_empty() || b == b"\r" => break,
                Ok(_) => {
                    return Some(Err(format!("the block does not end after its Content-Length of {length} bytes")))
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(format!("cannot read: {e}")));
                }
            }
        }
        Some(Ok(WarcRecord { warc_type: get("WARC-Type"), target_uri: get("WARC-Target-URI"), length, body }))
    }
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

/// The HTML body of an HTTP response block, `None` when it is not a successful HTML response.
fn http_payload(block: &[u8], limit: u64) -> Result<Option<Vec<u8>>, String> {
    let split = find_subslice(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find_subslice(block, b"\n\n").map(|i| (i, i + 2)))
        .ok_or("no end of HTTP headers")?;
    let head = String::from_utf8_lossy(&block[..split.0]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/") {
        return Err(format!("not an HTTP status line: {:.60}", status));
    }
    let code: u16 = status.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or("no status code")?;
    let mut content_type = String::new();
    let mut gzip = false;
    let mut chunked = false;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim().to_ascii_lowercase();
            match k.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = v,
                "content-encoding" => gzip = v.contains("gzip"),
                "transfer-encoding" => chunked = v.contains("chunked"),
                _ => {}
            }
        }
    }
    if !(200..300).contains(&code) || !(content_type.is_empty() || content_type.contains("html")) {
        return Ok(None);
    }
    let mut body = block[split.1..].to_vec();
    if chunked {
        body = dechunk(&body).ok_or("broken chunked transfer encoding")?;
    }
    if gzip {
        let mut out = Vec::new();
        // bounded, so that a small compressed body cannot expand without limit
        flate2::read::MultiGzDecoder::new(&body[..])
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| format!("gzip body: {e}"))?;
        if out.len() as u64 > limit {
            return Err(format!("gzip body expands to over the limit of {limit} bytes"));
        }
        body = out;
    }
    // Keep the declared charset visible to the decoder by prefixing a meta tag when the HTTP
    // header names one and the page itself may not.
    if let Some(cs) = content_type.split("charset=").nth(1) {
        let cs = cs.trim_matches(['"', '\'', ' ', ';']);
        if !cs.is_empty() && cs.len() < 40 {
            let mut with = format!("<meta charset=\"{cs}\">").into_bytes();
            with.extend_from_slice(&body);
            body = with;
        }
    }
    Ok(Some(body))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = find_subslice(data, b"\r\n")?;
        let size_str = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data.strip_prefix(b"\r\n").unwrap_or(data);
    }
}

fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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
        assert!(matches!(d.payload, Payload::Text(ref t) if t.contains("فقرة ثانية")));
        let line = r#"{"source":"sabq","url":"u","date_extracted":"2015-08-01 08:00:57","title":"t","content":"نص"}"#;
        let d = jsonl_record("f.jsonl#2", line.as_bytes(), &FieldMap::default()).unwrap();
        assert_eq!(d.hints.outlet.as_deref(), Some("sabq"));
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
        assert_eq!(http_payload(block, u64::MAX).unwrap().unwrap(), b"<p>a</p>b");
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
            Err(IngestError::TooLarge { size, limit, .. }) => assert_eq!((*size, *limit), (300, 100)),
            other => panic!("expected TooLarge, got {other:?}"),
        }
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
