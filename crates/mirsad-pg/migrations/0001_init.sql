-- mirsad on PostgreSQL, version 1: the work queue and the articles.

-- One row per unit of work. A worker claims ready rows with FOR UPDATE SKIP LOCKED and holds
-- them under a lease; a row whose lease ended is ready again (its worker died). (kind, key)
-- makes enqueueing idempotent: the same document queued twice is one job.
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    key text NOT NULL,
    payload jsonb NOT NULL,
    body bytea,
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done', 'dead')),
    attempts int NOT NULL DEFAULT 0,
    run_after timestamptz NOT NULL DEFAULT now(),
    leased_until timestamptz,
    worker text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, key)
);
CREATE INDEX jobs_ready ON jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (leased_until) WHERE state = 'leased';

-- Articles as the JSON export contract has them, with their per-article analysis, partitioned
-- by month of publication (yyyymm; 0 holds the undated). Monthly partitions are made by the
-- writer when a month first appears. `seq` orders the change feed.
CREATE TABLE articles (
    month int NOT NULL,
    id text NOT NULL,
    content_key bigint NOT NULL,
    hash bigint NOT NULL,
    published text,
    outlet text,
    doc jsonb NOT NULL,
    analysis jsonb,
    seq bigint NOT NULL,
    PRIMARY KEY (month, id)
) PARTITION BY RANGE (month);
CREATE TABLE articles_undated PARTITION OF articles FOR VALUES FROM (0) TO (1);
CREATE INDEX articles_seq ON articles (seq);

-- Where each article id lives (a primary key on a partitioned table must hold the partition
-- key, so the id alone is kept unique here), and which id first held each content.
CREATE TABLE article_keys (id text PRIMARY KEY, month int NOT NULL);
CREATE TABLE content_keys (content_key bigint PRIMARY KEY, id text NOT NULL);

CREATE SEQUENCE feed_seq;
