//! The publication date of an HTML page: meta tags, JSON-LD, `<time>`, visible date lines, URL.
//!
//! One walk over the element tree collects every piece of evidence with a rank (lower is
//! stronger):
//!
//! 1. publication meta tags (`article:published_time`, `og:published_time`, `pubdate`,
//!    `DC.date.issued`, `sailthru.date`, `parsely-pub-date`, `citation_publication_date`, …),
//!    `itemprop="datePublished"`, JSON-LD `datePublished` of an article object;
//! 2. weaker meta tags (`date`, `dc.date`, `dcterms.created`…), JSON-LD `datePublished` of
//!    other objects, `dateCreated`;
//! 3. `<time datetime>` marked as the publication time (`pubdate`, `itemprop`, class
//!    `published`/`entry-date`), `<abbr class="published" title>`;
//! 4. other `<time datetime>` in the article or its header;
//! 5. short visible texts of elements whose class/id says date/time/publish/byline, and the
//!    first lines after the `<h1>`;
//! 6. a date in the URL (`/2020/08/24/`, `/2020-08-24/`, `20200824`) — `Inferred`;
//! 7. modification dates (`article:modified_time`, `dateModified`) as a last resort.
//!
//! A complete date in the URL is trusted over the page's stated date when they disagree by
//! more than a day (content-management systems often stamp pages with the build date).
//! Dates before 1995 or after today are discarded. Only element attributes, `<script
//! type="application/ld+json">` bodies and short texts are read: no regex over the whole page.

use std::sync::LazyLock;

use chrono::{NaiveDate, Timelike};
use mirsad_model::{Basis, DateValue, Precision, Published};
use regex::Regex;
use scraper::{ElementRef, Html};

use crate::dates::{self, DayOrder, FoundDate};

/// The page's publication date, or `None` when the page does not let us tell.
pub fn page_date(doc: &Html, url: Option<&str>) -> Option<Published> {
    let (ev, americas) = collect(doc, url);
    choose(ev, americas)
}

/// Every piece of date evidence found on the page as `(rank, value)`, strongest rank first
/// (for diagnostics).
#[doc(hidden)]
pub fn page_date_evidence(html: &str, url: Option<&str>) -> Vec<(u8, String)> {
    let mut ev: Vec<(u8, String)> = collect(&crate::html::parse(html), url)
        .0
        .into_iter()
        .filter_map(|e| Some((e.rank, e.found.to_published(Basis::Explicit)?.value.to_string())))
        .collect();
    ev.sort_by_key(|e| e.0);
    ev
}

/// Parses decoded HTML and returns its publication date.
pub fn page_date_of_html(html: &str, url: Option<&str>) -> Option<Published> {
    page_date(&crate::html::parse(html), url)
}

#[derive(Debug, Clone)]
struct Evidence {
    rank: u8,
    found: FoundDate,
}

fn earliest_plausible() -> NaiveDate {
    NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or_default()
}

fn plausible(d: NaiveDate, today: NaiveDate) -> bool {
    d >= earliest_plausible() && d <= today + chrono::Days::new(1)
}

/// Meta names/properties (lowercase) that state the publication date, strongest first.
const META_PUBLISHED: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "article.published",
    "published_time",
    "published-time",
    "publish-date",
    "publish_date",
    "publishdate",
    "published_date",
    "published-date",
    "pubdate",
    "pub_date",
    "pub-date",
    "publication_date",
    "publication-date",
    "datepublished",
    "date_published",
    "date-published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.published",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "article_date_original",
    "original-publish-date",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "bt:pubdate",
    "article:post_date",
    "og:pubdate",
    "twitter:data1:published",
    "vr:published_time",
    "nv:date",
    "ga-publishdate",
    "displaydate",
    "date.release",
    "release_date",
    "firstpublishedat",
    "first_published_at",
];

/// Meta names that usually, but less reliably, hold the publication date.
const META_WEAK: &[&str] = &[
    "date",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "dc.created",
    "datecreated",
    "created",
    "creation_date",
    "article.created",
    "og:created_time",
    "article:created_time",
    "timestamp",
    "sort_date",
    "eomportal-lastupdate",
];

/// Meta names for modification dates: only a last resort.
const META_MODIFIED: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "og:modified_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "revised",
    "article.updated",
    "modified_time",
];

fn lookup(name: &str) -> Option<u8> {
    if META_PUBLISHED.contains(&name) {
        Some(1)
    } else if META_WEAK.contains(&name) {
        Some(2)
    } else if META_MODIFIED.contains(&name) {
        Some(7)
    } else {
        None
    }
}

/// Class/id words that mark an element holding the date line.
static RE_DATE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)date|time|publi|posted|byline|dateline|timestamp|fecha|datum|zeit|tarih|data|meta|info|author")
        .expect("static regex")
});
/// Class/id words of elements that are not the article's own date.
static RE_NOT_PUB_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)modif|updat|comment|related|footer|copyright|weather|clock|current|today|breaking|ticker|runtime|duration|reading|read-time|readtime|wrapper|container|datepicker|calendar|validat|update|event")
        .expect("static regex")
});
static RE_STRONG_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)publi|posted|dateline|entry-date|post-date|article-date|story-date|news-date|pubdate|byline|article_date|post_date|date-publi|created").expect("static regex")
});
/// Words that introduce a publication date in running text.
static RE_PUBLISHED_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)published|posted on|publié|publicado|publicada|pubblicato|veröffentlicht|erschienen|опубликовано|yayınlanma|تاريخ النشر|نشر في|نُشر|تم النشر|تاريخ الإضافة")
        .expect("static regex")
});

static RE_LD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(datePublished|dateCreated|uploadDate|dateModified)"\s*:\s*"([^"]{6,40})""#).expect("static regex")
});

fn parse(s: &str, order: DayOrder, today: NaiveDate) -> Option<FoundDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    // Unix timestamps (seconds or milliseconds) in some meta tags.
    if (s.len() == 10 || s.len() == 13) && s.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = s.get(..10)?.parse().ok()?;
        let dt = chrono::DateTime::from_timestamp(secs, 0)?;
        return Some(FoundDate {
            date: dt.date_naive(),
            time: Some(dt.time()),
            offset: chrono::FixedOffset::east_opt(0),
            precision: Precision::Minute,
            span: 0..s.len(),
        });
    }
    dates::parse_date_with(s, order).filter(|f| plausible(f.date, today))
}

struct Collector {
    ev: Vec<Evidence>,
    order: DayOrder,
    visible: usize,
    today: NaiveDate,
}

impl Collector {
    fn add(&mut self, rank: u8, value: &str) {
        if let Some(found) = parse(value, self.order, self.today) {
            self.ev.push(Evidence { rank, found });
        }
    }
}

/// Region subtags and country domains of the Americas, whose news sites run 3–8 hours behind
/// UTC: a UTC stamp in the small hours there is still the previous local day.
const AMERICAS: &[&str] = &["us", "ca", "mx", "br", "ar", "cl", "pe", "ve", "uy", "py", "bo", "ec", "gt", "cu", "do"];

fn americas_region(tag: &str) -> bool {
    let t = tag.trim().to_ascii_lowercase().replace('_', "-");
    t.split('-').nth(1).is_some_and(|r| AMERICAS.contains(&r))
}

fn americas_host(url: &str) -> bool {
    let host = url.split_once("://").map_or(url, |(_, r)| r).split(['/', '?', '#', ':']).next().unwrap_or("");
    host.rsplit('.').next().is_some_and(|tld| AMERICAS.contains(&tld))
}

/// Evidence, and whether the page is from the Americas (by language tag, locale or domain).
fn collect(doc: &Html, url: Option<&str>) -> (Vec<Evidence>, bool) {
    let root = doc.root_element();
    let lang = root.value().attr("lang").unwrap_or("").to_ascii_lowercase();
    let order = if lang == "en-us" || lang.starts_with("en-us") { DayOrder::MonthFirst } else { DayOrder::DayFirst };
    let today = chrono::Utc::now().date_naive();
    let mut c = Collector { ev: Vec::new(), order, visible: 0, today };
    let mut americas = americas_region(&lang) || url.is_some_and(americas_host);
    let mut canonical: Option<String> = None;
    let mut seen_h1 = false;
    let mut lines_after_h1 = 0usize;
    let mut phrase_lines = 0usize;
    let mut visible_hits = 0usize;
    let mut last_visible = String::new();

    for node in root.descendants() {
        // The first text lines after the headline (a date line often stands there as a bare
        // text node beside the byline).
        if let Some(t) = node.value().as_text() {
            let t = t.trim();
            let n = t.chars().count();
            if !(6..=200).contains(&n) {
                continue;
            }
            let in_code = node
                .parent()
                .and_then(|p| p.value().as_element().map(|e| matches!(e.name(), "script" | "style" | "noscript")))
                .unwrap_or(false);
            if in_code {
                continue;
            }
            if seen_h1 && lines_after_h1 < 30 {
                lines_after_h1 += 1;
                if dates::has_digit(t) {
                    if let Some(f) = dates::find_date_with(t, order).filter(|f| plausible(f.date, today)) {
                        c.ev.push(Evidence { rank: 6, found: f });
                        lines_after_h1 = usize::MAX;
                    }
                }
            }
            // "Published on …" anywhere outside comments, footers and asides.
            if phrase_lines < 5 && dates::has_digit(t) && RE_PUBLISHED_PHRASE.is_match(t) {
                if let Some(f) = dates::find_date_with(t, order).filter(|f| plausible(f.date, today)) {
                    let noisy = node.parent().and_then(ElementRef::wrap).is_some_and(|p| in_noise(&p));
                    if !noisy {
                        phrase_lines += 1;
                        c.ev.push(Evidence { rank: 5, found: f });
                    }
                }
            }
            continue;
        }
        let Some(el) = ElementRef::wrap(node) else { continue };
        let e = el.value();
        let name = e.name();
        match name {
            "meta" => {
                let key = e.attr("property").or_else(|| e.attr("name")).or_else(|| e.attr("itemprop"));
                let content = e.attr("content").or_else(|| e.attr("value"));
                if let (Some(k), Some(v)) = (key, content) {
                    let k = k.trim().to_ascii_lowercase();
                    if let Some(rank) = lookup(&k) {
                        c.add(rank, v);
                    } else if k == "parsely-page" {
                        if let Some(cap) = RE_LD_DATE_PARSELY.captures(v) {
                            if let Some(m) = cap.get(1) {
                                c.add(1, m.as_str());
                            }
                        }
                    } else if k == "og:locale" {
                        americas |= americas_region(v);
                    } else if k == "og:url" && canonical.is_none() {
                        canonical = Some(v.to_string());
                    }
                }
                if let (Some(h), Some(v)) = (e.attr("http-equiv"), content) {
                    if h.eq_ignore_ascii_case("date") {
                        c.add(2, v);
                    } else if h.eq_ignore_ascii_case("last-modified") {
                        c.add(7, v);
                    }
                }
            }
            "link" if e.attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                if let Some(h) = e.attr("href") {
                    canonical = Some(h.to_string());
                }
            }
            "script" if e.attr("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) => {
                json_ld(&el.text().collect::<String>(), &mut c);
            }
            "time" => {
                let v = e.attr("datetime").or_else(|| e.attr("content"));
                let marked = e.attr("pubdate").is_some()
                    || e.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datepublished"))
                    || class_id(&el).is_some_and(|k| RE_STRONG_CLASS.is_match(&k));
                let modified = e.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datemodified"))
                    || class_id(&el).is_some_and(|k| RE_NOT_PUB_CLASS.is_match(&k));
                let rank = if modified {
                    7
                } else if marked {
                    3
                } else if in_noise(&el) {
                    continue;
                } else {
                    4
                };
                match v {
                    Some(v) => c.add(rank, v),
                    None => {
                        let t = short_text(&el, 120);
                        if let Some(t) = t {
                            c.add(rank.max(5), &t);
                        }
                    }
                }
            }
            "abbr" if class_id(&el).is_some_and(|k| RE_STRONG_CLASS.is_match(&k)) => {
                if let Some(t) = e.attr("title") {
                    c.add(3, t);
                }
            }
            "h1" => {
                seen_h1 = true;
            }
            _ => {}
        }
        // Microdata on any element.
        if name != "meta" && name != "time" {
            if let Some(p) = e.attr("itemprop") {
                let rank = match p.to_ascii_lowercase().as_str() {
                    "datepublished" => Some(1),
                    "datecreated" => Some(2),
                    "datemodified" => Some(7),
                    _ => None,
                };
                if let Some(rank) = rank {
                    match e.attr("content").or_else(|| e.attr("datetime")) {
                        Some(v) => c.add(rank, v),
                        None => {
                            if let Some(t) = short_text(&el, 120) {
                                c.add(rank.max(3), &t);
                            }
                        }
                    }
                }
            }
        }
        // Visible date lines.
        if c.visible < 200
            && visible_hits < 6
            && !matches!(name, "html" | "body" | "script" | "style" | "meta" | "link" | "time")
        {
            if let Some(k) = class_id(&el) {
                if RE_DATE_CLASS.is_match(&k) && !RE_NOT_PUB_CLASS.is_match(&k) {
                    if let Some(t) =
                        short_text(&el, 160).filter(|t| dates::has_digit(t) && *t != last_visible && !in_noise(&el))
                    {
                        c.visible += 1;
                        let rank = if RE_STRONG_CLASS.is_match(&k) { 5 } else { 6 };
                        if let Some(f) = dates::find_date_with(&t, order).filter(|f| plausible(f.date, today)) {
                            c.ev.push(Evidence { rank, found: f });
                            visible_hits += 1;
                        }
                        // A container and its only child give the same text: read it once.
                        last_visible = t;
                    }
                }
            }
        }
    }

    for u in [url, canonical.as_deref()].into_iter().flatten() {
        if let Some(d) = url_date(u).filter(|d| plausible(*d, today)) {
            c.ev.push(Evidence {
                rank: URL_RANK,
                found: FoundDate { date: d, time: None, offset: None, precision: Precision::Day, span: 0..0 },
            });
            break;
        }
    }
    (c.ev, americas)
}

const URL_RANK: u8 = 8;

static RE_LD_DATE_PARSELY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""pub_date"\s*:\s*"([^"]+)""#).expect("static regex"));

fn class_id(el: &ElementRef) -> Option<String> {
    let e = el.value();
    let mut k = String::new();
    if let Some(c) = e.attr("class") {
        k.push_str(c);
    }
    if let Some(i) = e.attr("id") {
        k.push(' ');
        k.push_str(i);
    }
    if let Some(i) = e.attr("itemprop") {
        k.push(' ');
        k.push_str(i);
    }
    (!k.trim().is_empty()).then_some(k)
}

/// Inside parts of the page that are not the article: navigation, footers, asides, comments.
fn in_noise(el: &ElementRef) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).take(12).any(|a| {
        let n = a.value().name();
        // Page-level classes describe the layout (`no-sidebar`, `pageLayout--related`).
        if matches!(n, "html" | "body" | "main" | "article") {
            return false;
        }
        matches!(n, "footer" | "nav" | "aside")
            || class_id(&a).is_some_and(|k| {
                let k = k.to_ascii_lowercase();
                k.contains("comment") || k.contains("related") || k.contains("sidebar") || k.contains("footer")
            })
    })
}

/// The element's text when it is short (a date line, not a container); `None` when longer.
fn short_text(el: &ElementRef, max: usize) -> Option<String> {
    let mut s = String::new();
    for t in el.text() {
        s.push_str(t);
        if s.len() > max * 4 {
            return None;
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty() && s.chars().count() <= max).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// JSON-LD

const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "socialmediaposting",
    "videoobject",
];

fn json_ld(text: &str, c: &mut Collector) {
    let cleaned = text.trim().trim_start_matches("<!--").trim_end_matches("-->").trim();
    match serde_json::from_str::<serde_json::Value>(cleaned) {
        Ok(v) => walk_ld(&v, c, 0),
        Err(_) => {
            // Broken JSON (raw newlines in strings, trailing commas): read the keys directly.
            for cap in RE_LD_DATE.captures_iter(cleaned) {
                let (Some(k), Some(v)) = (cap.get(1), cap.get(2)) else { continue };
                let rank = match k.as_str() {
                    "datePublished" => 2,
                    "dateCreated" | "uploadDate" => 2,
                    _ => 7,
                };
                c.add(rank, v.as_str());
            }
        }
    }
}

fn walk_ld(v: &serde_json::Value, c: &mut Collector, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_ld(x, c, depth + 1)),
        serde_json::Value::Object(o) => {
            let is_article = match o.get("@type") {
                Some(serde_json::Value::String(t)) => ARTICLE_TYPES.contains(&t.to_ascii_lowercase().as_str()),
                Some(serde_json::Value::Array(ts)) => ts
                    .iter()
                    .filter_map(|t| t.as_str())
                    .any(|t| ARTICLE_TYPES.contains(&t.to_ascii_lowercase().as_str())),
                _ => false,
            };
            // A webpage object's dates describe the page; an article's, the article.
            for (key, strong, weak) in
                [("datePublished", 1, 2), ("dateCreated", 2, 2), ("uploadDate", 2, 2), ("dateModified", 7, 7)]
            {
                if let Some(s) = o.get(key).and_then(|x| x.as_str()) {
                    c.add(if is_article { strong } else { weak }, s);
                }
            }
            for (k, x) in o {
                if matches!(x, serde_json::Value::Array(_) | serde_json::Value::Object(_))
                    && k != "publisher"
                    && k != "author"
                {
                    walk_ld(x, c, depth + 1);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// URL

static RE_URL_YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[/_\-.=])((?:19|20)\d{2})[/_\-.]?(0[1-9]|1[0-2])[/_\-.]?(0[1-9]|[12]\d|3[01])(?:[/_\-.?#&]|$)")
        .expect("static regex")
});
static RE_URL_YMD_LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})/([1-9]|0[1-9]|1[0-2])/([1-9]|0[1-9]|[12]\d|3[01])/").expect("static regex")
});
static RE_URL_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[/_\-](0[1-9]|[12]\d|3[01])[\-_.](0[1-9]|1[0-2])[\-_.]((?:19|20)\d{2})(?:[/_\-.?#&]|$)")
        .expect("static regex")
});

/// A complete date in a URL: `/2020/08/24/`, `/2020-08-24-title`, `/20200824/`, `_24-08-2020`.
pub fn url_date(url: &str) -> Option<NaiveDate> {
    // Only the path and query: a host name never holds the date.
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    for re in [&*RE_URL_YMD, &*RE_URL_YMD_LOOSE] {
        for cap in re.captures_iter(path) {
            let (Some(y), Some(m), Some(d)) = (cap.get(1), cap.get(2), cap.get(3)) else { continue };
            if let Some(date) = ymd(y.as_str(), m.as_str(), d.as_str()) {
                return Some(date);
            }
        }
    }
    for cap in RE_URL_DMY.captures_iter(path) {
        let (Some(d), Some(m), Some(y)) = (cap.get(1), cap.get(2), cap.get(3)) else { continue };
        if let Some(date) = ymd(y.as_str(), m.as_str(), d.as_str()) {
            return Some(date);
        }
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

// ---------------------------------------------------------------------------------------------
// Choice

fn choose(ev: Vec<Evidence>, americas: bool) -> Option<Published> {
    let url = ev.iter().find(|e| e.rank == URL_RANK).map(|e| e.found.date);
    let stated: Vec<&Evidence> = ev.iter().filter(|e| e.rank < URL_RANK).collect();
    let Some(best_rank) = stated.iter().map(|e| e.rank).min() else {
        return url.and_then(|d| day_published(d, Basis::Inferred));
    };
    // Among the strongest: the first, or the same day with a time (more specific).
    // Metadata listing several publication dates (an article and the items embedded in it):
    // the earliest is the article's own; visible dates are taken in page order.
    let first = if best_rank <= 2 {
        stated.iter().filter(|e| e.rank == best_rank).min_by_key(|e| e.found.date)?
    } else {
        stated.iter().find(|e| e.rank == best_rank)?
    };
    let pick = stated
        .iter()
        .find(|e| e.rank == best_rank && e.found.date == first.found.date && e.found.time.is_some())
        .unwrap_or(first);

    if let Some(u) = url {
        if pick.found.date != u {
            // The URL is set once, when the article is published, while a stated date can be a
            // build, update or UTC stamp: evidence agreeing with the URL wins.
            if let Some(agree) = strongest(stated.iter().copied().filter(|e| e.found.date == u && e.rank < 7)) {
                return published(&agree.found);
            }
            let gap = (pick.found.date - u).num_days().abs();
            // Visible text alone can be another article's date.
            if gap > 1 || pick.rank >= 5 {
                return day_published(u, Basis::Inferred);
            }
        }
    }

    // A UTC (or zone-less) timestamp's day can differ from the local day the site prints.
    if pick.found.time.is_some() && pick.found.offset.is_none_or(|o| o.local_minus_utc() == 0) {
        let instant = utc_of(&pick.found);
        // The same instant stated in a local zone.
        if let Some(local) = stated.iter().find(|e| {
            e.found.offset.is_some_and(|o| o.local_minus_utc() != 0)
                && instant.zip(utc_of(&e.found)).is_some_and(|(a, b)| (a - b).num_seconds().abs() <= 120)
        }) {
            return published(&local.found);
        }
        // Visible (local) dates one day off, none on the pick's day, when the hour allows
        // it: the previous local day for a morning UTC hour, the next for an evening one.
        let hour = pick.found.time.map_or(12, |t| t.hour());
        let visible: Vec<&Evidence> =
            stated.iter().copied().filter(|e| (3..7).contains(&e.rank) && e.found.offset.is_none()).collect();
        if !visible.iter().any(|e| e.found.date == pick.found.date) {
            if let Some(v) = visible.iter().find(|e| {
                let gap = (e.found.date - pick.found.date).num_days();
                (gap == -1 && hour < 11) || (gap == 1 && hour >= 13)
            }) {
                return published(&v.found);
            }
        }
        // An explicit UTC stamp in the small hours on an American site, when nothing local
        // confirms its day.
        let confirmed = visible.iter().any(|e| e.found.date == pick.found.date)
            || url == Some(pick.found.date)
            || stated
                .iter()
                .any(|e| e.found.date == pick.found.date && e.found.offset.is_some_and(|o| o.local_minus_utc() != 0));
        if americas && !confirmed && pick.found.offset.is_some() && hour < 4 {
            let d = pick.found.date.pred_opt()?;
            return day_published(d, Basis::Explicit);
        }
    }
    published(&pick.found)
}

/// The strongest evidence, preferring one with a time among those of its rank and day.
fn strongest<'a>(it: impl Iterator<Item = &'a Evidence>) -> Option<&'a Evidence> {
    let all: Vec<&Evidence> = it.collect();
    let r = all.iter().map(|e| e.rank).min()?;
    all.iter()
        .copied()
        .find(|e| e.rank == r && e.found.time.is_some())
        .or_else(|| all.iter().copied().find(|e| e.rank == r))
}

fn utc_of(f: &FoundDate) -> Option<chrono::NaiveDateTime> {
    let t = f.time?;
    let off = f.offset.map_or(0, |o| o.local_minus_utc());
    f.date.and_time(t).checked_sub_signed(chrono::TimeDelta::seconds(i64::from(off)))
}

fn published(f: &FoundDate) -> Option<Published> {
    f.to_published(Basis::Explicit)
}

fn day_published(d: NaiveDate, basis: Basis) -> Option<Published> {
    Some(Published { value: DateValue::from_day(d)?, precision: Precision::Day, basis })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd(html: &str, url: Option<&str>) -> Option<Published> {
        page_date_of_html(html, url)
    }

    #[test]
    fn meta_published_time_with_offset() {
        let p = pd(
            r#"<html><head><meta property="article:published_time" content="2021-04-05T09:30:00+03:00">
            <meta property="article:modified_time" content="2021-04-07T10:00:00+03:00"></head><body></body></html>"#,
            None,
        )
        .unwrap();
        assert_eq!(p.value, "2021-04-05T09:30:00+03:00");
        assert_eq!(p.basis, Basis::Explicit);
        assert!(p.precision >= Precision::Minute);
    }

    #[test]
    fn json_ld_graph_article() {
        let html = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
            {"@type":"WebPage","datePublished":"2019-01-01"},
            {"@type":"NewsArticle","datePublished":"2021-06-02T08:00:00Z","dateModified":"2021-06-03"}]}</script>"#;
        assert_eq!(pd(html, None).unwrap().value, "2021-06-02T08:00:00+00:00");
    }

    #[test]
    fn broken_json_ld() {
        let html = "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"a\nb\",\"datePublished\":\"2021-06-02\",}</script>";
        assert_eq!(pd(html, None).unwrap().value, "2021-06-02");
    }

    #[test]
    fn time_element_pubdate() {
        let html = r#"<body><article><h1>T</h1><time datetime="2020-02-03T11:12">3 فبراير</time>
            <footer><time datetime="2024-01-01">x</time></footer></article></body>"#;
        assert_eq!(pd(html, None).unwrap().value, "2020-02-03T11:12");
    }

    #[test]
    fn visible_arabic_date_line() {
        let html = r#"<body><h1>عنوان الخبر</h1><div class="post-date">الثلاثاء 24 نوفمبر 2020 - 10:15 ص</div><p>نص</p></body>"#;
        let p = pd(html, None).unwrap();
        assert_eq!(p.value, "2020-11-24T10:15");
        assert_eq!(p.precision, Precision::Minute);
    }

    #[test]
    fn url_only_is_inferred() {
        let p = pd("<p>no date</p>", Some("https://example.com/news/2020/08/24/some-title")).unwrap();
        assert_eq!(p.value, "2020-08-24");
        assert_eq!(p.basis, Basis::Inferred);
        assert_eq!(url_date("https://example.com/a-2019-12-31-b.html"), NaiveDate::from_ymd_opt(2019, 12, 31));
        assert_eq!(url_date("https://example.com/p/20191231/x"), NaiveDate::from_ymd_opt(2019, 12, 31));
        assert_eq!(url_date("https://example.com/a/12345678"), None);
        assert_eq!(url_date("https://2020-08-24.example.com/a"), None);
    }

    #[test]
    fn nothing_gives_none() {
        assert_eq!(pd("<html><body><p>hello</p></body></html>", Some("https://example.com/a")), None);
    }

    #[test]
    fn too_old_and_future_dropped() {
        let html = r#"<meta name="date" content="1990-01-01"><meta name="pubdate" content="2999-01-01">"#;
        assert_eq!(pd(html, None), None);
    }

    #[test]
    fn publication_preferred_over_modified() {
        let html = r#"<meta itemprop="dateModified" content="2022-03-04"><meta itemprop="datePublished" content="2022-03-01">"#;
        assert_eq!(pd(html, None).unwrap().value, "2022-03-01");
    }

    #[test]
    fn url_date_agreeing_evidence_wins() {
        let html = r#"<meta property="article:published_time" content="2021-03-09T02:10:00+00:00">
            <body><h1>T</h1><span class="date">8 March 2021</span></body>"#;
        let p = pd(html, Some("https://example.org/2021/03/08/story/")).unwrap();
        assert_eq!(p.day(), Some("2021-03-08"));
    }

    #[test]
    fn same_instant_in_local_zone_preferred() {
        let html = r#"<meta property="article:published_time" content="2021-05-01T22:30:00+00:00">
            <script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2021-05-02T01:30:00+03:00"}</script>"#;
        assert_eq!(pd(html, None).unwrap().value, "2021-05-02T01:30:00+03:00");
    }

    #[test]
    fn earliest_of_several_metadata_dates() {
        let html = r#"<script type="application/ld+json">[{"@type":"NewsArticle","datePublished":"2021-07-02T09:00:00+02:00"},
            {"@type":"NewsArticle","datePublished":"2021-07-01T09:00:00+02:00"}]</script>"#;
        assert_eq!(pd(html, None).unwrap().day(), Some("2021-07-01"));
    }

    #[test]
    fn bare_text_date_after_headline() {
        let html = "<body><h1>عنوان</h1><div><span>كتب: محرر</span> 2021-09-14 11:20:05 <img src=x></div></body>";
        assert_eq!(pd(html, None).unwrap().value, "2021-09-14T11:20:05");
    }
}
