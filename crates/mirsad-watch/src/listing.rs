//! What a polled endpoint lists: feed items, sitemap entries (and child sitemaps), or the
//! article links and feed links of an HTML page. Parsing is pure: bytes in, URLs out; a
//! malformed body is an error for its endpoint, never a panic.

use crate::urls;
use mirsad_ingest::Document;
use std::io::Read;
use url::Url;

/// Child sitemaps of one index read per poll, newest first: one huge index must not starve
/// the other sources of a round.
pub const MAX_CHILD_SITEMAPS: usize = 5;
/// Items taken from one listing (newest first where the listing dates them).
pub const MAX_ITEMS: usize = 500;
/// A decompressed sitemap larger than this is refused (the sitemap protocol's own cap is 50 MB).
pub const MAX_XML_BYTES: u64 = 50 << 20;
/// Characters of text from which a feed item's own content counts as the full article: shorter
/// ones are summaries, and the article page is fetched for the text.
pub const FULL_TEXT_CHARS: usize = 1200;

/// One thing to fetch (or to store straight away) that a listing names.
#[derive(Debug)]
pub struct Item {
    pub url: Url,
    pub guid: Option<String>,
    /// The item's own content when it is the full article (a full-text feed): stored without
    /// fetching the page. Otherwise its hints (title, date) travel with the page fetch.
    pub document: Option<Document>,
    pub full_text: bool,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub kind: Kind,
    pub items: Vec<Item>,
    /// Child sitemaps (of a sitemap index) to read now.
    pub sitemaps: Vec<Url>,
    /// Feeds an HTML page links to (`<link rel="alternate">`).
    pub feeds: Vec<Url>,
    /// Minutes the feed asks readers to wait between polls (RSS `<ttl>`).
    pub ttl_minutes: Option<u32>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Feed,
    Sitemap,
    #[default]
    Page,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Feed => "feed",
            Kind::Sitemap => "sitemap",
            Kind::Page => "page",
        }
    }
}

/// Gunzips a body that starts with the gzip magic (a `.xml.gz` sitemap), refusing more than
/// `limit` bytes out.
pub fn gunzip(body: Vec<u8>, limit: u64) -> Result<Vec<u8>, String> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&body[..])
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("gzip: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("gzip body expands past {limit} bytes"));
    }
    Ok(out)
}

/// What kind of document the body is, from its first element.
pub fn sniff(body: &[u8]) -> Kind {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let first =
        head.split('<').map(str::trim_start).find(|t| !t.starts_with('?') && !t.starts_with('!') && !t.is_empty());
    match first {
        Some(t) if t.starts_with("urlset") || t.starts_with("sitemapindex") => Kind::Sitemap,
        Some(t) if t.starts_with("rss") || t.starts_with("feed") || t.starts_with("rdf:rdf") => Kind::Feed,
        _ => Kind::Page,
    }
}

/// Parses a listing fetched from `base`.
pub fn parse(body: &[u8], base: &Url) -> Result<Listing, String> {
    match sniff(body) {
        Kind::Feed => feed(body, base),
        Kind::Sitemap => sitemap(body, base),
        Kind::Page => Ok(page(body, base)),
    }
}

fn feed(body: &[u8], base: &Url) -> Result<Listing, String> {
    let feed = feed_rs::parser::parse(body).map_err(|e| format!("feed: {e}"))?;
    let outlet = mirsad_ingest::read::feed_outlet(&feed);
    let mut listing = Listing { kind: Kind::Feed, ttl_minutes: feed.ttl, ..Default::default() };
    for (i, entry) in feed.entries.into_iter().enumerate().take(MAX_ITEMS) {
        let Some(url) = entry.links.first().and_then(|l| urls::parse(&l.href, Some(base))) else { continue };
        let guid = Some(entry.id.clone()).filter(|g| !g.trim().is_empty());
        let location = format!("{base}#{}", i + 1);
        let document = mirsad_ingest::read::feed_entry_document(&location, entry, outlet.clone()).ok();
        let full_text = document.as_ref().is_some_and(|d| match &d.payload {
            mirsad_ingest::Payload::Html(b) => visible_chars(b) >= FULL_TEXT_CHARS,
            mirsad_ingest::Payload::Text(t) => t.chars().count() >= FULL_TEXT_CHARS,
        });
        listing.items.push(Item { url, guid, document, full_text });
    }
    Ok(listing)
}

/// Characters outside tags: a rough measure of how much text an HTML fragment holds.
fn visible_chars(html: &[u8]) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    for c in String::from_utf8_lossy(html).chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

/// A sitemap (`urlset`, with Google News `news:` fields read for dates) or a sitemap index.
/// Entries are kept newest first when dated.
fn sitemap(body: &[u8], base: &Url) -> Result<Listing, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|e| format!("sitemap is not UTF-8: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut index = false;
    // Per entry: (loc, date) where date is lastmod or news:publication_date.
    let mut entries: Vec<(String, String, bool)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let (mut loc, mut date) = (String::new(), String::new());
    loop {
        match reader.read_event().map_err(|e| format!("sitemap: {e} at byte {}", reader.buffer_position()))? {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == "sitemapindex" {
                    index = true;
                }
                if name == "url" || name == "sitemap" {
                    loc.clear();
                    date.clear();
                }
                path.push(name);
                if path.len() > 16 {
                    return Err("sitemap nests deeper than 16 elements".into());
                }
            }
            Event::End(_) => {
                if let Some(name) = path.pop() {
                    if (name == "url" || name == "sitemap") && !loc.trim().is_empty() {
                        entries.push((loc.trim().to_string(), date.trim().to_string(), name == "sitemap"));
                    }
                }
            }
            Event::Text(t) => append(&path, &mut loc, &mut date, &t.xml10_content()),
            Event::CData(t) => append(&path, &mut loc, &mut date, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    append(&path, &mut loc, &mut date, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Newest first; undated entries keep their order after the dated ones.
    entries.sort_by(|a, b| b.1.cmp(&a.1));
    let mut listing = Listing { kind: Kind::Sitemap, ..Default::default() };
    for (loc, _, child) in entries {
        let Some(url) = urls::parse(&loc, Some(base)) else { continue };
        if child || index {
            if listing.sitemaps.len() < MAX_CHILD_SITEMAPS {
                listing.sitemaps.push(url);
            }
        } else if listing.items.len() < MAX_ITEMS {
            listing.items.push(Item { url, guid: None, document: None, full_text: false });
        }
    }
    Ok(listing)
}

fn append(path: &[String], loc: &mut String, date: &mut String, s: &str) {
    match path.last().map(String::as_str) {
        Some("loc") => loc.push_str(s),
        Some("lastmod") | Some("publication_date") => date.push_str(s),
        _ => {}
    }
}

/// An HTML page: the feeds it advertises and the links on the same site that look like
/// articles (a path of several segments, or a long or numbered slug), in page order.
fn page(body: &[u8], base: &Url) -> Listing {
    let html = String::from_utf8_lossy(body);
    let doc = scraper::Html::parse_document(&html);
    let mut listing = Listing { kind: Kind::Page, ..Default::default() };
    if let Ok(sel) = scraper::Selector::parse("link[rel~=alternate][href]") {
        for el in doc.select(&sel) {
            let ty = el.value().attr("type").unwrap_or("").to_ascii_lowercase();
            if ty.contains("rss") || ty.contains("atom") {
                if let Some(u) = el.value().attr("href").and_then(|h| urls::parse(h, Some(base))) {
                    if !listing.feeds.contains(&u) {
                        listing.feeds.push(u);
                    }
                }
            }
        }
    }
    let site = urls::site_of(base);
    let mut seen = std::collections::HashSet::new();
    if let Ok(sel) = scraper::Selector::parse("a[href]") {
        for el in doc.select(&sel) {
            let Some(u) = el.value().attr("href").and_then(|h| urls::parse(h, Some(base))) else { continue };
            if urls::site_of(&u) != site || u == *base || !looks_like_article(&u) || !seen.insert(u.clone()) {
                continue;
            }
            listing.items.push(Item { url: u, guid: None, document: None, full_text: false });
            if listing.items.len() >= MAX_ITEMS {
                break;
            }
        }
    }
    listing
}

/// Media and documents that are never article pages.
const NOT_PAGES: &[&str] =
    &[".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".mp3", ".mp4", ".zip", ".css", ".js", ".xml", ".rss"];

/// Whether a same-site link looks like an article rather than a section, tag or utility page.
pub fn looks_like_article(u: &Url) -> bool {
    let path = u.path().to_ascii_lowercase();
    if NOT_PAGES.iter().any(|e| path.ends_with(e)) {
        return false;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some(last) = segments.last() else { return false };
    let numbered = last.chars().filter(char::is_ascii_digit).count() >= 4;
    let slug = last.len() >= 24 || last.matches('-').count() >= 3;
    numbered || slug || segments.len() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example.com/").unwrap()
    }

    #[test]
    fn sitemap_index_and_news_sitemap() {
        let idx = br#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>https://news.example.com/s1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
            <sitemap><loc>https://news.example.com/s2.xml.gz</loc><lastmod>2024-03-01</lastmod></sitemap></sitemapindex>"#;
        let l = parse(idx, &base()).unwrap();
        assert_eq!(l.kind, Kind::Sitemap);
        assert_eq!(l.sitemaps[0].as_str(), "https://news.example.com/s2.xml.gz");
        assert!(l.items.is_empty());
        let news = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://news.example.com/a?id=1&amp;p=2</loc><news:news><news:publication_date>2024-03-01T10:00:00Z</news:publication_date></news:news></url>
            <url><loc><![CDATA[https://news.example.com/b]]></loc><news:news><news:publication_date>2024-03-02T10:00:00Z</news:publication_date></news:news></url>
            </urlset>"#;
        let l = parse(news, &base()).unwrap();
        let got: Vec<&str> = l.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(got, ["https://news.example.com/b", "https://news.example.com/a?id=1&p=2"]);
    }

    #[test]
    fn malformed_sitemap_is_an_error() {
        assert!(parse(b"<urlset><url><loc>x</url></urlset>", &base()).is_err());
        assert!(parse(b"<rss><channel><item>", &base()).is_err());
    }

    #[test]
    fn page_links_and_feeds() {
        let html = br#"<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>
            <a href="/politics">section</a><a href="/politics/2024/03/01/story-one">one</a>
            <a href="/news/123456">two</a><a href="https://other.example.org/x/y/z">elsewhere</a>
            <a href="/img/photo-of-the-day-2024.jpg">photo</a><a href="/news/123456#comments">again</a></body></html>"#;
        let l = parse(html, &base()).unwrap();
        assert_eq!(l.feeds[0].as_str(), "https://news.example.com/rss.xml");
        let got: Vec<&str> = l.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            got,
            ["https://news.example.com/politics/2024/03/01/story-one", "https://news.example.com/news/123456"]
        );
    }

    #[test]
    fn summary_and_full_text_feed_items() {
        let long = "كلمة ".repeat(400);
        let rss = format!(
            r#"<rss version="2.0"><channel><title>موقع</title><ttl>30</ttl>
            <item><title>قصير</title><link>https://news.example.com/a/1/x</link><guid>g1</guid><description>ملخص قصير</description></item>
            <item><title>طويل</title><link>https://news.example.com/a/2/y</link><guid>g2</guid><description>{long}</description></item>
            </channel></rss>"#
        );
        let l = parse(rss.as_bytes(), &base()).unwrap();
        assert_eq!(l.kind, Kind::Feed);
        assert_eq!(l.ttl_minutes, Some(30));
        assert_eq!(l.items.len(), 2);
        assert!(!l.items[0].full_text);
        assert!(l.items[1].full_text);
        assert_eq!(l.items[0].guid.as_deref(), Some("g1"));
    }
}
