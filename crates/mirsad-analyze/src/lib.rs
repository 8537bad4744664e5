//! Analysis stages for mirsad. For now: the named-entity recognizer ([`ner`]).

pub mod ner;

pub use ner::{Mention, Tag, Tagger};
