//! Text-scrape bytes: decoding (invalid UTF-8 included), then both the scrape and the clean-body
//! paths of segmentation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mirsad_ingest::{encoding, Document, Hints, Payload};

fuzz_target!(|data: &[u8]| {
    let text = encoding::decode_text(data);
    for clean_body in [false, true] {
        let doc = Document {
            source: "x.txt".into(),
            url: None,
            payload: Payload::Text(text.clone()),
            hints: Hints { clean_body, ..Hints::default() },
        };
        let _ = mirsad_ingest::process(doc);
    }
});
