//! End to end: `mirsad ingest` the repository's `sample/` folder, `mirsad serve` it on a free
//! loopback port, and open every main page (home, search results, article, stories, story,
//! entities, entity, an error page) in headless Chromium at 360 px (a phone) and 1280 px,
//! checking what a reader would see: the content, no sideways scrolling, tap targets of at
//! least 40 px, dates in Arabic. Screenshots go to `<target dir>/ui-screens/` for review.
//!
//! Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3
//! in, fd 4 out, NUL-terminated JSON), since the measurements need script in the page and the
//! pages themselves forbid script.
//!
//! Skips (passing, with a message) when `/usr/bin/chromium` is absent; `.ci/run` installs it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
/// Phone and desktop widths every page is checked at.
const WIDTHS: [u32; 2] = [360, 1280];
/// Smallest tap target, in CSS pixels.
const TAP: f64 = 40.0;
/// Screenshots are cut at this height (a page's top is what needs review).
const SHOT_HEIGHT: f64 = 2400.0;

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

/// Headless Chromium on a DevTools pipe, one page attached.
struct Browser {
    child: Child,
    to: std::io::PipeWriter,
    from: BufReader<std::io::PipeReader>,
    next_id: u64,
    session: String,
    /// Dropped when the browser is: the hang guard then stands down.
    _guard: std::sync::mpsc::Sender<()>,
}

impl Browser {
    fn start(profile: &Path) -> Browser {
        let (child_reads, to) = std::io::pipe().expect("pipe");
        let (from, child_writes) = std::io::pipe().expect("pipe");
        let (r, w) = (child_reads.as_raw_fd(), child_writes.as_raw_fd());
        let mut cmd = Command::new(CHROMIUM);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (dup, dup2) between fork and exec. `dup` first,
        // so a pipe end that already is fd 3 or 4 is not closed by the other's `dup2`; the
        // copies are not close-on-exec.
        unsafe {
            cmd.pre_exec(move || {
                let (a, b) = (libc::dup(r), libc::dup(w));
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop((child_reads, child_writes));
        // A guard against a stuck browser (not a timing assertion): killed after five minutes,
        // which ends any read from it.
        let (guard, stand_down) = std::sync::mpsc::channel::<()>();
        let pid = child.id() as libc::pid_t;
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stand_down.recv_timeout(Duration::from_secs(300)) {
                eprintln!("chromium did not finish in five minutes; killing it");
                // SAFETY: a plain kill(2) of our own child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        });
        let mut b =
            Browser { child, to, from: BufReader::new(from), next_id: 0, session: String::new(), _guard: guard };
        let target = b.call(false, "Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().expect("a target id").to_string();
        let attached = b.call(false, "Target.attachToTarget", json!({"targetId": target, "flatten": true}));
        b.session = attached["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    /// Sends one command (to the page when `page`) and returns its result; events between are
    /// skipped.
    fn call(&mut self, page: bool, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if page {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).expect("JSON");
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        loop {
            let mut buf = Vec::new();
            let n = self.from.read_until(0, &mut buf).expect("read from chromium");
            assert!(n > 0, "chromium closed the pipe during {method}");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).expect("a DevTools message is JSON");
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(true, "Runtime.evaluate", json!({"expression": expression, "returnByValue": true}));
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Opens `url` in a window `width` px wide (a phone below 600: the viewport meta applies)
    /// and waits for it to load.
    fn open(&mut self, url: &str, width: u32) {
        self.call(
            true,
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
        let nav = self.call(true, "Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "{url}: {}", nav["errorText"]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.eval("document.readyState") != "complete" {
            assert!(Instant::now() < deadline, "{url} did not load");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What a reader would see of the open page (see [`MEASURE`]).
    fn measure(&mut self) -> Seen {
        let v = self.eval(MEASURE);
        let s = v.as_str().expect("the measurement is a string");
        let v: Value = serde_json::from_str(s).expect("the measurement is JSON");
        Seen {
            html: v["html"].as_str().unwrap_or("").to_string(),
            scroll_width: v["sw"].as_f64().unwrap_or(f64::MAX),
            inner_width: v["iw"].as_f64().unwrap_or(0.0),
            height: v["h"].as_f64().unwrap_or(0.0),
            iso: v["iso"].as_str().map(str::to_string),
            times: v["times"]
                .as_array()
                .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            small: v["small"].as_array().cloned().unwrap_or_default(),
            svgs: v["svgs"].as_array().cloned().unwrap_or_default(),
            charts: v["charts"].as_u64().unwrap_or(0),
            a11y: v["a11y"].as_array().cloned().unwrap_or_default(),
        }
    }

    fn screenshot(&mut self, width: f64, height: f64, path: &Path) {
        let clip = json!({"x": 0, "y": 0, "width": width, "height": height.clamp(1.0, SHOT_HEIGHT), "scale": 1});
        let r = self.call(
            true,
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true, "clip": clip}),
        );
        let png = base64(r["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "screenshot is a PNG");
        std::fs::write(path, png).expect("write the screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The measurement script: the page's width against the window's, its height, the first
/// ISO date left in the text a reader sees (article bodies, quotes, URLs and snippets quote the
/// source and are left out), the text of every `<time>`, the visible tap targets smaller than
/// [`TAP`] px (a checkbox by its label, which takes the tap), what is wrong with its SVG
/// charts (no text alternative, wider than the window, a label cut off or over another), and
/// the DOM.
const MEASURE: &str = r#"(() => {
  const root = document.documentElement;
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('.body, .url, .lead, .snippet, .sentence, blockquote').forEach(e => e.remove());
  const iso = (clone.textContent.match(/\d{4}-\d{2}-\d{2}/) || [null])[0];
  const times = [...document.querySelectorAll('time')].map(t => t.textContent);
  const targets = 'header a, header input, header button, nav a, footer a, button, input, select, summary, '
    + 'ul.tags a, ol.articles h2 > a, ol.articles h3 > a';
  const small = [...document.querySelectorAll(targets)]
    .filter(e => e.offsetParent !== null)
    .map(e => e.type === 'checkbox' ? (e.closest('label') || e) : e)
    .map(e => { const r = e.getBoundingClientRect();
      return {what: e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 30), w: r.width, h: r.height}; })
    .filter(t => t.w < 40 || t.h < 40);
  const inside = (b, r) => b.left >= r.left - 0.5 && b.right <= r.right + 0.5 && b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5;
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const svgs = [...document.querySelectorAll('svg')].flatMap((s, n) => {
    const out = [];
    const title = s.querySelector(':scope > title');
    if (!(s.getAttribute('aria-label') || '').trim() && !(title && title.textContent.trim())) out.push(`svg ${n} has no text alternative`);
    const r = s.getBoundingClientRect();
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5) out.push(`svg ${n} overflows the window: ${r.left}..${r.right}`);
    const texts = [...s.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
    texts.forEach(([t, b], i) => {
      if (!inside(b, r)) out.push(`svg ${n}: label cut off: ${t}`);
      texts.slice(i + 1).forEach(([u, c]) => { if (meets(b, c)) out.push(`svg ${n}: labels overlap: ${t} / ${u}`); });
    });
    return out;
  });
  // Accessibility: landmarks, one h1 and no skipped heading level, a label on every field, text
  // contrast of at least WCAG AA (4.5:1, 3:1 for large text) against the nearest painted background.
  const a11y = [];
  for (const l of ['header', 'nav', 'main', 'footer']) if (!document.querySelector(l)) a11y.push(`no <${l}> landmark`);
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]);
  if (levels.filter(l => l === 1).length !== 1) a11y.push(`h1 count ${levels.filter(l => l === 1).length}`);
  levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) a11y.push(`heading h${levels[i - 1]} then h${l}`); });
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(e => {
    if (!(e.labels && e.labels.length) && !(e.getAttribute('aria-label') || '').trim()) a11y.push(`field ${e.name} has no label`);
  });
  const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = e => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c; } return [255, 255, 255]; };
  const seenText = new Set();
  document.querySelectorAll('body *:not(svg):not(svg *)').forEach(e => {
    if (e.offsetParent === null || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) return;
    const st = getComputedStyle(e);
    const [l1, l2] = [lum(rgb(st.color)), lum(bg(e))];
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const key = st.color + '/' + bg(e).join(',');
    if (ratio < need && !seenText.has(key)) { seenText.add(key);
      a11y.push(`contrast ${ratio.toFixed(2)} < ${need}: ${e.tagName} ${e.textContent.trim().slice(0, 30)}`); }
  });
  return JSON.stringify({sw: root.scrollWidth, iw: window.innerWidth, h: root.scrollHeight, iso, times, small, svgs,
    a11y, charts: document.querySelectorAll('svg').length, html: root.outerHTML});
})()"#;

struct Seen {
    html: String,
    scroll_width: f64,
    inner_width: f64,
    height: f64,
    iso: Option<String>,
    times: Vec<String>,
    small: Vec<Value>,
    /// What is wrong with the page's SVGs, one line each.
    svgs: Vec<Value>,
    /// How many SVGs the page has.
    charts: u64,
    /// Accessibility faults: a missing landmark, heading order, an unlabelled field, contrast.
    a11y: Vec<Value>,
}

/// Arabic month names and relative words a shown date is made of.
const DATE_WORDS: [&str; 17] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "منذ",
    "أمس",
    "اليوم",
    "الآن",
    "بلا تاريخ",
];

/// Standard base64 (the screenshot's encoding).
fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_path_buf()
}

/// The first `href` starting with `prefix` in `html` (after `from` when given).
fn first_href<'a>(html: &'a str, prefix: &str, after: Option<&str>) -> &'a str {
    let from = after.and_then(|a| html.find(a)).unwrap_or(0);
    let at = html[from..].find(&format!("href=\"{prefix}")).map(|i| i + from + "href=\"".len());
    let at = at.unwrap_or_else(|| panic!("a link to {prefix}: {html}"));
    &html[at..at + html[at..].find('"').expect("closing quote")]
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
    let base = line.trim().trim_end_matches('/').to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "serve printed {line:?}");

    let profile = tmp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let shots = target_dir().join("ui-screens");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let mut browser = Browser::start(&profile);
    let mut problems = Vec::new();
    // (page, number of SVGs) at the phone width.
    let mut charts: Vec<(String, u64)> = Vec::new();
    // Opens a page at both widths, checks what every page must do, saves the screenshots, and
    // returns the DOM for the page's own checks.
    let mut page = |name: &str, path: &str, dated: bool| -> String {
        let url = format!("{base}{path}");
        let mut html = String::new();
        for width in WIDTHS {
            browser.open(&url, width);
            let seen = browser.measure();
            if seen.scroll_width > seen.inner_width {
                problems.push(format!(
                    "{name} at {width}px scrolls sideways: {} > {}",
                    seen.scroll_width, seen.inner_width
                ));
            }
            // In phone emulation a page wider than the screen widens the layout viewport (the
            // browser zooms out, as a phone does), so there overflow shows as a wider window.
            if seen.inner_width != f64::from(width) {
                problems.push(format!("{name} at {width}px: the window is {} px wide", seen.inner_width));
            }
            if let Some(iso) = &seen.iso {
                problems.push(format!("{name} at {width}px shows an ISO date: {iso}"));
            }
            for t in &seen.times {
                if !DATE_WORDS.iter().any(|w| t.contains(w)) && !(t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
                {
                    problems.push(format!("{name}: a date not in Arabic: {t:?}"));
                }
            }
            if dated && seen.times.is_empty() {
                problems.push(format!("{name}: no <time> on a page that shows dates"));
            }
            for s in &seen.svgs {
                problems.push(format!("{name} at {width}px: {}", s.as_str().unwrap_or("")));
            }
            if width == WIDTHS[0] {
                charts.push((name.to_string(), seen.charts));
            }
            for s in &seen.a11y {
                problems.push(format!("{name} at {width}px: {}", s.as_str().unwrap_or("")));
            }
            for s in &seen.small {
                problems.push(format!("{name} at {width}px: tap target under {TAP} px: {s}"));
            }
            let shot = shots.join(format!("{name}-{width}.png"));
            browser.screenshot(f64::from(width), seen.height, &shot);
            html = seen.html;
        }
        html
    };

    // Home: latest articles, right to left, Arabic titles and dates.
    let home = page("home", "/", true);
    assert!(home.contains(r#"<html lang="ar" dir="rtl">"#), "{home}");
    assert!(home.contains("الأخبار الآن") && home.contains("أحدث المقالات"), "{home}");
    assert!(home.contains("أبرز القصص"), "top stories section: {home}");
    assert!(home.contains("جسر الواحة"), "Arabic titles from sample/ are listed");
    assert!(home.contains("12 مقالة"), "{home}");
    assert!(home.contains("<time datetime=\"") && home.contains("dir=\"rtl\""), "dates in isolated <time>: {home}");

    // Search: highlighted snippets.
    let search = page("search", "/search?q=%D8%AC%D8%B3%D8%B1", true);
    assert!(search.contains(r#"dir="rtl""#));
    assert!(search.contains("نتيجة"), "{search}");
    assert!(search.contains("<b>جسر</b>"), "highlighted match in the snippet: {search}");

    // Article page: the first article linked from the search results.
    let article = page("article", first_href(&search, "/articles/", None), true);
    assert!(article.contains("جسر"), "{article}");
    assert!(article.contains("التاريخ") && article.contains("<time"), "date shown: {article}");
    assert!(article.contains("مقالات ذات صلة"), "related articles section");

    // Stories: the list, then the story the bridge articles of sample/ form, with its timeline.
    let stories = page("stories", "/stories", true);
    assert!(stories.contains("القصص") && stories.contains("قصة"), "{stories}");
    let at = stories.find("جسر الواحة").expect("the bridge story is listed");
    let href_at = stories[..at].rfind("href=\"/stories/").expect("story title is a link") + "href=\"".len();
    let story_path = stories[href_at..href_at + stories[href_at..].find('"').unwrap()].to_string();
    let story = page("story", &story_path, true);
    assert!(story.contains("التسلسل الزمني"), "timeline section: {story}");
    assert!(story.contains("التغطية حسب الموقع"), "outlets section: {story}");
    assert!(story.matches("href=\"/articles/").count() >= 2, "timeline links its articles: {story}");

    // Entities: the list (ingest analyzed the sample) and the page of the most mentioned one.
    let entities = page("entities", "/entities", false);
    assert!(entities.contains("الأعلام"), "{entities}");
    let entity = page("entity", first_href(&entities, "/entities/", Some("<main")), false);
    assert!(entity.contains("صيغ الاسم") && entity.contains("أحدث المقالات"), "entity page: {entity}");
    assert!(entity.contains("href=\"/articles/"), "links its articles: {entity}");

    // Lists with their filters and sorts, and the week's top stories.
    let week = page("home-week", "/?window=week", true);
    assert!(week.contains("آخر أسبوع"), "{week}");
    let largest = page("stories-largest", "/stories?min_articles=1&sort=largest", true);
    assert!(largest.contains("الأكثر مقالات أولاً"), "{largest}");
    let by_name = page("entities-by-name", "/entities?sort=name", false);
    assert!(by_name.contains("حسب الاسم"), "{by_name}");
    page("search-newest", "/search?q=%D8%AC%D8%B3%D8%B1&sort=newest", true);

    // Error pages: a page past the end and an unknown path, in Arabic.
    let past = page("error-page", "/?page=99999", false);
    assert!(past.contains("لا توجد الصفحة 99999") && past.contains("آخر صفحة هي 1"), "{past}");
    let missing = page("error-path", "/no/such/page", false);
    assert!(missing.contains("غير موجود"), "{missing}");

    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    eprintln!("charts per page: {charts:?}");
    // The sample's bridge story spans two days and outlets, and its most mentioned entity several
    // days: their charts are there, so the checks above looked at real charts.
    for name in ["story", "entity"] {
        assert!(charts.iter().any(|(p, n)| p == name && *n > 0), "no chart on the {name} page: {charts:?}");
    }
    eprintln!("screenshots: {}", shots.display());
    drop(browser);
    drop(server);
}
