//! The lists a reader browses: the home page's top stories by window, story and entity lists
//! filtered and sorted, search sorted by date, outlets shown by their Arabic names and found by
//! either name.

mod common;

use axum::http::StatusCode;
use common::*;
use mirsad_model::{Article, Precision, Published};

/// An article published at `when` (a time with its offset).
fn at(id: &str, title: &str, body: &str, when: &str, outlet: &str) -> Article {
    let mut a = art(id, title, body, "2024-04-01", outlet);
    a.published =
        Some(Published { value: when.parse().unwrap(), precision: Precision::Minute, ..a.published.unwrap() });
    a
}

const WHEAT: &str = "ارتفعت أسعار القمح في الأسواق العالمية للأسبوع الثالث على التوالي وسط توقعات بتراجع المحصول \
     في الدول المصدرة الكبرى بسبب الجفاف، وقال تجار إن المخزونات تتراجع بسرعة وإن المطاحن تبحث عن موردين جدد.";

/// The flood story told by three outlets on the newest day; the wheat story by two outlets
/// three days earlier; one article alone.
fn fixture() -> Vec<Article> {
    let mut v = unsectioned();
    for a in &mut v {
        a.section = match &a.id[..1] {
            "w" => Some("economy".into()),
            "f" => Some("local".into()),
            _ => None,
        };
    }
    v
}

fn unsectioned() -> Vec<Article> {
    vec![
        at("w1", "أسعار القمح ترتفع للأسبوع الثالث", WHEAT, "2024-04-07T09:00:00+03:00", "skynews"),
        at("w2", "القمح يواصل الارتفاع", &format!("{WHEAT} المصدر: رويترز"), "2024-04-07T11:00:00+03:00", "BBC"),
        at("f1", "أمطار غزيرة على جدة", FLOOD, "2024-04-10T08:00:00+03:00", "skynews"),
        at("f2", "تعليق الدراسة في جدة", &format!("{FLOOD} المصدر: واس"), "2024-04-10T09:30:00+03:00", "BBC"),
        at("f3", "السيول تغلق طرق جدة", &format!("{FLOOD} وأغلقت الطرق."), "2024-04-10T12:00:00+03:00", "صحيفة جيم"),
        at(
            "x1",
            "افتتاح معرض الكتاب",
            "افتتح وزير الثقافة معرض الكتاب الدولي بمشاركة مئات دور النشر من أنحاء العالم العربي.",
            "2024-04-09T10:00:00+03:00",
            "صحيفة جيم",
        ),
    ]
}

/// The text between `start` and `end` in `body` (a page's section).
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start:?} not in page"));
    let rest = &body[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[tokio::test]
async fn home_ranks_the_stories_of_the_window_ending_at_the_newest_article() {
    let (app, _d) = app_with(&fixture(), None);
    let r = get(&app, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let top = between(&r.body, "id=\"top-stories\"", "id=\"latest\"");
    // The collection is older than the clock: the window ends at its newest article.
    assert!(top.contains("أحدث خبر في المجموعة"), "{top}");
    assert!(top.contains("أمطار غزيرة على جدة") || top.contains("تعليق الدراسة في جدة"), "{top}");
    assert!(top.contains("3 مقالة من 3 مواقع"), "{top}");
    assert!(!top.contains("القمح"), "the wheat story is three days older: {top}");
    assert!(top.contains("aria-current=\"page\""), "the chosen preset is marked");
    // Arabic outlet names, ids in the links.
    assert!(top.contains("سكاي نيوز عربية") && top.contains("outlet=skynews"), "{top}");
    assert!(top.contains("بي بي سي"), "{top}");

    let r = get(&app, "/?window=week").await;
    assert_eq!(r.status, StatusCode::OK);
    // Sections where the data has them, by their Arabic names, the biggest first.
    let by_section = between(&r.body, "id=\"by-section\"", "</section></div></section>");
    let (local, economy) = (by_section.find("محليات").expect("local"), by_section.find("اقتصاد").expect("economy"));
    assert!(local < economy, "three articles before two: {by_section}");
    assert!(by_section.contains("3 مقالة في هذه الفترة"), "{by_section}");
    let top = between(&r.body, "id=\"top-stories\"", "id=\"latest\"");
    let (flood, wheat) = (top.find("جدة").expect("flood story"), top.find("القمح").expect("wheat story"));
    assert!(flood < wheat, "three outlets rank before two: {top}");
    assert!(!top.contains("معرض الكتاب"), "a story of one article is not a top story");
    // The latest articles follow, newest first.
    let latest = between(&r.body, "id=\"latest\"", "</main>");
    assert!(latest.find("السيول تغلق").unwrap() < latest.find("معرض الكتاب").unwrap());

    let (app2, _d2) = app_with(&unsectioned(), None);
    assert!(!get(&app2, "/?window=week").await.body.contains("by-section"), "no sections, no section list");

    for bad in ["/?window=month", "/?window=", "/?page=0"] {
        let r = get(&app, bad).await;
        let want = if bad == "/?window=" { StatusCode::OK } else { StatusCode::BAD_REQUEST };
        assert_eq!(r.status, want, "{bad}");
    }
    assert_eq!(get(&app, "/?page=2").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn story_lists_filter_by_size_and_days_and_sort() {
    let (app, _d) = app_with(&fixture(), None);
    let ids = |v: &serde_json::Value| -> Vec<usize> {
        v["stories"].as_array().unwrap().iter().map(|s| s["articles"].as_array().unwrap().len()).collect()
    };
    let v = get(&app, "/api/stories?min_articles=2&sort=largest").await.json();
    assert_eq!(ids(&v), [3, 2]);
    let v = get(&app, "/api/stories?min_articles=2&max_articles=2").await.json();
    assert_eq!(ids(&v), [2]);
    assert_eq!(v["stories"][0]["articles"], serde_json::json!(["w1", "w2"]));
    // Days: still told on or after the 8th keeps the flood; begun by the 8th keeps the wheat.
    let v = get(&app, "/api/stories?min_articles=2&from=2024-04-08").await.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["stories"][0]["articles"][0], "f1");
    let v = get(&app, "/api/stories?min_articles=2&to=2024-04-08").await.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["stories"][0]["articles"][0], "w1");
    let v = get(&app, "/api/stories?sort=oldest").await.json();
    assert_eq!(v["stories"][0]["articles"][0], "w1");
    for q in [
        "sort=big",
        "min_articles=3&max_articles=2",
        "from=2024-04-09&to=2024-04-01",
        "from=yesterday",
        "max_articles=0",
    ] {
        let r = get(&app, &format!("/api/stories?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
        let r = get(&app, &format!("/stories?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(r.content_type().starts_with("text/html"));
    }

    // The page: its filter form keeps the choice, dates are compact, pages keep the filter.
    let r = get(&app, "/stories?min_articles=2&sort=largest").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<option value=\"largest\" selected"), "the chosen sort is selected");
    assert!(r.body.contains("3 مقالة من 3 مواقع"));
    assert!(r.body.contains("الأكثر مقالات أولاً"));
    let flood = r.body.find("3 مقالة من 3 مواقع").unwrap();
    let wheat = r.body.find("2 مقالة من 2 مواقع").unwrap();
    assert!(flood < wheat);
    // One day only: the day in full, as a <time>.
    assert!(r.body.contains("الأربعاء 10 أبريل 2024"), "{}", r.body);
}

#[tokio::test]
async fn entity_lists_filter_by_size_and_sort_by_name() {
    let (app, _d) = app_with(&fixture(), None);
    let all = get(&app, "/api/entities?limit=100").await.json();
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 2, "{all}");
    let by_name = get(&app, "/api/entities?limit=100&sort=name").await.json();
    let names: Vec<&str> =
        by_name["entities"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(by_name["total"].as_u64(), Some(total));
    let big = get(&app, "/api/entities?limit=100&min_articles=2").await.json();
    assert!(big["entities"].as_array().unwrap().iter().all(|e| e["article_count"].as_u64().unwrap() >= 2), "{big}");
    assert!(big["total"].as_u64().unwrap() < total);
    for q in ["sort=x", "min_articles=0"] {
        assert_eq!(get(&app, &format!("/api/entities?{q}")).await.status, StatusCode::BAD_REQUEST, "{q}");
    }
    // Days: the counts are those of the days asked for; an entity of other days is left out.
    let days = get(&app, "/api/entities?limit=100&from=2024-04-10").await.json();
    let flood_only = days["entities"].as_array().unwrap();
    assert!(!flood_only.is_empty(), "{days}");
    assert!(flood_only.iter().all(|e| e["article_count"].as_u64().unwrap() <= 3), "{days}");
    assert!(days["total"].as_u64().unwrap() <= total);
    let before = get(&app, "/api/entities?limit=100&to=2024-04-09").await.json();
    for e in flood_only {
        let id = e["id"].as_str().unwrap();
        let earlier = before["entities"].as_array().unwrap().iter().find(|b| b["id"] == id);
        let all_count = all["entities"].as_array().unwrap().iter().find(|b| b["id"] == id).unwrap()["article_count"]
            .as_u64()
            .unwrap();
        let split = e["article_count"].as_u64().unwrap() + earlier.map_or(0, |b| b["article_count"].as_u64().unwrap());
        assert_eq!(split, all_count, "the days split {id}'s articles");
    }
    assert_eq!(get(&app, "/api/entities?from=2024-04-10&to=2024-04-01").await.status, StatusCode::BAD_REQUEST);
    let r = get(&app, "/entities?from=2024-04-10").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"from\" value=\"2024-04-10\""), "the form keeps the day");

    let r = get(&app, "/entities?type=LOC&min_articles=2&sort=name").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<option value=\"name\" selected"));
    assert!(r.body.contains("name=\"type\" value=\"LOC\""), "the type stays when the form is sent");
}

#[tokio::test]
async fn search_sorts_by_date_and_finds_an_outlet_by_either_name() {
    let (app, _d) = app_with(&fixture(), None);
    let q = enc("جدة");
    let v = get(&app, &format!("/api/search?q={q}&sort=newest")).await.json();
    let ids: Vec<&str> = v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["f3", "f2", "f1"]);
    let v = get(&app, &format!("/api/search?q={q}&sort=oldest")).await.json();
    assert_eq!(v["hits"][0]["id"], "f1");
    assert_eq!(get(&app, &format!("/api/search?q={q}&sort=best")).await.status, StatusCode::BAD_REQUEST);

    // The outlet filter: the id, the Arabic name, the Latin name.
    for name in ["skynews", "سكاي نيوز عربية", "Sky News Arabia", "سكاي نيوز"] {
        let v = get(&app, &format!("/api/search?outlet={}", enc(name))).await.json();
        let mut ids: Vec<&str> = v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
        ids.sort();
        assert_eq!(ids, ["f1", "w1"], "{name}");
    }
    assert_eq!(get(&app, &format!("/api/search?outlet={}", enc("بي بي سي"))).await.json()["total"], 2);
    assert_eq!(get(&app, "/api/search?outlet=nobody").await.json()["total"], 0);

    // The page offers the Arabic names and shows them on results.
    let r = get(&app, &format!("/search?q={q}&sort=newest")).await;
    assert!(r.body.contains("<datalist id=\"outlet-names\">"));
    assert!(r.body.contains("<option value=\"سكاي نيوز عربية\">"));
    assert!(r.body.contains("<option value=\"newest\" selected"));
    assert!(!r.body.contains(">skynews<"), "the slug is not shown as a name");
}
