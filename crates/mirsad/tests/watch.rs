//! `mirsad sources` and `mirsad watch` against a fixture web server on 127.0.0.1 (started by
//! each test, no internet): feeds, sitemaps (plain, gzipped, index), robots.txt with a disallow
//! rule and a crawl delay, pages in UTF-8 and windows-1256, redirects, 304s, 429 with
//! Retry-After, 500s, slow and truncated responses, tracking-parameter variants of one page.
//! The rules are checked from the server's own request log.

mod common;

use common::http::*;
use mirsad_watch::{CrawlError as E, CrawlState as S};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn mirsad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mirsad")).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_round_obeys_robots_and_pace_and_stores_each_article_once() {
    let srv = Server::start();
    let b = srv.base.clone();
    let mut r: HashMap<String, Route> = HashMap::new();
    r.insert(
        "/robots.txt".into(),
        Route::Fixed(
            200,
            "text/plain",
            vec![],
            format!("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\nSitemap: {b}/sitemap-index.xml\n")
                .into_bytes(),
        ),
    );
    r.insert("/".into(), html(format!("<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"{b}/feed.xml\"></head><body>home</body></html>")));
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>موقع التجربة</title>\
         <item><title>أ</title><link>{b}/news/2024/one-story-here?utm_source=rss&amp;fbclid=zz</link><guid>g1</guid><description>ملخص</description></item>\
         <item><title>ب</title><link>{b}/news/2024/two-story-here#top</link><guid>g2</guid><description>ملخص</description></item>\
         <item><title>ج</title><link>{b}/private/secret-story-here</link><guid>g3</guid><description>ملخص</description></item>\
         <item><title>د</title><link>{b}/news/2024/moved-story-here</link><guid>g4</guid><description>ملخص</description></item>\
         <item><title>هـ</title><link>{b}/files/report-2024-final.pdf</link><guid>g5</guid><description>ملخص</description></item>\
         <item><title>و</title><link>{b}/news/2024/broken-story-here</link><guid>g6</guid><description>ملخص</description></item>\
         <item><title>ز</title><link>{b}/news/2024/slow-story-here</link><guid>g7</guid><description>ملخص</description></item>\
         <item><title>ح</title><link>{b}/news/2024/cut-story-here</link><guid>g8</guid><description>ملخص</description></item>\
         </channel></rss>"
    );
    r.insert("/feed.xml".into(), Route::Tagged("application/rss+xml", "\"v1\"".into(), feed.into_bytes()));
    r.insert(
        "/sitemap-index.xml".into(),
        Route::Fixed(200, "application/xml", vec![], format!("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>{b}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>").into_bytes()),
    );
    let sm = format!(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>{b}/news/2024/three-story-here</loc></url>\
         <url><loc>{b}/news/2024/one-story-here?utm_campaign=x</loc></url><url><loc>{b}/news/2024/legacy-1256-story</loc></url></urlset>"
    );
    r.insert("/sitemap-1.xml.gz".into(), Route::Fixed(200, "application/x-gzip", vec![], gz(sm.as_bytes())));
    r.insert("/news/2024/one-story-here".into(), html(article(1, "المكتبة")));
    r.insert("/news/2024/two-story-here".into(), Route::Throttle(1, 1, Box::new(html(article(2, "الجسر")))));
    r.insert("/news/2024/three-story-here".into(), html(article(3, "الميناء")));
    r.insert(
        "/news/2024/moved-story-here".into(),
        Route::Fixed(301, "text/html", vec![("Location".into(), "/news/2024/new-home-story".into())], vec![]),
    );
    r.insert("/news/2024/new-home-story".into(), html(article(4, "الحديقة")));
    r.insert("/private/secret-story-here".into(), html(article(5, "السر")));
    r.insert("/files/report-2024-final.pdf".into(), Route::Fixed(200, "application/pdf", vec![], b"%PDF-1.4".to_vec()));
    r.insert("/news/2024/broken-story-here".into(), Route::Fixed(500, "text/plain", vec![], b"oops".to_vec()));
    r.insert("/news/2024/slow-story-here".into(), Route::Slow(Duration::from_secs(4)));
    r.insert("/news/2024/cut-story-here".into(), Route::Truncated);
    let legacy_text = article(6, "المستشفى").replace("<meta charset=\"utf-8\">", "");
    let (legacy, _, _) = encoding_rs::WINDOWS_1256.encode(&legacy_text);
    r.insert(
        "/news/2024/legacy-1256-story".into(),
        Route::Fixed(200, "text/html; charset=windows-1256", vec![], legacy.into_owned()),
    );
    srv.set(r);

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data = data.to_str().unwrap();
    let net = ["--delay-ms", "200", "--timeouts", "2,2,3"];
    let added = ok(&mirsad(&[&["sources", "add", &srv.url("/"), "--data", data][..], &net[..]].concat()));
    let added_requests = srv.log().len();
    assert!(added.contains("feed.xml") && added.contains("sitemap-index.xml"), "{added}");

    let out = ok(&mirsad(&[&["watch", "--once", "--json", "--no-analysis", "--data", data][..], &net[..]].concat()));
    let summary: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    // one, two (after its 429), three, new-home (via the redirect), the windows-1256 page.
    assert_eq!(summary["articles_new"], 5, "{summary}");
    assert_eq!(summary["disallowed"], 1, "{summary}");
    assert_eq!(summary["skipped"], 1, "the PDF: {summary}");
    assert_eq!(summary["fetch_errors"], 3, "500, slow, truncated: {summary}");

    let added_log = added_requests;
    let log = srv.log();
    let paths = srv.paths();
    assert!(!paths.iter().any(|p| p.starts_with("/private/")), "a disallowed path was requested: {paths:?}");
    assert_eq!(paths.iter().filter(|p| p.starts_with("/news/2024/one-story-here")).count(), 1, "{paths:?}");
    assert!(paths.iter().all(|p| !p.contains("utm_") && !p.contains("fbclid")), "{paths:?}");
    // One request at a time to the host, never closer than --delay-ms (across the two
    // processes too), and Crawl-delay (0.3 s, above --delay-ms) between them once robots.txt is
    // read: within `sources add` and within the round after its robots.txt.
    let gap = min_gap(&log).unwrap();
    assert!(gap >= Duration::from_millis(195), "requests {gap:?} apart: {log:?}");
    for part in [&log[..added_log], &log[added_log + 1..]] {
        let gap = min_gap(part).unwrap();
        assert!(gap >= Duration::from_millis(295), "requests {gap:?} apart despite Crawl-delay: {part:?}");
    }
    // The 429 named one second: the retry came no sooner.
    let two: Vec<&Logged> = log.iter().filter(|l| l.path == "/news/2024/two-story-here").collect();
    assert_eq!(two.len(), 2);
    assert!(two[1].start.duration_since(two[0].end) >= Duration::from_millis(990));
    for l in &log {
        assert!(l.headers.get("user-agent").is_some_and(|u| u.starts_with("mirsad/")), "{:?}", l.headers);
    }

    // The windows-1256 page reads as Arabic; every article is searchable once.
    let found = ok(&mirsad(&["search", "المستشفى", "--data", data]));
    assert!(found.starts_with("1 result"), "{found}");

    // A second round: the feed answers 304 to its ETag; no article page is fetched again.
    let before = srv.log().len();
    let out = ok(&mirsad(
        &[&["watch", "--once", "--force", "--json", "--no-analysis", "--data", data][..], &net[..]].concat(),
    ));
    let again: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(again["articles_new"], 0, "{again}");
    let second: Vec<Logged> = srv.log()[before..].to_vec();
    let feed_req = second.iter().find(|l| l.path == "/feed.xml").expect("feed polled");
    assert_eq!(feed_req.headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert!(again["not_modified"].as_u64().unwrap() >= 1, "{again}");
    let refetched: Vec<&str> = second
        .iter()
        .map(|l| l.path.as_str())
        .filter(|p| {
            ["one-story", "two-story", "three-story", "new-home", "moved-story", "legacy-1256", ".pdf"]
                .iter()
                .any(|x| p.contains(x))
        })
        .collect();
    assert!(refetched.is_empty(), "fetched again: {refetched:?}");

    // The failing pages are tried again (a 500 may pass), the settled ones are not.
    assert!(second.iter().any(|l| l.path == "/news/2024/broken-story-here"));

    let listed = ok(&mirsad(&["sources", "list", "--json", "--data", data]));
    let v: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let eps = v[0]["endpoints"].as_array().unwrap();
    assert!(eps.iter().all(|e| e["failures"] == 0 && e["last_success"].is_i64()), "{listed}");
}

fn sitemap_site(srv: &Server, n: usize) {
    let b = &srv.base;
    let mut r: HashMap<String, Route> = HashMap::new();
    r.insert("/robots.txt".into(), Route::Fixed(404, "text/plain", vec![], vec![]));
    let mut sm = String::from("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    let places = ["المكتبة", "الجسر", "الميناء", "الحديقة", "المستشفى", "المدرسة", "الملعب", "السوق"];
    for i in 0..n {
        sm.push_str(&format!("<url><loc>{b}/a/{i}/story-number-{i}</loc></url>"));
        r.insert(format!("/a/{i}/story-number-{i}"), html(article(i, &format!("{} {i}", places[i % places.len()]))));
    }
    sm.push_str("</urlset>");
    r.insert("/sitemap.xml".into(), Route::Fixed(200, "application/xml", vec![], sm.into_bytes()));
    srv.set(r);
}

fn stored_urls(data: &std::path::Path) -> Vec<String> {
    let store = mirsad_store::Store::open(data).unwrap();
    let mut urls = Vec::new();
    store.scan(|a| urls.extend(a.url)).unwrap();
    urls
}

#[test]
fn killed_and_restarted_it_loses_nothing_and_fetches_nothing_twice() {
    let srv = Server::start();
    sitemap_site(&srv, 30);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();
    ok(&mirsad(&["sources", "add", &srv.url("/sitemap.xml"), "--data", d, "--delay-ms", "40"]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .args(["watch", "--once", "--no-analysis", "--batch", "3", "--delay-ms", "40", "--data", d])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it mid-round, once some batches are acknowledged.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let fetched = srv.paths().iter().filter(|p| p.starts_with("/a/")).count();
        if fetched >= 10 || Instant::now() > deadline {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before: Vec<String> = stored_urls(&data);
    assert!(!before.is_empty() && before.len() < 30, "killed too late or too early: {} stored", before.len());
    let first_run = srv.log().len();

    let out = ok(&mirsad(&["watch", "--once", "--json", "--no-analysis", "--delay-ms", "40", "--data", d]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let after = stored_urls(&data);
    assert_eq!(after.len(), 30, "{v}");
    let again: Vec<String> = srv.log()[first_run..].iter().map(|l| srv.url(&l.path)).collect();
    for u in &before {
        assert!(!again.contains(u), "{u} was stored before the kill and fetched again");
    }
}

/// A crawl state whose article writes fail (a full disk, a dropped database connection); the
/// rest is the embedded store's.
struct FailingWrites(mirsad_store::Store);

impl mirsad_watch::CrawlState for FailingWrites {
    fn sources(&mut self) -> Result<Vec<mirsad_store::Source>, E> {
        S::sources(&mut self.0)
    }
    fn save_endpoint(&mut self, ep: &mirsad_store::Endpoint) -> Result<(), E> {
        S::save_endpoint(&mut self.0, ep)
    }
    fn seen(&mut self) -> Result<std::collections::HashSet<i64>, E> {
        S::seen(&mut self.0)
    }
    fn mark_seen(&mut self, keys: &[i64]) -> Result<(), E> {
        S::mark_seen(&mut self.0, keys)
    }
    fn host_pauses(&mut self, now: i64) -> Result<Vec<(String, i64)>, E> {
        S::host_pauses(&mut self.0, now)
    }
    fn pause_host(&mut self, host: &str, until: i64) -> Result<(), E> {
        S::pause_host(&mut self.0, host, until)
    }
    fn retries(&mut self) -> Result<Vec<(i64, String, i64)>, E> {
        S::retries(&mut self.0)
    }
    fn retry_failed(&mut self, key: i64, url: &str) -> Result<i64, E> {
        S::retry_failed(&mut self.0, key, url)
    }
    fn retry_done(&mut self, keys: &[i64]) -> Result<(), E> {
        S::retry_done(&mut self.0, keys)
    }
    fn retry_later(&mut self, key: i64, url: &str) -> Result<(), E> {
        S::retry_later(&mut self.0, key, url)
    }
    fn store(&mut self, _: &[mirsad_model::Article], _: &[i64]) -> Result<mirsad_store::BatchSummary, E> {
        Err(E::State { what: "storing articles", source: "the disk is full".into() })
    }
}

/// A round whose writes fail ends with that error and stops fetching, without raising the
/// caller's stop flag (a worker goes on with its other jobs); nothing is marked polled.
#[test]
fn a_failing_write_ends_the_round_not_the_process() {
    let srv = Server::start();
    sitemap_site(&srv, 20);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(&mirsad(&["sources", "add", &srv.url("/sitemap.xml"), "--data", data.to_str().unwrap(), "--delay-ms", "50"]));
    let mut state = FailingWrites(mirsad_store::Store::open(&data).unwrap());
    let settings = mirsad_watch::Settings { min_delay: Duration::from_millis(50), batch: 1, ..Default::default() };
    let stop = std::sync::atomic::AtomicBool::new(false);
    let r = mirsad_watch::Crawler::default().round(&mut state, &mirsad_watch::NoGate, &settings, &stop, &mut |_| {});
    let e = r.expect_err("the round reports the failed write");
    assert!(e.to_string().contains("the disk is full"), "{e}");
    assert!(!stop.load(std::sync::atomic::Ordering::SeqCst), "the caller's stop flag was raised");
    let pages = srv.paths().iter().filter(|p| p.starts_with("/a/")).count();
    assert!((1..=3).contains(&pages), "{pages} pages fetched after the first write failed");
    let sources = mirsad_store::Store::open(&data).unwrap().crawl_sources().unwrap();
    assert!(sources[0].endpoints.iter().all(|e| e.last_success.is_none()), "{sources:?}");
}

#[test]
fn failing_sources_are_reported_backed_off_and_kept() {
    let good = Server::start();
    sitemap_site(&good, 3);
    let bad = Server::start();
    let mut r: HashMap<String, Route> = HashMap::new();
    r.insert("/robots.txt".into(), Route::Fixed(404, "text/plain", vec![], vec![]));
    r.insert(
        "/feed.xml".into(),
        Route::Fixed(200, "application/rss+xml", vec![], b"<rss version=\"2.0\"><channel><title>x</title>".to_vec()),
    );
    bad.set(r);
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    let d = d.to_str().unwrap();
    // A source that does not answer 200 is not added, and the command says which and why.
    let out = mirsad(&[
        "sources",
        "add",
        &bad.url("/missing.xml"),
        &good.url("/sitemap.xml"),
        "--data",
        d,
        "--delay-ms",
        "20",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/missing.xml") && err.contains("404"), "{err}");
    // A feed that turns malformed after it was added.
    let mut r: HashMap<String, Route> = HashMap::new();
    r.insert("/robots.txt".into(), Route::Fixed(404, "text/plain", vec![], vec![]));
    r.insert("/feed.xml".into(), Route::Fixed(200, "application/rss+xml", vec![], b"<rss version=\"2.0\"><channel><title>x</title><item><title>a</title><link>/a/b/c</link></item></channel></rss>".to_vec()));
    bad.set(r.clone());
    ok(&mirsad(&["sources", "add", &bad.url("/feed.xml"), "--data", d, "--delay-ms", "20"]));
    r.insert(
        "/feed.xml".into(),
        Route::Fixed(200, "application/rss+xml", vec![], b"<rss version=\"2.0\"><channel><item><title>".to_vec()),
    );
    bad.set(r);

    let out = ok(&mirsad(&["watch", "--once", "--json", "--no-analysis", "--delay-ms", "20", "--data", d]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["articles_new"], 3, "the good source still delivers: {v}");
    assert_eq!(v["poll_errors"], 1, "{v}");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&mirsad(&["sources", "list", "--json", "--data", d]))).unwrap();
    let sources = listed.as_array().unwrap();
    assert_eq!(sources.len(), 2);
    let feed = sources.iter().flat_map(|s| s["endpoints"].as_array().unwrap()).find(|e| e["kind"] == "feed").unwrap();
    assert_eq!(feed["failures"], 1);
    assert!(feed["last_error"].as_str().unwrap().contains("feed"), "{feed}");
    let wait = feed["next_poll"].as_i64().unwrap() - feed["last_poll"].as_i64().unwrap();
    assert!((300..=301).contains(&wait), "backs off five minutes after one failure: {wait}");

    // Removing a source keeps what it brought.
    ok(&mirsad(&["sources", "remove", &good.url("/sitemap.xml"), "--data", d]));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&mirsad(&["sources", "list", "--json", "--data", d]))).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(stored_urls(tmp.path().join("data").as_path()).len(), 3);
}

#[test]
fn the_warc_archive_reads_back_to_the_same_articles() {
    let srv = Server::start();
    sitemap_site(&srv, 6);
    let tmp = tempfile::tempdir().unwrap();
    let (data, warc, again) = (tmp.path().join("data"), tmp.path().join("warc"), tmp.path().join("again"));
    let (d, w, a) = (data.to_str().unwrap(), warc.to_str().unwrap(), again.to_str().unwrap());
    ok(&mirsad(&["sources", "add", &srv.url("/sitemap.xml"), "--data", d, "--delay-ms", "20"]));
    ok(&mirsad(&["watch", "--once", "--no-analysis", "--delay-ms", "20", "--warc", w, "--data", d]));
    ok(&mirsad(&["ingest", "--quiet", "--no-analysis", "--data", a, w]));
    let titles = |dir: &std::path::Path| {
        let store = mirsad_store::Store::open(dir).unwrap();
        let mut v = Vec::new();
        store.scan(|x| v.push((x.url.unwrap_or_default(), x.title.unwrap_or_default(), x.body))).unwrap();
        v.sort();
        v
    };
    let (crawled, read_back) = (titles(&data), titles(&again));
    assert_eq!(crawled.len(), 6);
    assert_eq!(crawled, read_back);
}

#[test]
fn a_long_retry_after_pauses_the_host_across_restarts() {
    let srv = Server::start();
    sitemap_site(&srv, 2);
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    let d = d.to_str().unwrap();
    ok(&mirsad(&["sources", "add", &srv.url("/sitemap.xml"), "--data", d, "--delay-ms", "20"]));
    // From now on the sitemap answers 429 for an hour.
    let mut r = srv.routes.lock().unwrap().clone();
    let inner = r.remove("/sitemap.xml").unwrap();
    r.insert("/sitemap.xml".into(), Route::Throttle(3600, 100, Box::new(inner)));
    srv.set(r);
    let out = ok(&mirsad(&["watch", "--once", "--json", "--no-analysis", "--delay-ms", "20", "--data", d]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["poll_errors"], 1, "{v}");
    let asked = srv.log().len();
    // A new process, told to poll everything now, still leaves the paused host alone.
    let out = ok(&mirsad(&["watch", "--once", "--force", "--json", "--no-analysis", "--delay-ms", "20", "--data", d]));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["requests"], 0, "{v}");
    assert_eq!(srv.log().len(), asked, "requests to a paused host: {:?}", &srv.paths()[asked..]);
}

#[test]
fn sigterm_ends_a_watch_cleanly_and_serve_watch_ingests() {
    let srv = Server::start();
    sitemap_site(&srv, 4);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();
    ok(&mirsad(&["sources", "add", &srv.url("/sitemap.xml"), "--data", d, "--delay-ms", "20"]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_mirsad"))
        .args(["serve", "--watch", "--addr", "127.0.0.1:0", "--delay-ms", "20", "--data", d])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let base = first.trim().trim_end_matches('/').to_string();
    let addr = base.trim_start_matches("http://").to_string();
    let get = |path: &str| -> String {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = get("/api/articles?limit=1");
        if body.contains("\"total\":4") {
            break;
        }
        assert!(Instant::now() < deadline, "the server's watcher did not ingest the source: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(get("/sources").contains("خريطة موقع"));
    // SIGTERM: the server and its watcher stop, exit 0.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(stored_urls(&data).len(), 4);
}
