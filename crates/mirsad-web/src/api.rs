//! The JSON API under `/api`. Every error is `{"error": message, "status": code}`.

use crate::{
    json_response, parse_count, AppState, Error, SearchParams, MAX_LIMIT, MAX_LIST_OFFSET, MAX_SEARCH_OFFSET, PAGE_SIZE,
};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use mirsad_model::{Article, ArticleAnalysis, EntityType, Story};
use mirsad_store::{collapse_by_story, COLLAPSE_FACTOR};
use mirsad_store::{EntityRecord, EntitySummary, Hit, SearchResults};
use serde::{Deserialize, Serialize};

/// Largest `k` of the related endpoint.
pub const MAX_RELATED: usize = 50;
pub const DEFAULT_RELATED: usize = 5;
/// Largest `min_articles` of the stories list.
pub const MAX_MIN_ARTICLES: usize = 10_000;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    pub offset: Option<String>,
    pub limit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RelatedParams {
    pub k: Option<String>,
    pub collapse: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StoryParams {
    pub offset: Option<String>,
    pub limit: Option<String>,
    pub min_articles: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct EntityParams {
    pub offset: Option<String>,
    pub limit: Option<String>,
    /// `PER`, `LOC`, `ORG` or `MISC`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// UI only: 1-based page number instead of offset.
    pub page: Option<String>,
}

impl EntityParams {
    pub(crate) fn kind(&self) -> Result<Option<EntityType>, Error> {
        match crate::nonempty(&self.kind) {
            None => Ok(None),
            Some(k) => EntityType::from_code(k).map(Some).ok_or_else(|| {
                Error::bad_request(format!("type must be PER, LOC, ORG or MISC, got {k:?}"))
                    .ar("نوع العلَم واحد من PER أو LOC أو ORG أو MISC.")
            }),
        }
    }
}

/// `GET /api/entities`: entities in most articles first.
#[derive(Serialize)]
pub struct EntityPage {
    pub total: u64,
    pub entities: Vec<EntitySummary>,
}

/// `GET /api/stories`: a page of stories, most recently active first.
#[derive(Serialize)]
pub struct StoryPage {
    pub total: u64,
    pub stories: Vec<Story>,
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

pub(crate) fn query<T: Default>(q: Result<Query<T>, QueryRejection>) -> Result<T, Error> {
    q.map(|Query(t)| t).map_err(|e| Error::bad_request(format!("bad query string: {}", e.body_text())))
}

pub(crate) fn path_id(p: Result<Path<String>, PathRejection>) -> Result<String, Error> {
    p.map(|Path(id)| id).map_err(|e| Error::bad_request(format!("bad article id: {}", e.body_text())))
}

/// A page of stories; `min_articles` > 1 keeps only stories with at least that many articles.
pub(crate) async fn stories_page(
    state: &AppState,
    offset: usize,
    limit: usize,
    min_articles: usize,
) -> Result<StoryPage, Error> {
    state
        .with_store(move |s| {
            Ok(StoryPage {
                total: s.story_count_min(min_articles)?,
                stories: s.stories_min(min_articles, offset, limit)?,
            })
        })
        .await
}

pub(crate) async fn get_story(state: &AppState, id: String) -> Result<Story, Error> {
    state
        .with_store(move |s| match s.story(&id)? {
            Some(st) => Ok(st),
            None => Err(Error::not_found(format!("no story with id {id:?}")).ar("لا توجد قصة بهذا المعرّف.")),
        })
        .await
}

pub(crate) async fn entities_page(
    state: &AppState,
    kind: Option<EntityType>,
    offset: usize,
    limit: usize,
) -> Result<EntityPage, Error> {
    state
        .with_store(move |s| {
            Ok(EntityPage { total: s.entity_count(kind)?, entities: s.entities(kind, offset, limit)? })
        })
        .await
}

pub(crate) async fn get_entity(state: &AppState, id: String) -> Result<EntityRecord, Error> {
    state
        .with_store(move |s| match s.entity(&id)? {
            Some(e) => Ok(e),
            None => Err(Error::not_found(format!("no entity with id {id:?}")).ar("لا يوجد علَم بهذا المعرّف.")),
        })
        .await
}

/// Names of entities for links (unknown ids skipped).
pub(crate) async fn entity_names(state: &AppState, ids: Vec<String>) -> Result<Vec<EntitySummary>, Error> {
    state.with_store(move |s| Ok(s.entity_summaries(&ids)?)).await
}

/// `(id, title)` of stored articles, in the given order (gone ones skipped).
pub(crate) async fn article_titles(state: &AppState, ids: Vec<String>) -> Result<Vec<(String, Option<String>)>, Error> {
    state
        .with_store(move |s| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(a) = s.get(&id)? {
                    out.push((id, a.title));
                }
            }
            Ok(out)
        })
        .await
}

/// The stored analysis of an article; 404 when the article is unknown.
pub(crate) async fn get_analysis(state: &AppState, id: String) -> Result<ArticleAnalysis, Error> {
    state
        .with_store(move |s| {
            if s.get(&id)?.is_none() {
                return Err(Error::not_found(format!("no article with id {id:?}")).ar("لا توجد مقالة بهذا المعرّف."));
            }
            Ok(s.analysis(&id)?)
        })
        .await
}

/// Related articles; with `collapse`, at most one per story (more are fetched to fill `k`).
pub(crate) async fn get_related_collapsed(
    state: &AppState,
    id: String,
    k: usize,
    collapse: bool,
) -> Result<Vec<Hit>, Error> {
    if !collapse {
        return get_related(state, id, k).await;
    }
    let mut hits = collapse_by_story(get_related(state, id, k * COLLAPSE_FACTOR).await?);
    hits.truncate(k);
    Ok(hits)
}

/// A search page as the API, the search page and the feed answer it: with `collapse=story`
/// only the best-ranked hit of each story is kept, and up to `COLLAPSE_FACTOR` times the hits
/// needed are fetched from the store to fill the page. Then `total` is exact when every hit was
/// looked at, else it is the count before collapsing (an upper bound).
pub(crate) async fn search_page(
    state: &AppState,
    p: &SearchParams,
    limit: usize,
    offset: usize,
) -> Result<SearchResults, Error> {
    let q = p.to_query(limit, offset)?;
    let by_story = p.collapse_story()?;
    state
        .with_store(move |s| {
            s.refresh()?;
            Ok(if by_story { s.search_by_story(&q)? } else { s.search(&q)? })
        })
        .await
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
            None => Err(Error::not_found(format!("no article with id {id:?}")).ar("لا توجد مقالة بهذا المعرّف.")),
        })
        .await
}

pub(crate) async fn get_related(state: &AppState, id: String, k: usize) -> Result<Vec<Hit>, Error> {
    state
        .with_store(move |s| {
            s.refresh()?;
            match s.related(&id, k)? {
                Some(r) => Ok(r),
                None => Err(Error::not_found(format!("no article with id {id:?}")).ar("لا توجد مقالة بهذا المعرّف.")),
            }
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
            let collapse = crate::parse_collapse(&p.collapse)?;
            let related = get_related_collapsed(&state, id.clone(), k, collapse).await?;
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
            search_page(&state, &p, limit, offset).await
        }
        .await,
    )
}

pub(crate) async fn stories(State(state): State<AppState>, q: Result<Query<StoryParams>, QueryRejection>) -> Response {
    respond(
        async {
            let p = query(q)?;
            let offset = parse_count("offset", &p.offset, 0, 0, MAX_LIST_OFFSET)?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            let min = parse_count("min_articles", &p.min_articles, 1, 1, MAX_MIN_ARTICLES)?;
            stories_page(&state, offset, limit, min).await
        }
        .await,
    )
}

pub(crate) async fn story(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            get_story(&state, id).await
        }
        .await,
    )
}

pub(crate) async fn entities(
    State(state): State<AppState>,
    q: Result<Query<EntityParams>, QueryRejection>,
) -> Response {
    respond(
        async {
            let p = query(q)?;
            let offset = parse_count("offset", &p.offset, 0, 0, MAX_LIST_OFFSET)?;
            let limit = parse_count("limit", &p.limit, PAGE_SIZE, 1, MAX_LIMIT)?;
            entities_page(&state, p.kind()?, offset, limit).await
        }
        .await,
    )
}

pub(crate) async fn entity(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            get_entity(&state, id).await
        }
        .await,
    )
}

pub(crate) async fn analysis(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    respond(
        async {
            let id = path_id(id)?;
            get_analysis(&state, id).await
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
