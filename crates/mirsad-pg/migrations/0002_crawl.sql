-- mirsad on PostgreSQL, version 2: the crawl state of `watch`, shared by every worker.
-- The same tables as the embedded store's (mirsad-store's crawl.rs), with each endpoint's and
-- each retry's host, since a crawl job covers the endpoints of one host.

CREATE TABLE crawl_sources (url text PRIMARY KEY, added bigint NOT NULL);
CREATE TABLE crawl_endpoints (
    url text PRIMARY KEY,
    source text NOT NULL REFERENCES crawl_sources (url) ON DELETE CASCADE,
    host text NOT NULL,
    kind text NOT NULL,
    etag text,
    last_modified text,
    body_hash bigint,
    interval_secs bigint NOT NULL,
    next_poll bigint NOT NULL,
    failures bigint NOT NULL DEFAULT 0,
    last_status bigint,
    last_error text,
    last_poll bigint,
    last_success bigint,
    items bigint NOT NULL DEFAULT 0
);
CREATE INDEX crawl_endpoints_due ON crawl_endpoints (next_poll, host);
-- Keys of items stored or settled (hashes of URLs, canonical URLs, feed GUIDs).
CREATE TABLE crawl_seen (key bigint PRIMARY KEY);
-- Article pages to fetch again (a fetch that may pass later, or work left for a later round).
CREATE TABLE crawl_retry (key bigint PRIMARY KEY, url text NOT NULL, host text NOT NULL, attempts bigint NOT NULL);
CREATE INDEX crawl_retry_host ON crawl_retry (host);
-- Per host: a Retry-After pause (Unix seconds), and the earliest time (Unix ms) the next
-- request may start, handed from one crawler to the next with the host's advisory lock.
CREATE TABLE crawl_hosts (
    host text PRIMARY KEY,
    paused_until bigint NOT NULL DEFAULT 0,
    next_request_ms bigint NOT NULL DEFAULT 0
);
