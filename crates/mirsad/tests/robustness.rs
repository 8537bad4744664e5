//! Malformed input end to end: `mirsad analyze --json` over a folder that mixes good files with
//! truncated HTML, binary junk, invalid UTF-8, an empty file, an oversized page, a WARC file
//! with a broken record and a JSONL file with bad lines. Every bad file or record is named on
//! stderr with a reason, the good articles are all in the output, nothing panics, and the exit
//! code says that something failed.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("mirsad-robustness-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mirsad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirsad")).args(args).output().expect("run mirsad")
}

fn analyze_json(dir: &Path) -> (i32, Value, String) {
    let out = mirsad(&["analyze", "--json", "--quiet", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\nstderr:\n{stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

const GOOD_TITLE: &str = "البلدية تطلق حملة لتنظيف شوارع الحي القديم";
const GOOD_P1: &str = "أعلنت بلدية المدينة صباح اليوم عن حملة واسعة لتنظيف شوارع الحي القديم تستمر أسبوعين.";
const GOOD_P2: &str = "وقال رئيس البلدية إن فرق العمل ستبدأ من السوق الكبير ثم تنتقل إلى الأزقة المجاورة.";
const WARC_P: &str = "افتتحت المكتبة العامة قاعة جديدة للمطالعة تتسع لمئة قارئ في الطابق الثاني من المبنى.";
const JSONL_P1: &str = "ارتفعت درجات الحرارة في المنطقة الساحلية إلى مستويات لم تسجل منذ عشر سنوات.";
const JSONL_P2: &str = "أعلن نادي المدينة فوزه بالبطولة المحلية بعد مباراة نهائية حضرها آلاف المشجعين.";

fn good_scrape() -> String {
    format!("الرئيسية\n{GOOD_TITLE}\n\n{GOOD_P1}\n\n{GOOD_P2}\n\nالمصدر: وكالة أنباء المدينة\n")
}

fn warc_record(kind: &str, uri: &str, block: &[u8], content_length: usize) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-05T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{kind}-{content_length}>\r\nContent-Length: {content_length}\r\n\r\n"
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// Pseudo-random bytes (no `rand` dependency; the same every run).
fn junk(n: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_u32;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn bodies(export: &Value) -> Vec<(String, String)> {
    export["articles"]
        .as_array()
        .expect("articles array")
        .iter()
        .map(|a| (a["document"].as_str().unwrap_or("").to_string(), a["body"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// The stderr line that names `who` (a file name or `file#N`), with the reason after it.
fn error_line<'a>(stderr: &'a str, who: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.contains(&format!("{who}:")))
        .unwrap_or_else(|| panic!("no error line naming {who} in stderr:\n{stderr}"))
}

#[test]
fn malformed_inputs_are_reported_and_the_rest_is_processed() {
    let dir = TempDir::new("mixed");

    // good inputs
    dir.write("good.txt", good_scrape());

    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>قاعة جديدة في المكتبة العامة</title></head><body><article><h1>قاعة جديدة في المكتبة العامة</h1><p>{WARC_P}</p></article></body></html>"
    );
    let info = b"software: robustness test\r\n";
    let mut warc = warc_record("warcinfo", "", info, info.len());
    warc.extend(warc_record("response", "https://example.com/library", response.as_bytes(), response.len()));
    // a record whose Content-Length promises far more than the file holds: the file ends inside it
    let broken = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>مقطوع";
    warc.extend(warc_record("response", "https://example.com/broken", broken.as_bytes(), 5000));
    dir.write("crawl.warc", &warc);

    let jsonl = [
        serde_json::json!({"url": "https://example.com/heat", "title": "موجة حر", "text": JSONL_P1}).to_string(),
        "{\"title\": \"سطر مقطوع\", \"text\": \"نص".to_string(),
        "[1, 2, 3]".to_string(),
        serde_json::json!({"title": "بلا نص"}).to_string(),
        serde_json::json!({"url": "https://example.com/cup", "title": "بطولة", "content": JSONL_P2}).to_string(),
    ]
    .join("\n");
    dir.write("records.jsonl", jsonl + "\n");

    // bad inputs
    dir.write(
        "truncated.html",
        "<!DOCTYPE html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>خبر مقطوع</title></head><body><div><p>أعلن",
    );
    dir.write("junk.bin", junk(8192));
    let scrape = good_scrape();
    let invalid_at = (40..).find(|&i| scrape.is_char_boundary(i)).unwrap_or(0);
    let mut invalid = scrape.into_bytes();
    invalid.splice(invalid_at..invalid_at, [0xFF, 0xFE, 0xC3]);
    dir.write("invalid.txt", &invalid);
    dir.write("empty.txt", "");
    let mut big = String::from("<html><head><meta charset=\"utf-8\"><title>صفحة ضخمة</title></head><body>");
    let para = format!("<p>{GOOD_P1}</p>\n");
    while big.len() <= 17 << 20 {
        big.push_str(&para);
    }
    big.push_str("</body></html>");
    let big_len = big.len();
    dir.write("huge.html", big);

    let (code, export, stderr) = analyze_json(&dir.0);

    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 1, "some records failed: exit 1\n{stderr}");

    // every good article is in the output
    let arts = bodies(&export);
    let has = |doc_suffix: &str, text: &str| arts.iter().any(|(d, b)| d.ends_with(doc_suffix) && b.contains(text));
    assert!(has("good.txt", GOOD_P1) && has("good.txt", GOOD_P2), "{arts:#?}\n{stderr}");
    assert!(has("crawl.warc#2", WARC_P), "{arts:#?}\n{stderr}");
    assert!(has("records.jsonl#1", JSONL_P1), "{arts:#?}\n{stderr}");
    assert!(has("records.jsonl#5", JSONL_P2), "{arts:#?}\n{stderr}");
    assert_eq!(arts.len(), 4, "only the good articles: {arts:#?}");

    // every bad file or record is named, with a reason
    let line = error_line(&stderr, "truncated.html");
    assert!(line.contains("no article text"), "{line}");
    let line = error_line(&stderr, "junk.bin");
    assert!(line.contains("binary"), "{line}");
    let line = error_line(&stderr, "invalid.txt");
    assert!(line.contains("invalid UTF-8") && line.contains(&format!("byte {invalid_at}")), "{line}");
    let line = error_line(&stderr, "empty.txt");
    assert!(line.contains("empty"), "{line}");
    let line = error_line(&stderr, "huge.html");
    assert!(line.contains(&format!("{big_len} bytes")) && line.contains("limit"), "{line}");
    let line = error_line(&stderr, "crawl.warc#3");
    assert!(line.contains("WARC record") && line.contains("truncated"), "{line}");
    let line = error_line(&stderr, "records.jsonl#2");
    assert!(line.contains("JSON"), "{line}");
    let line = error_line(&stderr, "records.jsonl#3");
    assert!(line.contains("not a JSON object"), "{line}");
    let line = error_line(&stderr, "records.jsonl#4");
    assert!(line.contains("no body text"), "{line}");

    // each error names its file inside the folder, and only bad inputs are reported
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("mirsad:")).collect();
    assert_eq!(errors.len(), 9, "{stderr}");
    for l in &errors {
        assert!(l.contains(dir.0.to_str().unwrap()), "error without its path: {l}");
    }
}

#[test]
fn clean_folder_exits_0() {
    let dir = TempDir::new("clean");
    dir.write("a.txt", good_scrape());
    let jsonl = serde_json::json!({"title": "موجة حر", "text": JSONL_P1}).to_string();
    dir.write("b.jsonl", jsonl + "\n");
    let (code, export, stderr) = analyze_json(&dir.0);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("mirsad:"), "{stderr}");
    assert_eq!(export["articles"].as_array().map(Vec::len), Some(2));
}

#[test]
fn usage_error_exits_2() {
    let out = mirsad(&["analyze", "--json", "--no-such-flag", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    let out = mirsad(&["analyze"]);
    assert_eq!(out.status.code(), Some(2), "no path given");
}

#[test]
fn file_names_cannot_forge_or_reorder_log_lines() {
    let dir = TempDir::new("names");
    dir.write("a.txt", good_scrape());
    // An empty file (reported) whose name holds a line end, a fake second message and a
    // right-to-left override.
    dir.write("x\nmirsad: forged.txt: all fine\u{202E}txt.exe", "");
    let (code, export, stderr) = analyze_json(&dir.0);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(export["articles"].as_array().map(Vec::len), Some(1));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error, one line: {stderr:?}");
    assert!(
        lines[0].starts_with("mirsad: ")
            && lines[0].ends_with("x\\u{a}mirsad: forged.txt: all fine\\u{202e}txt.exe: empty input"),
        "{stderr:?}"
    );
    // The human-readable summary on stdout names documents escaped as well.
    dir.write("y\n.txt", good_scrape());
    let out = mirsad(&["analyze", "--quiet", "--extract-only", dir.0.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("y\\u{a}.txt"), "{stdout}");
}

/// A folder whose full path is longer than the OS accepts (PATH_MAX, 4096 bytes on Linux):
/// opening it fails whoever runs the test, root included (root reads a `chmod 000` folder).
/// `mkdir -p` run inside `root` with a relative path makes it one step at a time.
fn too_deep_folder(root: &Path) -> PathBuf {
    let name = "d".repeat(250);
    let rel = vec![name.as_str(); 20].join("/");
    let ok = Command::new("mkdir").arg("-p").arg(&rel).current_dir(root).status().is_ok_and(|s| s.success());
    assert!(ok, "could not build the deep folder");
    root.join(name)
}

#[cfg(unix)]
#[test]
fn unreadable_sub_folders_are_reported_and_the_rest_is_stored() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    let input = dir.0.join("in");
    std::fs::create_dir_all(input.join("locked")).unwrap();
    std::fs::write(input.join("a.txt"), good_scrape()).unwrap();
    let other = serde_json::json!({"title": "بطولة", "text": JSONL_P2}).to_string();
    std::fs::write(input.join("locked/other.jsonl"), other + "\n").unwrap();
    let jsonl = serde_json::json!({"title": "موجة حر", "text": JSONL_P1}).to_string();
    std::fs::write(input.join("z.jsonl"), jsonl + "\n").unwrap();
    let deep = too_deep_folder(&input);
    std::fs::set_permissions(input.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root (as in CI) reads the locked folder anyway; the deep folder fails for everyone.
    let locked_fails = std::fs::read_dir(input.join("locked")).is_err();
    let data = dir.0.join("data");
    let out =
        mirsad(&["ingest", "--quiet", "--no-analysis", "--data", data.to_str().unwrap(), input.to_str().unwrap()]);
    std::fs::set_permissions(input.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let _ = Command::new("rm").arg("-rf").arg(&input).status();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "stdout: {stdout}\nstderr: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("mirsad:")).collect();
    assert!(
        errors.iter().any(|l| l.contains(deep.to_str().unwrap()) && l.contains("cannot read")),
        "the deep folder is named: {stderr}"
    );
    let stored = if locked_fails {
        assert!(errors.iter().any(|l| l.contains("/locked: cannot read")), "{stderr}");
        assert_eq!(errors.len(), 2, "{stderr}");
        2
    } else {
        assert_eq!(errors.len(), 1, "{stderr}");
        3
    };
    assert!(stdout.contains(&format!("{stored} new")), "{stdout}");
    assert!(stdout.contains(&format!("{stored} articles in")), "the rest is stored: {stdout}");
}

#[test]
fn gzip_bomb_is_reported_by_name() {
    // 1 GiB of zeros in about 1 MB: one gzip member of 16 MiB, 64 times.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![0u8; 16 << 20]).unwrap();
    let bomb = gz.finish().unwrap().repeat(64);
    let dir = TempDir::new("bomb");
    dir.write("a.txt", good_scrape());
    dir.write("page.html.gz", &bomb);
    let (code, export, stderr) = analyze_json(&dir.0);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(export["articles"].as_array().map(Vec::len), Some(1));
    let line = error_line(&stderr, "page.html.gz");
    assert!(line.contains("compression bomb"), "{line}");
}
