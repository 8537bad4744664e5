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
use mirsad_store::{
    EntityFilter, EntityRecord, EntitySort, EntitySummary, Hit, SearchResults, StoryBrief, StoryFilter, StorySort,
};
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

/// A story list's parameters, as the API and the stories page take them.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct StoryParams {
    pub offset: Option<String>,
    pub limit: Option<String>,
    pub min_articles: Option<String>,
    pub max_articles: Option<String>,
    /// Stories still told on or after this day.
    pub from: Option<String>,
    /// Stories begun on or before this day.
    pub to: Option<String>,
    /// `newest` (the default), `largest` or `oldest`.
    pub sort: Option<String>,
    /// UI only: 1-based page number instead of offset.
    pub page: Option<String>,
    /// UI only, kept for old links: `1` is `min_articles=1`.
    pub all: Option<String>,
}

impl StoryParams {
    /// The filter these parameters ask for; `default_min` articles when no minimum is given.
    pub(crate) fn filter(&self, default_min: usize) -> Result<StoryFilter, Error> {
        let default_min = match crate::nonempty(&self.all) {
            None | Some("0") => default_min,
            Some("1") => 1,
            Some(_) => return Err(Error::bad_request("all must be 1 or 0").ar("المعامل all يقبل 0 أو 1.")),
        };
        let min_articles = parse_count("min_articles", &self.min_articles, default_min, 1, MAX_MIN_ARTICLES)?;
        let max_articles = match crate::nonempty(&self.max_articles) {
            None => None,
            Some(_) => Some(parse_count("max_articles", &self.max_articles, 0, 1, MAX_MIN_ARTICLES)?),
        };
        if max_articles.is_some_and(|m| m < min_articles) {
            return Err(Error::bad_request("max_articles is below min_articles")
                .ar("الحد الأعلى لعدد المقالات أقل من الحد الأدنى."));
        }
        let (from, to) = crate::parse_days(&self.from, &self.to)?;
        let sort = match crate::nonempty(&self.sort) {
            None | Some("newest") => StorySort::Newest,
            Some("largest") => StorySort::Largest,
            Some("oldest") => StorySort::Oldest,
            Some(s) => {
                return Err(Error::bad_request(format!("sort must be newest, largest or oldest, got {s:?}"))
                    .ar("ترتيب القصص إما الأحدث أو الأكبر أو الأقدم."))
            }
        };
        Ok(StoryFilter { min_articles, max_articles, from, to, sort })
    }
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
    /// Only entities mentioned in at least this many articles.
    pub min_articles: Option<String>,
    /// `articles` (the default: most mentioned first) or `name`.
    pub sort: Option<String>,
    /// Only articles published on or after this day count.
    pub from: Option<String>,
    /// Only articles published on or before this day count.
    pub to: Option<String>,
}

impl EntityParams {
    /// The filter these parameters ask for.
    pub(crate) fn filter(&self) -> Result<EntityFilter, Error> {
        let sort = match crate::nonempty(&self.sort) {
            None | Some("articles") => EntitySort::Articles,
            Some("name") => EntitySort::Name,
            Some(s) => {
                return Err(Error::bad_request(format!("sort must be articles or name, got {s:?}"))
                    .ar("ترتيب الأعلام إما حسب عدد المقالات أو حسب الاسم."))
            }
        };
        let (from, to) = crate::parse_days(&self.from, &self.to)?;
        Ok(EntityFilter {
            kind: self.kind()?,
            min_articles: parse_count("min_articles", &self.min_articles, 1, 1, MAX_MIN_ARTICLES)?,
            sort,
            from,
            to,
        })
    }

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

/// A page of the stories `filter` keeps, in its order.
pub(crate) async fn stories_page(
    state: &AppState,
    filter: StoryFilter,
    offset: usize,
    limit: usize,
) -> Result<StoryPage, Error> {
    state
        .with_store(move |s| {
            Ok(StoryPage {
                total: s.story_count_filtered(&filter)?,
                stories: s.stories_filtered(&filter, offset, limit)?,
            })
        })
        .await
}

/// A page of the stories `filter` keeps as lists show them: `(total, briefs)`.
pub(crate) async fn story_briefs_page(
    state: &AppState,
    filter: StoryFilter,
    offset: usize,
    limit: usize,
) -> Result<(u64, Vec<StoryBrief>), Error> {
    state.with_store(move |s| Ok((s.story_count_filtered(&filter)?, s.story_briefs(&filter, offset, limit)?))).await
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
    filter: EntityFilter,
    offset: usize,
    limit: usize,
) -> Result<EntityPage, Error> {
    state
        .with_store(move |s| {
            Ok(EntityPage {
                total: s.entity_count_filtered(&filter)?,
                entities: s.entities_filtered(&filter, offset, limit)?,
            })
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
    let mut q = p.to_query(limit, offset)?;
    let by_story = p.collapse_story()?;
    state
        .with_store(move |s| {
            s.refresh()?;
            crate::outlets::resolve_filter(s, &mut q)?;
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
            stories_page(&state, p.filter(1)?, offset, limit).await
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
            entities_page(&state, p.filter()?, offset, limit).await
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
