//! `POST /api/ingest`, routed only when the server was started with `--token`.
//!
//! The body is either JSON lines of the export article shape (`Content-Type:
//! application/x-ndjson`, or any body whose first non-blank character is `{`) or raw text of one
//! article page (`text/plain`), which goes through the same pipeline as `mirsad ingest`.
//! The batch is one store transaction: the answer comes after it commits.

use crate::{json_response, AppState, Error};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use mirsad_ingest::document::{Document, Hints, Payload};
use mirsad_model::Article;

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return false };
    let Some(given) = given.strip_prefix("Bearer ") else { return false };
    // Compare without an early exit on the first differing byte.
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let r = async {
        let token = state.token().ok_or_else(|| Error::not_found("no write endpoint"))?;
        if !authorized(&headers, token) {
            return Err(Error {
                status: StatusCode::UNAUTHORIZED,
                message: "missing or wrong Authorization: Bearer token".into(),
            });
        }
        let body = body.map_err(|e| Error { status: e.status(), message: e.body_text() })?;
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
        let arts = if jsonl { parse_lines(text)? } else { parse_text(text)? };
        let ids: Vec<String> = arts.iter().map(|a| a.id.clone()).collect();
        // The writer lock for this batch only, without waiting: a long `mirsad ingest` holds
        // it, and a request must not hang behind it (503, try again).
        let summary = state
            .with_writer(move |s| {
                s.lock_writer(mirsad_store::Wait::No, || {})?;
                let r = s.put_batch(&arts);
                s.unlock_writer();
                Ok(r?)
            })
            .await?;
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

    #[test]
    fn bearer_token_must_match_exactly() {
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(authorized(&h, "s3cret"));
        assert!(!authorized(&h, "s3cre"));
        h.insert(header::AUTHORIZATION, "Basic s3cret".parse().unwrap());
        assert!(!authorized(&h, "s3cret"));
    }
}
