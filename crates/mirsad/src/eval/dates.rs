//! Publication-date accuracy on `htmldate-mediacloud2020` (and on the gold dates of
//! `trafilatura-eval-sample`): exact calendar-day match; a `null` gold date means the page
//! states none, and only saying nothing is right.
//!
//! Set `MIRSAD_EVAL_VERBOSE=1` to list every miss on stderr.
use std::path::Path;

use anyhow::Context;
use mirsad_text::escape_for_display;

/// Gold for one page: its file and date (`None` = no date).
struct Gold {
    url: String,
    file: String,
    date: Option<String>,
}

/// Scores publication dates and prints one line per figure.
pub fn run(data: &Path) -> anyhow::Result<()> {
    let verbose = std::env::var_os("MIRSAD_EVAL_VERBOSE").is_some();

    let dir = data.join("htmldate-mediacloud2020");
    if !super::skip_if_absent(&dir) {
        let gold = load(&dir.join("eval_mediacloud_2020.json"), false)?;
        let arabic = arabic_files(&dir);
        let (mut ok, mut n, mut ar_ok, mut ar_n) = (0usize, 0usize, 0usize, 0usize);
        for g in &gold {
            let got = predict(&dir.join("html").join(&g.file), &g.url)?;
            let right = got.as_deref() == g.date.as_deref();
            n += 1;
            ok += usize::from(right);
            if arabic.iter().any(|a| a == &g.file) {
                ar_n += 1;
                ar_ok += usize::from(right);
            }
            if verbose && !right {
                report_miss(&dir, g, got.as_deref());
            }
        }
        println!("date htmldate-mediacloud2020 accuracy {:.3} ({ok}/{n})", ratio(ok, n));
        println!("date htmldate-mediacloud2020-arabic accuracy {:.3} ({ar_ok}/{ar_n})", ratio(ar_ok, ar_n));
    }

    let dir = data.join("trafilatura-eval-sample");
    if !super::skip_if_absent(&dir) {
        let gold = load(&dir.join("evaldata_sample.json"), true)?;
        let (mut ok, mut n) = (0usize, 0usize);
        for g in gold.iter().filter(|g| g.date.is_some()) {
            let got = predict(&dir.join("html").join(&g.file), &g.url)?;
            let right = got.as_deref() == g.date.as_deref();
            n += 1;
            ok += usize::from(right);
            if verbose && !right {
                report_miss(&dir, g, got.as_deref());
            }
        }
        println!("date trafilatura-eval-sample accuracy {:.3} ({ok}/{n})", ratio(ok, n));
    }
    Ok(())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The day we find for one page, `None` when we find nothing (or the file is missing).
fn predict(path: &Path, url: &str) -> anyhow::Result<Option<String>> {
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("missing page {}", crate::shown(path));
        return Ok(None);
    };
    let html = mirsad_ingest::encoding::decode_html(&bytes);
    let p = mirsad_ingest::html_date::page_date_of_html(&html, Some(url));
    Ok(p.and_then(|p| p.day().map(str::to_string)))
}

/// With MIRSAD_EVAL_VERBOSE: a page whose date was missed, and the candidates its evidence holds.
fn report_miss(dir: &Path, g: &Gold, got: Option<&str>) {
    eprintln!("miss {} gold={:?} got={:?} {}", escape_for_display(&g.file), g.date, got, escape_for_display(&g.url));
    evidence(&dir.join("html").join(&g.file), &g.url);
}

fn evidence(path: &Path, url: &str) {
    if std::env::var_os("MIRSAD_EVAL_EVIDENCE").is_none() {
        return;
    }
    if let Ok(bytes) = std::fs::read(path) {
        let html = mirsad_ingest::encoding::decode_html(&bytes);
        for (rank, v) in mirsad_ingest::html_date::page_date_evidence(&html, Some(url)) {
            eprintln!("    {rank} {}", escape_for_display(&v));
        }
    }
}

/// Reads `{url: {"file", "date"}}`; with `empty_is_none`, an empty date string means "no gold".
fn load(path: &Path, empty_is_none: bool) -> anyhow::Result<Vec<Gold>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let obj = v.as_object().context("gold file is not a JSON object")?;
    let mut out = Vec::new();
    for (url, rec) in obj {
        let Some(file) = rec.get("file").and_then(|f| f.as_str()) else { continue };
        let date = rec
            .get("date")
            .and_then(|d| d.as_str())
            .map(|d| d.trim().chars().take(10).collect::<String>())
            .filter(|d| !(empty_is_none && d.is_empty()));
        out.push(Gold { url: url.clone(), file: file.to_string(), date });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}

/// The Arabic-script pages the data set's SOURCE.md lists under "Arabic:" (by file name).
fn arabic_files(dir: &Path) -> Vec<String> {
    let Ok(src) = std::fs::read_to_string(dir.join("SOURCE.md")) else { return Vec::new() };
    let mut out = Vec::new();
    let mut in_arabic = false;
    for line in src.lines() {
        if line.starts_with("Arabic:") {
            in_arabic = true;
        } else if line.starts_with("Persian:") || line.starts_with('#') || line.trim().is_empty() {
            in_arabic = false;
        }
        if in_arabic {
            out.extend(line.split_whitespace().filter(|w| w.ends_with(".html")).map(str::to_string));
        }
    }
    out
}
