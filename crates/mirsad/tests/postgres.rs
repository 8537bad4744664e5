//! The PostgreSQL backend with real processes against a real server (`MIRSAD_TEST_PG`, a URL
//! whose role may create databases; `.ci/run` starts Debian's PostgreSQL 15 and sets it). Each
//! test makes a database of its own. Without a server the tests say so and pass.
//!
//! What they hold: migrations are versioned and idempotent; 1 and 3 workers store exactly the
//! articles the embedded store does; a worker killed with leases in hand loses nothing and
//! duplicates nothing; failing documents land in the dead-letter state with their error; a
//! password is never printed; `watch` on two workers keeps one request at a time per host.

mod common;

use common::http::{self, Route};
use mirsad_store::Store;
use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn server() -> Option<String> {
    match std::env::var("MIRSAD_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skip: MIRSAD_TEST_PG is not set (no PostgreSQL server to test against; .ci/run starts one)");
            None
        }
    }
}

/// A fresh database for one test on the test server; returns its URL. Its name starts with the
/// name of `base`'s database, so roles testing on one server (a developer's, CI's) never meet
/// each other's databases, which only their owner may drop.
fn fresh_db(base: &str, name: &str) -> String {
    let mut admin = postgres::Client::connect(base, postgres::NoTls).expect("MIRSAD_TEST_PG must be reachable");
    let query = base.find('?').map(|i| &base[i..]).unwrap_or("");
    let (head, base_db) = base[..base.len() - query.len()].rsplit_once('/').expect("a URL with a database");
    let db = format!("{base_db}_{name}");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
        .unwrap_or_else(|e| panic!("cannot drop the old test database {db}: {e}"));
    admin.batch_execute(&format!("CREATE DATABASE \"{db}\"")).unwrap_or_else(|e| panic!("cannot create {db}: {e}"));
    format!("{head}/{db}{query}")
}

/// The mirsad binary with `args`, deaf to a `MIRSAD_DATA` of the test's environment.
fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mirsad"));
    c.args(args).env_remove("MIRSAD_DATA");
    c
}

/// The mirsad binary started with `args`, its output piped.
fn spawn(args: &[&str]) -> std::process::Child {
    command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

fn mirsad(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

/// [`mirsad`] with its PostgreSQL replica in `replica`; must succeed.
fn with_replica(replica: &std::path::Path, args: &[&str]) -> String {
    ok(&command(args).env("MIRSAD_REPLICA", replica).output().unwrap())
}

fn ok(o: &Output) -> String {
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "exit {:?}\nstdout: {out}\nstderr: {err}", o.status.code());
    format!("{out}{err}")
}

/// `n` distinct articles over two months, plus one record with no text (a read error) and one
/// whose text is only a menu line (no article text: a dead job).
fn corpus(path: &std::path::Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let places = ["المكتبة", "الجسر", "القمح", "المستشفى", "المدرسة", "الميناء"];
    for i in 0..n {
        let p = places[i % places.len()];
        let month = if i % 2 == 0 { "03" } else { "04" };
        let body = format!(
            "افتتحت البلدية {p} الجديد رقم {i} في المدينة صباح اليوم.\nوقال مسؤول إن العمل في {p} سيستمر بحسب الخطة {i}.\nوأضاف أن السكان ينتظرون {p} منذ سنوات."
        );
        let rec = serde_json::json!({"src": "pgtest", "url": format!("https://pg.test/{i}"), "title": format!("افتتاح {p} {i}"), "time_iso": format!("2024-{month}-{:02}T10:00:00+03:00", 1 + i % 28), "text": body});
        writeln!(f, "{rec}").unwrap();
    }
    writeln!(f, "{}", serde_json::json!({"src": "pgtest", "url": "https://pg.test/empty", "title": "", "text": ""}))
        .unwrap();
}

fn count(url: &str, sql: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query_one(sql, &[]).unwrap().get(0)
}

fn ids(url: &str) -> Vec<String> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query("SELECT id FROM articles ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect()
}

fn embedded_ids(input: &std::path::Path, dir: &std::path::Path) -> Vec<String> {
    let o = mirsad(&["ingest", "--quiet", "--no-analysis", "--data", dir.to_str().unwrap(), input.to_str().unwrap()]);
    assert!(o.status.code() == Some(1), "the empty record is reported: {o:?}");
    let store = Store::open(dir).unwrap();
    let mut v: Vec<String> = store.latest(0, 100_000).unwrap().into_iter().map(|a| a.id).collect();
    v.sort();
    v
}

#[test]
fn migrate_is_versioned_and_idempotent() {
    let Some(base) = server() else { return };
    let url = fresh_db(&base, "t_migrate");
    let first = ok(&mirsad(&["migrate", "--data", &url]));
    let newest = mirsad_pg::MIGRATIONS.last().unwrap().0;
    assert!(first.contains("applied migration 1, 2, 3") && first.contains(&format!("version {newest}")), "{first}");
    let second = ok(&mirsad(&["migrate", "--data", &url]));
    assert!(second.contains("current"), "{second}");
    assert_eq!(count(&url, "SELECT count(*) FROM mirsad_migrations"), i64::from(newest));
    // A database never migrated is refused with the command that fixes it.
    let other = fresh_db(&base, "t_unmigrated");
    let o = mirsad(&["jobs", "--data", &other]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("mirsad migrate"), "{o:?}");
}

#[test]
fn one_and_three_workers_store_what_the_embedded_store_does() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("c.jsonl");
    corpus(&input, 120);
    let expected = embedded_ids(&input, &tmp.path().join("embedded"));
    assert_eq!(expected.len(), 120);
    for (workers, name) in [(1, "t_one"), (3, "t_three")] {
        let url = fresh_db(&base, name);
        ok(&mirsad(&["migrate", "--data", &url]));
        let inp = input.to_str().unwrap();
        let q = mirsad(&["ingest", "--quiet", "--enqueue", "--data", &url, inp]);
        assert_eq!(q.status.code(), Some(1), "the empty record is an error: {q:?}");
        assert!(String::from_utf8_lossy(&q.stdout).contains("120 queued"), "{q:?}");
        // Queueing again adds nothing.
        let again = mirsad(&["ingest", "--quiet", "--enqueue", "--data", &url, inp]);
        assert!(String::from_utf8_lossy(&again.stdout).contains("0 queued"), "{again:?}");
        let children: Vec<_> = (0..workers)
            .map(|w| {
                spawn(&[
                    "worker",
                    "--until-idle",
                    "--batch",
                    "7",
                    "--no-analysis",
                    "--id",
                    &format!("w{w}"),
                    "--data",
                    &url,
                ])
            })
            .collect();
        for c in children {
            ok(&c.wait_with_output().unwrap());
        }
        assert_eq!(ids(&url), expected, "{workers} workers");
        assert_eq!(count(&url, "SELECT count(*) FROM jobs WHERE state <> 'done'"), 0);
        // Done jobs keep their keys, not their bytes.
        assert_eq!(count(&url, "SELECT count(*) FROM jobs WHERE body IS NOT NULL"), 0);
        // Articles sit in their months' partitions.
        assert_eq!(count(&url, "SELECT count(*) FROM articles_m202403"), 60);
        assert_eq!(count(&url, "SELECT count(*) FROM articles_m202404"), 60);
        // Search and stories read a local replica built from the feed: the embedded answers,
        // and two replicas of one database agree to the letter.
        let (ra, rb) = (tmp.path().join(format!("ra{workers}")), tmp.path().join(format!("rb{workers}")));
        let search =
            |replica: &std::path::Path, data: &str| with_replica(replica, &["search", "المستشفى", "--data", data]);
        // The same hits in the same order, scores and snippets included.
        let embedded = search(&ra, tmp.path().join("embedded").to_str().unwrap());
        let on_pg = search(&ra, &url);
        assert_eq!(on_pg, embedded);
        assert!(on_pg.starts_with("20 results"), "{on_pg}");
        let stories = |replica: &std::path::Path| with_replica(replica, &["stories", "--data", &url]);
        let (a, b) = (stories(&ra), stories(&rb));
        assert_eq!(a, b, "two replicas of one database");
        if let Some(password) = password_of(&base) {
            assert!(!format!("{on_pg}{a}").contains(&password), "a password was printed: {a}");
        }
        let forgot = ok(&mirsad(&["jobs", "--forget-done", "0", "--data", &url]));
        assert!(forgot.contains("120 done jobs deleted") && forgot.contains("0 done"), "{forgot}");
    }
}

/// The password of a URL, when it has one.
fn password_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    Some(userinfo.split_once(':')?.1.to_string()).filter(|p| !p.is_empty())
}

#[test]
fn a_killed_worker_loses_nothing_and_duplicates_nothing() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("c.jsonl");
    corpus(&input, 60);
    let url = fresh_db(&base, "t_kill");
    ok(&mirsad(&["migrate", "--data", &url]));
    mirsad(&["ingest", "--quiet", "--enqueue", "--data", &url, input.to_str().unwrap()]);
    // A worker that claims a batch and then stalls; killed with its leases in hand.
    let mut stalled = command(&[
        "worker",
        "--no-analysis",
        "--batch",
        "20",
        "--lease",
        "2",
        "--stall-after-claim",
        "60000",
        "--id",
        "doomed",
        "--data",
        &url,
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut leased = 0;
    for _ in 0..200 {
        leased = count(&url, "SELECT count(*) FROM jobs WHERE state = 'leased'");
        if leased > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(leased, 20, "the worker claimed a batch");
    stalled.kill().unwrap(); // SIGKILL
    stalled.wait().unwrap();
    // Another worker waits out the dead one's lease and takes its jobs.
    let out =
        ok(&mirsad(&["worker", "--until-idle", "--no-analysis", "--lease", "2", "--id", "survivor", "--data", &url]));
    assert!(out.contains("60 jobs done"), "{out}");
    assert_eq!(ids(&url).len(), 60);
    assert_eq!(count(&url, "SELECT count(*) FROM (SELECT id FROM articles GROUP BY id HAVING count(*) > 1) d"), 0);
    assert_eq!(count(&url, "SELECT count(*) FROM jobs WHERE state = 'done' AND worker = 'survivor'"), 60);
    // Running the same work again writes nothing new.
    // (exit 1: the corpus's empty record is reported again)
    let again = mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, input.to_str().unwrap()]);
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.contains("0 new"), "{again}");
    assert_eq!(ids(&url).len(), 60);
}

#[test]
fn failing_documents_are_dead_letters_with_their_error() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("bad.html");
    // A page with no article text: extraction rejects it.
    std::fs::write(&input, "<html><body><nav>الرئيسية | اتصل بنا</nav></body></html>").unwrap();
    let url = fresh_db(&base, "t_dead");
    ok(&mirsad(&["migrate", "--data", &url]));
    let o = mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a dead job makes the ingest exit 1: {o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 dead jobs"), "{o:?}");
    let jobs = ok(&mirsad(&["jobs", "--data", &url]));
    assert!(jobs.contains("1 dead") && jobs.contains("bad.html"), "{jobs}");
    let json: serde_json::Value =
        serde_json::from_str(ok(&mirsad(&["jobs", "--json", "--data", &url])).trim()).unwrap();
    assert_eq!(json["dead"], 1);
    assert!(!json["dead_jobs"][0]["error"].as_str().unwrap().is_empty());
    // Queued again on request.
    let retried = ok(&mirsad(&["jobs", "--retry-dead", "--data", &url]));
    assert!(retried.contains("1 dead jobs queued again") && retried.contains("1 queued"), "{retried}");
}

#[test]
fn a_password_is_never_printed() {
    let Some(base) = server() else { return };
    // A wrong password, a right host: the error names the database without any password.
    let url =
        match base.split_once("://").and_then(|(s, rest)| rest.split_once('@').map(|(user, host)| (s, user, host))) {
            Some((scheme, user, host)) => {
                let user = user.split(':').next().unwrap_or(user);
                format!("{scheme}://{user}:not-the-password-xyzzy@{host}")
            }
            None => return,
        };
    for cmd in [&["migrate", "--data", &url][..], &["jobs", "--data", &url][..], &["search", "x", "--data", &url][..]] {
        let o = mirsad(cmd);
        assert!(!o.status.success(), "{cmd:?}");
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(!all.contains("xyzzy"), "{cmd:?} printed the password: {all}");
        assert!(all.contains("***"), "{cmd:?} names the database: {all}");
    }
    // TLS when the URL asks for it: the local server's self-signed certificate is refused,
    // which shows that TLS was used (and still no password).
    let tls = format!("{url}{}sslmode=require", if url.contains('?') { '&' } else { '?' });
    let o = mirsad(&["migrate", "--data", &tls]);
    assert!(!o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("xyzzy"));
}

fn get_body(addr: &str, path: &str) -> String {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read answer");
    assert!(out.starts_with("HTTP/1.1 200"), "{path}: {out}");
    out.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default()
}

struct Server(std::process::Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(url: &str, replica: &std::path::Path) -> Server {
    serve_with(url, replica, &[])
}

fn serve_with(url: &str, replica: &std::path::Path, more: &[&str]) -> Server {
    use std::io::BufRead;
    let args = [&["serve", "--addr", "127.0.0.1:0", "--sync-every", "0.2", "--data", url][..], more].concat();
    let mut child =
        command(&args).env("MIRSAD_REPLICA", replica).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(!addr.is_empty(), "the server printed no address");
    Server(child, addr)
}

#[test]
fn two_servers_on_one_database_answer_the_same() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
    corpus(&first, 40);
    let url = fresh_db(&base, "t_serve");
    ok(&mirsad(&["migrate", "--data", &url]));
    mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, first.to_str().unwrap()]);
    let a = serve(&url, &tmp.path().join("ra"));
    let b = serve(&url, &tmp.path().join("rb"));
    let pages = ["/api/stories?limit=100", "/api/search?q=%D8%A7%D9%84%D9%85%D8%B3%D8%AA%D8%B4%D9%81%D9%89&limit=100"];
    // In the same order too: equal scores are ordered by article, not by how each replica's
    // syncs fell into index segments.
    let same = |p: &str| {
        let json = |body: String| serde_json::from_str::<serde_json::Value>(&body).unwrap();
        assert_eq!(json(get_body(&a.1, p)), json(get_body(&b.1, p)), "{p}");
    };
    pages.iter().for_each(|p| same(p));
    // New articles reach both servers through their replicas' sync.
    let mut more =
        std::fs::read_to_string(&first).unwrap().replace("pg.test/", "pg.test/more-").replace("افتتاح", "تدشين");
    more = more.replace("افتتحت", "دشنت");
    std::fs::write(&second, more).unwrap();
    mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, second.to_str().unwrap()]);
    let total = |addr: &str| {
        let v: serde_json::Value =
            serde_json::from_str(&get_body(addr, "/api/search?q=%D8%AF%D8%B4%D9%86%D8%AA&limit=1")).unwrap();
        v["total"].as_u64().unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while (total(&a.1) < 40 || total(&b.1) < 40) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!((total(&a.1), total(&b.1)), (40, 40), "both servers show the new articles");
    pages.iter().for_each(|p| same(p));
}

/// Two workers crawl two hosts of one server (127.0.0.1 and localhost), one host's feed listing
/// pages of the other: requests to a host never overlap and keep the delay, whichever worker
/// makes them, and every page is fetched and stored once.
#[test]
fn watch_on_two_workers_keeps_one_request_at_a_time_per_host() {
    let Some(base) = server() else { return };
    let url = fresh_db(&base, "t_watch");
    ok(&mirsad(&["migrate", "--data", &url]));
    let srv = http::Server::start();
    let port = srv.base.rsplit(':').next().unwrap().to_string();
    let (a, b) = (format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}"));
    let mut r: HashMap<String, Route> = HashMap::new();
    r.insert("/robots.txt".into(), Route::Fixed(200, "text/plain", vec![], b"User-agent: *\nAllow: /\n".to_vec()));
    let feed = |items: Vec<String>| {
        let items: String = items
            .iter()
            .enumerate()
            .map(|(i, u)| format!("<item><title>t{i}</title><link>{u}</link><guid>{u}</guid></item>"))
            .collect();
        http::html(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>f</title>{items}</channel></rss>"))
    };
    let words = ["المكتبة", "الجسر", "القمح", "المستشفى", "المدرسة", "الميناء", "الحديقة", "المتحف", "السوق", "الملعب"];
    let mut on_a = Vec::new();
    let mut on_b = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let path = format!("/news/story-{i}");
        r.insert(path.clone(), http::html(http::article(i, w)));
        // A's feed lists its own pages and three of B's; B's feed lists the rest of B's.
        match i {
            0..=3 => on_a.push(format!("{a}{path}")),
            4..=6 => on_a.push(format!("{b}{path}")),
            _ => on_b.push(format!("{b}{path}")),
        }
    }
    r.insert("/feed-a.xml".into(), feed(on_a));
    r.insert("/feed-b.xml".into(), feed(on_b));
    srv.set(r);
    ok(&mirsad(&["sources", "add", &format!("{a}/feed-a.xml"), &format!("{b}/feed-b.xml"), "--data", &url]));
    let listed = ok(&mirsad(&["sources", "list", "--data", &url]));
    assert!(listed.contains("feed-a.xml") && listed.contains("feed-b.xml"), "{listed}");

    // Two processes at once, each crawling one host at a time; then a round for what the
    // first left (pages of a host the other held).
    // Each archives what it fetched in its own WARC folder.
    let tmp = tempfile::tempdir().unwrap();
    let warcs: Vec<String> = (1..=3).map(|i| tmp.path().join(format!("warc{i}")).display().to_string()).collect();
    let watch = |warc: &str| {
        spawn(&[
            "watch",
            "--once",
            "--json",
            "--no-analysis",
            "--workers",
            "1",
            "--delay-ms",
            "300",
            "--warc",
            warc,
            "--data",
            &url,
        ])
    };
    let (w1, w2) = (watch(&warcs[0]), watch(&warcs[1]));
    for w in [w1, w2] {
        ok(&w.wait_with_output().unwrap());
    }
    ok(&watch(&warcs[2]).wait_with_output().unwrap());
    assert_eq!(count(&url, "SELECT count(*) FROM articles"), words.len() as i64);
    // The archives together read back to the same articles.
    let again = tmp.path().join("again");
    let folders: Vec<&str> = warcs.iter().map(String::as_str).filter(|w| std::path::Path::new(w).exists()).collect();
    ok(&mirsad(&[&["ingest", "--quiet", "--no-analysis", "--data", again.to_str().unwrap()][..], &folders].concat()));
    let mut archived = Vec::new();
    Store::open(&again).unwrap().scan(|x| archived.push((x.url.unwrap_or_default(), x.body))).unwrap();
    archived.sort();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let rows = c.query("SELECT doc->>'url', doc->>'body' FROM articles ORDER BY 1, 2", &[]).unwrap();
    let crawled: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(archived, crawled);

    let log = srv.log();
    for host in [&a[7..], &b[7..]] {
        let mine: Vec<http::Logged> =
            log.iter().filter(|l| l.headers.get("host").map(String::as_str) == Some(host)).cloned().collect();
        assert!(mine.len() >= 3, "{host}: {mine:?}");
        let gap = http::min_gap(&mine).unwrap();
        assert!(gap >= std::time::Duration::from_millis(290), "{host}: requests {gap:?} apart: {mine:?}");
    }
    for i in 0..words.len() {
        let path = format!("/news/story-{i}");
        assert_eq!(log.iter().filter(|l| l.path == path).count(), 1, "{path} fetched once: {:?}", srv.paths());
    }
    let jobs = ok(&mirsad(&["jobs", "--data", &url]));
    assert!(jobs.contains("0 queued, 0 leased") && jobs.contains("0 dead"), "{jobs}");

    // A server on the database shows its sources (its replica has none of its own), polled.
    let web = serve(&url, &tmp.path().join("replica"));
    let api: serde_json::Value = serde_json::from_str(&get_body(&web.1, "/api/sources")).unwrap();
    let urls: Vec<&str> = api.as_array().unwrap().iter().filter_map(|s| s["url"].as_str()).collect();
    assert_eq!(urls, [format!("{a}/feed-a.xml"), format!("{b}/feed-b.xml")], "{api}");
    assert!(api[0]["endpoints"][0]["last_success"].as_i64().unwrap_or(0) > 0, "{api}");
    assert!(get_body(&web.1, "/sources").contains("feed-b.xml"));
}

/// Entities of a store: (name, type, article count), sorted.
fn entities_of(dir: &std::path::Path) -> Vec<(String, String, u64)> {
    let store = Store::open(dir).unwrap();
    let mut v: Vec<(String, String, u64)> = store
        .entities(None, 0, 10_000)
        .unwrap()
        .into_iter()
        .map(|e| (e.name, format!("{:?}", e.kind), e.article_count))
        .collect();
    v.sort();
    v
}

/// `reanalyze` on PostgreSQL: articles stored without analysis get it from the workers, and a
/// replica synced afterwards holds the entities an embedded ingest with the analysis finds.
#[test]
fn reanalyze_on_postgres_gives_the_embedded_entities() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("names.jsonl");
    {
        let mut f = std::fs::File::create(&input).unwrap();
        let people = ["إيمانويل ماكرون", "أنغيلا ميركل", "فلاديمير بوتين", "بوريس جونسون"];
        let places = ["باريس", "برلين", "موسكو", "لندن"];
        for i in 0..12 {
            let (p, c) = (people[i % 4], places[(i + 1) % 4]);
            let text = format!(
                "قال الرئيس {p} خلال زيارته إلى {c} يوم الاثنين إن المحادثات كانت مثمرة رقم {i}.\nوأضاف {p} أن بلاده ستواصل التعاون مع الحكومة في {c} بحسب البيان.\nوكانت وكالة رويترز قد ذكرت أن الزيارة تستمر ثلاثة أيام."
            );
            let rec = serde_json::json!({"src": "pgtest", "url": format!("https://pg.test/n{i}"), "title": format!("زيارة {p} إلى {c} {i}"), "time_iso": "2024-05-02T10:00:00+03:00", "text": text});
            writeln!(f, "{rec}").unwrap();
        }
    }
    let inp = input.to_str().unwrap();
    let embedded = tmp.path().join("embedded");
    ok(&mirsad(&["ingest", "--quiet", "--data", embedded.to_str().unwrap(), inp]));
    let expected = entities_of(&embedded);
    assert!(expected.iter().any(|(n, ..)| n.contains("ماكرون")), "{expected:?}");

    let url = fresh_db(&base, "t_reanalyze");
    ok(&mirsad(&["migrate", "--data", &url]));
    ok(&mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, inp]));
    let replica = tmp.path().join("replica");
    let r = replica.to_str().unwrap();
    ok(&mirsad(&["sync", "--quiet", "--data", &url, "--replica", r]));
    assert!(entities_of(&replica).is_empty());
    let out = ok(&mirsad(&["reanalyze", "--data", &url]));
    assert!(out.contains("12 articles analyzed"), "{out}");
    assert_eq!(count(&url, "SELECT count(*) FROM articles WHERE analysis IS NULL"), 0);
    ok(&mirsad(&["sync", "--quiet", "--data", &url, "--replica", r]));
    assert_eq!(entities_of(&replica), expected);
}

/// `serve --token` on PostgreSQL: a posted article is written to the database (analysed), and
/// the server's replica finds it after its next sync.
#[test]
fn serve_with_a_token_writes_posted_articles_to_the_database() {
    use std::io::Read;
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let url = fresh_db(&base, "t_post");
    ok(&mirsad(&["migrate", "--data", &url]));
    let srv = serve_with(&url, &tmp.path().join("replica"), &["--token", "t0ken-for-tests"]);
    let body = "قال وزير الصحة إيمانويل ماكرون إن المستشفى الجديد في مدينة ليون سيفتح أبوابه الأسبوع المقبل.\n\
                وأضاف أن العمل في المستشفى استمر ثلاث سنوات بحسب الخطة التي أعلنتها الحكومة.\n\
                وأشار إلى أن المستشفى يضم أقساما للأطفال والطوارئ وعددا كبيرا من الأسرة.";
    let post = |token: &str| {
        let mut s = std::net::TcpStream::connect(&srv.1).unwrap();
        write!(
            s,
            "POST /api/ingest HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(post("wrong").starts_with("HTTP/1.1 401"));
    assert_eq!(count(&url, "SELECT count(*) FROM articles"), 0);
    let answer = post("t0ken-for-tests");
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("\"new\":1"), "{answer}");
    assert_eq!(count(&url, "SELECT count(*) FROM articles WHERE analysis IS NOT NULL"), 1);
    let total = || {
        let v: serde_json::Value =
            serde_json::from_str(&get_body(&srv.1, "/api/search?q=%D9%84%D9%8A%D9%88%D9%86")).unwrap();
        v["total"].as_u64().unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while total() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(total(), 1, "the replica shows the posted article");
}

/// TLS to the database with a private root: the server's certificate (Debian's self-signed
/// one for localhost, which the packaged PostgreSQL serves) is trusted through `sslrootcert`,
/// and refused without it (the Web PKI does not know it). Skips when the server has no TLS.
#[test]
fn tls_to_the_database_trusts_a_private_root_and_only_it() {
    let Some(base) = server() else { return };
    let cert = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let ssl: String =
        postgres::Client::connect(&base, postgres::NoTls).unwrap().query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" || !std::path::Path::new(cert).exists() || !base.contains("@127.0.0.1") {
        eprintln!("skip: the test server has no TLS with Debian's localhost certificate");
        return;
    }
    let url = fresh_db(&base, "t_tls");
    ok(&mirsad(&["migrate", "--data", &url]));
    let local = url.replacen("@127.0.0.1", "@localhost", 1);
    let sep = if local.contains('?') { '&' } else { '?' };
    let trusted = format!("{local}{sep}sslmode=require&sslrootcert={cert}");
    let out = ok(&mirsad(&["jobs", "--data", &trusted]));
    assert!(out.contains("0 articles"), "{out}");
    let refused = mirsad(&["jobs", "--data", &format!("{local}{sep}sslmode=require")]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("cannot connect"), "{err}");
    if let Some(password) = password_of(&base) {
        assert!(!format!("{out}{err}").contains(&password), "a password was printed: {err}");
    }
}

/// The counts of an ingest's summary line: new, updated, unchanged, duplicates.
fn counts_of(out: &str) -> Vec<u64> {
    let line = out.lines().find(|l| l.contains(" documents: ")).unwrap_or_else(|| panic!("no summary: {out}"));
    ["new", "updated", "unchanged", "duplicates"]
        .iter()
        .map(|w| {
            let before = line.split(&format!(" {w}")).next().unwrap();
            before.rsplit([' ', ':']).next().unwrap().parse().unwrap_or_else(|_| panic!("{w} in {line}"))
        })
        .collect()
}

/// Changed, unchanged, copied and re-dated articles written in batches (the re-dated one is a
/// copy of the first to both stores) give the embedded store's outcome: the same counts of new, updated, unchanged and duplicate articles, and the
/// same ids.
#[test]
fn batched_writes_count_as_the_embedded_store_does() {
    let Some(base) = server() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let record = |i: usize, text: &str, month: &str| {
        serde_json::json!({"src": "pgtest", "url": format!("https://pg.test/b{i}"), "title": format!("عنوان الخبر {i}"),
            "time_iso": format!("2024-{month}-10T10:00:00+03:00"), "text": text})
        .to_string()
    };
    let text = |i: usize, v: &str| {
        format!("افتتحت البلدية مشروع الحديقة رقم {i} في المدينة صباح اليوم {v}.\nوقال مسؤول إن العمل سيستمر بحسب الخطة {i}.\nوأضاف أن السكان ينتظرون المشروع منذ سنوات طويلة.")
    };
    let first: Vec<String> = (0..10)
        .map(|i| record(i, &text(i, ""), "03"))
        // The text of 3 again under another address: a duplicate.
        .chain([serde_json::json!({"src": "pgtest", "url": "https://pg.test/copy", "title": "عنوان الخبر 3",
            "time_iso": "2024-03-10T10:00:00+03:00", "text": text(3, "")})
        .to_string()])
        .collect();
    // 0–2 changed, 3 dated a month later, 5–9 as they were.
    let second: Vec<String> = (0..10)
        .filter(|&i| i != 4)
        .map(|i| match i {
            0..=2 => record(i, &text(i, "بعد التعديل"), "03"),
            3 => record(i, &text(i, ""), "04"),
            _ => record(i, &text(i, ""), "03"),
        })
        .collect();
    let (f1, f2) = (tmp.path().join("one.jsonl"), tmp.path().join("two.jsonl"));
    std::fs::write(&f1, first.join("\n")).unwrap();
    std::fs::write(&f2, second.join("\n")).unwrap();
    let url = fresh_db(&base, "t_batch");
    ok(&mirsad(&["migrate", "--data", &url]));
    let embedded = tmp.path().join("embedded");
    let e = embedded.to_str().unwrap();
    for f in [&f1, &f2] {
        let f = f.to_str().unwrap();
        let on_embedded = ok(&mirsad(&["ingest", "--quiet", "--no-analysis", "--data", e, f]));
        let on_pg = ok(&mirsad(&["ingest", "--quiet", "--no-analysis", "--data", &url, f]));
        assert_eq!(counts_of(&on_pg), counts_of(&on_embedded), "{f}\n{on_pg}\n{on_embedded}");
    }
    let store = Store::open(&embedded).unwrap();
    let mut expected: Vec<String> = store.latest(0, 1000).unwrap().into_iter().map(|a| a.id).collect();
    expected.sort();
    assert_eq!(ids(&url), expected);
}
