//! Entity pages (`/entities`, `/entities/{id}`) and the parts of article and story pages that
//! show what the analysis stage found: entity links, quotes and dated events.

use crate::api::{entities_page, get_entity, EntityParams};
use crate::ui::{
    article_href, bad_path, bad_query, check_page, layout, pager, pages_for, pages_of, query_page, render, select,
    sizes, story_href, PageParams,
};
use crate::{charts, dates};
use crate::{url_encode, AppState, MAX_LIST_OFFSET, PAGE_SIZE};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};
use mirsad_model::{EntityType, Event, EventBasis, Quote};
use mirsad_store::{EntitySort, EntitySummary, NEIGHBOUR_SCAN};

/// Entities in the chart of those mentioned with an entity.
const NEIGHBOURS: usize = 10;

pub(crate) fn entity_href(id: &str) -> String {
    format!("/entities/{}", url_encode(id))
}

fn kind_label(k: EntityType) -> &'static str {
    match k {
        EntityType::PER => "شخص",
        EntityType::LOC => "مكان",
        EntityType::ORG => "منظمة",
        EntityType::MISC => "أخرى",
    }
}

const KINDS: [(Option<EntityType>, &str); 5] = [
    (None, "الكل"),
    (Some(EntityType::PER), "أشخاص"),
    (Some(EntityType::LOC), "أماكن"),
    (Some(EntityType::ORG), "منظمات"),
    (Some(EntityType::MISC), "أخرى"),
];

/// Entity names as links, each with its type.
pub(crate) fn entity_links(entities: &[EntitySummary]) -> Markup {
    html! {
        ul.tags.entities {
            @for e in entities {
                li { a href=(entity_href(&e.id)) dir="auto" title=(kind_label(e.kind)) { (e.name) } }
            }
        }
    }
}

/// Entity ids in order of first appearance, each once (the ids whose names a page needs).
pub(crate) fn unique_ids(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|id| seen.insert(id.clone())).collect()
}

/// The name of an entity id when the list knows it.
fn name_of<'a>(names: &'a [EntitySummary], id: &str) -> Option<&'a EntitySummary> {
    names.iter().find(|e| e.id == id)
}

fn basis_label(b: EventBasis) -> &'static str {
    match b {
        EventBasis::Explicit => "",
        EventBasis::Relative => " (نسبةً إلى تاريخ النشر)",
        EventBasis::Inferred => " (السنة مستنتجة)",
    }
}

/// Dated events by event date; `with_article` links each to its article.
pub(crate) fn events_list(events: &[Event], names: &[EntitySummary], with_article: bool) -> Markup {
    html! {
        ol.articles.events {
            @for e in events {
                li {
                    p.meta {
                        (dates::time_full(&e.date.start))
                        @if let Some(end) = &e.date.end { " – " (dates::time_full(end)) }
                        (basis_label(e.date.basis))
                        " · «" span dir="auto" { (e.expression) } "»"
                        @if with_article {
                            " · " a href=(article_href(&e.article)) { "المقالة" }
                        }
                    }
                    p.sentence dir="auto" { (e.sentence) }
                    @let linked: Vec<&EntitySummary> = e.entities.iter().filter_map(|id| name_of(names, id)).collect();
                    @if !linked.is_empty() {
                        p.meta {
                            @for (i, n) in linked.iter().enumerate() {
                                @if i > 0 { "، " }
                                a href=(entity_href(&n.id)) dir="auto" { (n.name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Quotes with their speaker; `with_article` links each to its article.
pub(crate) fn quotes_list(quotes: &[Quote], names: &[EntitySummary], with_article: bool) -> Markup {
    html! {
        ul.quotes {
            @for q in quotes {
                li {
                    blockquote dir="auto" {
                        @if q.direct { "«" (q.text) "»" } @else { (q.text) }
                    }
                    p.meta {
                        @match (q.speaker.as_deref().and_then(|id| name_of(names, id)), &q.speaker_name) {
                            (Some(n), _) => { a href=(entity_href(&n.id)) dir="auto" { (n.name) } }
                            (None, Some(s)) => { span dir="auto" { (s) } }
                            (None, None) => { "قائل غير محدد" }
                        }
                        @if !q.direct { " (بتصرف)" }
                        @if with_article {
                            " · " a href=(article_href(&q.article)) { "المقالة" }
                        }
                    }
                }
            }
        }
    }
}

/// Sizes offered by the entity list's filter: (minimum articles, label).
const ENTITY_SIZES: [(usize, &str); 4] =
    [(1, "الكل"), (5, "5 مقالات فأكثر"), (20, "20 مقالة فأكثر"), (100, "100 مقالة فأكثر")];

pub(crate) async fn entities(
    State(state): State<AppState>,
    q: Result<Query<EntityParams>, QueryRejection>,
) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(bad_query)?;
            let filter = p.filter()?;
            let page = query_page(&p.page, MAX_LIST_OFFSET / PAGE_SIZE)?;
            let r = entities_page(&state, filter.clone(), (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
            let pages = pages_for(r.total as usize);
            check_page(page, pages)?;
            // The list's query without its type, and with it, for the type links and the pager.
            let mut rest = Vec::new();
            if filter.min_articles > 1 {
                rest.push(format!("min_articles={}", filter.min_articles));
            }
            if filter.sort == EntitySort::Name {
                rest.push("sort=name".to_string());
            }
            for (k, v) in [("from", &filter.from), ("to", &filter.to)] {
                if let Some(v) = v {
                    rest.push(format!("{k}={v}"));
                }
            }
            let days = |v: &Option<String>| v.clone().unwrap_or_default();
            let with_kind = |k: Option<EntityType>| {
                let mut parts: Vec<String> = k.map(|k| format!("type={}", k.code())).into_iter().collect();
                parts.extend(rest.iter().cloned());
                parts.join("&")
            };
            let qs = with_kind(filter.kind);
            let href = |q: String| if q.is_empty() { "/entities".to_string() } else { format!("/entities?{q}") };
            Ok(layout(
                "الأعلام",
                None,
                html! {
                    h1 { "الأعلام" }
                    nav.kinds aria-label="الأنواع" {
                        @for (k, label) in KINDS {
                            @if k == filter.kind {
                                a href=(href(with_kind(k))) aria-current="page" { strong { (label) } }
                            } @else {
                                a href=(href(with_kind(k))) { (label) }
                            }
                        }
                    }
                    form.search.list-filter action="/entities" method="get" aria-label="تصفية الأعلام" {
                        @if let Some(k) = filter.kind { input type="hidden" name="type" value=(k.code()); }
                        details.filters open[!rest.is_empty()] {
                        summary { "تصفية حسب الحجم والتاريخ، والترتيب" }
                        div.fields {
                            (select("الحجم", "min_articles", &sizes(&ENTITY_SIZES), &filter.min_articles.to_string()))
                            (select("الترتيب", "sort", &[("articles".into(), "الأكثر ذكراً"), ("name".into(), "حسب الاسم")], if filter.sort == EntitySort::Name { "name" } else { "articles" }))
                            label { "من تاريخ" input type="date" name="from" value=(days(&filter.from)); }
                            label { "إلى تاريخ" input type="date" name="to" value=(days(&filter.to)); }
                        }
                        button type="submit" { "اعرض" }
                        }
                    }
                    p.count {
                        (r.total) " علَماً"
                        @if filter.from.is_some() || filter.to.is_some() { " ذُكرت في مقالات الفترة المختارة (والعدد عدد مقالاتها)" }
                        "، "
                        (if filter.sort == EntitySort::Name { "حسب الاسم" } else { "الأكثر ذكراً أولاً" })
                    }
                    @if r.entities.is_empty() {
                        p { "لا توجد أعلام في هذه الصفحة." }
                    } @else {
                        ol.articles.entities {
                            @for e in &r.entities {
                                li {
                                    h2 dir="auto" { a href=(entity_href(&e.id)) { (e.name) } }
                                    p.meta { (kind_label(e.kind)) " · " (e.article_count) " مقالة" }
                                }
                            }
                        }
                    }
                    (pager(page, pages, |n| if qs.is_empty() { format!("/entities?page={n}") } else { format!("/entities?{qs}&page={n}") }))
                },
            ))
        }
        .await,
    )
}

/// Items of each list (events, quotes, articles) on one page of an entity.
const ENTITY_PAGE: usize = 10;

/// The `page`-th slice of `items`, [`ENTITY_PAGE`] long (empty past the end).
fn page_slice<T>(items: &[T], page: usize) -> &[T] {
    let start = ((page - 1) * ENTITY_PAGE).min(items.len());
    &items[start..(start + ENTITY_PAGE).min(items.len())]
}

pub(crate) async fn entity(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Response {
    render(
        async {
            let Path(id) = id.map_err(bad_path)?;
            let p = q.map(|Query(p)| p).map_err(bad_query)?;
            let page = query_page(&p.page, MAX_LIST_OFFSET / PAGE_SIZE)?;
            let r = get_entity(&state, id).await?;
            // The charts are on the first page only: the later pages continue the lists.
            let (days, near) = if page == 1 {
                let id = r.entity.id.clone();
                state
                    .with_store(move |s| {
                        Ok((s.entity_days(&id)?, s.entity_neighbours(&id, NEIGHBOUR_SCAN, NEIGHBOURS)?))
                    })
                    .await?
            } else {
                Default::default()
            };
            let mentions_chart = charts::entity_mentions(&days);
            let scanned = r.article_count.min(NEIGHBOUR_SCAN as u64);
            let near_chart = charts::entity_neighbours(&near, scanned, r.article_count, entity_href);
            // The events, quotes and articles are paged together, so the page stays short.
            let pages = [r.timeline.len(), r.quotes.len(), r.entity.articles.len()]
                .into_iter()
                .map(|n| pages_of(n, ENTITY_PAGE))
                .max()
                .unwrap_or(1);
            check_page(page, pages)?;
            let (timeline, quotes) = (page_slice(&r.timeline, page), page_slice(&r.quotes, page));
            // Names of the other entities in its events and of its quotes' speakers.
            let ids = unique_ids(
                timeline.iter().flat_map(|e| e.entities.iter().cloned()).chain(quotes.iter().filter_map(|q| q.speaker.clone())),
            );
            let names = crate::api::entity_names(&state, ids).await?;
            let articles = crate::api::article_titles(&state, page_slice(&r.entity.articles, page).to_vec()).await?;
            let e = &r.entity;
            let now = chrono::Utc::now();
            let here = entity_href(&e.id);
            Ok(layout(
                &e.name,
                None,
                html! {
                    article.entity {
                        h1 dir="auto" { (e.name) }
                        (crate::export::entity_links(&e.id))
                        dl.meta {
                            dt { "النوع" }
                            dd { a href={ "/entities?type=" (e.kind.code()) } { (kind_label(e.kind)) } }
                            dt { "عدد المقالات" }
                            dd { (r.article_count) }
                            dt { "صيغ الاسم" }
                            dd {
                                ul.tags {
                                    @for (i, v) in e.variants.iter().enumerate() {
                                        li {
                                            a href={ "/search?exact=1&q=" (url_encode(&format!("\"{v}\""))) } dir="auto" { (v) }
                                            @if let Some(n) = r.variant_counts.get(i) { " " span.n { "(" (n) ")" } }
                                        }
                                    }
                                }
                            }
                            dt { "المعرّف" }
                            dd.id dir="ltr" { (e.id) }
                        }
                        @if !mentions_chart.0.is_empty() || !near_chart.0.is_empty() {
                            section.entity-chart {
                                h2 { "حضوره في الأخبار" }
                                (mentions_chart)
                                (near_chart)
                            }
                        }
                        @if !r.stories.is_empty() && page == 1 {
                            section.entity-stories {
                                h2 { "القصص" }
                                ol.articles {
                                    @for s in &r.stories {
                                        li {
                                            h3 dir="auto" {
                                                a href=(story_href(&s.id)) {
                                                    @if s.title.trim().is_empty() { "(قصة بلا عنوان)" } @else { (s.title) }
                                                }
                                            }
                                            p.meta {
                                                (s.size) " مقالة، تذكره " (s.mentions)
                                                @if let Some(d) = &s.last_published {
                                                    " · آخرها " (dates::time_str(d, now))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        section.timeline {
                            h2 { "التسلسل الزمني للأحداث" }
                            @if r.timeline.is_empty() {
                                p { "لا أحداث مؤرخة تذكره." }
                            } @else if timeline.is_empty() {
                                p { "لا مزيد من الأحداث في هذه الصفحة." }
                            } @else {
                                (events_list(timeline, &names, true))
                            }
                        }
                        @if !quotes.is_empty() {
                            section.quotes {
                                h2 { "تصريحاته" }
                                (quotes_list(quotes, &names, true))
                            }
                        }
                        @if !articles.is_empty() {
                            section.entity-articles {
                                h2 { "أحدث المقالات" }
                                ol.articles {
                                    @for (id, title) in &articles {
                                        li { h3 dir="auto" { a href=(article_href(id)) { (title.as_deref().unwrap_or("(بلا عنوان)")) } } }
                                    }
                                }
                            }
                        }
                        (pager(page, pages, |n| format!("{here}?page={n}")))
                    }
                },
            ))
        }
        .await,
    )
}
