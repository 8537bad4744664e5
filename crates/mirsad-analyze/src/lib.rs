//! The analysis stage: what an article says beyond its text. Pure functions over
//! `mirsad_model::Article`; no I/O except loading the embedded tagger model.
//!
//! - [`ner`]: named entities (PER/LOC/ORG/MISC), an averaged-perceptron BIO tagger;
//! - [`timex`]: temporal expressions resolved against the publication date → dated events;
//! - [`quotes`]: direct and indirect speech with its speaker.

pub mod ner;
pub mod quotes;
pub mod timex;

pub use ner::{Mention, Tag, Tagger};

use mirsad_model::{Article, Event, Quote};

/// The quotes and dated events of an article.
pub fn analyze(a: &Article) -> (Vec<Quote>, Vec<Event>) {
    (quotes::quotes(a), timex::events(a))
}
