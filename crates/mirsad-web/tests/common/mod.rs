//! Fixtures shared by the web tests: a store in a temporary directory and request helpers that
//! drive the router without binding a port.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use mirsad_model::{Article, Basis, Precision, Published};
use mirsad_store::Store;
use mirsad_web::{router, AppState};
use tower::ServiceExt;

pub fn art(id: &str, title: &str, body: &str, day: &str, outlet: &str) -> Article {
    Article {
        id: id.into(),
        document: format!("{id}.txt"),
        url: Some(format!("https://news.example/{id}")),
        segment: 0,
        title: Some(title.into()),
        body: body.into(),
        published: Some(Published { value: day.parse().unwrap(), precision: Precision::Day, basis: Basis::Explicit }),
        outlet: Some(outlet.into()),
        attribution: vec!["رويترز".into(), "كويت نيوز".into()],
        keywords: vec!["ثقافة".into()],
        story: None,
        duplicate_of: None,
        author: None,
        language: Some("ar".into()),
        section: None,
    }
}

/// Id of the hostile article; it needs percent-encoding in a path.
pub const EVIL_ID: &str = "evil\"><svg onload=alert(7)>";

/// An article from a hostile page: markup and event handlers in every field.
pub fn evil() -> Article {
    let mut a = art(
        EVIL_ID,
        "<script>alert('t')</script> المكتبة الخبيثة <img src=x onerror=alert(1)>",
        "افتتحت المكتبة <script>alert(2)</script> في المدينة <img src=x onerror=alert(1)> \"اقتباس\" 'مفرد' & رمز.\n\n\
         فقرة ثانية عن المكتبة </textarea><b onmouseover=alert(3)>عريض</b>",
        "2024-03-15",
        "<b onmouseover=alert(3)>موقع</b>",
    );
    a.keywords = vec!["\"><script>alert(4)</script>".into()];
    a.attribution = vec!["<iframe src=javascript:alert(5)>".into()];
    a.url = Some("javascript:alert(6)".into());
    a.author = Some("<style>body{display:none}</style>".into());
    a
}

pub fn fixture() -> Vec<Article> {
    vec![
        art(
            "a1",
            "افتتاح المكتبة العامة الجديدة",
            "افتتحت البلدية المكتبة العامة الجديدة في المدينة أمس بحضور الوزير.\n\nوتضم المكتبة آلاف الكتب.",
            "2024-03-01",
            "صحيفة ألف",
        ),
        art(
            "a2",
            "المستشفى الجديد يستقبل المرضى",
            "بدأ مستشفى المدينة استقبال المرضى في المبنى الجديد، وقالت الإدارة إن المدرسة المجاورة ستغلق.",
            "2024-03-05",
            "صحيفة باء",
        ),
        art(
            "a3",
            "أسعار القمح ترتفع",
            "ارتفعت أسعار القمح في الأسواق للأسبوع الثالث وسط توقعات بتراجع المحصول.",
            "2024-03-10",
            "صحيفة ألف",
        ),
        art(
            "a4",
            "مكتبات المدن تمدد ساعات العمل",
            "قررت مكتبات المدن الكبرى تمديد ساعات العمل في المكتبة العامة خلال الصيف لاستقبال الطلاب.",
            "2024-03-12",
            "صحيفة باء",
        ),
    ]
}

/// A store over `arts` in a temporary directory (kept alive by the returned guard).
pub fn app_with(arts: &[Article], token: Option<&str>) -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let tagger = mirsad_analyze::Tagger::load().expect("the embedded model loads");
    store.set_analyzer(Box::new(move |a| mirsad_analyze::analyze_articles(&tagger, a)));
    store.put_batch(arts).unwrap();
    store.unlock_writer(); // as `mirsad serve` holds it: only while it writes a batch
    (router(AppState::with_token(store, token.map(str::to_string))), dir)
}

pub fn app() -> (Router, tempfile::TempDir) {
    app_with(&fixture(), None)
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body") }
}

pub async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// Percent-encodes a query value or path segment.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A news text carried twice (with a source line added) for the story fixtures.
pub const FLOOD: &str = "هطلت أمطار غزيرة على مدينة جدة صباح اليوم وأعلنت إدارة التعليم تعليق الدراسة في جميع \
     المدارس، فيما دعا الدفاع المدني السكان إلى البقاء في منازلهم وتجنب الأودية والسيول حتى تنتهي موجة الأمطار \
     المتوقعة خلال اليومين المقبلين.";

/// Two near-identical texts from two outlets on consecutive days (one story, s2 a copy of s1)
/// and an unrelated article.
pub fn story_fixture() -> Vec<Article> {
    vec![
        art("s1", "أمطار غزيرة على جدة", FLOOD, "2024-04-01", "صحيفة ألف"),
        art("s2", "تعليق الدراسة في جدة", &format!("{FLOOD} المصدر: واس"), "2024-04-02", "صحيفة باء"),
        art(
            "s3",
            "أسعار القمح ترتفع",
            "ارتفعت أسعار القمح في الأسواق للأسبوع الثالث وسط توقعات بتراجع المحصول وقلة الأمطار في المناطق الزراعية.",
            "2024-04-03",
            "صحيفة جيم",
        ),
    ]
}
