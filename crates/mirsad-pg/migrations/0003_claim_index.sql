-- mirsad on PostgreSQL, version 3: claims find ready jobs without reading done ones.
-- Version 1's claim scanned the primary key from the oldest job, past every done job, so its
-- cost grew with the queue's history (quadratic over a large ingest). Claims now take queued
-- jobs in id order from this partial index, and expired leases from `jobs_leased`.
CREATE INDEX jobs_queued ON jobs (id) WHERE state = 'queued';
DROP INDEX jobs_ready;
