//! The crawl sources `mirsad watch` follows: `GET /api/sources` (JSON) and `/sources` (a page),
//! each endpoint with its last error, status, last success and next poll, so that a failing
//! source is seen, not silently dropped.

use crate::ui::{layout, render};
use crate::{AppState, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use mirsad_store::Source;

async fn list(state: &AppState) -> Result<Vec<Source>, Error> {
    match state.primary() {
        Some(primary) => tokio::task::spawn_blocking(move || primary.sources())
            .await
            .map_err(Error::internal)?
            .map_err(|e| Error::new(StatusCode::SERVICE_UNAVAILABLE, e)),
        None => state.with_store(|s| Ok(s.crawl_sources()?)).await,
    }
}

pub(crate) async fn api(State(state): State<AppState>) -> Response {
    match list(&state).await {
        Ok(v) => crate::json_response(StatusCode::OK, &v),
        Err(e) => e.into_json(),
    }
}

/// A Unix time in Arabic, relative when recent (as every date of the UI).
fn when(t: Option<i64>) -> maud::Markup {
    let value = t
        .filter(|&t| t > 0)
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .and_then(|d| mirsad_model::DateValue::parse(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).ok());
    match value {
        Some(d) => crate::dates::time(&d, chrono::Utc::now()),
        None => html! { "—" },
    }
}

pub(crate) async fn page(State(state): State<AppState>) -> Response {
    render(list(&state).await.map(|sources| {
        layout(
            "المصادر",
            None,
            html! {
                h1 { "المصادر" }
                @if sources.is_empty() {
                    p { "لا مصادر بعد. أضفها بالأمر " code dir="ltr" { "mirsad sources add URL" } " ثم شغّل " code dir="ltr" { "mirsad watch" } "." }
                }
                @for s in &sources {
                    section.source {
                        h2 { bdi dir="ltr" { (s.url) } }
                        ul.endpoints {
                            @for e in &s.endpoints {
                                li.failing[e.failures > 0] {
                                    p.endpoint {
                                        span.kind { (match e.kind.as_str() { "feed" => "موجز", "sitemap" => "خريطة موقع", _ => "صفحة" }) }
                                        " "
                                        bdi.url dir="ltr" { (e.url) }
                                    }
                                    dl.meta {
                                        div { dt { "الحالة" } dd {
                                            @if let Some(err) = &e.last_error {
                                                "فشل " (e.failures) " مرة متتالية: " bdi dir="ltr" { (err) }
                                            } @else if let Some(st) = e.last_status {
                                                "يعمل " bdi dir="ltr" { "HTTP " (st) }
                                            } @else {
                                                "لم يُستطلع بعد"
                                            }
                                        } }
                                        div { dt { "عناصر جديدة" } dd { (e.items) } }
                                        div { dt { "آخر نجاح" } dd { (when(e.last_success)) } }
                                        div { dt { "الاستطلاع التالي" } dd { (when(Some(e.next_poll))) } }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        )
    }))
}
