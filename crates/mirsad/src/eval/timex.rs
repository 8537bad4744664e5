//! `mirsad eval timex`: a smoke test of the temporal-expression rules on
//! `arabic-timex-dahmri` (50 Arabic news texts with TIMEX3 tags). Its SOURCE.md explains why it
//! is not gold (automatic-looking tags, some wrong values), so the figures say whether the rules
//! fire on real text, not how right they are:
//! - DATE tags found: share of the tagged DATE expressions that one of our expressions overlaps
//!   (run with a publication date so relative ones can fire; the texts carry none, and values
//!   of relative expressions are not compared);
//! - explicit values: among DATE tags whose text holds a four-digit year and that we found,
//!   the share whose value equals ours (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`);
//! - our expressions inside any TIMEX3 tag (a rough precision).

use super::skip_if_absent;
use anyhow::Context;
use mirsad_analyze::timex;
use std::path::Path;

struct Tag {
    start: usize,
    end: usize,
    kind: String,
    value: String,
}

/// The text of a .tml file with its tags removed, and the TIMEX3 spans in that text.
fn parse_tml(xml: &str) -> (String, Vec<Tag>) {
    let body = xml.split("<TimeML>").nth(1).unwrap_or(xml);
    let body = body.split("</TimeML>").next().unwrap_or(body);
    let mut text = String::new();
    let mut tags = Vec::new();
    let mut rest = body;
    let mut open: Option<(usize, String, String)> = None;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt].replace('\u{feff}', ""));
        let Some(gt) = rest[lt..].find('>') else { break };
        let tag = &rest[lt + 1..lt + gt];
        if let Some(attrs) = tag.strip_prefix("TIMEX3") {
            let attr = |name: &str| {
                attrs.split(&format!("{name}=\"")).nth(1).and_then(|v| v.split('"').next()).unwrap_or("").to_string()
            };
            open = Some((text.len(), attr("type"), attr("value")));
        } else if tag.starts_with("/TIMEX3") {
            if let Some((start, kind, value)) = open.take() {
                tags.push(Tag { start, end: text.len(), kind, value });
            }
        }
        rest = &rest[lt + gt + 1..];
    }
    text.push_str(rest);
    (text, tags)
}

pub fn run(data: &Path) -> anyhow::Result<u8> {
    let dir = data.join("arabic-timex-dahmri/Corpus_test");
    if skip_if_absent(&dir) {
        return Ok(0);
    }
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tml"))
        .collect();
    files.sort();
    // Most values in the set fall in 2015-2016; any day makes relative expressions fire.
    let published = chrono::NaiveDate::from_ymd_opt(2015, 12, 24);
    let (mut dates, mut found, mut explicit, mut explicit_same, mut ours, mut ours_inside) = (0, 0, 0, 0, 0, 0);
    for f in &files {
        let xml = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let (text, tags) = parse_tml(&xml);
        let got = timex::find(&text, published);
        ours += got.len();
        ours_inside += got.iter().filter(|t| tags.iter().any(|g| t.start < g.end && g.start < t.end)).count();
        for g in tags.iter().filter(|g| g.kind == "DATE") {
            dates += 1;
            let hit = got.iter().find(|t| t.start < g.end && g.start < t.end);
            if hit.is_some() {
                found += 1;
            }
            let expr = &text[g.start..g.end];
            let has_year =
                mirsad_text::ascii_digits(expr).as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
            if let (true, Some(t)) = (has_year, hit) {
                explicit += 1;
                if t.date.start == g.value {
                    explicit_same += 1;
                }
            }
        }
    }
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "timex dahmri: files {} DATE tags {dates} found {found} ({:.3}) explicit-year values agree {explicit_same}/{explicit} ({:.3}) our expressions inside a tag {ours_inside}/{ours} ({:.3})",
        files.len(),
        share(found, dates),
        share(explicit_same, explicit),
        share(ours_inside, ours)
    );
    inferred_years(data)?;
    Ok(0)
}

/// Publication years inferred from the text ([`timex::infer_published`]) scored on the dated
/// articles of the two JSONL corpora with their date hidden: how many get one, and how many of
/// those are the year the corpus gives.
fn inferred_years(data: &Path) -> anyhow::Result<()> {
    let Some(arts) = super::corpus_articles(data)? else { return Ok(()) };
    let (mut dated, mut inferred, mut right, mut near) = (0usize, 0usize, 0usize, 0usize);
    for a in &arts {
        let Some(year) = a.published.as_ref().and_then(|p| p.value.as_str().get(..4)?.parse::<i32>().ok()) else {
            continue;
        };
        dated += 1;
        let hidden = mirsad_model::Article { published: None, ..a.clone() };
        let Some(p) = timex::infer_published(&hidden) else { continue };
        let Some(y) = p.value.as_str().get(..4).and_then(|y| y.parse::<i32>().ok()) else { continue };
        inferred += 1;
        right += usize::from(y == year);
        near += usize::from(y.abs_diff(year) <= 1);
    }
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "timex inferred years (corpora, date hidden): {dated} dated articles, a year inferred for {inferred} ({:.4}); right year {right}/{inferred} ({:.3}), within one year {near}/{inferred} ({:.3})",
        share(inferred, dated),
        share(right, inferred),
        share(near, inferred)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tml_tags_map_to_text_spans() {
        let (text, tags) = super::parse_tml(
            r#"<?xml version="1.0"?><TimeML>وصل <TIMEX3 tid="t1" type="DATE" value="2015-12-23">أمس</TIMEX3> إلى المدينة</TimeML>"#,
        );
        assert_eq!(text, "وصل أمس إلى المدينة");
        assert_eq!(tags.len(), 1);
        assert_eq!(&text[tags[0].start..tags[0].end], "أمس");
        assert_eq!(tags[0].value, "2015-12-23");
    }
}
