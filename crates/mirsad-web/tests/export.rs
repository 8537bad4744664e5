//! Downloads of a search, a story and an entity's articles as CSV and JSON lines: headers, the
//! rows and their order, the CSV's byte order mark and formula guard, the bounds, the errors and
//! the links on the pages.

mod common;

use axum::http::StatusCode;
use common::*;
use mirsad_model::Article;
use serde_json::Value;

const BOM: &str = "\u{feff}";

/// The CSV of a download: the header and the rows, read back with the csv crate.
fn read_csv(a: &Answer) -> (Vec<String>, Vec<csv::StringRecord>) {
    let text = a.body.strip_prefix(BOM).unwrap_or_else(|| panic!("no byte order mark: {:?}", &a.body[..20]));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().collect::<Result<Vec<_>, _>>().expect("the CSV parses");
    (header, rows)
}

fn jsonl(a: &Answer) -> Vec<Value> {
    assert!(a.body.is_empty() || a.body.ends_with('\n'), "every line ends with a newline");
    a.body.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

fn header<'a>(a: &'a Answer, name: &str) -> &'a str {
    a.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn hit_ids(v: &Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

/// The fixture, the story fixture and an article whose every text field would be a formula.
fn fixture_all() -> Vec<Article> {
    let mut arts = fixture();
    arts.extend(story_fixture());
    let mut f = art("f1", "=HYPERLINK(\"http://evil.test\",\"انقر\")", "-2+3 عن المكتبة", "2024-03-20", "+صحيفة");
    f.keywords = vec!["@SUM(A1:A9)".into(), "ثقافة".into()];
    f.author = Some("\tكاتب".into());
    f.attribution = vec!["\r=1+1".into()];
    arts.push(f);
    arts
}

#[tokio::test]
async fn search_csv_has_the_hits_in_order_with_a_bom_and_a_fixed_header() {
    let (app, _d) = app_with(&fixture_all(), None);
    let q = enc("المكتبة");
    let api = get(&app, &format!("/api/search?q={q}&limit=100")).await.json();
    let r = get(&app, &format!("/api/search/export?q={q}&format=csv")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.content_type(), "text/csv; charset=utf-8");
    assert!(r.body.starts_with(BOM));
    let disp = header(&r, "content-disposition");
    assert!(disp.starts_with("attachment; filename=\"mirsad-search-") && disp.ends_with(".csv\""), "{disp}");
    assert!(disp.bytes().all(|b| b.is_ascii_graphic() || b == b' '), "{disp}");
    assert_eq!(header(&r, "x-mirsad-truncated"), "false");
    let (head, rows) = read_csv(&r);
    assert_eq!(
        head,
        [
            "rank",
            "score",
            "id",
            "url",
            "title",
            "outlet",
            "published",
            "story",
            "duplicate_of",
            "keywords",
            "attribution",
            "author"
        ]
    );
    assert_eq!(header(&r, "x-mirsad-rows"), rows.len().to_string());
    let ids: Vec<&str> = rows.iter().map(|r| &r[col(&head, "id")]).collect();
    assert_eq!(ids, hit_ids(&api), "the same hits in the same order as /api/search");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], (i + 1).to_string(), "rank");
        let score: f32 = row[1].parse().unwrap();
        assert!((score - api["hits"][i]["score"].as_f64().unwrap() as f32).abs() < 1e-4);
        // Arabic comes back as it was stored.
        let a = get(&app, &format!("/api/articles/{}", enc(&row[2]))).await.json();
        if row[2] != *"f1" {
            assert_eq!(row[col(&head, "title")], *a["title"].as_str().unwrap());
            assert_eq!(row[col(&head, "outlet")], *a["outlet"].as_str().unwrap());
            assert_eq!(row[col(&head, "keywords")], *"ثقافة");
            assert_eq!(row[col(&head, "attribution")], *"رويترز | كويت نيوز");
        }
        assert_eq!(row[col(&head, "published")], *a["published"]["value"].as_str().unwrap());
        assert_eq!(row[col(&head, "url")], *a["url"].as_str().unwrap());
    }
    // CRLF record ends (RFC 4180), as spreadsheets expect.
    assert!(r.body.contains("author\r\n"), "{:?}", &r.body[..200]);

    // body=1 adds the text as the last column, newlines and all.
    let r = get(&app, &format!("/api/search/export?q={q}&format=csv&body=1")).await;
    let (head2, rows2) = read_csv(&r);
    assert_eq!(head2.last().map(String::as_str), Some("body"));
    let a1 = rows2.iter().find(|r| &r[2] == "a1").expect("a1 is a hit");
    assert!(a1[head2.len() - 1].contains("\n\nوتضم المكتبة"), "{:?}", &a1[head2.len() - 1]);
    let r = get(&app, &format!("/api/search/export?q={q}&format=csv&body=yes")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["status"], 400);
}

#[tokio::test]
async fn csv_cells_that_would_be_formulas_are_defused() {
    let (app, _d) = app_with(&fixture_all(), None);
    let r = get(&app, "/api/search/export?outlet=%2B%D8%B5%D8%AD%D9%8A%D9%81%D8%A9&format=csv&body=1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (head, rows) = read_csv(&r);
    assert_eq!(rows.len(), 1, "only f1 has that outlet");
    let row = &rows[0];
    assert_eq!(row[col(&head, "id")], *"f1");
    assert_eq!(row[col(&head, "title")], *"'=HYPERLINK(\"http://evil.test\",\"انقر\")");
    assert_eq!(row[col(&head, "outlet")], *"'+صحيفة");
    assert_eq!(row[col(&head, "keywords")], *"'@SUM(A1:A9) | ثقافة");
    assert_eq!(row[col(&head, "author")], *"'\tكاتب");
    assert_eq!(row[col(&head, "attribution")], *"'\r=1+1");
    assert_eq!(row[col(&head, "body")], *"'-2+3 عن المكتبة");
    for cell in row.iter().skip(2) {
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
    }
    // JSON lines carry the record as stored: nothing to defuse there.
    let v = jsonl(&get(&app, "/api/search/export?outlet=%2B%D8%B5%D8%AD%D9%8A%D9%81%D8%A9").await);
    assert_eq!(v[0]["outlet"], "+صحيفة");
}

#[tokio::test]
async fn jsonl_lines_are_the_api_records() {
    let (app, _d) = app_with(&fixture_all(), None);
    let q = enc("المكتبة");
    // JSON lines is the default format.
    let r = get(&app, &format!("/api/search/export?q={q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.content_type(), "application/x-ndjson");
    let disp = header(&r, "content-disposition");
    assert!(disp.ends_with(".jsonl\""), "{disp}");
    let lines = jsonl(&r);
    let api = get(&app, &format!("/api/search?q={q}&limit=100")).await.json();
    assert_eq!(lines.len(), hit_ids(&api).len());
    for (i, mut line) in lines.into_iter().enumerate() {
        let m = line.as_object_mut().unwrap();
        assert_eq!(m.remove("rank"), Some(Value::from(i + 1)));
        assert!(m.remove("score").unwrap().is_f64());
        let id = m["id"].as_str().unwrap().to_string();
        assert_eq!(id, hit_ids(&api)[i]);
        assert_eq!(line, get(&app, &format!("/api/articles/{}", enc(&id))).await.json());
    }
    let r = get(&app, &format!("/api/search/export?q={q}&format=jsonl")).await;
    assert_eq!(r.content_type(), "application/x-ndjson");
}

#[tokio::test]
async fn search_filters_apply_as_in_the_api() {
    let (app, _d) = app_with(&fixture_all(), None);
    let q = enc("المكتبة");
    for filters in [
        format!("q={q}&from=2024-03-05"),
        format!("q={q}&to=2024-03-05"),
        format!("q={q}&outlet={}", enc("صحيفة باء")),
        format!("keyword={}", enc("ثقافة")),
        format!("q={q}&offset=1&limit=1"),
        format!("q={}&collapse=story", enc("جدة")),
        format!("q={q}&exact=1"),
    ] {
        let all = if filters.contains("limit=") { "" } else { "&limit=100" };
        let api = get(&app, &format!("/api/search?{filters}{all}")).await;
        assert_eq!(api.status, StatusCode::OK, "{filters}: {}", api.body);
        let r = get(&app, &format!("/api/search/export?{filters}&format=csv")).await;
        assert_eq!(r.status, StatusCode::OK, "{filters}: {}", r.body);
        let (_, rows) = read_csv(&r);
        let ids: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
        assert_eq!(ids, hit_ids(&api.json()), "{filters}");
        let lines = jsonl(&get(&app, &format!("/api/search/export?{filters}")).await);
        let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
        assert_eq!(ids, hit_ids(&api.json()), "{filters}");
    }
    // The story collapse keeps one of the two flood reports.
    let lines = jsonl(&get(&app, &format!("/api/search/export?q={}&collapse=story", enc("جدة"))).await);
    assert_eq!(lines.len(), 1, "{lines:?}");
    // The offset shifts the ranks.
    let lines = jsonl(&get(&app, &format!("/api/search/export?q={q}&offset=1")).await);
    assert_eq!(lines[0]["rank"], 2);
}

#[tokio::test]
async fn story_and_entity_downloads_list_their_articles() {
    let (app, _d) = app_with(&fixture_all(), None);
    let story = get(&app, "/api/stories?min_articles=2").await.json()["stories"][0].clone();
    let sid = story["id"].as_str().unwrap();
    let timeline: Vec<&str> =
        story["timeline"].as_array().unwrap().iter().map(|e| e["article"].as_str().unwrap()).collect();
    assert_eq!(timeline, ["s1", "s2"]);
    let r = get(&app, &format!("/api/stories/{}/export?format=csv", enc(sid))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(header(&r, "content-disposition").contains("filename=\"mirsad-story-"));
    let (head, rows) = read_csv(&r);
    assert_eq!(
        head,
        ["id", "url", "title", "outlet", "published", "story", "duplicate_of", "keywords", "attribution", "author"]
    );
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, timeline, "timeline order");
    assert!(rows.iter().all(|r| r[col(&head, "story")] == *sid));
    assert_eq!(rows[1][col(&head, "duplicate_of")], *"s1");
    let lines = jsonl(&get(&app, &format!("/api/stories/{}/export", enc(sid))).await);
    for l in &lines {
        assert!(l.get("rank").is_none() && l.get("score").is_none());
        assert_eq!(*l, get(&app, &format!("/api/articles/{}", l["id"].as_str().unwrap())).await.json());
    }

    // The entity named most: its download lists what its record lists (here all of them).
    let entities = get(&app, "/api/entities?limit=100").await.json();
    let e = entities["entities"].as_array().unwrap().iter().find(|e| e["article_count"].as_u64() >= Some(2)).cloned();
    let e = e.expect("an entity in two articles");
    let eid = e["id"].as_str().unwrap();
    let record = get(&app, &format!("/api/entities/{}", enc(eid))).await.json();
    let r = get(&app, &format!("/api/entities/{}/export?format=csv", enc(eid))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(header(&r, "content-disposition").contains("filename=\"mirsad-entity-"));
    let (_, rows) = read_csv(&r);
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, record["articles"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>());
    assert_eq!(rows.len() as u64, e["article_count"].as_u64().unwrap());
    assert_eq!(header(&r, "x-mirsad-truncated"), "false");
    let lines = jsonl(&get(&app, &format!("/api/entities/{}/export", enc(eid))).await);
    for l in &lines {
        assert_eq!(*l, get(&app, &format!("/api/articles/{}", l["id"].as_str().unwrap())).await.json());
    }
}

#[tokio::test]
async fn the_row_limit_cuts_and_says_so() {
    let (app, _d) = app_with(&fixture_all(), None);
    let q = enc("المكتبة");
    let r = get(&app, &format!("/api/search/export?q={q}&format=csv&limit=1")).await;
    assert_eq!(header(&r, "x-mirsad-truncated"), "true");
    assert_eq!(header(&r, "x-mirsad-rows"), "1");
    assert_eq!(read_csv(&r).1.len(), 1);
    let r = get(&app, &format!("/api/search/export?q={q}&limit=1")).await;
    assert_eq!(jsonl(&r).len(), 1);
    assert_eq!(header(&r, "x-mirsad-truncated"), "true");
    // The whole list is not cut.
    let r = get(&app, &format!("/api/search/export?q={q}")).await;
    assert_eq!(header(&r, "x-mirsad-truncated"), "false");
    assert_eq!(header(&r, "x-mirsad-rows"), jsonl(&r).len().to_string());

    let sid = get(&app, "/api/stories?min_articles=2").await.json()["stories"][0]["id"].as_str().unwrap().to_string();
    let r = get(&app, &format!("/api/stories/{}/export?limit=1", enc(&sid))).await;
    assert_eq!((header(&r, "x-mirsad-truncated"), jsonl(&r).len()), ("true", 1));
    let r = get(&app, &format!("/api/stories/{}/export?limit=2", enc(&sid))).await;
    assert_eq!((header(&r, "x-mirsad-truncated"), jsonl(&r).len()), ("false", 2));

    let entities = get(&app, "/api/entities?limit=1").await.json();
    let e = &entities["entities"][0];
    let n = e["article_count"].as_u64().unwrap() as usize;
    assert!(n >= 2, "{e}");
    let eid = enc(e["id"].as_str().unwrap());
    let r = get(&app, &format!("/api/entities/{eid}/export?limit={}", n - 1)).await;
    assert_eq!((header(&r, "x-mirsad-truncated"), jsonl(&r).len()), ("true", n - 1));
    let r = get(&app, &format!("/api/entities/{eid}/export?limit={n}")).await;
    assert_eq!((header(&r, "x-mirsad-truncated"), jsonl(&r).len()), ("false", n));

    // The limit is bounded by the cap.
    let cap = mirsad_web::export::MAX_EXPORT_ROWS;
    let r = get(&app, &format!("/api/search/export?q={q}&limit={cap}")).await;
    assert_eq!(r.status, StatusCode::OK);
    for uri in [
        format!("/api/search/export?q={q}&limit={}", cap + 1),
        format!("/api/search/export?q={q}&limit=0"),
        format!("/api/stories/{}/export?limit={}", enc(&sid), cap + 1),
        format!("/api/entities/{eid}/export?limit=-1"),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.json()["status"], 400, "{uri}");
    }
}

#[tokio::test]
async fn bad_requests_and_unknown_ids_are_json_errors() {
    let (app, _d) = app_with(&fixture_all(), None);
    let sid = get(&app, "/api/stories?limit=1").await.json()["stories"][0]["id"].as_str().unwrap().to_string();
    let eid = get(&app, "/api/entities?limit=1").await.json()["entities"][0]["id"].as_str().unwrap().to_string();
    let q = enc("المكتبة");
    for uri in [
        format!("/api/search/export?q={q}&format=xml"),
        format!("/api/search/export?q={q}&format=CSV"),
        format!("/api/stories/{}/export?format=xlsx", enc(&sid)),
        format!("/api/entities/{}/export?format=pdf", enc(&eid)),
        // The search's own checks: something to search for, real dates in order, known values.
        "/api/search/export".to_string(),
        "/api/search/export?format=csv".to_string(),
        format!("/api/search/export?q={q}&from=2024-02-30"),
        format!("/api/search/export?q={q}&from=2024-03-10&to=2024-03-01"),
        format!("/api/search/export?q={q}&collapse=outlet"),
        format!("/api/search/export?q={q}&exact=2"),
        format!("/api/search/export?q={q}&offset=10001"),
        // Past the parser's word limit.
        format!("/api/search/export?q={}", enc(&"كلمة ".repeat(100))),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.body);
        assert!(r.content_type().starts_with("application/json"), "{uri}");
        assert_eq!(r.json()["status"], 400, "{uri}");
        assert!(r.json()["error"].is_string(), "{uri}");
    }
    let r = get(&app, &format!("/api/search/export?q={q}&format=xml")).await;
    assert!(r.json()["error"].as_str().unwrap().contains("format"), "{}", r.body);
    for uri in ["/api/stories/no-such-story/export", "/api/entities/PER%3Anobody/export?format=csv"] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.body);
        assert_eq!(r.json()["status"], 404, "{uri}");
    }
    // A search with no hits is an empty download, not an error.
    let r = get(&app, &format!("/api/search/export?q={}&format=csv", enc("كلمةلاتوجد"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(read_csv(&r).1.len(), 0);
    let r = get(&app, &format!("/api/search/export?q={}", enc("كلمةلاتوجد"))).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, ""));
}

#[tokio::test]
async fn file_names_are_ascii_and_tell_downloads_apart() {
    let (app, _d) = app_with(&fixture_all(), None);
    let app = &app;
    let name = |q: String| async move {
        let r = get(app, &format!("/api/search/export?q={q}&format=csv")).await;
        header(&r, "content-disposition").to_string()
    };
    let a = name(enc("المكتبة")).await;
    let b = name(enc("القمح")).await;
    let c = name(enc("HYPERLINK \"evil\"")).await;
    assert_ne!(a, b, "two Arabic queries, two names");
    assert!(c.starts_with("attachment; filename=\"mirsad-search-hyperlink-evil-"), "{c}");
    for d in [a, b, c] {
        let file = d.trim_start_matches("attachment; filename=\"").trim_end_matches('"');
        assert!(file.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'), "{d}");
    }
}

#[tokio::test]
async fn pages_link_to_their_downloads() {
    let (app, _d) = app_with(&fixture_all(), None);
    let q = enc("المكتبة");
    let page = get(&app, &format!("/search?q={q}&outlet={}", enc("صحيفة ألف"))).await;
    assert_eq!(page.status, StatusCode::OK);
    let outlet = enc("صحيفة ألف");
    for f in ["csv", "jsonl"] {
        let href = format!("href=\"/api/search/export?q={q}&amp;outlet={outlet}&amp;format={f}\" download");
        assert!(page.body.contains(&href), "{href} in {}", page.body);
    }
    assert!(page.body.contains("تنزيل النتائج"));
    // The link answers with the same hits as the page.
    let r = get(&app, &format!("/api/search/export?q={q}&outlet={outlet}&format=csv")).await;
    assert_eq!(read_csv(&r).1.len(), 1);
    // No results form, no download line.
    assert!(!get(&app, "/search").await.body.contains("/api/search/export"));

    let sid = get(&app, "/api/stories?min_articles=2").await.json()["stories"][0]["id"].as_str().unwrap().to_string();
    let page = get(&app, &format!("/stories/{}", enc(&sid))).await;
    assert_eq!(page.status, StatusCode::OK);
    for f in ["csv", "jsonl"] {
        let href = format!("href=\"/api/stories/{}/export?format={f}\" download", enc(&sid));
        assert!(page.body.contains(&href), "{href}");
    }
    let eid = get(&app, "/api/entities?limit=1").await.json()["entities"][0]["id"].as_str().unwrap().to_string();
    let page = get(&app, &format!("/entities/{}", enc(&eid))).await;
    assert_eq!(page.status, StatusCode::OK);
    for f in ["csv", "jsonl"] {
        let href = format!("href=\"/api/entities/{}/export?format={f}\" download", enc(&eid));
        assert!(page.body.contains(&href), "{href}");
        // The link answers.
        let r = get(&app, &format!("/api/entities/{}/export?format={f}", enc(&eid))).await;
        assert_eq!(r.status, StatusCode::OK);
    }
}
