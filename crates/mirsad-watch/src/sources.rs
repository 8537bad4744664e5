//! Resolving a source the operator adds into the endpoints to poll: a feed or sitemap is its
//! own endpoint; a site or section page gives the feeds it links to, the sitemaps its
//! robots.txt names, and (for a site's home) the feeds and sitemap at the usual paths; a page
//! that offers none of these is polled for its article links.

use crate::crawl::{robots_from, Robots, Settings, START_INTERVAL};
use crate::fetch::{Fetcher, Reply};
use crate::listing::{self, Kind};
use crate::urls;
use mirsad_store::Endpoint;
use std::collections::HashMap;
use std::time::Instant;
use url::Url;

/// Paths where sites commonly serve their feed.
const FEED_PATHS: &[&str] = &["/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/feeds/rss"];
/// Feeds or sitemaps taken from one page or robots.txt.
const MAX_FOUND: usize = 5;

/// A sequential client that keeps the crawler's manners while resolving: robots.txt first,
/// then one request per host per delay.
pub struct Polite {
    fetcher: Fetcher,
    settings: Settings,
    last: HashMap<String, Instant>,
    robots: HashMap<String, (Robots, Vec<String>)>,
}

impl Polite {
    pub fn new(settings: &Settings) -> Polite {
        Polite {
            fetcher: Fetcher::new(&settings.user_agent, settings.limits.clone()),
            settings: settings.clone(),
            last: HashMap::new(),
            robots: HashMap::new(),
        }
    }

    fn raw(&mut self, url: &Url) -> Result<Reply, String> {
        let host = urls::host_of(url);
        let delay = self.settings.min_delay;
        if let Some(t) = self.last.get(&host) {
            let due = *t + delay;
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        let r = self.fetcher.get(url, None, None, false);
        self.last.insert(host, Instant::now());
        r.map_err(|e| e.to_string())
    }

    /// The sitemaps robots.txt names for this URL's host (fetching robots.txt once).
    fn robots(&mut self, url: &Url) -> (Robots, Vec<String>) {
        let host = urls::host_of(url);
        if let Some(r) = self.robots.get(&host) {
            return r.clone();
        }
        let mut r_url = url.clone();
        r_url.set_path("/robots.txt");
        r_url.set_query(None);
        let reply = self.raw(&r_url).map_err(crate::fetch::FetchError::Network);
        let (robots, delay) = robots_from(reply.as_ref());
        if let Some(d) = delay {
            self.settings.min_delay = self.settings.min_delay.max(d);
        }
        let sitemaps = match (&robots, &reply) {
            (Robots::Rules(r), _) => r.sitemaps.clone(),
            _ => Vec::new(),
        };
        self.robots.insert(host, (robots.clone(), sitemaps.clone()));
        (robots, sitemaps)
    }

    /// GET within robots.txt's rules.
    pub fn get(&mut self, url: &Url) -> Result<Reply, String> {
        let (robots, _) = self.robots(url);
        if !robots.allowed(url) {
            return Err("disallowed by robots.txt".into());
        }
        self.raw(url)
    }

    /// A 200 body, gunzipped, with its kind.
    fn listing(&mut self, url: &Url) -> Result<(Kind, Vec<u8>), String> {
        let r = self.get(url)?;
        if r.status != 200 {
            return Err(format!("HTTP {}", r.status));
        }
        let body = listing::gunzip(r.body, listing::MAX_XML_BYTES)?;
        Ok((listing::sniff(&body), body))
    }
}

fn endpoint(source: &str, url: &Url, kind: Kind) -> Endpoint {
    Endpoint::new(url.as_str(), source, kind.as_str(), START_INTERVAL)
}

/// The endpoints of a source.
pub fn resolve(client: &mut Polite, url: &Url) -> Result<Vec<Endpoint>, String> {
    let source = url.as_str();
    let (kind, body) = client.listing(url)?;
    match kind {
        Kind::Feed | Kind::Sitemap => {
            listing::parse(&body, url)?;
            return Ok(vec![endpoint(source, url, kind)]);
        }
        Kind::Page => {}
    }
    let page = listing::parse(&body, url)?;
    let mut out: Vec<Endpoint> = Vec::new();
    let add = |out: &mut Vec<Endpoint>, u: &Url, k: Kind| {
        if out.len() < 2 * MAX_FOUND && !out.iter().any(|e| e.url == u.as_str()) {
            out.push(endpoint(source, u, k));
        }
    };
    for f in page.feeds.iter().take(MAX_FOUND) {
        add(&mut out, f, Kind::Feed);
    }
    let home = url.path() == "/" && url.query().is_none();
    if out.is_empty() && home {
        for p in FEED_PATHS {
            let Some(u) = urls::parse(p, Some(url)) else { continue };
            if matches!(client.listing(&u), Ok((Kind::Feed, _))) {
                add(&mut out, &u, Kind::Feed);
                break;
            }
        }
    }
    let (_, sitemaps) = client.robots(url);
    let mut sitemap_found = false;
    for s in sitemaps.iter().filter_map(|s| urls::parse(s, Some(url))).take(MAX_FOUND) {
        add(&mut out, &s, Kind::Sitemap);
        sitemap_found = true;
    }
    if !sitemap_found && home {
        if let Some(u) = urls::parse("/sitemap.xml", Some(url)) {
            if matches!(client.listing(&u), Ok((Kind::Sitemap, _))) {
                add(&mut out, &u, Kind::Sitemap);
            }
        }
    }
    if out.is_empty() {
        // Nothing machine-readable: the page's own article links.
        out.push(endpoint(source, url, Kind::Page));
    }
    Ok(out)
}
