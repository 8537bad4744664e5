//! The records mirsad produces, shaped exactly as the export contract in `DESIGN.md`.
//!
//! Every stage crate speaks these types, so they live in a crate of their own with no
//! dependencies beyond serde: the store, the web server and outside tools read the same
//! shapes. Field names and meanings are part of a public contract; add fields, never rename.

use serde::{Deserialize, Serialize};

mod date;
pub use date::{DateError, DateValue};

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Year,
    Month,
    Day,
    Minute,
    Second,
}

/// Where a publication date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The article itself states it (a date line, a meta tag of its own page, a feed item date).
    Explicit,
    /// Derived from context (crawl time, the page around an appended article, a URL).
    Inferred,
}

/// A publication date: `value` is ISO 8601 (`YYYY-MM-DD` for day precision,
/// `YYYY-MM-DDThh:mm[:ss][±hh:mm]` for finer ones). Reading one checks the value and that
/// `precision` claims no more than the value says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PublishedRecord")]
pub struct Published {
    pub value: DateValue,
    pub precision: Precision,
    pub basis: Basis,
}

#[derive(Deserialize)]
struct PublishedRecord {
    value: DateValue,
    precision: Precision,
    basis: Basis,
}

impl TryFrom<PublishedRecord> for Published {
    type Error = String;
    fn try_from(r: PublishedRecord) -> Result<Published, String> {
        if r.precision > r.value.precision() {
            return Err(format!("precision {:?} is finer than the value {:?} says", r.precision, r.value.as_str()));
        }
        Ok(Published { value: r.value, precision: r.precision, basis: r.basis })
    }
}

impl Published {
    /// A date whose precision is what its value says.
    pub fn new(value: DateValue, basis: Basis) -> Published {
        Published { precision: value.precision(), value, basis }
    }

    /// The calendar day of `value` (`YYYY-MM-DD`), when its precision is a day or finer.
    pub fn day(&self) -> Option<&str> {
        self.value.day().filter(|_| self.precision >= Precision::Day)
    }
}

/// One article cut out of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id: the same document and segment always give the same id.
    pub id: String,
    /// Path or URL the document came from; `path#N` for the N-th record of a multi-record
    /// file (JSONL line, feed item, WARC record), counted from 1.
    pub document: String,
    /// The article's own URL when known.
    pub url: Option<String>,
    /// 0 = the page's main article; 1, 2… = further articles cut from the same page.
    pub segment: u32,
    pub title: Option<String>,
    /// Clean text, paragraphs separated by a blank line.
    pub body: String,
    pub published: Option<Published>,
    /// The site that published the page.
    pub outlet: Option<String>,
    /// Named sources of the content, the original first.
    pub attribution: Vec<String>,
    /// Tags, in display form with Arabic letters.
    pub keywords: Vec<String>,
    /// Story id (filled by the story stage).
    pub story: Option<String>,
    /// Id of the earliest near-identical article (filled by the dedup stage).
    pub duplicate_of: Option<String>,
    /// Extra: author line when the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Extra: the language of the body as detected by script (`ar` or `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Extra: the section or category its source filed it under, as given (`sport`, «رياضة»).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl Article {
    /// An article with only an id, its document and a body; every other field empty. For
    /// callers that build articles from bare texts (evaluations, tests).
    pub fn new(id: impl Into<String>, document: impl Into<String>, body: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            document: document.into(),
            url: None,
            segment: 0,
            title: None,
            body: body.into(),
            published: None,
            outlet: None,
            attribution: Vec::new(),
            keywords: Vec::new(),
            story: None,
            duplicate_of: None,
            author: None,
            language: None,
            section: None,
        }
    }
}

/// A story: articles on the same event or development.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub articles: Vec<String>,
    pub entities: Vec<String>,
    pub first_published: Option<DateValue>,
    pub last_published: Option<DateValue>,
    /// Extra: outlets that covered it, in order of first article.
    #[serde(default)]
    pub outlets: Vec<String>,
    /// Extra: its heaviest terms, readable.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Extra: its articles by publication date (undated last).
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Extra: texts carried by more than one article of the story: who published first, who copied.
    #[serde(default)]
    pub copies: Vec<CopyGroup>,
    /// Extra: the dated events its articles report, ordered by event date (the same event
    /// told by several articles, as copies do, listed once).
    #[serde(default)]
    pub events: Vec<Event>,
}

impl Story {
    /// Fills `entities` (those its articles mention, most articles first) and `events` from the
    /// analyses of its articles.
    pub fn fill_from_analysis<'a>(&mut self, analyses: impl IntoIterator<Item = &'a ArticleAnalysis>) {
        let mut count: Vec<(&str, usize)> = Vec::new();
        let mut events: Vec<&Event> = Vec::new();
        for an in analyses {
            let mut seen: Vec<&str> = Vec::new();
            for m in &an.mentions {
                if seen.contains(&m.entity.as_str()) {
                    continue;
                }
                seen.push(&m.entity);
                match count.iter_mut().find(|c| c.0 == m.entity) {
                    Some(c) => c.1 += 1,
                    None => count.push((&m.entity, 1)),
                }
            }
            for e in &an.events {
                let told = events.iter().any(|o| o.date == e.date && o.sentence == e.sentence);
                if !told {
                    events.push(e);
                }
            }
        }
        // Stable: ties keep the order of first mention.
        count.sort_by_key(|c| std::cmp::Reverse(c.1));
        self.entities = count.into_iter().map(|c| c.0.to_string()).collect();
        events.sort_by(|a, b| a.date.start.cmp(&b.date.start));
        self.events = events.into_iter().cloned().collect();
    }
}

/// One article on a story's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub article: String,
    pub published: Option<DateValue>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub duplicate_of: Option<String>,
}

/// The same text under several articles: the earliest version and its copies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyGroup {
    pub original: String,
    pub copies: Vec<String>,
    /// Outlets that carried the text, the original's first.
    pub outlets: Vec<String>,
    /// The agency every article of the group credits first (their `attribution`), when they
    /// all credit one: then the articles are siblings, each outlet ran the agency's text, and
    /// none copied another; who published first is only a matter of time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntityType {
    PER,
    LOC,
    ORG,
    MISC,
}

impl EntityType {
    /// The name as serialized: `PER`, `LOC`, `ORG`, `MISC`.
    pub fn code(self) -> &'static str {
        match self {
            EntityType::PER => "PER",
            EntityType::LOC => "LOC",
            EntityType::ORG => "ORG",
            EntityType::MISC => "MISC",
        }
    }

    /// The type of a [`EntityType::code`]; `None` for anything else.
    pub fn from_code(s: &str) -> Option<EntityType> {
        [EntityType::PER, EntityType::LOC, EntityType::ORG, EntityType::MISC].into_iter().find(|t| t.code() == s)
    }
}

/// One real-world entity with every surface form seen for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub variants: Vec<String>,
    pub articles: Vec<String>,
}

/// One mention of an entity in an article, as the analysis stage linked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    pub entity: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// The words as written (display form).
    pub text: String,
}

/// What the analysis stage found in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleAnalysis {
    /// In order of appearance: title first, then body.
    pub mentions: Vec<EntityMention>,
    pub quotes: Vec<Quote>,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub article: String,
    pub speaker: Option<String>,
    pub speaker_name: Option<String>,
    pub text: String,
    pub direct: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventBasis {
    Explicit,
    Relative,
    Inferred,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDate {
    pub start: String,
    pub end: Option<String>,
    pub basis: EventBasis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub article: String,
    pub date: EventDate,
    pub expression: String,
    pub sentence: String,
    pub entities: Vec<String>,
}

/// The export object of `mirsad analyze --json` and `mirsad export`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub articles: Vec<Article>,
    pub stories: Vec<Story>,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub events: Vec<Event>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_serializes_with_contract_fields() {
        let a = Article {
            id: "a1".into(),
            document: "x.txt".into(),
            url: None,
            segment: 0,
            title: Some("t".into()),
            body: "b".into(),
            published: Some(Published {
                value: "2023-09-11".parse().unwrap(),
                precision: Precision::Day,
                basis: Basis::Explicit,
            }),
            outlet: None,
            attribution: vec!["رويترز".into()],
            keywords: vec![],
            story: None,
            duplicate_of: None,
            author: None,
            language: None,
            section: None,
        };
        let v = serde_json::to_value(&a).unwrap();
        for k in [
            "id",
            "document",
            "url",
            "segment",
            "title",
            "body",
            "published",
            "outlet",
            "attribution",
            "keywords",
            "story",
            "duplicate_of",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["published"]["precision"], "day");
        assert_eq!(v["published"]["basis"], "explicit");
        assert!(v.get("author").is_none());
    }

    #[test]
    fn export_has_all_sections() {
        let v = serde_json::to_value(Export::default()).unwrap();
        for k in ["articles", "stories", "entities", "quotes", "events"] {
            assert!(v[k].is_array());
        }
    }

    #[test]
    fn published_day() {
        let p = Published {
            value: "2023-09-11T10:00+03:00".parse().unwrap(),
            precision: Precision::Minute,
            basis: Basis::Explicit,
        };
        assert_eq!(p.day(), Some("2023-09-11"));
        let y = Published { value: "2023".parse().unwrap(), precision: Precision::Year, basis: Basis::Inferred };
        assert_eq!(y.day(), None);
    }
}
