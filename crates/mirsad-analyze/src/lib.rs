//! The analysis stage: what an article says beyond its text. Pure functions over
//! `mirsad_model::Article`; no I/O except loading the embedded tagger model.
//!
//! - [`ner`]: named entities (PER/LOC/ORG/MISC), an averaged-perceptron BIO tagger;
//! - [`entities`]: mentions grouped into one entity across spellings;
//! - [`timex`]: temporal expressions resolved against the publication date → dated events;
//! - [`quotes`]: direct and indirect speech with its speaker.

pub mod entities;
pub mod ner;
pub mod quotes;
pub mod timex;

pub use ner::{Mention, Tag, Tagger};

use mirsad_model::{Article, Event, Quote};

/// The quotes and dated events of an article.
pub fn analyze(a: &Article) -> (Vec<Quote>, Vec<Event>) {
    (quotes::quotes(a), timex::events(a))
}

/// Everything the analysis stage says about a set of articles.
#[derive(Debug, Default)]
pub struct Analysis {
    pub entities: Vec<mirsad_model::Entity>,
    pub quotes: Vec<Quote>,
    pub events: Vec<Event>,
    /// Per article (same order as the input): the ids of the entities it mentions.
    pub article_entities: Vec<Vec<String>>,
}

/// Tags, links, and finds quotes and dated events in every article (in parallel). A quote's
/// `speaker` is the person or organization mentioned in its speaker words; an event's
/// `entities` are those mentioned in its sentence.
pub fn analyze_all(articles: &[Article]) -> Analysis {
    use rayon::prelude::*;
    static TAGGER: std::sync::LazyLock<Tagger> = std::sync::LazyLock::new(Tagger::load);
    let per: Vec<(Vec<entities::Linked>, Vec<Quote>, Vec<Event>)> = articles
        .par_iter()
        .map(|a| {
            let mentions = entities::article_mentions(&TAGGER, a);
            let (mut quotes, mut events) = analyze(a);
            for q in &mut quotes {
                let name = q.speaker_name.as_deref().unwrap_or("");
                q.speaker = mentions
                    .iter()
                    .filter(|m| matches!(m.kind, mirsad_model::EntityType::PER | mirsad_model::EntityType::ORG))
                    .filter(|m| !name.is_empty() && name.contains(m.text.as_str()))
                    .max_by_key(|m| m.text.len())
                    .map(|m| m.entity.clone());
            }
            for e in &mut events {
                for m in mentions.iter().filter(|m| m.span.is_some() && e.sentence.contains(m.text.as_str())) {
                    if !e.entities.contains(&m.entity) {
                        e.entities.push(m.entity.clone());
                    }
                }
            }
            (mentions, quotes, events)
        })
        .collect();
    let entities = entities::entities(articles.iter().zip(&per).map(|(a, p)| (a.id.as_str(), &p.0[..])));
    let mut out = Analysis { entities, ..Analysis::default() };
    for (mentions, quotes, events) in per {
        let mut ids: Vec<String> = Vec::new();
        for m in mentions {
            if !ids.contains(&m.entity) {
                ids.push(m.entity);
            }
        }
        out.article_entities.push(ids);
        out.quotes.extend(quotes);
        out.events.extend(events);
    }
    out
}
