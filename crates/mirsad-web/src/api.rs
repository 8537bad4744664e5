//! The JSON API under `/api`. Every error is `{"error": message, "status": code}`.

use crate::{
    json_response, parse_count, AppState, Error, SearchParams, MAX_LIMIT, MAX_LIST_OFFSET, MAX_SEARCH_OFFSET, PAGE_SIZE,
};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use mirsad_model::Article;
use mirsad_store::{Hit, SearchResults};
use serde::{Deserialize, Serialize};

/// Largest `k` of the related endpoint.
pub const MAX_RELATED: usize = 50;
pub const DEFAULT_RELATED: usize = 5;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    pub offset: Option<String>,
    pub limit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RelatedParams {
    pub k: Option<String>,
}

/// `GET /api/articles`: the latest page.
#[derive(Serialize)]
pub struct ArticlePage {
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
    pub articles: Vec<Article>,
}

#[derive(Serialize)]
pub struct Related {
    pub id: String,
    pub related: Vec<Hit>,
}

fn respond<T: Serialize>(r: Result<T, Error>) -> Response {
    match r {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => e.into_json(),
    }
}

fn query<T: Default>(q: Result<Query<T>, QueryRejection>) -> Result<T, Error> {
    q.map(|Query(t)| t).map_err(|e| Error::bad_request(format!("bad query string: {}", e.body_text())))
}

fn path_id(p: Result<Path<String>, PathRejection>) -> Result<String, Error> {
    p.map(|Path(id)| id).map_err(|e| Error::bad_request(format!("bad article id: {}", e.body_text())))
}

pub(crate) async fn latest_page(state: &AppState, offset: usize, limit: usize) -> Result<ArticlePage, Error> {
    state
        .with_store(move |s| {
            let total = s.count()?;
            let articles = s.latest(offset, limit)?;
            Ok(ArticlePage { total, offset, limit, articles })
        })
        .await
}

pub(crate) async fn get_article(state: &AppState, id: String) -> Result<Article, Error> {
    state
        .with_store(move |s| match s.get(&id)? {
            Some(a) => Ok(a),
            None => Err(Error::not_found(format!("no article with id {id:?}"))),
        })
        .await
}

pub(crate) async fn get_related(state: &AppState, id: String, k: usize) -> Result<Vec<Hit>, Error> {
    state
        .with_store(move |s| {
            s.refresh()?;
            match s.related(&id, k)? {
                Some(r) => Ok(r),
                None => Err(Error::not_found(format!("no article with id {id:?}"))),
            }
        })
        .await
}

pub(crate) async fn run_search(state: &AppState, q: mirsad_store::SearchQuery) -> Result<SearchResults, Error> {
    state
        .with_store(move |s| {
            s.refresh()?;
            Ok(s.search(&q)?)
        })
        .await
}

pub(crate) async fn articles(State(state): State<AppState>, q: Result<Query<PageParams>, QueryRejection>) -> Response {
    respond(
        async {
            let p = query(q)?;
            let offset = parse_count("offset", &p.offset, 0, 0, MAX_LIST_OFFSET)?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            latest_page(&state, offset, limit).await
        }
        .await,
    )
}

pub(crate) async fn article(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            get_article(&state, id).await
        }
        .await,
    )
}

pub(crate) async fn related(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    q: Result<Query<RelatedParams>, QueryRejection>,
) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            let p = query(q)?;
            let k = parse_count("k", &p.k, DEFAULT_RELATED, 1, MAX_RELATED)?;
            let related = get_related(&state, id.clone(), k).await?;
            Ok(Related { id, related })
        }
        .await,
    )
}

pub(crate) async fn search(State(state): State<AppState>, q: Result<Query<SearchParams>, QueryRejection>) -> Response {
    respond(
        async {
            let p = query(q)?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            let offset = parse_count("offset", &p.offset, 0, 0, MAX_SEARCH_OFFSET)?;
            let query = p.to_query(limit, offset)?;
            run_search(&state, query).await
        }
        .await,
    )
}

pub(crate) async fn openapi(State(state): State<AppState>) -> Response {
    json_response(StatusCode::OK, &crate::openapi::spec(state.token().is_some()))
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    Error::not_found(format!("no such endpoint: {}", uri.path())).into_json()
}
