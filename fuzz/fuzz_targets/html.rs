//! HTML bytes (any encoding, any junk) through extraction and segmentation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mirsad_ingest::{Document, Hints, Payload};

fuzz_target!(|data: &[u8]| {
    // The first byte chooses whether the container gave a URL, so URL-based paths run too.
    let url = match data.first() {
        Some(b) if b & 1 == 1 => Some("https://example.com/2024/03/05/news-item".to_string()),
        _ => None,
    };
    let doc = Document { source: "x.html".into(), url, payload: Payload::Html(data.to_vec()), hints: Hints::default() };
    let _ = mirsad_ingest::process(doc);
});
