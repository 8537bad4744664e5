//! `POST /api/ingest` checks every field: a bad date (any shape, any digits) is a 400 that
//! names the line and the field, never a 500 or a record stored as given; a refused batch
//! leaves nothing behind, in the records or in the story statistics.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

fn post(body: String) -> Request<Body> {
    Request::post("/api/ingest")
        .header("content-type", "application/x-ndjson")
        .header("authorization", "Bearer s3cret")
        .body(Body::from(body))
        .unwrap()
}

fn record(id: &str, published: serde_json::Value) -> String {
    serde_json::json!({
        "id": id, "document": "api", "url": null, "segment": 0, "title": format!("عنوان {id}"),
        "body": format!("نص الخبر {id} عن افتتاح الميناء الجديد في المدينة الساحلية."),
        "published": published, "outlet": "صحيفة دال", "attribution": [], "keywords": [],
        "story": null, "duplicate_of": null
    })
    .to_string()
}

fn date(value: &str, precision: &str) -> serde_json::Value {
    serde_json::json!({"value": value, "precision": precision, "basis": "explicit"})
}

#[tokio::test]
async fn bad_dates_are_400_naming_the_field() {
    let (app, _d) = app_with(&fixture(), Some("s3cret"));
    let before = get(&app, "/api/articles?limit=100").await.json()["total"].clone();
    for bad in ["2024-01-0éT00:00", "abc", "", "2024-13-45", "99999-01-01", "2023-02-29"] {
        let r = send(&app, post(record("bad", date(bad, "day")))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}: {}", r.body);
        let msg = r.json()["error"].as_str().unwrap().to_string();
        assert!(msg.contains("line 1") && msg.contains("published.value"), "{bad:?}: {msg}");
    }
    // A precision finer than the value says.
    let r = send(&app, post(record("bad", date("2024-01", "minute")))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("published"), "{}", r.body);
    // Another field: an empty body.
    let mut rec: serde_json::Value = serde_json::from_str(&record("e", date("2024-01-05", "day"))).unwrap();
    rec["body"] = " ".into();
    let r = send(&app, post(rec.to_string())).await;
    assert!(r.json()["error"].as_str().unwrap().contains("field body"), "{}", r.body);
    // A good first line does not get stored when the second is bad: nothing of the batch.
    let batch = format!("{}\n{}", record("good1", date("2024-01-05", "day")), record("bad2", date("abc", "day")));
    let r = send(&app, post(batch)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].as_str().unwrap().contains("line 2"), "{}", r.body);
    assert_eq!(get(&app, "/api/articles?limit=100").await.json()["total"], before);
    assert_eq!(get(&app, "/api/articles/good1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn eastern_arabic_digits_are_read_and_stored_as_ascii() {
    let (app, _d) = app_with(&fixture(), Some("s3cret"));
    let r = send(&app, post(record("east", date("٢٠٢٤-٠١-٠٥", "day")))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = get(&app, "/api/articles/east").await.json();
    assert_eq!(a["published"]["value"], "2024-01-05");
}

#[tokio::test]
async fn story_statistics_count_only_what_was_stored() {
    let (app, _d) = app_with(&[], Some("s3cret"));
    for i in 0..5 {
        // A refused batch between accepted ones.
        let _ = send(&app, post(record(&format!("x{i}"), date("2024-02-30", "day")))).await;
        let r = send(&app, post(record(&format!("ok{i}"), date("2024-01-05", "day")))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let stories = get(&app, "/api/stories?limit=100").await.json();
    let sizes: usize =
        stories["stories"].as_array().unwrap().iter().map(|s| s["articles"].as_array().unwrap().len()).sum();
    assert_eq!(sizes, 5);
    assert_eq!(get(&app, "/api/articles?limit=100").await.json()["total"], 5);
}

#[tokio::test]
async fn a_busy_collection_is_503_not_a_hung_request() {
    let (app, dir) = app_with(&fixture(), Some("s3cret"));
    let mut other = mirsad_store::Store::open(dir.path()).unwrap();
    other.lock_writer(mirsad_store::Wait::No, || {}).unwrap();
    let r = send(&app, post(record("busy", date("2024-01-05", "day")))).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    other.unlock_writer();
    let r = send(&app, post(record("busy", date("2024-01-05", "day")))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The server released the lock after its batch: another writer can take it at once.
    other.lock_writer(mirsad_store::Wait::No, || {}).unwrap();
}

#[tokio::test]
async fn an_undated_article_gets_the_year_its_text_allows() {
    let (app, _d) = app_with(&fixture(), Some("s3cret"));
    let mut rec: serde_json::Value = serde_json::from_str(&record("undated", serde_json::Value::Null)).unwrap();
    rec["body"] = "وصل الرئيس إلى العاصمة للمرة الأولى منذ 24 عاما. وكانت زيارته الأخيرة في يوليو 2000.".into();
    let r = send(&app, post(rec.to_string())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = get(&app, "/api/articles/undated").await.json();
    assert_eq!(a["published"]["value"], "2024", "{a}");
    assert_eq!(a["published"]["basis"], "inferred");
}
