//! The OpenAPI 3 description of `/api`, written by hand. `tests/api.rs` checks that every path
//! in it answers and that the router serves no API path it lacks.

use crate::export::{CSV_COLUMNS, LIST_SEPARATOR, MAX_EXPORT_BYTES, MAX_EXPORT_ROWS};
use serde_json::{json, Value};

/// The OpenAPI document; `ingest` adds `POST /api/ingest` (served only with `--token`).
pub fn spec(ingest: bool) -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "Article id."});
    let limit = |default: usize, max: usize| {
        json!({"name": "limit", "in": "query", "required": false,
            "schema": {"type": "integer", "minimum": 1, "maximum": max, "default": default},
            "description": "Results per page."})
    };
    let offset = |max: usize| {
        json!({"name": "offset", "in": "query", "required": false,
            "schema": {"type": "integer", "minimum": 0, "maximum": max, "default": 0},
            "description": "Results to skip (paging)."})
    };
    let day = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "required": false,
            "schema": {"type": "string", "format": "date"}, "description": what})
    };
    let collapse = json!({"name": "collapse", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["story"]},
        "description": "story: keep only the best-ranked article of each story (more are fetched to fill the page)."});
    let story_id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "Story id."});
    let text = |name: &str, what: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": what});
    let ok =
        |schema: Value, what: &str| json!({"description": what, "content": {"application/json": {"schema": schema}}});
    // The search filters, shared by the search and its download (which checks them alike).
    let search_params = |limit: Value| {
        vec![
            text("q", "Words; \"quoted phrases\", AND/OR and -word work."),
            day("from", "Published on or after this day (YYYY-MM-DD)."),
            day("to", "Published on or before this day (YYYY-MM-DD)."),
            text("outlet", "Only this outlet: its id (as in an article's outlet field) or its name in Arabic or Latin letters («سكاي نيوز عربية», Sky News Arabia, skynews)."),
            text("keyword", "Only articles with this keyword (any spelling)."),
            limit,
            offset(crate::MAX_SEARCH_OFFSET),
            collapse.clone(),
            json!({"name": "sort", "in": "query", "required": false,
                "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"},
                "description": "Order of hits: best match first, or by publication date (hits then have score 0)."}),
            json!({"name": "exact", "in": "query", "required": false, "schema": {"type": "string", "enum": ["0", "1"]},
                "description": "1: the words as given only. Otherwise a query written as an entity's name also finds its other spellings (listed in spellings)."}),
        ]
    };
    // Downloads (see `crate::export`): the parameters and the answer they share.
    let rows = json!({"name": "limit", "in": "query", "required": false,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_EXPORT_ROWS, "default": MAX_EXPORT_ROWS},
        "description": "Most rows (articles) in the download."});
    let format = json!({"name": "format", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["csv", "jsonl"], "default": "jsonl"},
        "description": "jsonl: one article record per line (the Article schema; search rows add rank and score). \
            csv: UTF-8 with a byte order mark, CRLF line ends, a header row; cells that a spreadsheet \
            would read as a formula (starting with = + - @, tab or CR) get a leading '."});
    let body = json!({"name": "body", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
        "description": "CSV only: 1 adds the article text as a last column (JSON lines always carry it)."});
    let columns = format!(
        "CSV columns: {}{}; body with body=1. Lists are joined with \"{}\".",
        "rank, score (search only), ",
        CSV_COLUMNS.join(", "),
        LIST_SEPARATOR
    );
    let export_ok = |what: &str| {
        let header = |d: &str, t: &str| json!({"description": d, "schema": {"type": t}});
        json!({"description": format!("{what} {columns}"),
            "headers": {
                "Content-Disposition": header("attachment; filename=\"mirsad-….csv\" (or .jsonl), ASCII only.", "string"),
                "X-Mirsad-Truncated": header(&format!(
                    "true when rows were left out: past limit, past {MAX_EXPORT_ROWS} rows or past {MAX_EXPORT_BYTES} bytes."), "string"),
                "X-Mirsad-Rows": header("Rows in the download.", "integer")},
            "content": {
                "text/csv; charset=utf-8": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}}}})
    };
    let export_params = |first: Value| vec![first, format.clone(), body.clone(), rows.clone()];
    let mut search_export = search_params(rows.clone());
    search_export.extend([format.clone(), body.clone()]);
    let mut paths = json!({
        "/api/articles": {"get": {
            "operationId": "latestArticles",
            "summary": "Latest articles, newest first (by publication date, then arrival).",
            "parameters": [offset(crate::MAX_LIST_OFFSET), limit(crate::PAGE_SIZE, crate::MAX_LIMIT)],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/ArticlePage"}), "A page of articles."),
                "400": error}
        }},
        "/api/articles/{id}": {"get": {
            "operationId": "getArticle",
            "summary": "One article in the export shape.",
            "parameters": [id_param],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/Article"}), "The article."),
                "404": error}
        }},
        "/api/articles/{id}/related": {"get": {
            "operationId": "relatedArticles",
            "summary": "Articles most similar in content, near-identical copies excluded.",
            "parameters": [id_param, {"name": "k", "in": "query", "required": false,
                "schema": {"type": "integer", "minimum": 1, "maximum": crate::api::MAX_RELATED,
                    "default": crate::api::DEFAULT_RELATED}}, collapse.clone()],
            "responses": {"200": ok(json!({"type": "object", "required": ["id", "related"], "properties": {
                    "id": {"type": "string"},
                    "related": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}}),
                    "Related articles, most related first."),
                "400": error, "404": error}
        }},
        "/api/search": {"get": {
            "operationId": "search",
            "summary": "Ranked search; same shape as `mirsad search --json`. Give q or at least one filter.",
            "parameters": search_params(limit(crate::PAGE_SIZE, crate::MAX_LIMIT)),
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/SearchResults"}),
                    "Ranked hits. With collapse=story, total is exact when every hit was looked at, \
                     else the count before collapsing (an upper bound)."),
                "400": error}
        }},
        "/api/stories": {"get": {
            "operationId": "stories",
            "summary": "Stories (articles on the same event), most recently active first, or as sort says; filtered by size and days.",
            "parameters": [offset(crate::MAX_LIST_OFFSET), limit(crate::PAGE_SIZE, crate::MAX_LIMIT),
                {"name": "min_articles", "in": "query", "required": false,
                    "schema": {"type": "integer", "minimum": 1, "maximum": crate::api::MAX_MIN_ARTICLES, "default": 1},
                    "description": "Only stories with at least this many articles."},
                {"name": "max_articles", "in": "query", "required": false,
                    "schema": {"type": "integer", "minimum": 1, "maximum": crate::api::MAX_MIN_ARTICLES},
                    "description": "Only stories with at most this many articles."},
                day("from", "Only stories still told on or after this day (their latest article)."),
                day("to", "Only stories begun on or before this day (their first article)."),
                {"name": "sort", "in": "query", "required": false,
                    "schema": {"type": "string", "enum": ["newest", "largest", "oldest"], "default": "newest"},
                    "description": "newest: the day of the latest article, newest first, the largest first within a day; largest: most articles first; oldest: earliest first report first."}],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/StoryPage"}), "A page of stories."),
                "400": error}
        }},
        "/api/stories/{id}": {"get": {
            "operationId": "getStory",
            "summary": "One story with its timeline and copy groups.",
            "parameters": [story_id],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/Story"}), "The story."),
                "404": error}
        }},
        "/api/sources": {"get": {
            "operationId": "sources",
            "summary": "The sources `mirsad watch` follows, each with its endpoints (feeds, sitemaps, pages) and their polling state: last status, last error, failures in a row, last poll, last success and next poll (Unix seconds).",
            "responses": {"200": ok(json!({"type": "array", "items": {"type": "object"}}), "Every source, in the order added.")}
        }},
        "/api/articles/{id}/analysis": {"get": {
            "operationId": "articleAnalysis",
            "summary": "What the analysis stage found in one article: entity mentions, quotes, dated events.",
            "parameters": [id_param],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/ArticleAnalysis"}), "The analysis (empty lists when the article was stored without one)."),
                "404": error}
        }},
        "/api/entities": {"get": {
            "operationId": "entities",
            "summary": "Entities (one per real name across spellings), those in most articles first or by name; filtered by type and size.",
            "parameters": [offset(crate::MAX_LIST_OFFSET), limit(crate::PAGE_SIZE, crate::MAX_LIMIT),
                {"name": "type", "in": "query", "required": false,
                    "schema": {"type": "string", "enum": ["PER", "LOC", "ORG", "MISC"]},
                    "description": "Only entities of this type."},
                {"name": "min_articles", "in": "query", "required": false,
                    "schema": {"type": "integer", "minimum": 1, "maximum": crate::api::MAX_MIN_ARTICLES, "default": 1},
                    "description": "Only entities mentioned in at least this many articles."},
                {"name": "sort", "in": "query", "required": false,
                    "schema": {"type": "string", "enum": ["articles", "name"], "default": "articles"},
                    "description": "articles: most mentioned first; name: by name."},
                day("from", "Only articles published on or after this day count (the counts are then those of the days asked for)."),
                day("to", "Only articles published on or before this day count.")],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/EntityPage"}), "A page of entities."),
                "400": error}
        }},
        "/api/entities/{id}": {"get": {
            "operationId": "getEntity",
            "summary": "One entity: its variants, newest articles, stories, timeline of dated events (by event date) and quotes.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "Entity id."}],
            "responses": {"200": ok(json!({"$ref": "#/components/schemas/EntityRecord"}), "The entity."),
                "404": error}
        }},
        "/api/search/export": {"get": {
            "operationId": "exportSearch",
            "summary": "Download the ranked hits of a search (the parameters of /api/search; limit counts rows) as CSV or JSON lines.",
            "parameters": search_export,
            "responses": {"200": export_ok("The hits, best first."), "400": error}
        }},
        "/api/stories/{id}/export": {"get": {
            "operationId": "exportStory",
            "summary": "Download a story's articles, in timeline order (by publication date, undated last), as CSV or JSON lines.",
            "parameters": export_params(story_id.clone()),
            "responses": {"200": export_ok("The story's articles."), "400": error, "404": error}
        }},
        "/api/entities/{id}/export": {"get": {
            "operationId": "exportEntity",
            "summary": "Download the articles that mention an entity (any spelling), newest first, as CSV or JSON lines.",
            "parameters": export_params(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "Entity id."})),
            "responses": {"200": export_ok("The entity's articles."), "400": error, "404": error}
        }},
        "/api/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This description.",
            "responses": {"200": ok(json!({"type": "object"}), "OpenAPI 3 document.")}
        }}
    });
    if ingest {
        paths["/api/ingest"] = json!({"post": {
            "operationId": "ingest",
            "summary": "Adds articles: JSON lines of the export article shape, or raw text (one article page).",
            "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}}}},
            "responses": {"200": ok(json!({"type": "object", "properties": {
                    "new": {"type": "integer"}, "updated": {"type": "integer"},
                    "unchanged": {"type": "integer"}, "duplicates": {"type": "integer"},
                    "ids": {"type": "array", "items": {"type": "string"}}}}), "What the batch did."),
                "400": error, "401": error, "408": error,
                "413": {"description": format!("Body over {} bytes.", crate::INGEST_BODY_LIMIT)}}
        }});
    }
    let nullable_string = json!({"type": ["string", "null"]});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "mirsad", "version": env!("CARGO_PKG_VERSION"),
            "description": "Arabic news observatory: articles, search, related articles and stories of one collection."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Bad request, unknown article or story, or unauthorized.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "status"], "properties": {
                    "error": {"type": "string"}, "status": {"type": "integer"}}},
                "Published": {"type": ["object", "null"], "required": ["value", "precision", "basis"], "properties": {
                    "value": {"type": "string", "description": "ISO 8601 date or datetime."},
                    "precision": {"enum": ["year", "month", "day", "minute", "second"]},
                    "basis": {"enum": ["explicit", "inferred"]}}},
                "Article": {"type": "object",
                    "required": ["id", "document", "url", "segment", "title", "body", "published", "outlet",
                        "attribution", "keywords", "story", "duplicate_of"],
                    "properties": {
                        "id": {"type": "string"}, "document": {"type": "string"}, "url": nullable_string,
                        "segment": {"type": "integer", "minimum": 0}, "title": nullable_string,
                        "body": {"type": "string"}, "published": {"$ref": "#/components/schemas/Published"},
                        "outlet": nullable_string,
                        "attribution": {"type": "array", "items": {"type": "string"}},
                        "keywords": {"type": "array", "items": {"type": "string"}},
                        "story": nullable_string, "duplicate_of": nullable_string,
                        "author": {"type": "string"}, "language": {"type": "string"}}},
                "ArticlePage": {"type": "object", "required": ["total", "offset", "limit", "articles"], "properties": {
                    "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
                    "articles": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}}},
                "Hit": {"type": "object",
                    "required": ["id", "title", "published", "outlet", "story", "score", "snippet"],
                    "properties": {
                        "id": {"type": "string"}, "title": nullable_string,
                        "published": {"$ref": "#/components/schemas/Published"}, "outlet": nullable_string,
                        "story": nullable_string, "score": {"type": "number"},
                        "snippet": {"type": "string",
                            "description": "HTML-escaped text; matched words in <b>…</b>, no other markup."}}},
                "Story": {"type": "object",
                    "required": ["id", "title", "articles", "entities", "first_published", "last_published"],
                    "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"},
                        "articles": {"type": "array", "items": {"type": "string"}, "description": "Article ids, by date."},
                        "entities": {"type": "array", "items": {"type": "string"}},
                        "first_published": nullable_string, "last_published": nullable_string,
                        "outlets": {"type": "array", "items": {"type": "string"},
                            "description": "Outlets that covered it, in order of first article."},
                        "keywords": {"type": "array", "items": {"type": "string"}},
                        "timeline": {"type": "array", "items": {"type": "object",
                            "required": ["article", "published", "title", "outlet", "duplicate_of"],
                            "properties": {"article": {"type": "string"}, "published": nullable_string,
                                "title": nullable_string, "outlet": nullable_string,
                                "duplicate_of": nullable_string}}},
                        "copies": {"type": "array", "items": {"type": "object",
                            "required": ["original", "copies", "outlets"],
                            "properties": {"original": {"type": "string"},
                                "copies": {"type": "array", "items": {"type": "string"}},
                                "outlets": {"type": "array", "items": {"type": "string"},
                                    "description": "Outlets that carried the text, the original's first."}}}},
                        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                            "description": "Dated events its articles report, by event date."}}},
                "Quote": {"type": "object", "required": ["article", "speaker", "speaker_name", "text", "direct"],
                    "properties": {"article": {"type": "string"},
                        "speaker": {"type": ["string", "null"], "description": "Entity id of the speaker."},
                        "speaker_name": nullable_string, "text": {"type": "string"}, "direct": {"type": "boolean"}}},
                "Event": {"type": "object", "required": ["article", "date", "expression", "sentence", "entities"],
                    "properties": {"article": {"type": "string"},
                        "date": {"type": "object", "required": ["start", "end", "basis"], "properties": {
                            "start": {"type": "string"}, "end": nullable_string,
                            "basis": {"enum": ["explicit", "relative", "inferred"]}}},
                        "expression": {"type": "string"}, "sentence": {"type": "string"},
                        "entities": {"type": "array", "items": {"type": "string"}}}},
                "ArticleAnalysis": {"type": "object", "required": ["mentions", "quotes", "events"], "properties": {
                    "mentions": {"type": "array", "items": {"type": "object", "required": ["entity", "type", "text"],
                        "properties": {"entity": {"type": "string"}, "type": {"enum": ["PER", "LOC", "ORG", "MISC"]},
                            "text": {"type": "string"}}}},
                    "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}},
                    "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}}},
                "EntitySummary": {"type": "object", "required": ["id", "name", "type", "article_count"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "type": {"enum": ["PER", "LOC", "ORG", "MISC"]}, "article_count": {"type": "integer"}}},
                "EntityPage": {"type": "object", "required": ["total", "entities"], "properties": {
                    "total": {"type": "integer"},
                    "entities": {"type": "array", "items": {"$ref": "#/components/schemas/EntitySummary"}}}},
                "EntityRecord": {"type": "object",
                    "required": ["id", "name", "type", "variants", "articles", "article_count", "variant_counts", "stories", "timeline", "quotes"],
                    "properties": {
                        "id": {"type": "string"}, "name": {"type": "string"},
                        "type": {"enum": ["PER", "LOC", "ORG", "MISC"]},
                        "variants": {"type": "array", "items": {"type": "string"}},
                        "articles": {"type": "array", "items": {"type": "string"}, "description": "The newest article ids."},
                        "article_count": {"type": "integer"},
                        "variant_counts": {"type": "array", "items": {"type": "integer"}, "description": "Mentions of each spelling, in the order of variants."},
                        "stories": {"type": "array", "items": {"type": "object",
                            "required": ["id", "title", "size", "last_published", "mentions"],
                            "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                "size": {"type": "integer"}, "last_published": nullable_string,
                                "mentions": {"type": "integer"}}}},
                        "timeline": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                            "description": "Events whose sentence mentions it, by event date."},
                        "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/Quote"}}}},
                "StoryPage": {"type": "object", "required": ["total", "stories"], "properties": {
                    "total": {"type": "integer"},
                    "stories": {"type": "array", "items": {"$ref": "#/components/schemas/Story"}}}},
                "SearchResults": {"type": "object", "required": ["total", "hits"], "properties": {
                    "total": {"type": "integer"},
                    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                    "spellings": {"type": "array", "items": {"type": "string"},
                        "description": "Other spellings of the entity the query names that were searched too (absent when none)."}}}
            }
        }
    })
}
