//! The JSON API: shapes, paging, 4xx errors, the OpenAPI description, headers, ingest.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::Value;

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn latest_is_paged_with_total() {
    let (app, _d) = app();
    let r = get(&app, "/api/articles?limit=2").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    let v = r.json();
    assert_eq!(v["total"], 4);
    assert_eq!(v["offset"], 0);
    assert_eq!(v["limit"], 2);
    assert_eq!(ids(&v, "articles"), ["a4", "a3"]);
    // Articles are in the export shape.
    let a = &v["articles"][0];
    for k in ["id", "document", "url", "segment", "title", "body", "published", "outlet", "attribution", "keywords"] {
        assert!(a.get(k).is_some(), "missing {k}");
    }
    let v = get(&app, "/api/articles?offset=2&limit=2").await.json();
    assert_eq!(ids(&v, "articles"), ["a2", "a1"]);
    let v = get(&app, "/api/articles?offset=4").await.json();
    assert_eq!(v["total"], 4);
    assert!(v["articles"].as_array().unwrap().is_empty());
    // Defaults.
    let v = get(&app, "/api/articles").await.json();
    assert_eq!(v["limit"], 20);
    assert_eq!(v["articles"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn one_article_and_unknown_ids() {
    let (app, _d) = app();
    let v = get(&app, "/api/articles/a3").await.json();
    assert_eq!(v["id"], "a3");
    assert_eq!(v["title"], "أسعار القمح ترتفع");
    assert_eq!(v["published"]["value"], "2024-03-10");
    let r = get(&app, "/api/articles/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["status"], 404);
    assert!(r.json()["error"].as_str().unwrap().contains("nope"));
    let r = get(&app, "/api/articles/nope/related").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
}

#[tokio::test]
async fn search_has_the_cli_shape() {
    let (app, _d) = app();
    let r = get(&app, &format!("/api/search?q={}", enc("المكتبة"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["hits", "total"]);
    assert_eq!(v["total"], 2);
    let hit = &v["hits"][0];
    let mut keys: Vec<&String> = hit.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "outlet", "published", "score", "snippet", "story", "title"]);
    assert!(v["hits"].as_array().unwrap().iter().any(|h| h["snippet"].as_str().unwrap().contains("<b>")));
    // Paging.
    let v = get(&app, &format!("/api/search?q={}&limit=1&offset=1", enc("المكتبة"))).await.json();
    assert_eq!(v["total"], 2);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn search_filters() {
    let (app, _d) = app();
    let q = enc("المكتبة");
    let v = get(&app, &format!("/api/search?q={q}&from=2024-03-05")).await.json();
    assert_eq!(ids(&v, "hits"), ["a4"]);
    let v = get(&app, &format!("/api/search?q={q}&to=2024-03-01")).await.json();
    assert_eq!(ids(&v, "hits"), ["a1"]);
    let v = get(&app, &format!("/api/search?outlet={}", enc("صحيفة باء"))).await.json();
    let mut got = ids(&v, "hits");
    got.sort();
    assert_eq!(got, ["a2", "a4"]);
    let v = get(&app, &format!("/api/search?keyword={}&limit=10", enc("ثقافة"))).await.json();
    assert_eq!(v["total"], 4);
    // Empty form fields count as absent.
    let v = get(&app, &format!("/api/search?q={q}&from=&to=&outlet=&keyword=")).await.json();
    assert_eq!(v["total"], 2);
}

#[tokio::test]
async fn bad_parameters_are_clear_400s() {
    let (app, _d) = app();
    let q = enc("المكتبة");
    for uri in [
        format!("/api/search?q={q}&from=2024-13-01"),
        format!("/api/search?q={q}&to=yesterday"),
        format!("/api/search?q={q}&from=2024-03-10&to=2024-03-01"),
        format!("/api/search?q={q}&limit=0"),
        format!("/api/search?q={q}&limit=101"),
        format!("/api/search?q={q}&limit=ten"),
        format!("/api/search?q={q}&offset=-1"),
        format!("/api/search?q={q}&offset=10001"),
        "/api/search".to_string(),
        "/api/search?q=".to_string(),
        "/api/articles?limit=1000".to_string(),
        "/api/articles?offset=x".to_string(),
        "/api/articles/a1/related?k=0".to_string(),
        "/api/articles/a1/related?k=51".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.body);
        assert!(r.content_type().starts_with("application/json"), "{uri}");
        let v = r.json();
        assert_eq!(v["status"], 400);
        assert!(!v["error"].as_str().unwrap().is_empty(), "{uri}");
    }
    let r = get(&app, "/api/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["status"], 404);
}

#[tokio::test]
async fn related_articles() {
    let (app, _d) = app();
    let v = get(&app, "/api/articles/a1/related?k=2").await.json();
    assert_eq!(v["id"], "a1");
    let rel = ids(&v, "related");
    assert!(!rel.is_empty() && rel.len() <= 2, "{rel:?}");
    assert_eq!(rel[0], "a4", "the other library article is the most related");
    assert!(!rel.contains(&"a1".to_string()));
}

/// Every path in the OpenAPI description answers, the router serves no API path the
/// description lacks, and every integer bound it states is the one the server enforces.
#[tokio::test]
async fn openapi_matches_the_routes() {
    let mut arts = fixture();
    arts.extend(story_fixture());
    let (app, _d) = app_with(&arts, None);
    let story = get(&app, "/api/stories?limit=1").await.json()["stories"][0]["id"].as_str().unwrap().to_string();
    let entity = get(&app, "/api/entities?limit=1").await.json()["entities"][0]["id"].as_str().unwrap().to_string();
    let r = get(&app, "/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let spec = r.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "/api/articles",
            "/api/articles/{id}",
            "/api/articles/{id}/analysis",
            "/api/articles/{id}/related",
            "/api/entities",
            "/api/entities/{id}",
            "/api/entities/{id}/export",
            "/api/openapi.json",
            "/api/search",
            "/api/search/export",
            "/api/sources",
            "/api/stories",
            "/api/stories/{id}",
            "/api/stories/{id}/export"
        ],
        "the spec lists exactly the read routes of the router"
    );
    for (path, item) in paths {
        let ops = item.as_object().unwrap();
        assert_eq!(ops.keys().collect::<Vec<_>>(), ["get"], "{path}");
        let op = &item["get"];
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let sample = if path.starts_with("/api/stories/") {
            enc(&story)
        } else if path.starts_with("/api/entities/") {
            enc(&entity)
        } else {
            "a1".to_string()
        };
        let concrete = path.replace("{id}", &sample);
        // Required query parameters get a sample value (search needs q).
        let needs_q = params.iter().any(|p| p["name"] == "q");
        let base = if needs_q { format!("{concrete}?q={}", enc("المكتبة")) } else { concrete.clone() };
        let r = get(&app, &base).await;
        assert_eq!(r.status, StatusCode::OK, "{base}: {}", r.body);
        // Downloads answer JSON lines by default; everything else answers JSON.
        let json = if path.ends_with("/export") { "application/x-ndjson" } else { "application/json" };
        assert!(r.content_type().starts_with(json), "{base}");
        assert!(op["responses"]["200"].is_object(), "{path}");
        // Unknown id → 404, as documented.
        if path.contains("{id}") {
            let r = get(&app, &path.replace("{id}", "missing")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(op["responses"]["404"].is_object(), "{path} documents 404");
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        for p in params.iter().filter(|p| p["in"] == "query" && p["schema"]["type"] == "integer") {
            let name = p["name"].as_str().unwrap();
            let max = p["schema"]["maximum"].as_u64().unwrap();
            let min = p["schema"]["minimum"].as_u64().unwrap();
            let ok = get(&app, &format!("{base}{sep}{name}={max}")).await;
            assert_eq!(ok.status, StatusCode::OK, "{path} {name}={max}: {}", ok.body);
            let ok = get(&app, &format!("{base}{sep}{name}={min}")).await;
            assert_eq!(ok.status, StatusCode::OK, "{path} {name}={min}: {}", ok.body);
            let bad = get(&app, &format!("{base}{sep}{name}={}", max + 1)).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{path} {name}={}", max + 1);
            assert!(op["responses"]["400"].is_object(), "{path} documents 400");
        }
        for p in params.iter().filter(|p| p["schema"]["format"] == "date") {
            let name = p["name"].as_str().unwrap();
            let bad = get(&app, &format!("{base}{sep}{name}=2024-02-30")).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{path} {name}");
        }
    }
    // With a token the spec also describes the ingest endpoint.
    let (app, _d) = app_with(&fixture(), Some("t0ken"));
    let spec = get(&app, "/api/openapi.json").await.json();
    assert!(spec["paths"]["/api/ingest"]["post"].is_object());
}

#[tokio::test]
async fn security_headers_and_no_write_endpoint() {
    let (app, _d) = app();
    for uri in ["/", "/api/articles", "/atom", "/nothing"] {
        let r = get(&app, uri).await;
        let csp = r.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff", "{uri}");
    }
    let r = send(&app, Request::post("/api/ingest").body(Body::from("{}")).unwrap()).await;
    assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::METHOD_NOT_ALLOWED, "{}", r.status);
    let r = send(&app, Request::post("/api/articles").body(Body::from("{}")).unwrap()).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn ingest_needs_the_token() {
    let (app, _d) = app_with(&fixture(), Some("s3cret"));
    let mut new =
        art("n1", "خبر جديد عن القطارات", "بدأت القطارات الجديدة العمل اليوم في العاصمة.", "2024-04-01", "صحيفة جيم");
    new.url = None;
    let line = serde_json::to_string(&new).unwrap();
    let post = |auth: Option<&str>, ctype: &str, body: String| {
        let mut b = Request::post("/api/ingest").header("content-type", ctype);
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        b.body(Body::from(body)).unwrap()
    };
    let r = send(&app, post(None, "application/x-ndjson", line.clone())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["status"], 401);
    let r = send(&app, post(Some("Bearer wrong"), "application/x-ndjson", line.clone())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(&app, post(Some("Bearer s3cret"), "application/x-ndjson", format!("{line}\n"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["new"], 1);
    assert_eq!(get(&app, "/api/articles/n1").await.json()["title"], "خبر جديد عن القطارات");
    let v = get(&app, &format!("/api/search?q={}", enc("القطارات"))).await.json();
    assert_eq!(ids(&v, "hits"), ["n1"], "ingested articles are searchable at once");
    // Idempotent.
    let r = send(&app, post(Some("Bearer s3cret"), "application/x-ndjson", line)).await;
    assert_eq!(r.json()["unchanged"], 1);
    // Raw text goes through the pipeline.
    let text =
        "وزارة النقل تعلن خطة الحافلات\n\nأعلنت وزارة النقل اليوم خطة جديدة لتشغيل الحافلات الكهربائية في المدن الكبرى، \
                وقال الوزير إن الخطة تبدأ الشهر المقبل وتشمل عشرين مدينة.";
    let r = send(&app, post(Some("Bearer s3cret"), "text/plain; charset=utf-8", text.to_string())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["ids"][0].as_str().unwrap().to_string();
    let a = get(&app, &format!("/api/articles/{}", enc(&id))).await.json();
    assert!(a["body"].as_str().unwrap().contains("الحافلات"), "{a}");
    // Bad lines are a 400 naming the line.
    let r = send(&app, post(Some("Bearer s3cret"), "application/x-ndjson", "{\"id\": 1}".into())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].as_str().unwrap().contains("line 1"));
    // Bodies over the cap are refused.
    let big = "x".repeat(mirsad_web::INGEST_BODY_LIMIT + 1);
    let r = send(&app, post(Some("Bearer s3cret"), "text/plain", big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}
