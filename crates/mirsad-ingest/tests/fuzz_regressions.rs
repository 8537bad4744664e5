//! Inputs found by the fuzz targets in `fuzz/` (see docs/FUZZING.md), kept as regression tests:
//! each once panicked or misbehaved. They only need to give documents or errors, never a panic.

use mirsad_ingest::meta::{parse_line, MetaItem};
use mirsad_ingest::read::{read_bytes, ReadOptions};
use mirsad_ingest::{Document, Hints, IngestError, Payload};

fn text_doc(text: &str, clean_body: bool) -> Document {
    Document {
        source: "x.txt".into(),
        url: None,
        payload: Payload::Text(text.into()),
        hints: Hints { clean_body, ..Hints::default() },
    }
}

fn read_all(name: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Result<Document, IngestError>> {
    read_bytes(name, bytes.to_vec(), opts).collect()
}

fn warc_record(kind: &str, block: &[u8], content_length: &str) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://example.com/{kind}\r\nContent-Length: {content_length}\r\n\r\n"
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

const RESPONSE: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>أعلنت البلدية اليوم عن خطة جديدة لتنظيف شوارع الحي القديم.</p>";

fn good_response() -> Vec<u8> {
    warc_record("response", RESPONSE.as_bytes(), &RESPONSE.len().to_string())
}

/// text target, crash-f7d2c61d: a label followed by the full-width colon «：» made the label
/// length one byte short of a char boundary, and the next slice panicked (meta.rs).
#[test]
fn full_width_colon_after_label() {
    let input = "المصدر：وكالة\nكتب: فلان\nRelatedعنوانوقال المتحدث إن الأمر انتهى بعد أسابيع من الانتظار الطويل.\n";
    for clean in [false, true] {
        let _ = mirsad_ingest::process(text_doc(input, clean));
    }
    assert_eq!(parse_line("المصدر：وكالة"), Some(vec![MetaItem::Source(vec!["وكالة".into()])]));
    assert_eq!(parse_line("الوسوم ：أ، ب"), Some(vec![MetaItem::Tags(vec!["أ".into(), "ب".into()])]));
}

/// warc target: a Content-Length near `usize::MAX` overflowed inside the `warc` crate's reader
/// and then sliced out of bounds (a panic). Now the record is reported as truncated.
#[test]
fn warc_huge_content_length() {
    let input = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 18446744073709551614\r\n\r\n\r\n";
    let out = read_all("x.warc", input, &ReadOptions::default());
    assert_eq!(out.len(), 1);
    let e = out[0].as_ref().unwrap_err().to_string();
    assert!(e.contains("x.warc#1"), "{e}");
    let input = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999999999999999\r\n\r\n\r\n";
    let e = read_all("x.warc", input, &ReadOptions::default())[0].as_ref().unwrap_err().to_string();
    assert!(e.contains("Content-Length"), "{e}");
}

/// A record whose Content-Length is wrong costs that record only: the reader finds the next
/// `WARC/` line and the good record after it is read.
#[test]
fn warc_wrong_content_length_then_good_record() {
    let mut w = warc_record("response", RESPONSE.as_bytes(), "10");
    w.extend(good_response());
    let out = read_all("mix.warc", &w, &ReadOptions::default());
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[0].as_ref().unwrap_err().to_string().contains("mix.warc#1"));
    let d = out[1].as_ref().unwrap();
    assert_eq!(d.source, "mix.warc#2");
    assert!(mirsad_ingest::process(d.clone()).is_ok());
}

/// Junk before the first record and a header line without a colon are errors, not panics.
#[test]
fn warc_junk_and_bad_headers() {
    let mut w = b"\x00\x01garbage line\r\nmore junk\n".to_vec();
    w.extend(b"WARC/1.0\r\nthis is not a header\r\n\r\nxx\r\n\r\n");
    w.extend(good_response());
    let out = read_all("j.warc", &w, &ReadOptions::default());
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[0].as_ref().unwrap_err().to_string().contains("version line"));
    assert!(out[1].as_ref().unwrap_err().to_string().contains("colon"));
    assert!(out[2].is_ok());
}

/// A response record over the size limit is reported (with its size) and skipped unread; the
/// next record is still read.
#[test]
fn warc_oversized_record_is_skipped() {
    let big = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{}</p>", "ن".repeat(600));
    let mut w = warc_record("response", big.as_bytes(), &big.len().to_string());
    w.extend(good_response());
    let opts = ReadOptions { max_doc_bytes: 1000, ..ReadOptions::default() };
    let out = read_all("big.warc", &w, &opts);
    assert_eq!(out.len(), 2);
    assert!(matches!(out[0], Err(IngestError::TooLarge { size, .. }) if size == Some(big.len() as u64)));
    assert!(out[1].is_ok());
}

/// A line with no end (a whole binary file) does not get buffered whole as a header line.
#[test]
fn warc_endless_line() {
    let mut w = b"WARC/1.0\r\nWARC-Type: ".to_vec();
    w.extend(std::iter::repeat_n(b'a', 200_000));
    let out = read_all("long.warc", &w, &ReadOptions::default());
    assert!(!out.is_empty() && out.iter().all(|r| r.is_err()));
}

/// A `--max-doc-bytes` of u64::MAX used to overflow `limit + 1`.
#[test]
fn max_limit_does_not_overflow() {
    let opts = ReadOptions { max_doc_bytes: u64::MAX, ..ReadOptions::default() };
    let out = read_all("a.txt", "نص قصير".as_bytes(), &opts);
    assert!(out[0].is_ok());
}

/// A JSONL "line" far over the limit (a file without line breaks) is reported with its real size
/// and the lines after it are still read; it is not buffered whole.
#[test]
fn jsonl_overlong_line() {
    let mut bytes = b"{\"text\": \"".to_vec();
    bytes.extend(std::iter::repeat_n(b'a', 5000));
    bytes.extend(b"\"}\n{\"text\": \"\xd9\x86\xd8\xb5\"}\n");
    let opts = ReadOptions { max_doc_bytes: 100, ..ReadOptions::default() };
    let out = read_all("long.jsonl", &bytes, &opts);
    assert_eq!(out.len(), 2);
    assert!(matches!(out[0], Err(IngestError::TooLarge { size: Some(5012), limit: 100, .. })), "{:?}", out[0]);
    assert!(out[1].is_ok());
}

/// A gzip-encoded HTTP body is decompressed only up to the document limit.
#[test]
fn warc_gzip_body_is_bounded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![b' '; 1 << 20]).unwrap();
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n\r\n".to_vec();
    block.extend(gz.finish().unwrap());
    let w = warc_record("response", &block, &block.len().to_string());
    let opts = ReadOptions { max_doc_bytes: 64 << 10, ..ReadOptions::default() };
    let out = read_all("bomb.warc", &w, &opts);
    assert_eq!(out.len(), 1);
    assert!(out[0].as_ref().unwrap_err().to_string().contains("over the limit"), "{:?}", out[0]);
}

/// jsonl target (a hang, before the reader stopped after a read error): a corrupt gzip stream
/// must end the file with one error, not yield read errors forever.
#[test]
fn jsonl_corrupt_gzip_ends() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let lines = "{\"text\": \"نص أول\"}\n".repeat(200);
    std::io::Write::write_all(&mut gz, lines.as_bytes()).unwrap();
    let mut bytes = gz.finish().unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    bytes.extend_from_slice(b"\xff\x00\xffgarbage");
    let out: Vec<_> = read_bytes("c.jsonl.gz", bytes, &ReadOptions::default()).take(10_000).collect();
    assert!(out.len() < 10_000, "reader did not stop");
    assert!(out.last().is_some_and(|r| r.is_err()));
}
