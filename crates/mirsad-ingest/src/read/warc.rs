//! WARC files: `response` records holding HTML become documents.
//!
//! Read by our own streaming reader ([`WarcRecords`]) rather than the `warc` crate's, which
//! panics on a huge `Content-Length` and buffers whole lines of any size. Memory stays bounded
//! by one header line plus one accepted record body, whatever the input: a block over the limit
//! is skipped, not buffered; a line without an end is read in pieces. After a broken record the
//! reader skips forward to the next `WARC/` version line, so one bad record costs one error,
//! not the rest of the file.

use super::{io_err, preview, read_line_capped, trim_eol, Pending, PendingDocuments, ReadOptions};
use crate::document::{Document, Hints, Payload};
use crate::error::{IngestError, Location};
use std::io::{BufRead, Read};

/// After this many consecutive broken records a WARC file is given up (the stream has lost
/// its record boundaries and would only yield noise).
const MAX_CONSECUTIVE_ERRORS: usize = 20;
/// Longest WARC header line kept; a longer one makes the record broken.
const MAX_HEADER_LINE: usize = 64 << 10;
/// Largest header block of one WARC record.
const MAX_HEADER_BYTES: usize = 1 << 20;

/// Why a WARC record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// The input failed (a corrupt or over-expanding `.gz`): the file ends here.
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    #[error("expected a `WARC/` version line, found `{0}`")]
    NoVersionLine(String),
    #[error("the file ends inside the record's headers")]
    EndsInHeaders,
    #[error("record headers are too long")]
    HeadersTooLong,
    #[error("header line without a colon: `{0}`")]
    HeaderWithoutColon(String),
    #[error("no Content-Length header")]
    NoContentLength,
    #[error("bad Content-Length `{0}`")]
    BadContentLength(String),
    #[error("truncated: Content-Length is {length} bytes but the file ends after {got}")]
    Truncated { length: u64, got: u64 },
    #[error("the block does not end after its Content-Length of {0} bytes")]
    WrongLength(u64),
}

/// Why the HTTP response inside a `response` record gave no page.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("no end of HTTP headers")]
    NoHeaderEnd,
    #[error("not an HTTP status line: {0}")]
    NoStatusLine(String),
    #[error("no status code")]
    NoStatusCode,
    #[error("broken chunked transfer encoding")]
    BrokenChunked,
    #[error("gzip body: {0}")]
    Gzip(#[source] std::io::Error),
    /// The gzip body expands past the document limit (decoding stopped there).
    #[error("gzip body expands to over the limit of {0} bytes")]
    GzipOverLimit(u64),
}

pub(super) fn warc_documents(name: String, reader: Box<dyn BufRead + Send>, opts: ReadOptions) -> PendingDocuments {
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
        if errors >= MAX_CONSECUTIVE_ERRORS {
            return None;
        }
        let rec = records.next()?;
        n += 1;
        let location = format!("{name}#{n}");
        let rec = match rec {
            Ok(r) => r,
            // the input itself failed: say so as a read error (the reader has stopped)
            Err(WarcError::Read(e)) => return Some(Err(io_err(location, e))),
            Err(e) => {
                errors += 1;
                let reason = if errors == MAX_CONSECUTIVE_ERRORS {
                    format!("{e}; giving up on this file after {errors} broken records in a row")
                } else {
                    e.to_string()
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
                size: Some(rec.length),
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
            Err(HttpError::GzipOverLimit(limit)) => {
                return Some(Err(IngestError::TooLarge { location: Location(location), size: None, limit }))
            }
            Err(e) => return Some(Err(IngestError::malformed(location, "HTTP response", e))),
        }
    })
}

/// One WARC record: the two headers the readers use, and the block (`None` when it was over
/// the size limit and skipped unread).
struct WarcRecord {
    warc_type: Option<String>,
    target_uri: Option<String>,
    length: u64,
    body: Option<Vec<u8>>,
}

/// A streaming WARC record reader (see the module's documentation).
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
    type Item = Result<WarcRecord, WarcError>;

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
    /// A read error does not go away: the reader stops after reporting it.
    fn read_error(&mut self, e: std::io::Error) -> WarcError {
        self.done = true;
        WarcError::Read(e)
    }

    fn read_line(&mut self) -> Result<usize, WarcError> {
        read_line_capped(&mut *self.reader, &mut self.line, MAX_HEADER_LINE).map_err(|e| self.read_error(e))
    }

    fn next_record(&mut self) -> Option<Result<WarcRecord, WarcError>> {
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
            return Some(Err(WarcError::NoVersionLine(preview(&self.line))));
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
                return Some(Err(WarcError::EndsInHeaders));
            }
            header_bytes += n;
            if n > MAX_HEADER_LINE || header_bytes > MAX_HEADER_BYTES {
                return Some(Err(WarcError::HeadersTooLong));
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
                return Some(Err(WarcError::HeaderWithoutColon(preview(line))));
            };
            headers.push((
                String::from_utf8_lossy(&line[..colon]).trim().to_string(),
                String::from_utf8_lossy(&line[colon + 1..]).trim().to_string(),
            ));
        }
        let get = |k: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
        let length: u64 = match get("Content-Length") {
            None => return Some(Err(WarcError::NoContentLength)),
            Some(v) => match v.parse() {
                Ok(l) => l,
                Err(_) => return Some(Err(WarcError::BadContentLength(preview(v.as_bytes())))),
            },
        };
        let mut block = (&mut self.reader).take(length);
        let (got, body) = if length > self.max_body {
            match std::io::copy(&mut block, &mut std::io::sink()) {
                Ok(got) => (got, None),
                Err(e) => return Some(Err(self.read_error(e))),
            }
        } else {
            let mut body = Vec::new();
            if let Err(e) = block.read_to_end(&mut body) {
                return Some(Err(self.read_error(e)));
            }
            (body.len() as u64, Some(body))
        };
        if got < length {
            self.done = true;
            return Some(Err(WarcError::Truncated { length, got }));
        }
        // The record ends with two line ends; anything else means Content-Length was wrong.
        for _ in 0..2 {
            match self.reader.fill_buf() {
                Ok(b) if b.starts_with(b"\r\n") => self.reader.consume(2),
                Ok(b) if b.starts_with(b"\n") => self.reader.consume(1),
                Ok(b) if b.is_empty() || b == b"\r" => break,
                Ok(_) => return Some(Err(WarcError::WrongLength(length))),
                Err(e) => return Some(Err(self.read_error(e))),
            }
        }
        Some(Ok(WarcRecord { warc_type: get("WARC-Type"), target_uri: get("WARC-Target-URI"), length, body }))
    }
}

/// The HTML body of an HTTP response block, `None` when it is not a successful HTML response.
pub(super) fn http_payload(block: &[u8], limit: u64) -> Result<Option<Vec<u8>>, HttpError> {
    let split = find_subslice(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find_subslice(block, b"\n\n").map(|i| (i, i + 2)))
        .ok_or(HttpError::NoHeaderEnd)?;
    let head = String::from_utf8_lossy(&block[..split.0]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/") {
        return Err(HttpError::NoStatusLine(preview(status.as_bytes())));
    }
    let code: u16 = status.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or(HttpError::NoStatusCode)?;
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
        body = dechunk(&body).ok_or(HttpError::BrokenChunked)?;
    }
    if gzip {
        let mut out = Vec::new();
        // bounded, so that a small compressed body cannot expand without limit
        flate2::read::MultiGzDecoder::new(&body[..])
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(HttpError::Gzip)?;
        if out.len() as u64 > limit {
            return Err(HttpError::GzipOverLimit(limit));
        }
        body = out;
    }
    body = crate::encoding::with_http_charset(&content_type, body);
    Ok(Some(body))
}

/// The body of a chunked transfer encoding (never longer than its input).
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
