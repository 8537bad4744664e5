//! Entity pages (`/entities`, `/entities/{id}`) and the parts of article and story pages that
//! show what the analysis stage found: entity links, quotes and dated events.

use crate::api::{entities_page, get_entity, EntityParams};
use crate::ui::{article_href, layout, pager, pages_for, query_page, render, story_href};
use crate::{url_encode, AppState, Error, MAX_LIST_OFFSET, PAGE_SIZE};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};
use mirsad_model::{EntityType, Event, EventBasis, Quote};
use mirsad_store::EntitySummary;

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
                        time datetime=(e.date.start) { (e.date.start) }
                        @if let Some(end) = &e.date.end { " – " time datetime=(end) { (end) } }
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

pub(crate) async fn entities(
    State(state): State<AppState>,
    q: Result<Query<EntityParams>, QueryRejection>,
) -> Response {
    render(
        async {
            let p = q.map(|Query(p)| p).map_err(|e| Error::bad_request(e.body_text()))?;
            let kind = p.kind()?;
            let page = query_page("page", &p.page, MAX_LIST_OFFSET / PAGE_SIZE)?;
            let r = entities_page(&state, kind, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
            let pages = pages_for(r.total as usize);
            let type_qs = kind.map(|k| format!("type={}&", k.code())).unwrap_or_default();
            Ok(layout(
                "الأعلام",
                None,
                html! {
                    h1 { "الأعلام" }
                    nav.kinds aria-label="الأنواع" {
                        @for (k, label) in KINDS {
                            @if k == kind {
                                strong { (label) }
                            } @else {
                                a href={ "/entities" @if let Some(k) = k { "?type=" (k.code()) } } { (label) }
                            }
                        }
                    }
                    p.count { (r.total) " علَماً، الأكثر ذكراً أولاً" }
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
                    (pager(page, pages, |n| format!("/entities?{type_qs}page={n}")))
                },
            ))
        }
        .await,
    )
}

pub(crate) async fn entity(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    render(
        async {
            let Path(id) = id.map_err(|e| Error::bad_request(e.body_text()))?;
            let r = get_entity(&state, id).await?;
            // Names of the other entities in its events and of its quotes' speakers.
            let ids = unique_ids(
                r.timeline.iter().flat_map(|e| e.entities.iter().cloned()).chain(r.quotes.iter().filter_map(|q| q.speaker.clone())),
            );
            let names = crate::api::entity_names(&state, ids).await?;
            let articles = crate::api::article_titles(&state, r.entity.articles.clone()).await?;
            let e = &r.entity;
            Ok(layout(
                &e.name,
                None,
                html! {
                    article.entity {
                        h1 dir="auto" { (e.name) }
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
                        @if !r.stories.is_empty() {
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
                                                    " · آخرها " time datetime=(d) { (d.get(..10).unwrap_or(d)) }
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
                            } @else {
                                (events_list(&r.timeline, &names, true))
                            }
                        }
                        @if !r.quotes.is_empty() {
                            section.quotes {
                                h2 { "تصريحاته" }
                                (quotes_list(&r.quotes, &names, true))
                            }
                        }
                        section.entity-articles {
                            h2 { "أحدث المقالات" }
                            ol.articles {
                                @for (id, title) in &articles {
                                    li { h3 dir="auto" { a href=(article_href(id)) { (title.as_deref().unwrap_or("(بلا عنوان)")) } } }
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
