//! Charts on the story and entity pages: an `<svg role="img">` with a title, a text alternative
//! and the numbers as a table, over articles stored and analyzed as `mirsad serve` has them.

mod common;

use axum::http::StatusCode;
use common::*;

/// The charts of a page, each checked for what every chart must carry; returns how many.
fn charts_of(page: &str) -> usize {
    let svgs: Vec<&str> = page.split("<svg").skip(1).map(|s| &s[..s.find("</svg>").expect("closed svg")]).collect();
    for s in &svgs {
        assert!(s.starts_with(r#" class="chart" role="img" aria-label=""#), "{s}");
        assert!(s.contains("<title>"), "a title: {s}");
        assert!(s.contains(r#"viewBox="0 0 400 "#) && s.contains(r#"width="100%""#), "scales to the column: {s}");
    }
    assert_eq!(page.matches("<summary>البيانات</summary>").count(), svgs.len(), "a data table per chart");
    svgs.len()
}

#[tokio::test]
async fn story_page_charts_volume_and_outlets() {
    let (app, _d) = app_with(&story_fixture(), None);
    let story = get(&app, "/api/articles/s1").await.json()["story"].as_str().expect("s1 has a story").to_string();
    let r = get(&app, &format!("/stories/{}", enc(&story))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(charts_of(&r.body), 2, "{}", r.body);
    assert!(r.body.contains("<title>مقالات القصة حسب اليوم</title>"));
    assert!(r.body.contains("<title>مقالات القصة حسب الموقع</title>"));
    assert!(r.body.contains("أول من نشر: صحيفة ألف."), "the first outlet in words");
    assert!(r.body.contains("<th scope=\"row\">الإثنين 1 أبريل 2024</th>"), "the table has the days");

    // A one-article story has nothing to chart.
    let lone = get(&app, "/api/articles/s3").await.json()["story"].as_str().expect("s3 has a story").to_string();
    let r = get(&app, &format!("/stories/{}", enc(&lone))).await;
    assert_eq!(charts_of(&r.body), 0);
}

#[tokio::test]
async fn entity_page_charts_mentions_and_company() {
    let arts = vec![
        art(
            "k1",
            "زيارة إلى موسكو",
            "وصل الزعيم الكوري الشمالي كيم جونغ أون إلى موسكو أمس في زيارة رسمية، واستقبله الرئيس الروسي فلاديمير بوتين.",
            "2023-09-12",
            "صحيفة ألف",
        ),
        art(
            "k2",
            "قمة في موسكو",
            "استقبل الرئيس الروسي فلاديمير بوتين الزعيم كيم جونغ أون في موسكو اليوم في قمة ثنائية.",
            "2023-09-13",
            "صحيفة باء",
        ),
        art(
            "k3",
            "ختام الزيارة",
            "غادر الزعيم كيم جونغ أون موسكو بعد لقاء الرئيس فلاديمير بوتين، متجهاً إلى فلاديفوستوك.",
            "2023-09-17",
            "صحيفة جيم",
        ),
    ];
    let (app, _d) = app_with(&arts, None);
    let list = get(&app, "/api/entities?type=LOC&limit=100").await.json();
    let moscow = list["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "موسكو")
        .expect("Moscow is an entity")
        .clone();
    let r = get(&app, &format!("/entities/{}", enc(moscow["id"].as_str().unwrap()))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(charts_of(&r.body), 2, "{}", r.body);
    assert!(r.body.contains("<title>المقالات التي تذكره حسب اليوم</title>"));
    assert!(r.body.contains("<title>الأعلام التي تُذكر معه</title>"));
    assert!(r.body.contains("بوتين"), "its company is named");
    // Each bar of its company links to that entity's page.
    let chart = &r.body[r.body.find("<title>الأعلام التي تُذكر معه</title>").unwrap()..];
    assert!(chart.contains("<a href=\"/entities/"), "{chart}");
}
