//! `/sources` and `/api/sources`: the crawl sources with each endpoint's state, a failing one
//! shown with its error.

mod common;

use axum::http::StatusCode;
use common::*;
use mirsad_store::{Endpoint, Store};
use mirsad_web::{router, AppState};

fn endpoint(url: &str, source: &str, kind: &str) -> Endpoint {
    Endpoint { next_poll: 1_700_000_000, ..Endpoint::new(url, source, kind, 1800) }
}

#[tokio::test]
async fn sources_show_their_endpoints_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let site = "https://news.example.com/";
    let feed = endpoint("https://news.example.com/rss.xml", site, "feed");
    let sitemap = endpoint("https://news.example.com/sitemap.xml", site, "sitemap");
    store.crawl_add_source(site, 1_700_000_000, &[feed.clone(), sitemap]).unwrap();
    let failing = Endpoint {
        failures: 3,
        last_status: Some(500),
        last_error: Some("HTTP 500 <b>oops</b>".into()),
        last_poll: Some(1_700_000_100),
        ..feed
    };
    store.crawl_save_endpoint(&failing).unwrap();
    let app = router(AppState::new(store));

    let r = get(&app, "/api/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v[0]["url"], site);
    let eps = v[0]["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 2);
    let f = eps.iter().find(|e| e["kind"] == "feed").unwrap();
    assert_eq!(f["failures"], 3);
    assert_eq!(f["last_status"], 500);

    let r = get(&app, "/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("https://news.example.com/sitemap.xml"), "{}", r.body);
    assert!(r.body.contains("فشل 3 مرة متتالية"), "{}", r.body);
    assert!(r.body.contains("لم يُستطلع بعد"), "the sitemap was never polled: {}", r.body);
    assert!(r.body.contains("&lt;b&gt;oops") && !r.body.contains("<b>oops"), "errors are escaped");
}

#[tokio::test]
async fn no_sources_says_how_to_add_one() {
    let (app, _d) = app();
    let r = get(&app, "/sources").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("mirsad sources add"), "{}", r.body);
    assert_eq!(get(&app, "/api/sources").await.json(), serde_json::json!([]));
}
