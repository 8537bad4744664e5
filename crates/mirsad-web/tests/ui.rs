//! The web UI and the Atom feeds: right-to-left pages, metadata, paging, highlighted snippets,
//! and that markup from hostile pages stays inert everywhere.

mod common;

use axum::http::StatusCode;
use common::*;

/// Tags the UI may emit; anything else in a page means markup leaked through.
const ALLOWED_TAGS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "header",
    "a",
    "form",
    "input",
    "button",
    "main",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "ol",
    "ul",
    "li",
    "time",
    "dl",
    "dt",
    "dd",
    "span",
    "div",
    "article",
    "section",
    "nav",
    "label",
    "b",
    "blockquote",
    "strong",
    "details",
    "summary",
    "select",
    "option",
    "datalist",
    "bdi",
    "figure",
    "figcaption",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "svg",
    "g",
    "rect",
    "line",
    "text",
];

/// Scans the HTML as a browser would at tag level: every tag must be an allowed one, with no
/// event-handler attribute and no `javascript:` URL. Inside attribute values maud escapes `"`,
/// `<` and `>`, so a `>` ends a tag.
fn assert_inert_html(what: &str, html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{what}: raw <script in\n{html}");
    assert!(!lower.contains("<img"), "{what}: raw <img");
    // Charts are the only SVG: each opens exactly so (see `charts.rs`).
    assert_eq!(
        lower.matches("<svg").count(),
        lower.matches("<svg class=\"chart\" role=\"img\"").count(),
        "{what}: raw <svg"
    );
    assert!(!lower.contains("<iframe"), "{what}: raw <iframe");
    assert!(!lower.contains("<style"), "{what}: raw <style");
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(first) = rest.chars().next() else { break };
        if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
            continue; // not a tag opener in HTML: text
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| !c.is_whitespace()).collect();
        assert!(ALLOWED_TAGS.contains(&name.as_str()), "{what}: unexpected tag <{tag}>");
        // Attribute names: words directly before '=' outside quotes.
        let mut in_quote = false;
        let mut word = String::new();
        for c in tag.chars() {
            match c {
                '"' => {
                    in_quote = !in_quote;
                    word.clear();
                }
                '=' if !in_quote => {
                    assert!(!word.starts_with("on"), "{what}: event handler {word}= in <{tag}>");
                    word.clear();
                }
                c if !in_quote && (c.is_ascii_alphanumeric() || c == '-') => word.push(c),
                _ => word.clear(),
            }
        }
        assert!(!tag.contains("href=\"javascript:"), "{what}: javascript: link in <{tag}>");
        rest = &rest[end..];
    }
}

#[tokio::test]
async fn pages_are_arabic_right_to_left() {
    let (app, _d) = app();
    for uri in ["/", "/articles/a1", &format!("/search?q={}", enc("المكتبة")), "/search", "/no-such-page"] {
        let r = get(&app, uri).await;
        assert!(r.content_type().starts_with("text/html"), "{uri}");
        assert!(r.body.starts_with("<!DOCTYPE html>"), "{uri}");
        assert!(r.body.contains(r#"<html lang="ar" dir="rtl">"#), "{uri}");
        assert!(r.body.contains(r#"name="viewport" content="width=device-width, initial-scale=1""#), "{uri}");
        assert!(r.body.contains(r#"<meta charset="utf-8">"#), "{uri}");
        assert_inert_html(uri, &r.body);
    }
    let css = get(&app, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
    assert!(css.body.contains("Noto Naskh Arabic"), "an Arabic-capable font stack");
    assert_eq!(get(&app, "/no-such-page").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn home_lists_latest_with_pages() {
    let arts: Vec<_> = (0..45)
        .map(|i| {
            art(
                &format!("n{i:02}"),
                &format!("خبر رقم {i}"),
                &format!("نص الخبر رقم {i} عن المدينة."),
                &format!("2024-01-{:02}", i % 28 + 1),
                "صحيفة ألف",
            )
        })
        .collect();
    let (app, _d) = app_with(&arts, None);
    let home = get(&app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("45 مقالة"));
    let latest = |b: &str| b[b.find("id=\"latest\"").expect("the latest section")..].matches("<li><h3").count();
    assert_eq!(latest(&home.body), 20);
    assert!(home.body.contains(r#"href="/?page=2#latest""#) && !home.body.contains("rel=\"prev\""));
    let last = get(&app, "/?page=3").await;
    assert_eq!(latest(&last.body), 5);
    assert!(last.body.contains(r#"href="/?page=2#latest""#) && !last.body.contains("rel=\"next\""));
    assert!(last.body.contains("الصفحة 3 من 3"));
    assert!(last.body.contains(r#"href="/?page=1#latest""#) && last.body.contains("الأولى"), "a link to the first page");
    assert!(home.body.contains(r#"href="/?page=3#latest""#) && home.body.contains("الأخيرة"), "a link to the last page");
    assert!(home.body.contains(r#"<span aria-current="page">1</span>"#), "this page is marked");
    for q in ["0", "abc", "-2", "1.5"] {
        let bad = get(&app, &format!("/?page={q}")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            bad.body.contains(r#"dir="rtl""#) && bad.body.contains("رقم الصفحة يجب أن يكون عدداً صحيحاً"),
            "{q}: {}",
            bad.body
        );
        assert!(!bad.body.contains("must be"), "{q}: no English on the page");
    }
    // Past the last page: a 404 that says which page is the last.
    let past = get(&app, "/?page=4").await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert!(past.body.contains("لا توجد الصفحة 4؛ آخر صفحة هي 3"), "{}", past.body);
    let past = get(&app, &format!("/search?q={}&page=9", enc("الخبر"))).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND, "{}", past.body);
    assert!(past.body.contains("آخر صفحة هي 3"), "{}", past.body);
    let page2 = get(&app, &format!("/search?q={}&page=2", enc("الخبر"))).await;
    assert_eq!(page2.status, StatusCode::OK);
    assert!(page2.body.contains("الصفحة 2 من 3"), "{}", page2.body);
}

#[tokio::test]
async fn error_pages_are_in_arabic() {
    let (app, _d) = app();
    for (uri, status, words) in [
        ("/no-such-page".to_string(), StatusCode::NOT_FOUND, "لم نجد ما طلبته"),
        ("/articles/nope".to_string(), StatusCode::NOT_FOUND, "لا توجد مقالة بهذا المعرّف"),
        ("/stories/nope".to_string(), StatusCode::NOT_FOUND, "لا توجد قصة بهذا المعرّف"),
        ("/entities/nope".to_string(), StatusCode::NOT_FOUND, "لا يوجد علَم بهذا المعرّف"),
        ("/entities?type=XYZ".to_string(), StatusCode::BAD_REQUEST, "نوع العلَم"),
        ("/stories?all=2".to_string(), StatusCode::BAD_REQUEST, "المعامل all"),
        ("/?page=1&page=2".to_string(), StatusCode::BAD_REQUEST, "معامل لا نفهمه"),
        (
            format!("/search?q={}&from=2024-02-30", enc("المكتبة")),
            StatusCode::BAD_REQUEST,
            "«من تاريخ» يجب أن يكون تاريخاً",
        ),
        (
            format!("/search?q={}&from=2024-03-05&to=2024-03-01", enc("المكتبة")),
            StatusCode::BAD_REQUEST,
            "تاريخ البداية بعد",
        ),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, status, "{uri}");
        assert!(r.content_type().starts_with("text/html"), "{uri}");
        assert!(r.body.contains(words), "{uri}: {}", r.body);
        for english in ["must be", "no article", "no story", "no entity", "Failed to", "got \"", "is after"] {
            assert!(!r.body.contains(english), "{uri}: English on the page: {english}");
        }
    }
    // The API keeps its English messages and shape.
    let api = get(&app, "/api/articles/nope").await.json();
    assert_eq!(api["status"], 404);
    assert!(api["error"].as_str().unwrap_or("").starts_with("no article"), "{api}");
}

#[tokio::test]
async fn article_urls_are_shown_decoded_and_shortened() {
    let path = "%D8%A7%D9%81%D8%AA%D8%AA%D8%A7%D8%AD-%D8%A7%D9%84%D9%85%D9%83%D8%AA%D8%A8%D8%A9-".repeat(6);
    let url = format!("https://news.example/2024/{path}end");
    let mut a = art("u1", "خبر برابط طويل", "نص الخبر.", "2024-03-01", "صحيفة ألف");
    a.url = Some(url.clone());
    let (app, _d) = app_with(&[a], None);
    let r = get(&app, "/articles/u1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!(r#"href="{url}""#)), "the link is the URL as it was");
    let shown = r.body.split(r#"rel="nofollow noopener noreferrer""#).nth(1).unwrap_or("");
    let text = &shown[shown.find('>').unwrap_or(0) + 1..shown.find("</a>").unwrap_or(0)];
    assert!(text.starts_with("https://news.example/2024/افتتاح-"), "{text}");
    assert!(text.contains('…') && text.ends_with("end") && !text.contains('%'), "{text}");
    assert!(text.chars().count() < 80, "{text}");
}

#[tokio::test]
async fn article_page_shows_metadata_and_related() {
    let (app, _d) = app();
    let r = get(&app, "/articles/a1").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(b.contains("<h1 dir=\"auto\">افتتاح المكتبة العامة الجديدة</h1>"));
    assert!(b.contains(r#"<time datetime="2024-03-01" dir="rtl">الجمعة 1 مارس 2024</time>"#), "date in Arabic");
    assert!(!b.contains(">2024-03-01<"), "no ISO date shown");
    assert!(b.contains(">صحيفة ألف</a>"), "outlet");
    assert!(b.contains("رويترز</span> ← <span dir=\"auto\">كويت نيوز"), "source chain, original first");
    assert!(b.contains(&format!(r#"href="/search?keyword={}""#, enc("ثقافة"))), "tags link to a search");
    assert!(b.contains(r#"href="https://news.example/a1""#), "the article's own URL");
    assert!(b.contains("<p>وتضم المكتبة آلاف الكتب.</p>"), "paragraphs");
    assert!(b.contains("مقالات ذات صلة"));
    assert!(b.contains(r#"href="/articles/a4""#), "related article linked");
    let missing = get(&app, "/articles/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("غير موجود"));
}

#[tokio::test]
async fn search_page_filters_and_highlights() {
    let (app, _d) = app();
    let r = get(&app, &format!("/search?q={}&from=2024-03-05&to=&outlet=&keyword=", enc("المكتبة"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("1 نتيجة"));
    assert!(r.body.contains(r#"href="/articles/a4""#) && !r.body.contains(r#"href="/articles/a1""#));
    assert!(r.body.contains("<b>"), "highlighted snippet");
    for field in ["name=\"q\"", "name=\"from\"", "name=\"to\"", "name=\"outlet\"", "name=\"keyword\""] {
        assert!(r.body.contains(field), "{field}");
    }
    assert!(r.body.contains(r#"type="date" name="from" value="2024-03-05""#), "filters keep their values");
    assert!(r.body.contains(r#"<details class="filters" open>"#), "set filters stay in view");
    let words_only = get(&app, &format!("/search?q={}", enc("المكتبة"))).await;
    assert!(words_only.body.contains(r#"<details class="filters">"#), "filters fold away over results");
    assert!(r.body.contains("/search.atom?q="), "feed of this search");
    let r = get(&app, &format!("/search?outlet={}", enc("صحيفة باء"))).await;
    assert!(r.body.contains("2 نتيجة"));
    let bad = get(&app, &format!("/search?q={}&from=2024-02-30", enc("المكتبة"))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("name=\"q\""), "the form stays");
    let empty = get(&app, "/search").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(!empty.body.contains("نتيجة"));
}

#[tokio::test]
async fn hostile_markup_stays_inert() {
    let mut arts = fixture();
    arts.push(evil());
    let (app, _d) = app_with(&arts, None);
    let evil_path = format!("/articles/{}", enc(EVIL_ID));
    let evil_story = get(&app, &format!("/api/{}", &evil_path[1..])).await.json()["story"].as_str().map(str::to_string);
    let analysis = get(&app, &format!("/api/{}/analysis", &evil_path[1..])).await.json();
    let mut pages = vec![
        "/".to_string(),
        "/stories".to_string(),
        "/entities".to_string(),
        format!("/stories/{}", enc(evil_story.as_deref().unwrap_or("none"))),
        evil_path.clone(),
        "/articles/a1".to_string(), // lists the hostile article as related
        format!("/search?q={}", enc("المكتبة")),
        format!("/search?q={}", enc("<script>alert(1)</script>")),
        format!("/search?q={}&outlet={}", enc("\"><script>x</script>"), enc("<img src=x onerror=alert(1)>")),
        format!("/no/{}", enc("<script>alert(1)</script>")),
    ];
    // The pages of the entities found in the hostile article.
    for m in analysis["mentions"].as_array().unwrap() {
        pages.push(format!("/entities/{}", enc(m["entity"].as_str().unwrap())));
    }
    for uri in &pages {
        let r = get(&app, uri).await;
        assert_inert_html(uri, &r.body);
        assert!(!r.body.contains("onerror=alert") || r.body.contains("&lt;img src=x onerror=alert(1)&gt;"), "{uri}");
    }
    let page = get(&app, &evil_path).await;
    assert_eq!(page.status, StatusCode::OK);
    // The hostile text is shown, as text.
    assert!(
        page.body.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;")
            || page.body.contains("&lt;script&gt;alert('t')&lt;/script&gt;")
    );
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.body.contains("javascript:alert(6)\""), "no link to a javascript: URL");
    // The search page shows the hostile article with a highlighted, still inert snippet.
    let s = get(&app, &format!("/search?q={}", enc("الخبيثة"))).await;
    assert!(s.body.contains(&format!("href=\"/articles/{}\"", enc(EVIL_ID))), "{}", s.body);
    for uri in ["/atom".to_string(), format!("/search.atom?q={}", enc("المكتبة"))] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK);
        let lower = r.body.to_lowercase();
        assert!(!lower.contains("<script") && !lower.contains("<img") && !lower.contains("<b "), "{uri}:\n{}", r.body);
        assert!(!r.body.contains("javascript:"), "{uri}: no javascript: links");
        // Round trip: a feed reader gets back exactly the hostile title, as text.
        let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap();
        assert!(feed.entries.iter().any(|e| e.title.as_ref().unwrap().content == evil().title.unwrap()), "{uri}");
    }
    // The JSON API returns the data as is, as JSON, never as HTML.
    let r = get(&app, &format!("/api/articles/{}", enc(EVIL_ID))).await;
    assert!(r.content_type().starts_with("application/json"));
    assert_eq!(r.json()["title"], evil().title.unwrap());
}

/// Element names of an XML document, failing on any well-formedness error.
fn xml_elements(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut names = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}")) {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                names.push(e.name().as_ref().to_string());
            }
            quick_xml::events::Event::Empty(e) => names.push(e.name().as_ref().to_string()),
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced XML");
    names
}

#[tokio::test]
async fn atom_feeds_are_well_formed() {
    let mut arts = fixture();
    let mut ctl =
        art("ctl", "عنوان\u{1}مع\u{0}محارف تحكم & رموز", "نص المكتبة\u{b} مع محرف تحكم.", "2024-03-02", "صحيفة ألف");
    ctl.published = Some(mirsad_model::Published {
        value: "2024-03-02T10:05+03:00".parse().unwrap(),
        precision: mirsad_model::Precision::Minute,
        basis: mirsad_model::Basis::Explicit,
    });
    arts.push(ctl);
    let (app, _d) = app_with(&arts, None);
    let r = get(&app, "/atom").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/atom+xml"));
    let names = xml_elements(&r.body);
    assert_eq!(names[0], "feed");
    assert_eq!(names.iter().filter(|n| *n == "entry").count(), 5);
    for n in &names {
        assert!(
            [
                "feed",
                "id",
                "title",
                "updated",
                "published",
                "author",
                "name",
                "generator",
                "link",
                "entry",
                "category",
                "summary"
            ]
            .contains(&n.as_str()),
            "unexpected element {n}"
        );
    }
    let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 5);
    assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "مكتبات المدن تمدد ساعات العمل");
    assert!(feed.entries.iter().any(|e| e.title.as_ref().unwrap().content == "عنوانمعمحارف تحكم & رموز"));
    assert!(feed.entries.iter().all(|e| e.published.is_some()));
    // Search feed.
    let r = get(&app, &format!("/search.atom?q={}&to=2024-03-05", enc("المكتبة"))).await;
    assert_eq!(r.status, StatusCode::OK);
    xml_elements(&r.body);
    let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap();
    let mut titles: Vec<String> = feed.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect();
    titles.sort();
    assert_eq!(titles, ["افتتاح المكتبة العامة الجديدة", "عنوانمعمحارف تحكم & رموز"]);
    assert!(feed.entries.iter().all(|e| !e.summary.as_ref().unwrap().content.contains("<b>")), "plain-text summaries");
    // Bad parameters: a JSON 400, not a broken feed.
    let r = get(&app, &format!("/search.atom?q={}&from=nope", enc("المكتبة"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["status"], 400);
    assert_eq!(get(&app, "/search.atom").await.status, StatusCode::BAD_REQUEST);
}

/// The inertness check itself catches leaks.
#[test]
fn inertness_check_catches_leaks() {
    for leak in [
        "<p>x<script>alert(1)</script></p>",
        "<p><img src=x onerror=alert(1)></p>",
        "<p><b onmouseover=alert(3)>x</b></p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<p><svg onload=alert(7)></p>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_inert_html("leak", leak)).is_err();
        assert!(caught, "{leak}");
    }
    assert_inert_html("ok", "<p>&lt;img src=x onerror=alert(1)&gt; <b>ب</b> a < b</p>");
}
