//! Bytes as a polled endpoint's body (feed, sitemap, sitemap index, HTML page, gzip of any),
//! and every URL a listing yields normalized again: the crawler's parsers of untrusted input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mirsad_watch::{listing, urls};

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://news.example.com/section/").expect("a valid base");
    let Ok(body) = listing::gunzip(data.to_vec(), 1 << 20) else { return };
    if let Ok(l) = listing::parse(&body, &base) {
        for item in l.items {
            let again = urls::normalize(&item.url);
            assert_eq!(again, item.url, "normalizing is idempotent");
        }
    }
});
