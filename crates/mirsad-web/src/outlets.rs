//! Outlets as a reader knows them. An article's `outlet` is an id: the page's own site name
//! when the page gave one («العربية.نت»), else what the container said (a corpus slug such as
//! `skynews`, or a host). Pages show an Arabic name for it and links keep the id; the outlet
//! filter accepts either.
//!
//! The names come from the table of agencies and outlets that attribution already uses
//! ([`mirsad_ingest::credit`]), so one list says who «سكاي نيوز عربية», «Sky News Arabia» and
//! `skynews` are.

use mirsad_ingest::credit;
use mirsad_text::key;

/// The Arabic name shown for outlet id `id`: a name in Arabic letters as it is, else the
/// table's Arabic name for the id or its host («www.alarabiya.net» → «العربية.نت»), else the
/// id.
pub(crate) fn display(id: &str) -> String {
    let id = id.trim();
    if has_arabic(id) {
        return id.to_string();
    }
    if let Some(n) = credit::arabic_name(id) {
        return n;
    }
    if let Some(label) = host_label(id) {
        if let Some(n) = credit::arabic_name(label) {
            return n;
        }
    }
    id.to_string()
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// The label that names a site in a host: `alarabiya` in `https://www.alarabiya.net/`.
fn host_label(id: &str) -> Option<&str> {
    let host = id.split_once("://").map_or(id, |(_, rest)| rest);
    let host = host.split(['/', ':']).next()?;
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty() && *l != "www").collect();
    if labels.len() < 2 {
        return None;
    }
    // the label before the public suffix: `bbc` in `bbc.co.uk` as in `bbc.com`
    let generic = |l: &str| matches!(l, "co" | "com" | "net" | "org" | "gov" | "edu" | "news");
    let mut i = labels.len() - 2;
    while i > 0 && generic(labels[i]) {
        i -= 1;
    }
    Some(labels[i])
}

/// The outlet ids among `known` (ids with their article counts, the most first) that `input`
/// names: the id itself, its Arabic name, or any spelling the table knows for it. Empty when
/// none does.
pub(crate) fn resolve(input: &str, known: &[(String, u64)]) -> Vec<String> {
    let input = input.trim();
    let want_display = credit::arabic_name(input).unwrap_or_else(|| input.to_string());
    let wanted = [key(input), key(&want_display)];
    known
        .iter()
        .filter(|(id, _)| id == input || wanted.contains(&key(&display(id))))
        .map(|(id, _)| id.clone())
        .collect()
}

/// Turns a search's outlet filter, which may name the outlet rather than give its id, into the
/// ids it stands for (left as given when it names none).
pub(crate) fn resolve_filter(s: &mirsad_store::Store, q: &mut mirsad_store::SearchQuery) -> mirsad_store::Result<()> {
    if let Some(o) = &q.outlet {
        let ids = resolve(o, &s.outlets()?);
        if let Some((first, rest)) = ids.split_first() {
            q.outlet = Some(first.clone());
            q.outlet_ids = rest.to_vec();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_get_arabic_names() {
        assert_eq!(display("skynews"), "سكاي نيوز عربية");
        assert_eq!(display("BBC"), "بي بي سي");
        assert_eq!(display("https://www.alarabiya.net/ar/"), "العربية.نت");
        assert_eq!(display("news.bbc.co.uk"), "بي بي سي");
        assert_eq!(display("صحيفة محلية"), "صحيفة محلية");
        assert_eq!(display("example.org"), "example.org");
        assert_eq!(display("unknown-slug"), "unknown-slug");
    }

    #[test]
    fn the_filter_takes_the_id_or_a_name() {
        let known = vec![("skynews".to_string(), 10), ("سكاي نيوز عربية".to_string(), 2), ("BBC".to_string(), 3)];
        assert_eq!(resolve("BBC", &known), vec!["BBC"]);
        assert_eq!(resolve("بي بي سي", &known), vec!["BBC"]);
        assert_eq!(resolve("سكاي نيوز عربية", &known), vec!["skynews", "سكاي نيوز عربية"]);
        assert_eq!(resolve("Sky News Arabia", &known), vec!["skynews", "سكاي نيوز عربية"]);
        assert_eq!(resolve("سكاي نيوز", &known), vec!["skynews", "سكاي نيوز عربية"]);
        assert!(resolve("nobody", &known).is_empty());
    }
}
