//! The server-rendered web UI: right-to-left Arabic pages, no JavaScript.
//!
//! Pages are maud templates: every `(value)` is HTML-escaped in text and attribute position.
//! The only pre-escaped HTML is a search snippet, and it passes [`safe_snippet`] first.

use crate::api::{
    entity_names, get_analysis, get_article, get_related_collapsed, get_story, search_page, story_briefs_page,
    StoryParams,
};
use crate::dates;
use crate::entity_pages::{entity_links, events_list, quotes_list, unique_ids};
use crate::outlets;
use crate::{nonempty, parse_count, safe_url, url_encode, AppState, Error, SearchParams, MAX_SEARCH_OFFSET, PAGE_SIZE};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use mirsad_model::{Article, Basis, DateValue, Event, EventDate, Published, Story, TimelineEntry};
use mirsad_store::{EntitySummary, Hit, StoryBrief, StorySort};
use serde::Deserialize;

const STYLE: &str = include_str!("style.css");

/// Related articles shown under an article.
const RELATED_ON_PAGE: usize = 5;
/// Entities named on a story page (its most mentioned).
const STORY_ENTITIES: usize = 15;
/// Events of a story shown before the rest (which stay behind a «details» element).
const KEY_EVENTS: usize = 5;

/// The query of a page that takes nothing but its page number.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    pub(crate) page: Option<String>,
}

fn page_response(status: StatusCode, m: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], m.into_string()).into_response()
}

/// An error as a page, all in Arabic (the English `message` is the API's).
pub(crate) fn error_page(e: Error) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "غير موجود",
        StatusCode::BAD_REQUEST => "طلب غير صالح",
        StatusCode::SERVICE_UNAVAILABLE => "الخدمة مشغولة",
        StatusCode::REQUEST_TIMEOUT => "انتهت مهلة الطلب",
        s if s.is_server_error() => "خطأ في الخادم",
        _ => "خطأ",
    };
    page_response(
        e.status,
        layout(
            title,
            None,
            html! {
                h1 { (title) }
                p.error dir="auto" { (e.arabic_message()) }
                p { a href="/" { "العودة إلى الصفحة الرئيسية" } " · " a href="/search" { "البحث" } }
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
                a.skip href="#main" { "انتقل إلى المحتوى" }
                header.site {
                    a.brand href="/" { "مرصد" }
                    nav.site aria-label="الأقسام" {
                        a href="/" { "الأحدث" }
                        a href="/stories" { "القصص" }
                        a href="/entities" { "الأعلام" }
                        a href="/sources" { "المصادر" }
                        a href="/search" { "بحث متقدم" }
                    }
                    form.quick action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="ابحث في الأخبار" aria-label="بحث";
                        button type="submit" { "بحث" }
                    }
                }
                main #main tabindex="-1" { (body) }
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

/// The days a story spans, compact («11–14 سبتمبر 2023»), one day when both are the same.
fn span_markup(first: &Option<DateValue>, last: &Option<DateValue>, now: DateTime<Utc>) -> Markup {
    match (first, last) {
        (Some(f), Some(l)) => dates::span(f, l, now),
        (Some(d), None) | (None, Some(d)) => dates::span(d, d, now),
        (None, None) => html! { "بلا تاريخ" },
    }
}

/// A link to an outlet's articles: its Arabic name shown, its id in the link.
pub(crate) fn outlet_link(id: &str) -> Markup {
    html! { a href={ "/search?outlet=" (url_encode(id)) } dir="auto" { (outlets::display(id)) } }
}

fn outlet_links(outlets: &[String]) -> Markup {
    html! {
        @for (i, o) in outlets.iter().enumerate() {
            @if i > 0 { "، " }
            (outlet_link(o))
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

fn date_markup(p: &Option<Published>, now: DateTime<Utc>) -> Markup {
    html! {
        @if let Some(p) = p {
            (dates::time(&p.value, now))
            @if p.basis == Basis::Inferred { " (تقديري)" }
        }
    }
}

/// One line of metadata under a title: date · outlet.
fn meta_line(published: &Option<Published>, outlet: &Option<String>, now: DateTime<Utc>) -> Markup {
    if published.is_none() && outlet.is_none() {
        return html! {};
    }
    html! {
        p.meta {
            (date_markup(published, now))
            @if published.is_some() && outlet.is_some() { " · " }
            @if let Some(o) = outlet {
                (outlet_link(o))
            }
        }
    }
}

/// One article in a list; its title a heading of `level` (2 under the page's title, 3 under
/// a section's), so headings stay in order.
fn article_item(a: &Article, now: DateTime<Utc>, level: u8) -> Markup {
    let title = html! { a href=(article_href(&a.id)) { (a.title.as_deref().unwrap_or("(بلا عنوان)")) } };
    html! {
        li {
            @if level == 3 { h3 dir="auto" { (title) } } @else { h2 dir="auto" { (title) } }
            (meta_line(&a.published, &a.outlet, now))
            p.lead dir="auto" { (lead(&a.body, 220)) }
        }
    }
}

fn hit_item(h: &Hit, now: DateTime<Utc>) -> Markup {
    html! {
        li {
            h2 dir="auto" { a href=(article_href(&h.id)) { (h.title.as_deref().unwrap_or("(بلا عنوان)")) } }
            (meta_line(&h.published, &h.outlet, now))
            p.snippet dir="auto" { (PreEscaped(safe_snippet(&h.snippet))) }
        }
    }
}

/// Longest URL shown whole; a longer one loses its middle.
const URL_SHOWN: usize = 64;

/// A URL as a reader can read it: percent-escapes decoded when they spell UTF-8, except
/// those that would decode to spaces, controls or bidi formatting (which could disguise the
/// address); undecodable input is returned as it is.
pub(crate) fn readable_url(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(h), Some(l)) => {
                raw.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                raw.push(b);
                i += 1;
            }
        }
    }
    let Ok(decoded) = String::from_utf8(raw) else { return url.to_string() };
    let mut out = String::with_capacity(decoded.len());
    for c in decoded.chars() {
        if c.is_whitespace() || c.is_control() || is_bidi_format(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bidi_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// [`readable_url`] cut in the middle with «…» when longer than [`URL_SHOWN`] characters,
/// keeping the host and the end of the path.
pub(crate) fn short_url(url: &str) -> String {
    let r = readable_url(url);
    let n = r.chars().count();
    if n <= URL_SHOWN {
        return r;
    }
    let head = URL_SHOWN * 3 / 5;
    let tail = URL_SHOWN - head - 1;
    let start: String = r.chars().take(head).collect();
    let end: String = r.chars().skip(n - tail).collect();
    format!("{start}…{end}")
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

/// Pages numbered around this one (this many on each side) in a pager.
const PAGER_SPAN: usize = 2;

/// First, previous, the numbers around this page, next and last; `href(page)` builds the link
/// of a 1-based page.
pub(crate) fn pager(page: usize, pages: usize, href: impl Fn(usize) -> String) -> Markup {
    let from = page.saturating_sub(PAGER_SPAN).max(1);
    let to = (page + PAGER_SPAN).min(pages);
    html! {
        @if pages > 1 {
            nav.pager aria-label="الصفحات" {
                p.where { "الصفحة " (page) " من " (pages) }
                ol {
                    @if page > 1 {
                        li.end { a href=(href(1)) title="الصفحة الأولى" { "الأولى" } }
                        li.step { a rel="prev" href=(href(page - 1)) title="الصفحة السابقة" { "السابقة" } }
                    }
                    @if from > 1 { li.gap aria-hidden="true" { "…" } }
                    @for n in from..=to {
                        @if n == page {
                            li { span aria-current="page" { (n) } }
                        } @else {
                            li { a href=(href(n)) aria-label={ "الصفحة " (n) } { (n) } }
                        }
                    }
                    @if to < pages { li.gap aria-hidden="true" { "…" } }
                    // On a phone the numbers take one row and first/previous/next/last the next.
                    li.break aria-hidden="true" {}
                    @if page < pages {
                        li.step { a rel="next" href=(href(page + 1)) title="الصفحة التالية" { "التالية" } }
                        li.end { a href=(href(pages)) title="الصفحة الأخيرة" { "الأخيرة" } }
                    }
                }
            }
        }
    }
}

pub(crate) fn pages_for(total: usize) -> usize {
    pages_of(total, PAGE_SIZE)
}

/// Pages of `per_page` items that `total` items fill (one page when there are none).
pub(crate) fn pages_of(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

/// The `page` parameter of a page: absent is 1; not a whole number from 1 to `max_page` is a 400.
pub(crate) fn query_page(v: &Option<String>, max_page: usize) -> Result<usize, Error> {
    parse_count("page", v, 1, 1, max_page).map_err(|e| {
        let given: String = nonempty(v).unwrap_or("").chars().take(40).collect();
        e.ar(format!("رقم الصفحة يجب أن يكون عدداً صحيحاً من 1 إلى {max_page}، وليس «{given}»."))
    })
}

/// A query string axum could not read (a repeated or malformed parameter).
pub(crate) fn bad_query(e: QueryRejection) -> Error {
    Error::bad_request(e.body_text()).ar("في عنوان الصفحة معامل لا نفهمه؛ راجع الرابط.")
}

/// A path axum could not read (an id that is not valid text).
pub(crate) fn bad_path(e: PathRejection) -> Error {
    Error::bad_request(e.body_text()).ar("المعرّف في عنوان الصفحة غير صالح.")
}

/// A page past the last is a 404 (not an empty page claiming to be page 99999 of 727).
pub(crate) fn check_page(page: usize, pages: usize) -> Result<(), Error> {
    if page <= pages {
        return Ok(());
    }
    Err(Error::not_found(format!("page {page} is past the last page, {pages}"))
        .ar(format!("لا توجد الصفحة {page}؛ آخر صفحة هي {pages}.")))
}

/// The home page's query: the page of the latest list and the window of its top stories.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct HomeParams {
    page: Option<String>,
    /// `day` (the default) or `week`.
    window: Option<String>,
}

/// Top stories on the home page.
const HOME_STORIES: usize = 10;
/// Sections on the home page, and stories under each.
const HOME_SECTIONS: usize = 6;
const SECTION_STORIES: usize = 3;
/// Latest articles on each page of the home page.
const HOME_LATEST: usize = PAGE_SIZE;

/// The window of the home page's top stories: its length in hours and its preset's label.
fn home_window(v: &Option<String>) -> Result<(&'static str, i64, &'static str), Error> {
    match nonempty(v) {
        None | Some("day") => Ok(("day", 24, "آخر 24 ساعة")),
        Some("week") => Ok(("week", 24 * 7, "آخر أسبوع")),
        Some(s) => Err(Error::bad_request(format!("window must be day or week, got {s:?}"))
            .ar("الفترة إما آخر 24 ساعة (day) أو آخر أسبوع (week).")),
    }
}

/// What the home page shows: the stories most covered in the window, the latest articles.
struct Home {
    /// The end of the window: now, or the newest article when the collection is older.
    end: Option<String>,
    /// Articles per day over the last [`mirsad_store::VOLUME_DAYS`] days of the collection.
    volume: Vec<(chrono::NaiveDate, u64)>,
    top: Vec<StoryBrief>,
    /// The sections with most articles in the window, with their top stories.
    sections: Vec<mirsad_store::SectionStories>,
    latest: Vec<Article>,
    total: u64,
}

/// The start of a window of `hours` ending at `end` (a stored publication value), written
/// as stored values are, in `end`'s own offset, so that text comparison orders them.
fn window_start(end: &str, hours: i64) -> Option<String> {
    let d = DateValue::parse(end).ok()?;
    match d.datetime() {
        Some(t) => Some((t - chrono::Duration::hours(hours)).format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
        None => Some((d.date()? - chrono::Duration::hours(hours)).format("%Y-%m-%d").to_string()),
    }
}

pub(crate) async fn home(State(state): State<AppState>, q: Result<Query<HomeParams>, QueryRejection>) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(bad_query)?;
            let page = query_page(&p.page, crate::MAX_LIST_OFFSET / HOME_LATEST)?;
            let (window, hours, window_label) = home_window(&p.window)?;
            let now = Utc::now();
            let now_text = now.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
            let home = state
                .with_store(move |s| {
                    let total = s.count()?;
                    let latest = s.latest((page - 1) * HOME_LATEST, HOME_LATEST)?;
                    let (end, top, sections, volume) = if page == 1 {
                        let end = s.newest_published(&now_text)?;
                        let (top, sections) =
                            match end.as_deref().and_then(|e| window_start(e, hours).map(|f| (f, e))) {
                                Some((from, to)) => (
                                    s.top_stories(&from, to, 2, HOME_STORIES)?,
                                    s.top_stories_by_section(&from, to, 2, HOME_SECTIONS, SECTION_STORIES)?,
                                ),
                                None => (Vec::new(), Vec::new()),
                            };
                        (end, top, sections, s.daily_volume(mirsad_store::VOLUME_DAYS)?)
                    } else {
                        (None, Vec::new(), Vec::new(), Vec::new())
                    };
                    Ok(Home { end, top, sections, volume, latest, total })
                })
                .await?;
            let pages = pages_of(home.total as usize, HOME_LATEST);
            check_page(page, pages)?;
            // The window ends at the newest article when the collection's news is older than a day.
            let stale = home.end.as_deref().and_then(|e| DateValue::parse(e).ok()).filter(|e| now.timestamp() - e.timestamp() > 24 * 3600);
            let window_href = |w: &str| if w == "day" { "/".to_string() } else { format!("/?window={w}") };
            Ok(layout(
                "الأخبار الآن",
                Some("/atom"),
                html! {
                    h1 { "الأخبار الآن" }
                    @if page == 1 {
                        section.top-stories aria-labelledby="top-stories" {
                            h2 #top-stories { "أبرز القصص: " (window_label) }
                            nav.presets aria-label="الفترة" {
                                @for (w, label) in [("day", "آخر 24 ساعة"), ("week", "آخر أسبوع")] {
                                    @if w == window {
                                        a href=(window_href(w)) aria-current="page" { (label) }
                                    } @else {
                                        a href=(window_href(w)) { (label) }
                                    }
                                }
                                a href="/stories?sort=largest" { "كل القصص" }
                            }
                            @if let Some(e) = &stale {
                                p.note { "أحدث خبر في المجموعة نُشر " (dates::time(e, now)) "؛ الفترة تنتهي عنده." }
                            }
                            @if home.top.is_empty() {
                                p { "لا توجد في هذه الفترة قصة غطتها مقالتان أو أكثر."
                                    @if window == "day" { " " a href="/?window=week" { "اعرض أبرز قصص الأسبوع" } } }
                            } @else {
                                ol.articles.stories.top {
                                    @for b in &home.top {
                                        li {
                                            h3 dir="auto" { a href=(story_href(&b.id)) { (brief_title(b)) } }
                                            p.meta {
                                                (b.in_window) " مقالة من " (b.outlets_in_window) " " (if b.outlets_in_window == 1 { "موقع" } else { "مواقع" })
                                                @if b.size > b.in_window { " (" (b.size) " في القصة كلها)" }
                                                @if let Some(f) = b.first_published.as_deref() {
                                                    " · أول نشر " (dates::time_str(f, now))
                                                }
                                            }
                                            @if !b.outlets.is_empty() {
                                                p.meta { "المواقع: " (outlet_links(&b.outlets)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !home.sections.is_empty() {
                        section.sections aria-labelledby="by-section" {
                            h2 #by-section { "حسب القسم: " (window_label) }
                            div.section-grid {
                                @for sec in &home.sections {
                                    section.home-section {
                                        h3 dir="auto" { (crate::sections::display(&sec.section)) }
                                        p.meta { (sec.articles) " مقالة في هذه الفترة" }
                                        ul.section-stories {
                                            @for b in &sec.stories {
                                                li {
                                                    a href=(story_href(&b.id)) dir="auto" { (brief_title(b)) }
                                                    span.meta { " · " (b.in_window) " مقالة من " (b.outlets_in_window) " " (if b.outlets_in_window == 1 { "موقع" } else { "مواقع" }) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @let volume = crate::charts::daily_volume(&home.volume);
                    @if !volume.0.is_empty() {
                        section.volume aria-labelledby="volume" {
                            h2 #volume { "حجم النشر" }
                            (volume)
                        }
                    }
                    section.latest aria-labelledby="latest" {
                        h2 #latest { "أحدث المقالات" }
                        p.count { (home.total) " مقالة في المجموعة" }
                        @if home.latest.is_empty() {
                            p { "لا توجد مقالات في هذه الصفحة." }
                        } @else {
                            ol.articles.latest { @for a in &home.latest { (article_item(a, now, 3)) } }
                        }
                        (pager(page, pages, |n| format!("/?page={n}#latest")))
                    }
                },
            ))
        }
        .await,
    )
}

/// A stored date string as a value (`None` when absent or unreadable).
fn parse_date(s: &Option<String>) -> Option<DateValue> {
    s.as_deref().and_then(|s| DateValue::parse(s).ok())
}

fn brief_title(b: &StoryBrief) -> &str {
    if b.title.trim().is_empty() {
        "(قصة بلا عنوان)"
    } else {
        &b.title
    }
}

pub(crate) async fn article(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    render(
        async {
            let Path(id) = id.map_err(bad_path)?;
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
            let now = Utc::now();
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
                                    " (" bdi { (outlets::display(o)) } ")"
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
                                dd { (date_markup(&Some(p.clone()), now)) }
                            }
                            @if let Some(o) = &a.outlet {
                                dt { "الموقع" }
                                dd { (outlet_link(o)) }
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
                                @let (short, whole) = (short_url(u), readable_url(u));
                                dd.url {
                                    a href=(u) rel="nofollow noopener noreferrer" dir="ltr" title=[(short != whole).then_some(&whole)] {
                                        (short)
                                    }
                                }
                            } @else if let Some(u) = &a.url {
                                dt { "الرابط" }
                                dd.url dir="ltr" { (short_url(u)) }
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
                                        (meta_line(&h.published, &h.outlet, now))
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

/// Outlet names offered by the search form, the outlets with most articles first.
const MAX_OUTLET_NAMES: usize = 200;

/// `k=v&…` of the parameters given (empty ones left out), values percent-encoded.
fn query_string(params: &[(&str, &Option<String>)]) -> String {
    let given = params.iter().filter_map(|(k, v)| nonempty(v).map(|v| format!("{k}={}", url_encode(v))));
    given.collect::<Vec<_>>().join("&")
}

/// A labelled `<select>` of `(value, label)` options with `chosen` selected.
pub(crate) fn select(label: &str, name: &str, options: &[(String, &str)], chosen: &str) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == chosen] { (text) }
                }
            }
        }
    }
}

/// The query string of a search, without paging.
pub(crate) fn search_qs(p: &SearchParams) -> String {
    query_string(&[
        ("q", &p.q),
        ("from", &p.from),
        ("to", &p.to),
        ("outlet", &p.outlet),
        ("keyword", &p.keyword),
        ("collapse", &p.collapse),
        ("exact", &p.exact),
        ("sort", &p.sort),
    ])
}

/// Pages of search results a reader can open (the store pages no deeper than its offset cap).
fn search_pages(total: usize) -> usize {
    pages_for(total).min(MAX_SEARCH_OFFSET / PAGE_SIZE)
}

pub(crate) async fn search(State(state): State<AppState>, q: Result<Query<SearchParams>, QueryRejection>) -> Response {
    let p = match q {
        Ok(Query(p)) => p,
        Err(e) => return error_page(bad_query(e)),
    };
    let result = async {
        if p.is_empty() {
            return Ok(None);
        }
        let page = query_page(&p.page, MAX_SEARCH_OFFSET / PAGE_SIZE)?;
        let r = search_page(&state, &p, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
        let pages = search_pages(r.total);
        check_page(page, pages)?;
        Ok::<_, Error>(Some((page, pages, r)))
    }
    .await;
    let (status, results, message) = match result {
        Ok(r) => (StatusCode::OK, r, None),
        Err(e) if e.status == StatusCode::BAD_REQUEST => (e.status, None, Some(e.arabic_message())),
        Err(e) => return error_page(e),
    };
    let now = Utc::now();
    let qs = search_qs(&p);
    let feed = format!("/search.atom?{qs}");
    let v = |x: &Option<String>| nonempty(x).unwrap_or("").to_string();
    let filtered =
        [&p.from, &p.to, &p.outlet, &p.keyword, &p.collapse, &p.sort].into_iter().any(|x| nonempty(x).is_some());
    // The outlets' Arabic names, offered by the outlet field (which takes an id or a name).
    let outlet_names = match state.with_store(|s| Ok(s.outlets()?)).await {
        Ok(list) => {
            let mut names: Vec<String> = list.iter().map(|(id, _)| outlets::display(id)).collect();
            let mut seen = std::collections::HashSet::new();
            names.retain(|n| seen.insert(n.clone()));
            names.truncate(MAX_OUTLET_NAMES);
            names
        }
        Err(e) => return error_page(e),
    };
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
                    // Filters fold away once there are results, so a phone shows results, not a form.
                    details.filters open[results.is_none() || filtered] {
                        summary { "تصفية حسب التاريخ والموقع، والترتيب" }
                        div.fields {
                            label { "من تاريخ" input type="date" name="from" value=(v(&p.from)); }
                            label { "إلى تاريخ" input type="date" name="to" value=(v(&p.to)); }
                            label { "الموقع" input type="text" name="outlet" list="outlet-names" value=(v(&p.outlet)); }
                            datalist #outlet-names {
                                @for name in &outlet_names { option value=(name) {} }
                            }
                            (select("الترتيب", "sort", &[("relevance".into(), "الأقرب صلة"), ("newest".into(), "الأحدث"), ("oldest".into(), "الأقدم")], nonempty(&p.sort).unwrap_or("relevance")))
                            label { "كلمة دلالية" input type="text" name="keyword" value=(v(&p.keyword)); }
                            label.check {
                                input type="checkbox" name="collapse" value="story" checked[nonempty(&p.collapse) == Some("story")];
                                "دمج حسب القصة"
                            }
                        }
                    }
                    button type="submit" { "ابحث" }
                }
                @if let Some(m) = &message {
                    p.error role="alert" dir="auto" { (m) }
                }
                @if let Some((page, pages, r)) = &results {
                    p.count {
                        (r.total) " نتيجة"
                        " · " a href=(feed) { "موجز Atom لهذا البحث" }
                    }
                    (crate::export::search_links(&qs))
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
                        ol.articles { @for h in &r.hits { (hit_item(h, now)) } }
                    }
                    (pager(*page, *pages, |n| format!("/search?{qs}&page={n}")))
                }
            },
        ),
    )
}

/// The query string of a story list, without paging.
fn stories_qs(p: &StoryParams) -> String {
    query_string(&[
        ("min_articles", &p.min_articles),
        ("max_articles", &p.max_articles),
        ("from", &p.from),
        ("to", &p.to),
        ("sort", &p.sort),
        ("all", &p.all),
    ])
}

/// A size filter's options as `select` takes them.
pub(crate) fn sizes(sizes: &[(usize, &'static str)]) -> Vec<(String, &'static str)> {
    sizes.iter().map(|(n, l)| (n.to_string(), *l)).collect()
}

/// Sizes offered by the story list's filter: (minimum articles, label).
const STORY_SIZES: [(usize, &str); 4] =
    [(1, "كل القصص"), (2, "مقالتان فأكثر"), (5, "5 مقالات فأكثر"), (10, "10 مقالات فأكثر")];

pub(crate) async fn stories(State(state): State<AppState>, q: Result<Query<StoryParams>, QueryRejection>) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(bad_query)?;
            let page = query_page(&p.page, crate::MAX_LIST_OFFSET / PAGE_SIZE)?;
            // Stories several articles tell come first; single articles only when asked for.
            let filter = p.filter(2)?;
            let (total, briefs) = story_briefs_page(&state, filter.clone(), (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
            let pages = pages_for(total as usize);
            check_page(page, pages)?;
            let now = Utc::now();
            let qs = stories_qs(&p);
            let v = |x: &Option<String>| nonempty(x).unwrap_or("").to_string();
            let (order, sort_code) = match filter.sort {
                StorySort::Newest => ("الأحدث يوماً أولاً، والأكبر أولاً في اليوم نفسه", "newest"),
                StorySort::Largest => ("الأكثر مقالات أولاً", "largest"),
                StorySort::Oldest => ("الأقدم بدءاً أولاً", "oldest"),
            };
            Ok(layout(
                "القصص",
                None,
                html! {
                    h1 { "القصص" }
                    form.search.list-filter action="/stories" method="get" aria-label="تصفية القصص" {
                        details.filters open[!qs.is_empty()] {
                        summary { "تصفية حسب الحجم والتاريخ، والترتيب" }
                        div.fields {
                            (select("الحجم", "min_articles", &sizes(&STORY_SIZES), &filter.min_articles.to_string()))
                            (select("الترتيب", "sort", &[("newest".into(), "الأحدث"), ("largest".into(), "الأكثر تغطية"), ("oldest".into(), "الأقدم")], sort_code))
                            label { "من تاريخ" input type="date" name="from" value=(v(&p.from)); }
                            label { "إلى تاريخ" input type="date" name="to" value=(v(&p.to)); }
                        }
                        button type="submit" { "اعرض" }
                        }
                    }
                    p.count { (total) " قصة؛ " (order) }
                    @if briefs.is_empty() {
                        p { "لا توجد قصص بهذه الشروط في هذه الصفحة." }
                    } @else {
                        ol.articles.stories {
                            @for s in &briefs {
                                li {
                                    h2 dir="auto" { a href=(story_href(&s.id)) { (brief_title(s)) } }
                                    p.meta {
                                        (s.size) " مقالة من " (s.outlets.len()) " " (if s.outlets.len() == 1 { "موقع" } else { "مواقع" }) " · "
                                        (span_markup(&parse_date(&s.first_published), &parse_date(&s.last_published), now))
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
                    (pager(page, pages, |n| if qs.is_empty() { format!("/stories?page={n}") } else { format!("/stories?{qs}&page={n}") }))
                },
            ))
        }
        .await,
    )
}

pub(crate) async fn story(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Response {
    render(
        async {
            let Path(id) = id.map_err(bad_path)?;
            let p = q.map(|Query(p)| p).map_err(bad_query)?;
            let page = query_page(&p.page, crate::MAX_LIST_OFFSET / PAGE_SIZE)?;
            let s = get_story(&state, id).await?;
            let now = Utc::now();
            let (key_events, more_events) = key_events(&s.events, s.first_published.as_ref(), s.last_published.as_ref());
            let ids = unique_ids(
                s.entities
                    .iter()
                    .take(STORY_ENTITIES)
                    .cloned()
                    .chain(s.events.iter().flat_map(|e| e.entities.iter().cloned())),
            );
            let names = entity_names(&state, ids).await?;
            let top: Vec<EntitySummary> =
                names.iter().filter(|n| s.entities.iter().take(STORY_ENTITIES).any(|e| *e == n.id)).cloned().collect();
            let title = story_title(&s).to_string();
            // The lead: the article the title comes from; the first report: the earliest dated one.
            let lead_entry = s.timeline.iter().find(|e| e.title.as_deref() == Some(s.title.as_str()));
            let first = s.timeline.iter().find(|e| e.published.is_some());
            let copies_of = |id: &str| -> Vec<&TimelineEntry> {
                s.timeline.iter().filter(|e| e.duplicate_of.as_deref() == Some(id)).collect()
            };
            // Copies are folded under their original when it is in the story.
            let in_story = |id: &str| s.timeline.iter().any(|e| e.article == id);
            let originals: Vec<&TimelineEntry> =
                s.timeline.iter().filter(|e| e.duplicate_of.as_deref().is_none_or(|d| !in_story(d))).collect();
            // A big story's timeline is paged; the summary above it is on every page.
            let pages = pages_for(originals.len());
            check_page(page, pages)?;
            let shown = &originals[(page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(originals.len())];
            let story_path = story_href(&s.id);
            let by_outlet = by_outlet(&s.timeline);
            Ok(layout(
                &title,
                None,
                html! {
                    article.story {
                        h1 dir="auto" { (title) }
                        (crate::export::story_links(&s.id))
                        @if let Some(e) = lead_entry {
                            p.lead-article {
                                "الخبر الرئيسي: "
                                a href=(article_href(&e.article)) dir="auto" { (e.title.as_deref().unwrap_or("(بلا عنوان)")) }
                                (entry_source(e, now))
                            }
                        }
                        dl.meta {
                            dt { "الفترة" }
                            dd { (span_markup(&s.first_published, &s.last_published, now)) }
                            @if let Some(e) = first {
                                dt { "أول من نشر" }
                                dd { (entry_source_plain(e, now)) }
                            }
                            dt { "عدد المقالات" }
                            dd { (s.articles.len()) @if !s.copies.is_empty() { " (منها " (s.timeline.iter().filter(|e| e.duplicate_of.is_some()).count()) " نسخة منقولة)" } }
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
                        @if !by_outlet.is_empty() {
                            section.outlets {
                                h2 { "التغطية حسب الموقع" }
                                (crate::charts::story_volume(&s.timeline))
                                (crate::charts::story_outlets(&s.timeline))
                                ul.outlets {
                                    @for (o, entries) in &by_outlet {
                                        li {
                                            (outlet_link(o))
                                            " · " (entries.len()) " مقالة"
                                            @if let Some(p) = entries.iter().find_map(|e| e.published.as_ref()) {
                                                " · أول نشر " (dates::time(p, now))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if !key_events.is_empty() {
                            section.timeline.events {
                                h2 { "أبرز الأحداث حسب تاريخ وقوعها" }
                                (events_list(&key_events, &names, true))
                                @if !more_events.is_empty() {
                                    details.more-events {
                                        summary { "بقية الأحداث (" (more_events.len()) ")" }
                                        (events_list(&more_events, &names, true))
                                    }
                                }
                            }
                        }
                        section.timeline id="timeline" {
                            h2 { "التسلسل الزمني للنشر" }
                            ol.articles.timeline {
                                @for e in shown {
                                    li {
                                        p.meta {
                                            @if let Some(p) = &e.published {
                                                (dates::time(p, now))
                                            } @else {
                                                "بلا تاريخ"
                                            }
                                            @if let Some(o) = &e.outlet {
                                                " · "
                                                (outlet_link(o))
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
                                        @let copies = copies_of(&e.article);
                                        @let agency = s.copies.iter().find(|g| g.original == e.article).and_then(|g| g.agency.as_deref());
                                        @if !copies.is_empty() {
                                            p.meta.copies {
                                                @if let Some(ag) = agency {
                                                    "نص " span dir="auto" { (ag) } " نشرته أيضاً (لم تنقل إحداها عن الأخرى): "
                                                } @else {
                                                    "نقلته: "
                                                }
                                                @for (i, c) in copies.iter().enumerate() {
                                                    @if i > 0 { "، " }
                                                    a href=(article_href(&c.article)) dir="auto" {
                                                        (c.outlet.as_deref().map_or("موقع غير معروف".to_string(), outlets::display))
                                                    }
                                                    @if let Some(p) = &c.published {
                                                        " (" (dates::time(p, now)) ")"
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            (pager(page, pages, |n| format!("{story_path}?page={n}#timeline")))
                        }
                    }
                },
            ))
        }
        .await,
    )
}

/// Events shown before the rest of a story's: the dates most articles report (one event per
/// date, the one told first), at most [`KEY_EVENTS`], in date order; then the others. Among
/// dates reported equally often, those inside the story's own days come first: a background
/// date («منذ عام 2014») matters less than what happened this week.
fn key_events(events: &[Event], first: Option<&DateValue>, last: Option<&DateValue>) -> (Vec<Event>, Vec<Event>) {
    let span = (first.map(|d| d.day_or_coarser().to_string()), last.map(|d| d.day_or_coarser().to_string()));
    let inside = |d: &EventDate| match &span {
        (Some(f), Some(l)) => d.start.as_str() >= f.get(..d.start.len()).unwrap_or(f) && d.start.as_str() <= l.as_str(),
        _ => false,
    };
    let mut dates: Vec<(&EventDate, Vec<&str>, usize)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match dates.iter_mut().find(|d| *d.0 == e.date) {
            Some(d) => {
                if !d.1.contains(&e.article.as_str()) {
                    d.1.push(&e.article);
                }
            }
            None => dates.push((&e.date, vec![e.article.as_str()], i)),
        }
    }
    // Most reported first; ties to the earlier date.
    let mut ranked: Vec<usize> = (0..dates.len()).collect();
    ranked.sort_by(|&a, &b| {
        dates[b]
            .1
            .len()
            .cmp(&dates[a].1.len())
            .then(inside(dates[b].0).cmp(&inside(dates[a].0)))
            .then(dates[a].2.cmp(&dates[b].2))
    });
    let keep: Vec<usize> = ranked.iter().take(KEY_EVENTS).map(|&d| dates[d].2).collect();
    let (mut key, mut rest) = (Vec::new(), Vec::new());
    for (i, e) in events.iter().enumerate() {
        if keep.contains(&i) {
            key.push(e.clone());
        } else {
            rest.push(e.clone());
        }
    }
    (key, rest)
}

/// A story's articles by outlet, outlets in the order of their first article.
fn by_outlet(timeline: &[TimelineEntry]) -> Vec<(&str, Vec<&TimelineEntry>)> {
    let mut out: Vec<(&str, Vec<&TimelineEntry>)> = Vec::new();
    for e in timeline {
        let Some(o) = e.outlet.as_deref() else { continue };
        match out.iter_mut().find(|x| x.0 == o) {
            Some(x) => x.1.push(e),
            None => out.push((o, vec![e])),
        }
    }
    out
}

/// " (outlet، time)" after a linked title.
fn entry_source(e: &TimelineEntry, now: DateTime<Utc>) -> Markup {
    html! {
        @if e.outlet.is_some() || e.published.is_some() {
            " (" (entry_source_plain(e, now)) ")"
        }
    }
}

/// "outlet، time" of a timeline entry.
fn entry_source_plain(e: &TimelineEntry, now: DateTime<Utc>) -> Markup {
    html! {
        @if let Some(o) = &e.outlet { bdi { (outlets::display(o)) } }
        @if e.outlet.is_some() && e.published.is_some() { "، " }
        @if let Some(p) = &e.published { (dates::time(p, now)) }
    }
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
    fn urls_are_decoded_and_shortened() {
        let u = "https://x.test/%D8%AC%D8%B3%D8%B1-%D8%A7%D9%84%D9%88%D8%A7%D8%AD%D8%A9?a=1%202";
        assert_eq!(readable_url(u), "https://x.test/جسر-الواحة?a=1%202");
        // Not UTF-8, or a bidi override: left as it was.
        assert_eq!(readable_url("https://x.test/%FF%FE"), "https://x.test/%FF%FE");
        assert_eq!(readable_url("https://x.test/a%E2%80%AEb"), "https://x.test/a%E2%80%AEb");
        assert_eq!(readable_url("https://x.test/100%"), "https://x.test/100%");
        assert_eq!(short_url(u), readable_url(u), "short URLs stay whole");
        let long = format!("https://news.test/{}/end-of-path", "%D8%AC%D8%B3%D8%B1-".repeat(40));
        let s = short_url(&long);
        assert_eq!(s.chars().count(), URL_SHOWN, "{s}");
        assert!(s.starts_with("https://news.test/جسر-") && s.ends_with("/end-of-path") && s.contains('…'), "{s}");
    }

    #[test]
    fn pages_past_the_end_are_not_found() {
        assert!(check_page(3, 3).is_ok());
        let e = check_page(4, 3).expect_err("past the end");
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert!(e.arabic_message().contains("آخر صفحة هي 3"));
        for bad in ["0", "x", "-1", "1.5"] {
            let e = query_page(&Some(bad.into()), 10).expect_err(bad);
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.arabic_message().starts_with("رقم الصفحة"), "{}", e.arabic_message());
        }
        assert_eq!(query_page(&None, 10).ok(), Some(1));
        assert_eq!(pages_of(0, 20), 1);
        assert_eq!(pages_of(41, 20), 3);
    }

    #[test]
    fn pager_numbers_the_pages_around_this_one() {
        let m = pager(5, 9, |n| format!("/?page={n}")).into_string();
        for n in [1, 3, 4, 6, 7, 4, 9] {
            assert!(m.contains(&format!(r#"href="/?page={n}""#)), "{n}: {m}");
        }
        assert!(!m.contains(r#"href="/?page=2""#) && !m.contains(r#"href="/?page=8""#), "{m}");
        assert!(m.contains(r#"<span aria-current="page">5</span>"#), "{m}");
        assert!(m.contains(r#"rel="prev" href="/?page=4""#) && m.contains(r#"rel="next" href="/?page=6""#), "{m}");
        let first = pager(1, 9, |n| format!("/?page={n}")).into_string();
        assert!(!first.contains("rel=\"prev\"") && !first.contains("الأولى"), "{first}");
        assert!(pager(1, 1, |n| format!("/?page={n}")).into_string().is_empty());
    }

    #[test]
    fn lead_cuts_at_a_word() {
        assert_eq!(lead("قصير", 10), "قصير");
        let l = lead("كلمة كلمة كلمة كلمة", 12);
        assert!(l.ends_with('…') && !l.contains("كلمة كلمة كلمة كلمة"), "{l}");
    }
}
