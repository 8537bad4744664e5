//! `POST /api/ingest`, routed only when the server was started with `--token`.
//!
//! The body is either JSON lines of the export article shape (`Content-Type:
//! application/x-ndjson`, or any body whose first non-blank character is `{`) or raw text of one
//! article page (`text/plain`), which goes through the same pipeline as `mirsad ingest`.
//! The batch is one store transaction: the answer comes after it commits. On PostgreSQL it is
//! one database transaction ([`crate::Primary`]), and the served replica shows the articles
//! after its next sync.
//!
//! The token is checked before the body is read. The body is read whole within the request
//! timeout (each chunk within the body read timeout) and up to [`crate::INGEST_BODY_LIMIT`].

use crate::{json_response, AppState, BodyDeadline, Error};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use mirsad_ingest::document::{Document, Hints, Payload};
use mirsad_model::Article;
use subtle::ConstantTimeEq;

/// `Authorization: Bearer TOKEN`; the scheme name is case-insensitive (RFC 7235), the token is
/// compared in constant time (only its length can show).
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return false };
    let Some((scheme, given)) = value.trim_start().split_once([' ', '\t']) else { return false };
    scheme.eq_ignore_ascii_case("bearer") && bool::from(given.trim().as_bytes().ct_eq(token.as_bytes()))
}

/// Reads the whole body within `deadline`: 408 when the client is too slow (a stalled or
/// trickling body), 413 beyond the body limit.
async fn read_body(request: Request, deadline: std::time::Duration) -> Result<Bytes, Error> {
    let timed_out = || Error::new(StatusCode::REQUEST_TIMEOUT, "request body not received in time");
    match tokio::time::timeout(deadline, Bytes::from_request(request, &())).await {
        Err(_) => Err(timed_out()),
        Ok(Ok(body)) => Ok(body),
        Ok(Err(rejection)) => {
            // The body timeout of the server's layer surfaces as an error inside the rejection.
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&rejection);
            while let Some(e) = source {
                if e.is::<tower_http::timeout::TimeoutError>() {
                    return Err(timed_out());
                }
                source = e.source();
            }
            Err(Error::new(rejection.status(), rejection.body_text()))
        }
    }
}

fn parse_lines(text: &str) -> Result<Vec<Article>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // The path of the field that failed (`published.value: bad date …`), not only a column.
        let mut de = serde_json::Deserializer::from_str(line);
        let a: Article = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            Error::bad_request(format!("line {}: field {field}: {}", i + 1, e.into_inner()))
        })?;
        de.end().map_err(|e| Error::bad_request(format!("line {}: not one JSON record: {e}", i + 1)))?;
        crate::validate::article(&a)
            .map_err(|(field, why)| Error::bad_request(format!("line {}: field {field} {why}", i + 1)))?;
        out.push(a);
    }
    Ok(out)
}

fn parse_text(text: &str) -> Result<Vec<Article>, Error> {
    let source = format!("api:text:{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
    let doc = Document { source, url: None, payload: Payload::Text(text.to_string()), hints: Hints::default() };
    mirsad_ingest::process(doc).map_err(|e| Error::bad_request(format!("unreadable text: {e}")))
}

pub(crate) async fn ingest(
    State(state): State<AppState>,
    Extension(BodyDeadline(deadline)): Extension<BodyDeadline>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let r = async {
        let token = state.token().ok_or_else(|| Error::not_found("no write endpoint"))?;
        if !authorized(&headers, token) {
            return Err(Error::new(StatusCode::UNAUTHORIZED, "missing or wrong Authorization: Bearer token"));
        }
        let body = read_body(request, deadline).await?;
        let text = std::str::from_utf8(&body).map_err(|_| Error::bad_request("body is not UTF-8"))?;
        if text.trim().is_empty() {
            return Err(Error::bad_request("empty body"));
        }
        let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let jsonl = if ctype.starts_with("text/plain") {
            false
        } else if ctype.contains("json") {
            true
        } else {
            text.trim_start().starts_with('{')
        };
        let mut arts = if jsonl { parse_lines(text)? } else { parse_text(text)? };
        // As `mirsad ingest` does: an undated article gets the date its text allows.
        arts.iter_mut().for_each(mirsad_analyze::timex::date_if_undated);
        let ids: Vec<String> = arts.iter().map(|a| a.id.clone()).collect();
        let summary = if let Some(primary) = state.primary() {
            tokio::task::spawn_blocking(move || primary.put(&arts))
                .await
                .map_err(Error::internal)?
                .map_err(|e| Error::new(StatusCode::SERVICE_UNAVAILABLE, e))?
        } else {
            // The writer lock for this batch only, without waiting: a long `mirsad ingest`
            // holds it, and a request must not hang behind it (503, try again).
            state
                .with_writer(move |s| {
                    s.lock_writer(mirsad_store::Wait::No, || {})?;
                    let r = s.put_batch(&arts).and_then(|summary| {
                        if summary.new + summary.updated > 0 && s.has_analyzer() {
                            s.resolve_entities()?;
                        }
                        Ok(summary)
                    });
                    s.unlock_writer();
                    Ok(r?)
                })
                .await?
        };
        Ok(serde_json::json!({
            "new": summary.new,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "duplicates": summary.duplicates,
            "ids": ids,
        }))
    }
    .await;
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => {
            let unauthorized = e.status == StatusCode::UNAUTHORIZED;
            let mut resp = e.into_json();
            if unauthorized {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            }
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn bearer_token_must_match_exactly() {
        assert!(!authorized(&HeaderMap::new(), "s3cret"));
        assert!(authorized(&auth("Bearer s3cret"), "s3cret"));
        assert!(!authorized(&auth("Bearer s3cre"), "s3cret"));
        assert!(!authorized(&auth("Bearer s3cretX"), "s3cret"));
        assert!(!authorized(&auth("Bearer S3cret"), "s3cret"));
        assert!(!authorized(&auth("Basic s3cret"), "s3cret"));
        assert!(!authorized(&auth("Bearers3cret"), "s3cret"));
        assert!(!authorized(&auth("Bearer"), "s3cret"));
        assert!(!authorized(&auth("Bearer "), "s3cret"));
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        for v in ["bearer s3cret", "BEARER s3cret", "bEaReR s3cret", "Bearer  s3cret", "Bearer\ts3cret"] {
            assert!(authorized(&auth(v), "s3cret"), "{v:?}");
        }
    }
}
