//! End to end: `mirsad ingest` the repository's `sample/` folder, `mirsad serve` it on a free
//! loopback port, and load the home page, a search, an article page, the story list and a story
//! page in headless Chromium
//! (`chromium --dump-dom`), checking what a reader would see. Saves a phone-sized screenshot of
//! the home page to `<target dir>/ui-home.png`.
//!
//! Skips (passing, with a message) when `/usr/bin/chromium` is absent; `.ci/run` installs it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_mirsad")
}

/// Runs Chromium headless with `args` then `url`; returns its stdout. A hang guard kills it
/// after two minutes (a guard against a stuck browser, not a timing assertion).
fn chromium(profile: &Path, args: &[&str], url: &str) -> String {
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?} {url} exited with {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} {url} did not finish");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf()
}

#[test]
fn ui_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skip: {CHROMIUM} not found (apt-get install -y chromium); headless UI test not run");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample");
    let out = Command::new(bin())
        .args(["ingest", "--quiet", "--data"])
        .arg(&data)
        .arg(&sample)
        .output()
        .expect("run mirsad ingest");
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));

    let mut child = Command::new(bin())
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start mirsad serve");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the URL line");
    let base = line.trim().to_string();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with('/'), "serve printed {line:?}");

    let profile = tmp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();

    // Home: latest articles, right to left, Arabic titles.
    let home = chromium(&profile, &["--dump-dom"], &base);
    assert!(home.contains(r#"<html lang="ar" dir="rtl">"#), "{home}");
    assert!(home.contains("أحدث الأخبار"), "{home}");
    assert!(home.contains("جسر الواحة"), "Arabic titles from sample/ are listed");
    assert!(home.contains("12 مقالة"), "{home}");

    // Search: highlighted snippets.
    let search = chromium(&profile, &["--dump-dom"], &format!("{base}search?q=%D8%AC%D8%B3%D8%B1"));
    assert!(search.contains(r#"dir="rtl""#));
    assert!(search.contains("نتيجة"), "{search}");
    assert!(search.contains("<b>جسر</b>"), "highlighted match in the snippet: {search}");

    // Article page: the first article linked from the search results.
    let start = search.find("href=\"/articles/").expect("a result links to its article") + "href=\"".len();
    let path = &search[start..start + search[start..].find('"').unwrap()];
    let article = chromium(&profile, &["--dump-dom"], &format!("{}{}", base.trim_end_matches('/'), path));
    assert!(article.contains(r#"dir="rtl""#));
    assert!(article.contains("جسر"), "{article}");
    assert!(article.contains("التاريخ") && article.contains("<time"), "date shown: {article}");
    assert!(article.contains("مقالات ذات صلة"), "related articles section");

    // Stories: the list, then the story the bridge articles of sample/ form (four articles
    // from two outlets), with its timeline.
    let stories = chromium(&profile, &["--dump-dom"], &format!("{base}stories"));
    assert!(stories.contains("القصص") && stories.contains("قصة"), "{stories}");
    let at = stories.find("جسر الواحة").expect("the bridge story is listed");
    let href_at = stories[..at].rfind("href=\"/stories/").expect("story title is a link") + "href=\"".len();
    let story_path = &stories[href_at..href_at + stories[href_at..].find('"').unwrap()];
    let story = chromium(&profile, &["--dump-dom"], &format!("{}{}", base.trim_end_matches('/'), story_path));
    assert!(story.contains("التسلسل الزمني"), "timeline section: {story}");
    assert!(story.contains("التغطية حسب الموقع"), "outlets section: {story}");
    assert!(story.matches("href=\"/articles/").count() >= 2, "timeline links its articles: {story}");

    // Entities: the list (ingest analyzed the sample) and the page of the most mentioned one.
    let entities = chromium(&profile, &["--dump-dom"], &format!("{base}entities"));
    assert!(entities.contains("الأعلام"), "{entities}");
    let href_at = entities.find("href=\"/entities/").expect("an entity is listed") + "href=\"".len();
    let entity_path = &entities[href_at..href_at + entities[href_at..].find('"').unwrap()];
    let entity = chromium(&profile, &["--dump-dom"], &format!("{}{}", base.trim_end_matches('/'), entity_path));
    assert!(entity.contains("صيغ الاسم") && entity.contains("أحدث المقالات"), "entity page: {entity}");
    assert!(entity.contains("href=\"/articles/"), "links its articles: {entity}");

    // A phone-sized screenshot of the home page.
    let shot = target_dir().join("ui-home.png");
    let _ = std::fs::remove_file(&shot);
    chromium(&profile, &["--window-size=412,915", &format!("--screenshot={}", shot.display())], &base);
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
    eprintln!("screenshot: {}", shot.display());
    drop(server);
}
