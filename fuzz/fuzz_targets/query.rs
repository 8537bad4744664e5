//! Search-box text: the bounded query parser and the tantivy query it builds. Must give a query
//! or a `QueryError`, never a panic or a stack overflow, whatever the nesting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tantivy::schema::{Schema, TEXT};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = mirsad_store::query::parse(&text) {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        let _ = parsed.to_query(&[(title, 2.0), (body, 1.0)]);
    }
});
