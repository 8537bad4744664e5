//! Entities, quotes and dated events: the JSON API and the pages, over articles analyzed by the
//! real analysis stage when they were stored.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

/// Two reports naming one person in two spellings and with a partial name, with a quote and
/// dated events.
fn entity_fixture() -> Vec<mirsad_model::Article> {
    vec![
        art(
            "k1",
            "زيارة إلى موسكو",
            "وصل الزعيم الكوري الشمالي كيم جونج أون إلى موسكو أمس في زيارة رسمية. \
             وقال كيم إن العلاقات مع روسيا قوية. وستعقد القمة يوم 15 سبتمبر 2023.",
            "2023-09-12",
            "صحيفة ألف",
        ),
        art(
            "k2",
            "قمة في موسكو",
            "استقبل الرئيس الروسي فلاديمير بوتين الزعيم كيم جونغ أون في موسكو اليوم. \
             وأكد بوتين أن البلدين سيوقعان اتفاقات جديدة.",
            "2023-09-13",
            "صحيفة باء",
        ),
    ]
}

fn find<'a>(list: &'a [Value], name_part: &str) -> Option<&'a Value> {
    list.iter().find(|e| e["name"].as_str().unwrap_or("").contains(name_part))
}

#[tokio::test]
async fn entities_api_pages_and_article_sections() {
    let (app, _d) = app_with(&entity_fixture(), None);
    let r = get(&app, "/api/entities?limit=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let list = v["entities"].as_array().unwrap();
    assert_eq!(v["total"].as_u64().unwrap() as usize, list.len());
    let moscow = find(list, "موسكو").expect("Moscow is found");
    assert_eq!(moscow["type"], "LOC");
    assert_eq!(moscow["article_count"], 2, "one entity across both articles");

    // Filter by type.
    let locs = get(&app, "/api/entities?type=LOC&limit=100").await.json();
    assert!(locs["entities"].as_array().unwrap().iter().all(|e| e["type"] == "LOC"));
    assert_eq!(get(&app, "/api/entities?type=CITY").await.status, StatusCode::BAD_REQUEST);

    // The entity record: variants, articles, stories, a timeline by event date.
    let id = moscow["id"].as_str().unwrap();
    let e = get(&app, &format!("/api/entities/{}", enc(id))).await.json();
    assert_eq!(e["name"], "موسكو");
    assert_eq!(e["articles"].as_array().unwrap().len(), 2);
    assert!(!e["stories"].as_array().unwrap().is_empty(), "{e}");
    let days: Vec<&str> =
        e["timeline"].as_array().unwrap().iter().map(|ev| ev["date"]["start"].as_str().unwrap()).collect();
    assert!(!days.is_empty(), "events in sentences naming Moscow: {e}");
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "ordered by event date: {days:?}");
    assert_eq!(get(&app, "/api/entities/nothing").await.status, StatusCode::NOT_FOUND);

    // The article's analysis: mentions, a quote with its speaker, dated events.
    let an = get(&app, "/api/articles/k1/analysis").await.json();
    assert!(an["mentions"].as_array().unwrap().iter().any(|m| m["entity"] == id));
    let quotes = an["quotes"].as_array().unwrap();
    assert!(!quotes.is_empty(), "{an}");
    let events = an["events"].as_array().unwrap();
    assert!(events.iter().any(|ev| ev["date"]["start"] == "2023-09-15" && ev["date"]["basis"] == "explicit"), "{an}");
    assert!(events.iter().any(|ev| ev["date"]["start"] == "2023-09-11" && ev["date"]["basis"] == "relative"), "{an}");

    // Pages: the list, the entity page, and the sections of an article page.
    let page = get(&app, "/entities").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("/entities/{}", enc(id))));
    let page = get(&app, &format!("/entities/{}", enc(id))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("موسكو") && page.body.contains("التسلسل الزمني للأحداث"));
    assert!(page.body.contains("/articles/k1") && page.body.contains("/articles/k2"));
    let page = get(&app, "/articles/k1").await;
    assert!(page.body.contains("الأعلام في المقالة") && page.body.contains("الأحداث المؤرخة"));
    assert!(page.body.contains("الاقتباسات"));
    assert!(page.body.contains(&format!("/entities/{}", enc(id))));
    assert_eq!(get(&app, "/entities?type=XX").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn story_lists_entities_and_events_by_event_date() {
    let (app, _d) = app_with(&entity_fixture(), None);
    let story = get(&app, "/api/articles/k1").await.json()["story"].as_str().unwrap().to_string();
    let s = get(&app, &format!("/api/stories/{}", enc(&story))).await.json();
    assert!(!s["entities"].as_array().unwrap().is_empty(), "{s}");
    let days: Vec<&str> =
        s["events"].as_array().unwrap().iter().map(|ev| ev["date"]["start"].as_str().unwrap()).collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    let page = get(&app, &format!("/stories/{}", enc(&story))).await;
    assert!(page.body.contains("الأحداث حسب تاريخ وقوعها"), "{}", page.body);
}

#[tokio::test]
async fn a_long_entity_page_is_paged() {
    // Twenty-five different reports from Moscow: more than one page of articles.
    let topics = [
        "الطاقة",
        "الغاز",
        "القمح",
        "السياحة",
        "التعليم",
        "الفضاء",
        "الرياضة",
        "الثقافة",
        "الصحة",
        "النقل",
        "الزراعة",
        "المياه",
        "الاتصالات",
        "البنوك",
        "الموانئ",
        "الطيران",
        "السينما",
        "الكتب",
        "الموسيقى",
        "الأدوية",
        "الحديد",
        "الذهب",
        "النفط",
        "الكهرباء",
        "الإسكان",
    ];
    let arts: Vec<_> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            art(
                &format!("m{i:02}"),
                &format!("محادثات {t} في موسكو"),
                &format!("بحث وفد {t} في موسكو ملفات {t} مع المسؤولين الروس، وقال الوفد إن ملف {t} يحتاج وقتاً."),
                &format!("2023-10-{:02}", i + 1),
                "صحيفة ألف",
            )
        })
        .collect();
    let (app, _d) = app_with(&arts, None);
    let list = get(&app, "/api/entities?type=LOC&limit=100").await.json();
    let moscow = find(list["entities"].as_array().unwrap(), "موسكو").expect("Moscow is found").clone();
    let id = moscow["id"].as_str().unwrap();
    assert!(moscow["article_count"].as_u64().unwrap() > 20, "{moscow}");
    let href = format!("/entities/{}", enc(id));
    let first = get(&app, &href).await;
    assert_eq!(first.status, StatusCode::OK);
    let links = |b: &str| b.matches("<li><h3 dir=\"auto\"><a href=\"/articles/").count();
    assert_eq!(links(&first.body), 10, "ten articles a page");
    assert!(first.body.contains(&format!(r#"href="{href}?page=2""#)), "{}", first.body);
    let second = get(&app, &format!("{href}?page=2")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(links(&second.body), 10);
    assert!(second.body.contains("الصفحة 2 من 3"), "{}", second.body);
    assert_eq!(get(&app, &format!("{href}?page=4")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("{href}?page=0")).await.status, StatusCode::BAD_REQUEST);
}
