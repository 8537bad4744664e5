//! Stories: the JSON API, the pages, links from articles, and search collapsed by story.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

fn story_of(v: &Value, article: &str) -> Option<Value> {
    v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["articles"].as_array().unwrap().iter().any(|a| a == article))
        .cloned()
}

#[tokio::test]
async fn api_lists_and_gets_stories() {
    let (app, _d) = app_with(&story_fixture(), None);
    let r = get(&app, "/api/stories").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["stories", "total"]);
    let total = v["total"].as_u64().unwrap();
    assert!(total >= 1 && total as usize == v["stories"].as_array().unwrap().len(), "{v}");
    let s = story_of(&v, "s1").expect("s1 has a story");
    assert_eq!(s["articles"], serde_json::json!(["s1", "s2"]), "{s}");
    assert_eq!(s["outlets"], serde_json::json!(["صحيفة ألف", "صحيفة باء"]));
    assert_eq!(s["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(s["timeline"][1]["duplicate_of"], "s1");
    assert_eq!(s["copies"][0]["original"], "s1");
    for k in ["id", "title", "articles", "entities", "first_published", "last_published"] {
        assert!(s.get(k).is_some(), "missing {k}");
    }
    assert!(story_of(&v, "s3").map_or(true, |o| o["id"] != s["id"]), "the unrelated article is elsewhere");

    // Size filter and paging.
    let v = get(&app, "/api/stories?min_articles=2").await.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["stories"][0]["id"], s["id"]);
    let v = get(&app, "/api/stories?min_articles=3").await.json();
    assert_eq!(v["total"], 0);
    assert!(v["stories"].as_array().unwrap().is_empty());
    let v = get(&app, "/api/stories?limit=1").await.json();
    assert_eq!(v["total"].as_u64().unwrap(), total);
    assert_eq!(v["stories"].as_array().unwrap().len(), 1);
    let v = get(&app, &format!("/api/stories?offset={total}")).await.json();
    assert!(v["stories"].as_array().unwrap().is_empty());

    // One story.
    let id = s["id"].as_str().unwrap();
    let r = get(&app, &format!("/api/stories/{}", enc(id))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), s);
    let r = get(&app, "/api/stories/no-such-story").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["status"], 404);
    assert!(r.json()["error"].as_str().unwrap().contains("no-such-story"));

    // Articles carry their story.
    assert_eq!(get(&app, "/api/articles/s2").await.json()["story"], s["id"]);
}

#[tokio::test]
async fn bad_story_parameters_are_400() {
    let (app, _d) = app_with(&story_fixture(), None);
    for q in ["limit=0", "limit=101", "limit=x", "offset=-1", "min_articles=0", "min_articles=abc"] {
        let r = get(&app, &format!("/api/stories?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
        assert_eq!(r.json()["status"], 400, "{q}");
    }
    let r = get(&app, &format!("/api/search?q={}&collapse=outlet", enc("جدة"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(&app, "/api/articles/s1/related?collapse=x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get(&app, "/stories?page=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn story_pages_show_title_outlets_timeline_and_copies() {
    let (app, _d) = app_with(&story_fixture(), None);
    let v = get(&app, "/api/stories?min_articles=2").await.json();
    let s = &v["stories"][0];
    let id = s["id"].as_str().unwrap();
    let title = s["title"].as_str().unwrap();
    let href = format!("/stories/{}", enc(id));

    let list = get(&app, "/stories").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.content_type().starts_with("text/html"));
    assert!(list.body.contains(r#"dir="rtl""#));
    assert!(list.body.contains(title), "{}", list.body);
    assert!(list.body.contains(&format!(r#"href="{href}""#)), "story linked");
    assert!(list.body.contains("صحيفة ألف") && list.body.contains("صحيفة باء"));
    assert!(list.body.contains("2 مقالة"));
    // A compact span: «1–2 أبريل 2024», the first day in full as its title.
    assert!(
        list.body.contains("title=\"الإثنين 1 أبريل 2024\">1</span>–<time datetime=\"2024-04-02\""),
        "date span: {}",
        list.body
    );
    assert!(list.body.contains(">2 أبريل 2024</time>"), "date span");
    assert!(!list.body.contains(">2024-04-01<"), "no ISO date shown");
    assert!(list.body.contains(r#"href="/stories""#), "nav link");
    assert!(list.body.contains("القصص"));

    let page = get(&app, &href).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains(title));
    assert!(b.contains("صحيفة ألف") && b.contains("صحيفة باء"));
    assert!(b.contains(r#"href="/articles/s1""#) && b.contains(r#"href="/articles/s2""#), "timeline links");
    assert!(b.find(r#"href="/articles/s1""#) < b.find(r#"href="/articles/s2""#), "by date");
    assert!(b.contains("نسخة"), "copy marker");
    // Both articles of the fixture credit رويترز first: the copy is folded under the original as
    // the agency's text that both outlets ran.
    assert!(b.contains("نص <span dir=\"auto\">رويترز</span> نشرته أيضاً"), "the copy folded under its original: {b}");
    assert!(b.contains("الخبر الرئيسي") && b.contains("أول من نشر"), "lead and first report");
    assert!(b.contains("التغطية حسب الموقع"), "articles by outlet");
    assert!(!b.contains(r#"href="/articles/s3""#), "the unrelated article is not in the story");

    // Single-article stories only behind the filter.
    let single = v["stories"].as_array().unwrap().len();
    let all = get(&app, "/api/stories").await.json();
    let lone: Vec<&str> = all["stories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["articles"].as_array().unwrap().len() == 1)
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(single >= 1 && !lone.is_empty());
    for id in &lone {
        let h = format!(r#"href="/stories/{}""#, enc(id));
        assert!(!list.body.contains(&h), "single-article story listed by default");
        assert!(get(&app, "/stories?all=1").await.body.contains(&h), "listed with all=1");
    }
    assert_eq!(get(&app, "/stories?all=yes").await.status, StatusCode::BAD_REQUEST);

    // One page of timeline: a second page is past the end.
    assert!(!b.contains(r#"aria-label="الصفحات""#), "no pager on a short story");
    assert_eq!(get(&app, &format!("{href}?page=2")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("{href}?page=x")).await.status, StatusCode::BAD_REQUEST);

    let r = get(&app, "/stories/no-such-story").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type().starts_with("text/html"));

    // The article pages link to the story, and the copy to its original.
    let a = get(&app, "/articles/s2").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains(&format!(r#"href="{href}""#)), "story link");
    assert!(a.body.contains("نسخة من"), "copy line");
    assert!(a.body.contains(r#"href="/articles/s1""#), "original linked");
    let a = get(&app, "/articles/s1").await;
    assert!(a.body.contains(&format!(r#"href="{href}""#)));
    assert!(!a.body.contains("هذه المقالة نسخة"), "the original is no copy");
}

#[tokio::test]
async fn hostile_story_titles_are_escaped() {
    let mut arts = story_fixture();
    for a in arts.iter_mut().take(2) {
        a.title = Some("<script>alert('s')</script> سيول <img src=x onerror=alert(1)>".into());
        a.outlet = Some("<b onmouseover=alert(3)>موقع</b>".into());
    }
    arts[0].keywords = vec!["\"><script>alert(4)</script>".into()];
    let (app, _d) = app_with(&arts, None);
    let v = get(&app, "/api/stories?min_articles=2").await.json();
    let s = &v["stories"][0];
    assert!(s["title"].as_str().unwrap().contains("<script>"), "{s}");
    let id = s["id"].as_str().unwrap();
    for uri in ["/stories".to_string(), format!("/stories/{}", enc(id)), "/articles/s2".to_string()] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let lower = r.body.to_lowercase();
        assert!(!lower.contains("<script"), "{uri}: raw <script>\n{}", r.body);
        assert!(!lower.contains("<img"), "{uri}");
        assert!(!lower.contains("<b "), "{uri}");
        assert!(r.body.contains("&lt;script&gt;"), "{uri}: the title is shown as text");
    }
}

#[tokio::test]
async fn collapse_keeps_one_hit_per_story() {
    let (app, _d) = app_with(&story_fixture(), None);
    let q = enc("جدة");
    let all = get(&app, &format!("/api/search?q={q}")).await.json();
    assert_eq!(all["hits"].as_array().unwrap().len(), 2, "{all}");
    let r = get(&app, &format!("/api/search?q={q}&collapse=story")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{v}");
    assert_eq!(v["total"], 1);
    assert_eq!(hits[0]["id"], all["hits"][0]["id"], "the best-ranked hit stays");
    // Any search: at most one hit per story.
    let q = enc("الأمطار OR القمح OR جدة");
    let v = get(&app, &format!("/api/search?q={q}&collapse=story&limit=100")).await.json();
    let stories: Vec<&Value> =
        v["hits"].as_array().unwrap().iter().map(|h| &h["story"]).filter(|s| !s.is_null()).collect();
    let mut uniq = stories.clone();
    uniq.sort_by_key(|s| s.to_string());
    uniq.dedup();
    assert_eq!(stories.len(), uniq.len(), "{v}");
    // Related, collapsed.
    let r = get(&app, "/api/articles/s1/related?collapse=story&k=10").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rel = r.json();
    let stories: Vec<String> =
        rel["related"].as_array().unwrap().iter().filter_map(|h| h["story"].as_str().map(str::to_string)).collect();
    let mut uniq = stories.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(stories.len(), uniq.len(), "{rel}");
    // The search page: a checkbox, kept checked, and collapsed results.
    let page = get(&app, &format!("/search?q={}&collapse=story", enc("جدة"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("دمج حسب القصة"));
    assert!(page.body.contains(r#"name="collapse" value="story" checked"#), "{}", page.body);
    assert!(page.body.contains("1 نتيجة"), "{}", page.body);
    let page = get(&app, &format!("/search?q={}", enc("جدة"))).await;
    assert!(page.body.contains("2 نتيجة"));
    assert!(!page.body.contains(r#"value="story" checked"#));
}
