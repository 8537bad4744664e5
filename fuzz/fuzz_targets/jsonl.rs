//! Bytes read as a file called `x.jsonl` (gzip included), then every document it yields processed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mirsad_ingest::read::{read_bytes, ReadOptions};

fuzz_target!(|data: &[u8]| {
    // A small document limit so the over-the-limit paths are reached too.
    let opts = ReadOptions { max_doc_bytes: 1 << 16, ..ReadOptions::default() };
    for doc in read_bytes("x.jsonl", data.to_vec(), &opts) {
        if let Ok(doc) = doc {
            let _ = mirsad_ingest::process(doc);
        }
    }
});
