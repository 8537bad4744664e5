//! The analysis stage: what an article says beyond its text. Pure functions over
//! `mirsad_model::Article` and a [`Tagger`] the caller loads once ([`Tagger::load`] for the
//! embedded model, an error when that model is damaged); no I/O.
//!
//! - [`ner`]: named entities (PER/LOC/ORG/MISC), an averaged-perceptron BIO tagger;
//! - [`entities`]: mentions grouped into one entity across spellings within an article;
//! - [`resolve`]: those entities resolved across a collection (clitics, partial names,
//!   transliteration variants, one type per entity);
//! - [`timex`]: temporal expressions resolved against the publication date → dated events;
//! - [`quotes`]: direct and indirect speech with its speaker.

pub mod entities;
pub mod ner;
pub mod quotes;
pub mod resolve;
pub mod timex;

pub use ner::{Mention, ModelError, Tag, Tagger};

use mirsad_model::{Article, ArticleAnalysis, EntityMention};

/// Tags, links, and finds quotes and dated events in one article. A quote's `speaker` is the
/// person or organization its speaker words name ([`quotes::attribute`]); an event's
/// `entities` are those mentioned in its sentence.
pub fn analyze_article(tagger: &Tagger, a: &Article) -> ArticleAnalysis {
    let mut mentions = entities::article_mentions(tagger, a);
    let candidates: Vec<quotes::Candidate> = mentions
        .iter()
        .filter_map(|m| Some(quotes::Candidate { span: m.span?, kind: m.kind, entity: &m.entity }))
        .collect();
    // The gazetteer leaves out names whose key is a function word's; «علي» is the one common
    // given name among them, and written with «ي» (the preposition ends in «ى») it is the name.
    let name_word = |w: &str| tagger.is_person_name(w) || w == "علي";
    let (quotes, speakers) = quotes::attribute(&a.id, &a.body, quotes::find_in_body(&a.body), &candidates, &name_word);
    // Speakers the tagger missed become mentions too.
    mentions.extend(speakers.into_iter().map(|s| entities::Linked {
        entity: s.entity,
        text: s.text,
        kind: s.kind,
        span: None,
    }));
    let mut events = timex::events(a);
    for e in &mut events {
        for m in mentions.iter().filter(|m| m.span.is_some() && e.sentence.contains(m.text.as_str())) {
            if !e.entities.contains(&m.entity) {
                e.entities.push(m.entity.clone());
            }
        }
    }
    let mentions =
        mentions.into_iter().map(|m| EntityMention { entity: m.entity, kind: m.kind, text: m.text }).collect();
    ArticleAnalysis { mentions, quotes, events }
}

/// [`analyze_article`] over many articles in parallel; the result is in input order.
pub fn analyze_articles(tagger: &Tagger, articles: &[Article]) -> Vec<ArticleAnalysis> {
    use rayon::prelude::*;
    articles.par_iter().map(|a| analyze_article(tagger, a)).collect()
}

/// Everything the analysis stage says about a set of articles.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The entities mentioned, each once across spellings, in order of first mention.
    pub entities: Vec<mirsad_model::Entity>,
    /// Per article, in input order.
    pub articles: Vec<ArticleAnalysis>,
}

/// Analyzes every article, resolves their entities across the set and groups their mentions
/// into entities.
pub fn analyze_all(tagger: &Tagger, articles: &[Article]) -> Analysis {
    let mut per = analyze_articles(tagger, articles);
    let stats = resolve::stats_of(per.iter().map(|p| &p.mentions[..]));
    let resolution = {
        let ev = resolve::InMemory::new(
            articles
                .iter()
                .zip(&per)
                .map(|(a, p)| (a.id.as_str(), p.mentions.iter().map(|m| m.entity.as_str()).collect())),
        );
        resolve::resolve(&stats, &ev)
    };
    for p in &mut per {
        resolve::apply(&resolution, p);
    }
    let entities = entities::entities_named(
        articles.iter().zip(&per).map(|(a, p)| (a.id.as_str(), &p.mentions[..])),
        |entity, spelling| resolution.names(entity, spelling),
    );
    Analysis { entities, articles: per }
}
