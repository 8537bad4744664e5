//! Live intake for mirsad: sources (feeds, sitemaps, sites) resolved to endpoints, polled in
//! polite rounds, and their new articles fed through the same pipeline as `mirsad ingest`.
//!
//! - [`urls`]: one spelling per page address, and the keys of what was seen.
//! - [`fetch`]: one bounded HTTP GET (timeouts, size caps, content types, private addresses).
//! - [`listing`]: what a feed, sitemap or page lists.
//! - [`sources`]: a source the operator adds, resolved to its endpoints.
//! - [`crawl`]: the round and its per-host scheduler (robots.txt, pace, back-off, restarts).
//! - [`warc`]: raw responses kept as WARC.

pub mod crawl;
pub mod fetch;
pub mod listing;
pub mod sources;
pub mod urls;
pub mod warc;

pub use crawl::{CrawlError, CrawlState, Crawler, Event, HostGate, NoGate, Settings, Summary};
