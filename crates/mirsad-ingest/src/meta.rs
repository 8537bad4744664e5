//! Metadata lines inside article text: date lines («تاريخ النشر: …»), source lines
//! («المصدر: …», a chain «المصدر رويترز … المصدر: كويت نيوز»), tag lines («كلمات دلالية: …»,
//! «الوسوم»), bylines («بقلم: …»), and title clean-up.
//!
//! Aggregator pages glue these lines together without separators («…الوسومروسيا كوريا
//! الشماليةالمصدر: كويت نيوز»), so a line that starts with a label is split at every label it
//! contains, wherever it occurs.

use crate::dates::{self, FoundDate};
use mirsad_text::{display, key};

/// One piece of metadata read from a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaItem {
    /// Sources in the order the line names them.
    Source(Vec<String>),
    /// Tags, already split and in display form.
    Tags(Vec<String>),
    /// A publication date line; `None` when the label was there but no date could be read.
    Date(Option<FoundDate>),
    Author(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Source,
    Tags,
    Date,
    Author,
}

/// Labels in display form (after `mirsad_text::display`), longest first within a kind so that
/// the longer one wins at the same position.
const LABELS: &[(&str, Label)] = &[
    ("تاريخ النشر", Label::Date),
    ("نشر بتاريخ", Label::Date),
    ("تاريخ الخبر", Label::Date),
    ("آخر تحديث", Label::Date),
    ("Published on", Label::Date),
    ("Published", Label::Date),
    ("المصدر", Label::Source),
    ("مصدر الخبر", Label::Source),
    ("Source", Label::Source),
    ("كلمات دلالية", Label::Tags),
    ("الكلمات الدلالية", Label::Tags),
    ("الكلمات المفتاحية", Label::Tags),
    ("كلمات مفتاحية", Label::Tags),
    ("الوسوم", Label::Tags),
    ("وسوم", Label::Tags),
    ("Tags", Label::Tags),
    ("بقلم", Label::Author),
    ("كتب", Label::Author),
    ("كتبت", Label::Author),
];

/// A source value longer than this many words, with no colon after the label, is a sentence
/// that starts with the word «المصدر», not a source line.
const MAX_BARE_SOURCE_WORDS: usize = 6;
/// Metadata lines are short; a long line that starts with a label word is prose.
const MAX_META_LINE_CHARS: usize = 300;

/// Reads a metadata line. `None` when the line is not one (it is then article text).
pub fn parse_line(line: &str) -> Option<Vec<MetaItem>> {
    let line = line.trim();
    if line.chars().count() > MAX_META_LINE_CHARS {
        return None;
    }
    label_at(line, 0)?;
    // Every label occurrence, in order (labels may be glued to the previous value).
    let mut found: Vec<(Label, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if let Some((l, n)) = label_at(line, i) {
            found.push((l, i, n));
            i += n;
        } else {
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    let parts = found.iter().enumerate().map(|(k, &(label, start, len))| {
        let end = found.get(k + 1).map_or(line.len(), |next| next.1);
        (label, line[start..start + len].ends_with([':', '：']), &line[start + len..end])
    });
    let mut items = Vec::new();
    for (label, colon, value) in parts {
        let value = value.trim();
        match label {
            Label::Source => {
                if value.is_empty() || (!colon && value.split_whitespace().count() > MAX_BARE_SOURCE_WORDS) {
                    if items.is_empty() {
                        return None;
                    }
                    continue;
                }
                items.push(MetaItem::Source(split_sources(value)));
            }
            Label::Tags => {
                let tags = split_tags(value);
                if !tags.is_empty() {
                    items.push(MetaItem::Tags(tags));
                }
            }
            Label::Date => {
                if !colon && dates::find_date(value).is_none() {
                    // «آخر تحديث للأسعار…» is prose
                    if items.is_empty() {
                        return None;
                    }
                    continue;
                }
                items.push(MetaItem::Date(dates::find_date(value)));
            }
            Label::Author => {
                // «كتب» is also an ordinary verb: only «كتب: name» / «بقلم name» count.
                let words = value.split_whitespace().count();
                if !(colon || line.starts_with("بقلم")) || words == 0 || words > 6 {
                    if items.is_empty() {
                        return None;
                    }
                    continue;
                }
                items.push(MetaItem::Author(display(value)));
            }
        }
    }
    (!items.is_empty()).then_some(items)
}

/// The label starting at byte `i` of `line`, with its byte length (including a following
/// colon). Labels must start at a word start or right after the end of another word (glued).
fn label_at(line: &str, i: usize) -> Option<(Label, usize)> {
    let rest = &line[i..];
    for (text, label) in LABELS {
        if !starts_with_ci(rest, text) {
            continue;
        }
        let after = &rest[text.len()..];
        // the label must end at a word boundary: «المصدر» but not «المصدرين»
        if after.chars().next().is_some_and(|c| c.is_alphanumeric() && (text.is_ascii() == c.is_ascii())) {
            // Arabic label followed by an Arabic letter: only accepted for the glued tag label
            // «الوسومروسيا», where the label cannot be a word prefix of the value.
            if !(*label == Label::Tags && !text.is_ascii() && i > 0) {
                continue;
            }
        }
        // In the middle of a line a label counts only at a glue point or after a space.
        if i > 0 && *label == Label::Author {
            continue;
        }
        let trimmed = after.trim_start();
        let mut n = text.len();
        // The colon may be the full-width «：» (3 bytes): count its real length so `n` stays on a
        // char boundary.
        if let Some(colon) = trimmed.chars().next().filter(|c| matches!(c, ':' | '：')) {
            n += after.len() - trimmed.len() + colon.len_utf8();
        }
        return Some((*label, n));
    }
    None
}

fn starts_with_ci(hay: &str, needle: &str) -> bool {
    hay.len() >= needle.len() && hay.is_char_boundary(needle.len()) && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// «رويترز / كويت نيوز», «رويترز - كويت نيوز», «رويترز، كويت نيوز» → the names in order.
pub fn split_sources(value: &str) -> Vec<String> {
    value
        .split(['/', '|', '،', ',', '\\'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" – "))
        .map(|p| display(p.trim().trim_matches(['.', '«', '»', '"', '(', ')'])))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Letters used in Persian (and Urdu) spelling but not in Arabic: a change between words
/// spelled with them and words without them marks a tag boundary in an unseparated tag line.
fn is_persian_spelled(word: &str) -> bool {
    word.chars().any(|c| matches!(c, '\u{06A9}' | '\u{06CC}' | '\u{06AF}' | '\u{067E}' | '\u{0686}' | '\u{0698}'))
}

/// Splits a tag line into tags, normalized to Arabic letters and deduplicated by matching key.
///
/// With explicit separators (`،` `,` `;` `|` `#` `/`) each part is a tag. Without them the
/// line is ambiguous; we cut at changes between Persian- and Arabic-spelled words, and within a
/// run attach a definite adjective to the noun before it («كوريا الشمالية»), at most one per tag.
pub fn split_tags(value: &str) -> Vec<String> {
    let raw: Vec<String> = if value.contains(['،', ',', ';', '|', '#', '/', '؛']) {
        value.split(['،', ',', ';', '|', '#', '/', '؛']).map(str::to_string).collect()
    } else {
        let mut tags: Vec<Vec<&str>> = Vec::new();
        let mut prev_persian = None;
        let mut attached = false;
        for w in value.split_whitespace() {
            let persian = is_persian_spelled(w);
            let definite = key(w).starts_with("ال") && w.chars().count() > 3;
            let same_run = prev_persian == Some(persian);
            match tags.last_mut() {
                Some(last) if same_run && definite && !attached && last.len() == 1 => {
                    last.push(w);
                    attached = true;
                }
                _ => {
                    tags.push(vec![w]);
                    attached = false;
                }
            }
            prev_persian = Some(persian);
        }
        tags.into_iter().map(|t| t.join(" ")).collect()
    };
    let mut out: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for t in raw {
        let d = display(t.trim().trim_matches(['.', '"', '«', '»']));
        let k = key(&d);
        if d.is_empty() || keys.contains(&k) {
            continue;
        }
        keys.push(k);
        out.push(d);
    }
    out
}

/// Separators between an article title and the site or section name around it.
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " :: "];

/// Cleans a page title: drops a site or section name joined by a separator
/// («… | أخبار السياسة», «Site - …») when the rest is clearly the longer, real title.
pub fn clean_title(title: &str) -> String {
    let t = display(title.trim());
    for sep in TITLE_SEPARATORS {
        if !t.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = t.split(sep).map(str::trim).collect();
        let (best_i, best) = parts.iter().enumerate().max_by_key(|(_, p)| p.chars().count()).unwrap_or((0, &""));
        let words = |s: &str| s.split_whitespace().count();
        let others_short = parts.iter().enumerate().all(|(i, p)| i == best_i || words(p) <= 4);
        // The kept part must stay a title on its own and be the first or the last part.
        if others_short && words(best) >= 3 && (best_i == 0 || best_i == parts.len() - 1) {
            return best.to_string();
        }
    }
    t
}

/// True when a line reads like a title: short, no sentence-final full stop or colon.
pub fn is_title_like(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    (3..=30).contains(&words) && t.chars().count() <= 220 && !t.ends_with(['.', ':', '：', '،', ',', '؛'])
}

/// Reads a line that is only a date (with at most a few other words around it, like a weekday
/// or «GMT»). Used for bare date lines in a page's header area.
pub fn date_only_line(line: &str) -> Option<FoundDate> {
    let t = line.trim();
    if t.chars().count() > 80 {
        return None;
    }
    let d = dates::find_date(t)?;
    let rest = format!("{} {}", &t[..d.span.start.min(t.len())], &t[d.span.end.min(t.len())..]);
    (rest.split_whitespace().count() <= 3).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines() {
        assert_eq!(parse_line("المصدر: صدى البلد"), Some(vec![MetaItem::Source(vec!["صدى البلد".into()])]));
        assert_eq!(parse_line("المصدر رويترز"), Some(vec![MetaItem::Source(vec!["رويترز".into()])]));
        assert_eq!(
            parse_line("المصدر: وكالة أ / موقع ب"),
            Some(vec![MetaItem::Source(vec!["وكالة أ".into(), "موقع ب".into()])])
        );
        // a sentence that starts with the word is not a source line
        assert_eq!(parse_line("المصدر الأمني أكد أن القوات انسحبت من المنطقة صباح اليوم"), None);
        assert_eq!(parse_line("المصدرين الرئيسيين للنفط"), None);
    }

    #[test]
    fn glued_source_and_tag_chain() {
        let items = parse_line("المصدر وكالة ألف الوسومروسيا كوريا الشماليةالمصدر: موقع باء").unwrap();
        assert_eq!(
            items,
            vec![
                MetaItem::Source(vec!["وكالة ألف".into()]),
                MetaItem::Tags(vec!["روسيا".into(), "كوريا الشمالية".into()]),
                MetaItem::Source(vec!["موقع باء".into()]),
            ]
        );
    }

    #[test]
    fn tag_lines_with_persian_letters() {
        assert_eq!(
            parse_line("كلمات دلالية: کوریا الشمالیة"),
            Some(vec![MetaItem::Tags(vec!["كوريا الشمالية".into()])])
        );
        assert_eq!(
            parse_line("كلمات دلالية: روسيا كوريا الشمالية کوریا الشمالیة"),
            Some(vec![MetaItem::Tags(vec!["روسيا".into(), "كوريا الشمالية".into()])])
        );
        assert_eq!(
            parse_line("كلمات دلالية: بوتين كيم"),
            Some(vec![MetaItem::Tags(vec!["بوتين".into(), "كيم".into()])])
        );
        assert_eq!(
            parse_line("الوسوم: الولايات المتحدة، الصين"),
            Some(vec![MetaItem::Tags(vec!["الولايات المتحدة".into(), "الصين".into()])])
        );
        assert_eq!(split_tags("الولايات المتحدة"), vec!["الولايات المتحدة"]);
    }

    #[test]
    fn author_lines() {
        assert_eq!(parse_line("بقلم: سمير علي"), Some(vec![MetaItem::Author("سمير علي".into())]));
        assert_eq!(parse_line("كتب الوزير رسالة طويلة إلى نظيره"), None);
    }

    #[test]
    fn prose_is_not_meta() {
        assert_eq!(parse_line("أعلن الكرملين اليوم أن الرئيس سيزور المنطقة."), None);
        assert_eq!(parse_line("وكتبت الصحيفة أن المصدر لم يؤكد"), None);
    }

    #[test]
    fn titles() {
        assert_eq!(
            clean_title("الرئيس يزور المنطقة لأول مرة منذ سنوات | أخبار السياسة"),
            "الرئيس يزور المنطقة لأول مرة منذ سنوات"
        );
        assert_eq!(clean_title("موقع الخبر - الرئيس يزور المنطقة لأول مرة"), "الرئيس يزور المنطقة لأول مرة");
        let both_long = "الحرب في المنطقة منذ عشر سنوات - السلام الذي ينتظره الناس منذ زمن";
        assert_eq!(clean_title(both_long), both_long);
        assert!(is_title_like("لأول مرة.. الكرملين يعلن عن زيارة مرتقبة"));
        assert!(!is_title_like("أعلن الكرملين أن الرئيس سيبدأ زيارة دولة يومي الثلاثاء والأربعاء."));
        assert!(!is_title_like("أخبار"));
    }
}
