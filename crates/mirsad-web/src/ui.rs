//! The server-rendered web UI: right-to-left Arabic pages, no JavaScript.
//!
//! Pages are maud templates: every `(value)` is HTML-escaped in text and attribute position.
//! The only pre-escaped HTML is a search snippet, and it passes [`safe_snippet`] first.

use crate::api::{
    entity_names, get_analysis, get_article, get_related_collapsed, get_story, latest_page, search_page, stories_page,
};
use crate::entity_pages::{entity_links, events_list, quotes_list, unique_ids};
use crate::{nonempty, parse_count, safe_url, url_encode, AppState, Error, SearchParams, MAX_SEARCH_OFFSET, PAGE_SIZE};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use mirsad_model::{Article, Basis, DateValue, Published, Story};
use mirsad_store::{EntitySummary, Hit};
use serde::Deserialize;

const STYLE: &str = include_str!("style.css");

/// Related articles shown under an article.
const RELATED_ON_PAGE: usize = 5;
/// Entities named on a story page (its most mentioned).
const STORY_ENTITIES: usize = 15;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HomeParams {
    page: Option<String>,
}

fn page_response(status: StatusCode, m: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], m.into_string()).into_response()
}

pub(crate) fn error_page(e: Error) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "غير موجود",
        StatusCode::BAD_REQUEST => "طلب غير صالح",
        _ => "خطأ",
    };
    page_response(
        e.status,
        layout(
            title,
            None,
            html! {
                h1 { (title) }
                p.error dir="auto" { (e.message) }
                p { a href="/" { "العودة إلى الصفحة الرئيسية" } }
            },
        ),
    )
}

pub(crate) fn render(r: Result<Markup, Error>) -> Response {
    match r {
        Ok(m) => page_response(StatusCode::OK, m),
        Err(e) => error_page(e),
    }
}

/// The page frame: `lang="ar" dir="rtl"`, viewport for phones, one stylesheet, a search box.
pub(crate) fn layout(title: &str, feed: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ar" dir="rtl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " — مرصد" }
                link rel="stylesheet" href="/static/style.css";
                @if let Some(f) = feed {
                    link rel="alternate" type="application/atom+xml" title="Atom" href=(f);
                }
            }
            body {
                header.site {
                    a.brand href="/" { "مرصد" }
                    nav.site aria-label="الأقسام" {
                        a href="/" { "الأحدث" }
                        a href="/stories" { "القصص" }
                        a href="/entities" { "الأعلام" }
                        a href="/search" { "بحث متقدم" }
                    }
                    form.quick action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="ابحث في الأخبار" aria-label="بحث";
                        button type="submit" { "بحث" }
                    }
                }
                main { (body) }
                footer.site {
                    a href="/atom" { "موجز Atom" }
                    " · "
                    a href="/api/openapi.json" { "واجهة JSON" }
                }
            }
        }
    }
}

pub(crate) fn article_href(id: &str) -> String {
    format!("/articles/{}", url_encode(id))
}

pub(crate) fn story_href(id: &str) -> String {
    format!("/stories/{}", url_encode(id))
}

fn story_title(s: &Story) -> &str {
    if s.title.trim().is_empty() {
        "(قصة بلا عنوان)"
    } else {
        &s.title
    }
}

/// "from – to" of a story, one day when both are the same.
fn span_markup(first: &Option<DateValue>, last: &Option<DateValue>) -> Markup {
    html! {
        @match (first, last) {
            (Some(f), Some(l)) if f.day_or_coarser() == l.day_or_coarser() => {
                time datetime=(f.as_str()) { (f.day_or_coarser()) }
            }
            (Some(f), Some(l)) => {
                time datetime=(f.as_str()) { (f.day_or_coarser()) } " – " time datetime=(l.as_str()) { (l.day_or_coarser()) }
            }
            (Some(d), None) | (None, Some(d)) => { time datetime=(d.as_str()) { (d.day_or_coarser()) } }
            (None, None) => { "بلا تاريخ" }
        }
    }
}

fn outlet_links(outlets: &[String]) -> Markup {
    html! {
        @for (i, o) in outlets.iter().enumerate() {
            @if i > 0 { "، " }
            a href={ "/search?outlet=" (url_encode(o)) } dir="auto" { (o) }
        }
    }
}

fn keyword_tags(keywords: &[String]) -> Markup {
    html! {
        ul.tags {
            @for k in keywords {
                li { a href={ "/search?q=" (url_encode(k)) } dir="auto" { (k) } }
            }
        }
    }
}

fn date_markup(p: &Option<Published>) -> Markup {
    html! {
        @if let Some(p) = p {
            time datetime=(p.value.as_str()) { (p.day().unwrap_or(p.value.as_str())) }
            @if p.basis == Basis::Inferred { " (تقديري)" }
        }
    }
}

/// One line of metadata under a title: date · outlet.
fn meta_line(published: &Option<Published>, outlet: &Option<String>) -> Markup {
    if published.is_none() && outlet.is_none() {
        return html! {};
    }
    html! {
        p.meta {
            (date_markup(published))
            @if published.is_some() && outlet.is_some() { " · " }
            @if let Some(o) = outlet {
                a href={ "/search?outlet=" (url_encode(o)) } { (o) }
            }
        }
    }
}

fn article_item(a: &Article) -> Markup {
    html! {
        li {
            h2 dir="auto" { a href=(article_href(&a.id)) { (a.title.as_deref().unwrap_or("(بلا عنوان)")) } }
            (meta_line(&a.published, &a.outlet))
            p.lead dir="auto" { (lead(&a.body, 220)) }
        }
    }
}

fn hit_item(h: &Hit) -> Markup {
    html! {
        li {
            h2 dir="auto" { a href=(article_href(&h.id)) { (h.title.as_deref().unwrap_or("(بلا عنوان)")) } }
            (meta_line(&h.published, &h.outlet))
            p.snippet dir="auto" { (PreEscaped(safe_snippet(&h.snippet))) }
        }
    }
}

/// The first `n` characters of a text, cut at a word.
fn lead(text: &str, n: usize) -> String {
    let first = text.split("\n\n").next().unwrap_or("");
    if first.chars().count() <= n {
        return first.to_string();
    }
    let cut: String = first.chars().take(n).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > n / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

/// Previous/next links; `href(page)` builds the link of a 1-based page.
pub(crate) fn pager(page: usize, pages: usize, href: impl Fn(usize) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav.pager aria-label="الصفحات" {
                @if page > 1 { a rel="prev" href=(href(page - 1)) { "→ السابق" } }
                span { "الصفحة " (page) " من " (pages) }
                @if page < pages { a rel="next" href=(href(page + 1)) { "التالي ←" } }
            }
        }
    }
}

pub(crate) fn pages_for(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
}

pub(crate) fn query_page(name: &str, v: &Option<String>, max_page: usize) -> Result<usize, Error> {
    parse_count(name, v, 1, 1, max_page)
}

pub(crate) async fn home(State(state): State<AppState>, q: Result<Query<HomeParams>, QueryRejection>) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(|e| Error::bad_request(e.body_text()))?;
            let page = query_page("page", &p.page, crate::MAX_LIST_OFFSET / PAGE_SIZE)?;
            let r = latest_page(&state, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
            let pages = pages_for(r.total as usize);
            Ok(layout(
                "أحدث الأخبار",
                Some("/atom"),
                html! {
                    h1 { "أحدث الأخبار" }
                    p.count { (r.total) " مقالة في المجموعة" }
                    @if r.articles.is_empty() {
                        p { "لا توجد مقالات في هذه الصفحة." }
                    } @else {
                        ol.articles { @for a in &r.articles { (article_item(a)) } }
                    }
                    (pager(page, pages, |n| format!("/?page={n}")))
                },
            ))
        }
        .await,
    )
}

pub(crate) async fn article(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    render(
        async {
            let Path(id) = id.map_err(|e| Error::bad_request(e.body_text()))?;
            let a = get_article(&state, id.clone()).await?;
            let related = get_related_collapsed(&state, id, RELATED_ON_PAGE, true).await?;
            // The story's title and the original's title, for the links; gone ones are skipped.
            let story = match &a.story {
                Some(s) => get_story(&state, s.clone()).await.ok(),
                None => None,
            };
            let original = match &a.duplicate_of {
                Some(d) => get_article(&state, d.clone()).await.ok(),
                None => None,
            };
            let analysis = get_analysis(&state, a.id.clone()).await?;
            let ids = unique_ids(
                analysis
                    .mentions
                    .iter()
                    .map(|m| m.entity.clone())
                    .chain(analysis.quotes.iter().filter_map(|q| q.speaker.clone())),
            );
            let names = entity_names(&state, ids).await?;
            let title = a.title.clone().unwrap_or_else(|| "(بلا عنوان)".into());
            Ok(layout(
                &title,
                None,
                html! {
                    article.full {
                        h1 dir="auto" { (title) }
                        @if let Some(d) = &a.duplicate_of {
                            p.copy-note {
                                "هذه المقالة نسخة من "
                                a href=(article_href(d)) dir="auto" {
                                    (original.as_ref().and_then(|o| o.title.as_deref()).unwrap_or(d))
                                }
                                @if let Some(o) = original.as_ref().and_then(|o| o.outlet.as_deref()) {
                                    " (" (o) ")"
                                }
                                " التي نُشرت أولاً."
                            }
                        }
                        @if let Some(sid) = &a.story {
                            p.story-link {
                                "ضمن القصة: "
                                a href=(story_href(sid)) dir="auto" {
                                    (story.as_ref().map(story_title).unwrap_or("عرض القصة"))
                                }
                                @if let Some(s) = &story {
                                    " (" (s.articles.len()) " مقالة)"
                                }
                            }
                        }
                        dl.meta {
                            @if let Some(p) = &a.published {
                                dt { "التاريخ" }
                                dd { (date_markup(&Some(p.clone()))) }
                            }
                            @if let Some(o) = &a.outlet {
                                dt { "الموقع" }
                                dd { a href={ "/search?outlet=" (url_encode(o)) } { (o) } }
                            }
                            @if !a.attribution.is_empty() {
                                dt { "المصدر" }
                                dd.chain {
                                    @for (i, s) in a.attribution.iter().enumerate() {
                                        @if i > 0 { " ← " }
                                        span dir="auto" { (s) }
                                    }
                                }
                            }
                            @if let Some(au) = &a.author {
                                dt { "الكاتب" }
                                dd dir="auto" { (au) }
                            }
                            @if !a.keywords.is_empty() {
                                dt { "كلمات دلالية" }
                                dd {
                                    ul.tags {
                                        @for k in &a.keywords {
                                            li { a href={ "/search?keyword=" (url_encode(k)) } { (k) } }
                                        }
                                    }
                                }
                            }
                            @if let Some(u) = safe_url(&a.url) {
                                dt { "الرابط" }
                                dd.url { a href=(u) rel="nofollow noopener noreferrer" dir="ltr" { (u) } }
                            } @else if let Some(u) = &a.url {
                                dt { "الرابط" }
                                dd.url dir="ltr" { (u) }
                            }
                            dt { "المعرّف" }
                            dd.id dir="ltr" { (a.id) }
                        }
                        div.body dir="auto" {
                            @for para in a.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
                                p { (para) }
                            }
                        }
                    }
                    @if !names.is_empty() {
                        section.entities {
                            h2 { "الأعلام في المقالة" }
                            (entity_links(&names))
                        }
                    }
                    @if !analysis.quotes.is_empty() {
                        section.quotes {
                            h2 { "الاقتباسات" }
                            (quotes_list(&analysis.quotes, &names, false))
                        }
                    }
                    @if !analysis.events.is_empty() {
                        section.events {
                            h2 { "الأحداث المؤرخة" }
                            (events_list(&analysis.events, &names, false))
                        }
                    }
                    section.related {
                        h2 { "مقالات ذات صلة" }
                        @if related.is_empty() {
                            p { "لا توجد مقالات ذات صلة." }
                        } @else {
                            ol.articles {
                                @for h in &related {
                                    li {
                                        h3 dir="auto" { a href=(article_href(&h.id)) { (h.title.as_deref().unwrap_or("(بلا عنوان)")) } }
                                        (meta_line(&h.published, &h.outlet))
                                    }
                                }
                            }
                        }
                    }
                },
            ))
        }
        .await,
    )
}

/// The query string of a search, without paging.
pub(crate) fn search_qs(p: &SearchParams) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("q", &p.q),
        ("from", &p.from),
        ("to", &p.to),
        ("outlet", &p.outlet),
        ("keyword", &p.keyword),
        ("collapse", &p.collapse),
        ("exact", &p.exact),
    ] {
        if let Some(v) = nonempty(v) {
            parts.push(format!("{k}={}", url_encode(v)));
        }
    }
    parts.join("&")
}

pub(crate) async fn search(State(state): State<AppState>, q: Result<Query<SearchParams>, QueryRejection>) -> Response {
    let p = match q {
        Ok(Query(p)) => p,
        Err(e) => return error_page(Error::bad_request(e.body_text())),
    };
    let result = async {
        if p.is_empty() {
            return Ok(None);
        }
        let page = query_page("page", &p.page, MAX_SEARCH_OFFSET / PAGE_SIZE)?;
        Ok::<_, Error>(Some((page, search_page(&state, &p, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?)))
    }
    .await;
    let (status, results, message) = match result {
        Ok(r) => (StatusCode::OK, r, None),
        Err(e) if e.status == StatusCode::BAD_REQUEST => (e.status, None, Some(e.message)),
        Err(e) => return error_page(e),
    };
    let qs = search_qs(&p);
    let feed = format!("/search.atom?{qs}");
    let v = |x: &Option<String>| nonempty(x).unwrap_or("").to_string();
    let title = match nonempty(&p.q) {
        Some(q) => format!("بحث: {q}"),
        None => "بحث".to_string(),
    };
    page_response(
        status,
        layout(
            &title,
            results.is_some().then_some(feed.as_str()),
            html! {
                h1 { "بحث" }
                form.search action="/search" method="get" role="search" {
                    label { "الكلمات" input type="search" name="q" value=(v(&p.q)); }
                    label { "من تاريخ" input type="date" name="from" value=(v(&p.from)); }
                    label { "إلى تاريخ" input type="date" name="to" value=(v(&p.to)); }
                    label { "الموقع" input type="text" name="outlet" value=(v(&p.outlet)); }
                    label { "كلمة دلالية" input type="text" name="keyword" value=(v(&p.keyword)); }
                    label.check {
                        input type="checkbox" name="collapse" value="story" checked[nonempty(&p.collapse) == Some("story")];
                        "دمج حسب القصة"
                    }
                    button type="submit" { "ابحث" }
                }
                @if let Some(m) = &message {
                    p.error role="alert" dir="auto" { (m) }
                }
                @if let Some((page, r)) = &results {
                    p.count {
                        (r.total) " نتيجة"
                        " · " a href=(feed) { "موجز Atom لهذا البحث" }
                    }
                    @if !r.spellings.is_empty() {
                        p.note {
                            "بحثنا أيضاً عن الكتابات الأخرى للاسم: "
                            @for (i, sp) in r.spellings.iter().enumerate() {
                                @if i > 0 { "، " }
                                bdi { (sp) }
                            }
                            " · " a href=(format!("/search?{qs}&exact=1")) { "ابحث عن الكلمات كما كُتبت فقط" }
                        }
                    } @else if nonempty(&p.exact) == Some("1") {
                        p.note {
                            "بحث عن الكلمات كما كُتبت فقط · "
                            a href=(format!("/search?{}", search_qs(&SearchParams { exact: None, ..p.clone() }))) { "ابحث عن كل كتابات الاسم" }
                        }
                    }
                    @if r.hits.is_empty() {
                        p { "لا نتائج." }
                    } @else {
                        ol.articles { @for h in &r.hits { (hit_item(h)) } }
                    }
                    (pager(*page, pages_for(r.total).min(MAX_SEARCH_OFFSET / PAGE_SIZE), |n| format!("/search?{qs}&page={n}")))
                }
            },
        ),
    )
}

pub(crate) async fn stories(State(state): State<AppState>, q: Result<Query<HomeParams>, QueryRejection>) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(|e| Error::bad_request(e.body_text()))?;
            let page = query_page("page", &p.page, crate::MAX_LIST_OFFSET / PAGE_SIZE)?;
            let r = stories_page(&state, (page - 1) * PAGE_SIZE, PAGE_SIZE, 1).await?;
            let pages = pages_for(r.total as usize);
            Ok(layout(
                "القصص",
                None,
                html! {
                    h1 { "القصص" }
                    p.count { (r.total) " قصة، الأحدث نشاطاً أولاً" }
                    @if r.stories.is_empty() {
                        p { "لا توجد قصص في هذه الصفحة." }
                    } @else {
                        ol.articles.stories {
                            @for s in &r.stories {
                                li {
                                    h2 dir="auto" { a href=(story_href(&s.id)) { (story_title(s)) } }
                                    p.meta {
                                        (s.articles.len()) " مقالة · "
                                        (span_markup(&s.first_published, &s.last_published))
                                    }
                                    @if !s.outlets.is_empty() {
                                        p.meta { "المواقع: " (outlet_links(&s.outlets)) }
                                    }
                                    @if !s.keywords.is_empty() {
                                        (keyword_tags(&s.keywords))
                                    }
                                }
                            }
                        }
                    }
                    (pager(page, pages, |n| format!("/stories?page={n}")))
                },
            ))
        }
        .await,
    )
}

pub(crate) async fn story(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    render(
        async {
            let Path(id) = id.map_err(|e| Error::bad_request(e.body_text()))?;
            let s = get_story(&state, id).await?;
            let ids = unique_ids(
                s.entities.iter().take(STORY_ENTITIES).cloned().chain(s.events.iter().flat_map(|e| e.entities.iter().cloned())),
            );
            let names = entity_names(&state, ids).await?;
            let top: Vec<EntitySummary> =
                names.iter().filter(|n| s.entities.iter().take(STORY_ENTITIES).any(|e| *e == n.id)).cloned().collect();
            let title = story_title(&s).to_string();
            let entry = |id: &str| s.timeline.iter().find(|e| e.article == id);
            let entry_title = |id: &str| -> String {
                entry(id).and_then(|e| e.title.clone()).unwrap_or_else(|| id.to_string())
            };
            Ok(layout(
                &title,
                None,
                html! {
                    article.story {
                        h1 dir="auto" { (title) }
                        dl.meta {
                            dt { "الفترة" }
                            dd { (span_markup(&s.first_published, &s.last_published)) }
                            dt { "عدد المقالات" }
                            dd { (s.articles.len()) }
                            @if !s.outlets.is_empty() {
                                dt { "المواقع التي غطتها" }
                                dd { (outlet_links(&s.outlets)) }
                            }
                            @if !s.keywords.is_empty() {
                                dt { "كلمات بارزة" }
                                dd { (keyword_tags(&s.keywords)) }
                            }
                            @if !top.is_empty() {
                                dt { "الأعلام" }
                                dd { (entity_links(&top)) }
                            }
                            dt { "المعرّف" }
                            dd.id dir="ltr" { (s.id) }
                        }
                        @if !s.events.is_empty() {
                            section.timeline.events {
                                h2 { "الأحداث حسب تاريخ وقوعها" }
                                (events_list(&s.events, &names, true))
                            }
                        }
                        section.timeline {
                            h2 { "التسلسل الزمني للنشر" }
                            ol.articles.timeline {
                                @for e in &s.timeline {
                                    li {
                                        p.meta {
                                            @if let Some(p) = &e.published {
                                                time datetime=(p.as_str()) { (p.day_or_coarser()) }
                                            } @else {
                                                "بلا تاريخ"
                                            }
                                            @if let Some(o) = &e.outlet {
                                                " · "
                                                a href={ "/search?outlet=" (url_encode(o)) } dir="auto" { (o) }
                                            }
                                            @if let Some(d) = &e.duplicate_of {
                                                " · "
                                                a.copy href=(article_href(d)) title="نسخة من مقالة سابقة" { "نسخة" }
                                            }
                                        }
                                        h3 dir="auto" {
                                            a href=(article_href(&e.article)) {
                                                (e.title.as_deref().unwrap_or("(بلا عنوان)"))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if !s.copies.is_empty() {
                            section.copies {
                                h2 { "النصوص المنقولة" }
                                ul.copies {
                                    @for g in &s.copies {
                                        li {
                                            p {
                                                "نشرها أولاً: "
                                                a href=(article_href(&g.original)) dir="auto" { (entry_title(&g.original)) }
                                                @if let Some(o) = g.outlets.first() {
                                                    " (" span dir="auto" { (o) } ")"
                                                }
                                            }
                                            @if g.outlets.len() > 1 {
                                                p { "نقلت النص نفسه: " (outlet_links(&g.outlets[1..])) }
                                            }
                                            @if !g.copies.is_empty() {
                                                p.meta {
                                                    "النسخ: "
                                                    @for (i, c) in g.copies.iter().enumerate() {
                                                        @if i > 0 { "، " }
                                                        a href=(article_href(c)) dir="auto" { (entry_title(c)) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                },
            ))
        }
        .await,
    )
}

pub(crate) async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE)
        .into_response()
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    error_page(Error::not_found(format!("لا توجد صفحة {}", uri.path())))
}

/// Makes a store snippet safe to insert as HTML.
///
/// The store promises HTML-escaped text with only `<b>` and `</b>` inserted. This keeps exactly
/// that: `<b>`/`</b>` and character references (`&amp;`, `&#39;`, …) pass, every other `<`, `>`,
/// `&` and `"` is escaped, and unclosed `<b>` are closed. So even a snippet that broke the
/// contract cannot open a tag or an attribute.
pub fn safe_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut open = 0usize;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<b>") {
            out.push_str("<b>");
            open += 1;
            rest = &rest[3..];
            continue;
        }
        if rest.starts_with("</b>") {
            if open > 0 {
                out.push_str("</b>");
                open -= 1;
            }
            rest = &rest[4..];
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '&' => {
                let entity_len = rest[1..]
                    .char_indices()
                    .take(10)
                    .find(|&(_, ch)| !(ch.is_ascii_alphanumeric() || ch == '#'))
                    .filter(|&(i, ch)| ch == ';' && i > 0)
                    .map(|(i, _)| i);
                if let Some(i) = entity_len {
                    out.push_str(&rest[..i + 2]);
                    rest = &rest[i + 2..];
                    continue;
                }
                out.push_str("&amp;");
            }
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    for _ in 0..open {
        out.push_str("</b>");
    }
    out
}

/// A snippet as plain text (tags dropped, the store's character references decoded).
pub fn snippet_text(s: &str) -> String {
    s.replace("<b>", "")
        .replace("</b>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_keep_only_bold() {
        assert_eq!(safe_snippet("a <b>ب</b> &amp; &#39;c&#39;"), "a <b>ب</b> &amp; &#39;c&#39;");
        assert_eq!(safe_snippet("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(safe_snippet("<b onclick=x>y"), "&lt;b onclick=x&gt;y");
        assert_eq!(safe_snippet("<b>open"), "<b>open</b>");
        assert_eq!(safe_snippet("</b>x"), "x");
        assert_eq!(safe_snippet("AT&T &;"), "AT&amp;T &amp;;");
        assert_eq!(safe_snippet("\"q\""), "&quot;q&quot;");
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead("قصير", 10), "قصير");
        let l = lead("كلمة كلمة كلمة كلمة", 12);
        assert!(l.ends_with('…') && !l.contains("كلمة كلمة كلمة كلمة"), "{l}");
    }
}
