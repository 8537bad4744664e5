//! Page metadata: title, site name, canonical URL, author, keywords, language.

use super::flatten::Flat;
use crate::document::BlockKind;

/// What the page says about itself.
#[derive(Debug, Default)]
pub struct Info {
    pub title: Option<String>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub author: Option<String>,
    pub keywords: Vec<String>,
    pub language: Option<String>,
}

/// Collapses whitespace runs to one space and trims.
pub fn normalize_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Comparison key of titles and site names: the Arabic matching key (also lower-cases Latin
/// and reduces punctuation to single spaces).
use mirsad_text::key;

/// True when two titles are the same up to case, punctuation and spacing.
pub fn same_title(a: &str, b: &str) -> bool {
    let (ka, kb) = (key(a), key(b));
    !ka.is_empty() && ka == kb
}

fn meta_value<'a>(flat: &'a Flat<'_>, names: &[&str]) -> Option<&'a str> {
    for n in names {
        if let Some((_, v)) = flat.meta.metas.iter().find(|(k, v)| k == n && !v.trim().is_empty()) {
            return Some(v.as_str());
        }
    }
    None
}

/// Values found in JSON-LD blocks.
#[derive(Default)]
struct LdInfo {
    headline: Option<String>,
    publisher: Option<String>,
    website: Option<String>,
    author: Option<String>,
    keywords: Vec<String>,
}

fn ld_info(flat: &Flat<'_>) -> LdInfo {
    let mut info = LdInfo::default();
    for raw in &flat.meta.ld_json {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else { continue };
        walk_ld(&v, &mut info, 0);
    }
    info
}

fn ld_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(normalize_ws(s)).filter(|s| !s.is_empty() && !s.starts_with("http")),
        serde_json::Value::Object(o) => o.get("name").and_then(ld_name),
        serde_json::Value::Array(a) => a.iter().find_map(ld_name),
        _ => None,
    }
}

fn walk_ld(v: &serde_json::Value, info: &mut LdInfo, depth: u32) {
    if depth > 6 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_ld(x, info, depth + 1)),
        serde_json::Value::Object(o) => {
            let ty = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
            let articleish = ty.contains("Article") || ty.contains("Posting") || ty.contains("Report");
            if articleish {
                if info.headline.is_none() {
                    info.headline = o.get("headline").or_else(|| o.get("name")).and_then(ld_name);
                }
                if info.publisher.is_none() {
                    info.publisher = o.get("publisher").and_then(ld_name);
                }
                if info.author.is_none() {
                    info.author = o.get("author").and_then(ld_name);
                }
                if info.keywords.is_empty() {
                    match o.get("keywords") {
                        Some(serde_json::Value::String(s)) => info.keywords = split_keywords(s),
                        Some(serde_json::Value::Array(a)) => {
                            info.keywords = a
                                .iter()
                                .filter_map(|x| x.as_str())
                                .map(normalize_ws)
                                .filter(|s| !s.is_empty())
                                .collect()
                        }
                        _ => {}
                    }
                }
            }
            if ty.contains("WebSite") && info.website.is_none() {
                info.website = o.get("name").and_then(ld_name);
            }
            if (ty.contains("Organization") || ty.contains("NewsMediaOrganization"))
                && info.publisher.is_none()
                && depth == 0
            {
                info.publisher = o.get("name").and_then(ld_name);
            }
            if let Some(g) = o.get("@graph") {
                walk_ld(g, info, depth + 1);
            }
        }
        _ => {}
    }
}

fn split_keywords(s: &str) -> Vec<String> {
    s.split([',', '،', ';', '|']).map(normalize_ws).filter(|k| !k.is_empty() && k.chars().count() <= 80).collect()
}

/// Resolves `href` against `base` (absolute http(s) URL); `None` when it cannot be made absolute.
pub fn absolutize(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?.trim();
    let scheme_end = base.find("://")?;
    let scheme = &base[..scheme_end];
    let rest = &base[scheme_end + 3..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() {
        return None;
    }
    if let Some(h) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{h}"));
    }
    if href.starts_with('/') {
        return Some(format!("{scheme}://{host}{href}"));
    }
    if href.starts_with('#') || href.starts_with('?') || href.contains(':') {
        return None;
    }
    let path = &rest[host_end..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    Some(format!("{scheme}://{host}{dir}{href}"))
}

const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " • ", " ｜ ", " / ", " :"];

/// Removes a site-name prefix or suffix ("Title | Site", "Site - Title").
pub fn strip_site(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let title = normalize_ws(title);
    let site_key = site.map(key).unwrap_or_default();
    let host_key = host.map(|h| key(h.trim_start_matches("www."))).unwrap_or_default();
    let host_compact: String = host_key.chars().filter(|c| !c.is_whitespace()).collect();
    let host_label = host_key.split(' ').next().unwrap_or("").to_string();
    let is_site = |part: &str| {
        let k = key(part);
        if k.is_empty() || part.split_whitespace().count() > 6 {
            return false;
        }
        let compact: String = k.chars().filter(|c| !c.is_whitespace()).collect();
        let by_site = !site_key.is_empty() && (k == site_key || site_key.contains(&k) || k.contains(&site_key));
        let by_host = !host_compact.is_empty()
            && (compact == host_label
                || (compact.chars().count() >= 4 && host_compact.contains(&compact))
                || (host_label.chars().count() >= 4 && compact.contains(&host_label)));
        by_site || by_host
    };
    for sep in SEPARATORS {
        if !title.contains(sep) {
            continue;
        }
        let parts: Vec<&str> = title.split(sep).map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 {
            continue;
        }
        // A part that names the site goes, wherever it is.
        let kept: Vec<&str> = parts.iter().copied().filter(|p| !is_site(p)).collect();
        if !kept.is_empty() && kept.len() < parts.len() {
            return kept.join(sep.trim_end()).trim().to_string();
        }
        if *sep == " :" {
            continue;
        }
        // Otherwise a short last part is taken for the site name.
        let last = parts[parts.len() - 1];
        let head = parts[..parts.len() - 1].join(sep);
        let words = |s: &str| s.split_whitespace().count();
        if words(last) <= 4 && last.chars().count() * 2 < head.chars().count() {
            return head;
        }
    }
    title
}

fn host_of(url: Option<&str>) -> Option<&str> {
    let u = url?;
    let rest = &u[u.find("://")? + 3..];
    Some(&rest[..rest.find(['/', '?', '#', ':']).unwrap_or(rest.len())])
}

/// Chooses the page's metadata.
pub fn page_meta(flat: &Flat<'_>, url: Option<&str>) -> Info {
    let ld = ld_info(flat);
    let site_name = meta_value(flat, &["og:site_name", "application-name", "twitter:site:name", "publisher"])
        .map(normalize_ws)
        .or(ld.publisher.clone())
        .or(ld.website.clone())
        .filter(|s| !s.is_empty() && s.chars().count() <= 120);

    let og_url = meta_value(flat, &["og:url"]);
    let canonical_url = flat
        .meta
        .canonical
        .as_deref()
        .and_then(|c| absolutize(c, url.or(og_url)))
        .or_else(|| og_url.and_then(|o| absolutize(o, url)));
    let host = host_of(url).or_else(|| host_of(canonical_url.as_deref()));

    let title = choose_title(flat, &ld, site_name.as_deref(), host);

    let author =
        meta_value(flat, &["author", "article:author", "dc.creator", "sailthru.author", "byl", "parsely-author"])
            .filter(|a| !a.starts_with("http"))
            .map(normalize_ws)
            .or(ld.author.clone())
            .filter(|a| !a.is_empty() && a.chars().count() <= 120);

    let mut keywords: Vec<String> = Vec::new();
    for (k, v) in &flat.meta.metas {
        if matches!(k.as_str(), "keywords" | "news_keywords" | "article:tag") {
            for kw in split_keywords(v) {
                if !keywords.iter().any(|x| x == &kw) {
                    keywords.push(kw);
                }
            }
        }
    }
    if keywords.is_empty() {
        keywords = ld.keywords;
    }
    keywords.truncate(50);

    Info {
        title,
        site_name,
        canonical_url,
        author,
        keywords,
        language: flat
            .meta
            .lang
            .clone()
            .or_else(|| meta_value(flat, &["og:locale", "language", "content-language"]).map(str::to_string)),
    }
}

fn choose_title(flat: &Flat<'_>, ld: &LdInfo, site: Option<&str>, host: Option<&str>) -> Option<String> {
    let og = meta_value(flat, &["og:title", "twitter:title", "dc.title"]).map(normalize_ws).or(ld.headline.clone());
    let doc_title = flat.meta.title.clone();
    // h1 headings outside page furniture, in page order.
    let h1s: Vec<&str> = flat
        .runs
        .iter()
        .filter(|r| r.kind == BlockKind::Heading && r.level == 1 && r.furn == 0 && r.chars >= 3)
        .map(|r| r.text.as_str())
        .take(5)
        .collect();
    let og_clean = og.as_deref().map(|t| strip_site(t, site, host)).filter(|t| !t.is_empty());
    let title_clean = doc_title.as_deref().map(|t| strip_site(t, site, host)).filter(|t| !t.is_empty());
    // An h1 that agrees with the head's title is the cleanest form of it.
    for h in &h1s {
        let hk = key(h);
        if hk.is_empty() {
            continue;
        }
        let agrees =
            |t: &Option<String>| t.as_deref().is_some_and(|t| key(t).contains(&hk) && hk.len() * 3 >= key(t).len());
        if agrees(&og_clean) || agrees(&title_clean) || agrees(&og) || agrees(&doc_title) {
            return Some(normalize_ws(h));
        }
    }
    // A single headline on the page is the article's title unless it only names the site.
    let site_like = |t: &str| {
        let k = key(t);
        k.is_empty() || site.is_some_and(|s| key(s) == k) || host.is_some_and(|h| key(h).contains(&k))
    };
    if let [h] = h1s.as_slice() {
        if h.split_whitespace().count() >= 2 && !site_like(h) {
            return Some(normalize_ws(h));
        }
    }
    if let Some(t) = og_clean {
        return Some(t);
    }
    if let Some(t) = title_clean {
        return Some(t);
    }
    h1s.first().map(|h| normalize_ws(h))
}
